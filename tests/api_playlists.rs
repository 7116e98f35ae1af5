//! `/api/playlist/...`: create, list, detail, rename, reorder, items, delete and route order.

mod common;

use axum::http::StatusCode;
use serde_json::{json, Value};

use app::model::{Role, TrackId};
use common::{Session, TestServer};

/// A signed-in user with three tracks in their library.
async fn setup() -> (TestServer, Session, Vec<TrackId>) {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let mut tracks = Vec::new();
    for name in ["one", "two", "three"] {
        let bytes = name.repeat(100).into_bytes();
        tracks.push(server.add_track(session.account.id, &format!("a/{name}.mp3"), &bytes).await);
    }
    (server, session, tracks)
}

async fn detail(server: &TestServer, session: &Session, id: i64) -> Value {
    let response = server.get(&format!("/api/playlist/{id}/")).token(session).send().await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

fn item_tracks(detail: &Value) -> Vec<i64> {
    detail["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["track"]["id"].as_i64().unwrap())
        .collect()
}

fn item_ids(detail: &Value) -> Vec<i64> {
    detail["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["item_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn create_answers_201_and_list_wraps_data_and_total() {
    let (server, session, _) = setup().await;
    let created = server
        .post("/api/playlist/")
        .token(&session)
        .json(&json!({ "title": "  Road trip ", "description": "long drives" }))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.json()["title"], "Road trip");
    assert_eq!(created.json()["version"], 1);
    assert_eq!(created.json()["item_count"], 0);
    server.playlist(&session, "Another", &[]).await;

    let list = server.get("/api/playlist/").token(&session).send().await;
    assert_eq!(list.status, StatusCode::OK);
    let body = list.json();
    assert_eq!(body["total"], 2);
    let titles: Vec<&str> =
        body["data"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Another", "Road trip"]);
}

#[tokio::test]
async fn detail_lists_items_in_the_order_they_were_added() {
    let (server, session, tracks) = setup().await;
    let id = server.playlist(&session, "Mix", &[tracks[2], tracks[0], tracks[1]]).await;
    let body = detail(&server, &session, id).await;
    assert_eq!(item_tracks(&body), [tracks[2].0, tracks[0].0, tracks[1].0]);
    let positions: Vec<i64> =
        body["items"].as_array().unwrap().iter().map(|i| i["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, [0, 1, 2]);
    assert_eq!(body["item_count"], 3);
    assert_eq!(body["items"][0]["track"]["title"], "three");
}

#[tokio::test]
async fn patch_title_renames_and_bumps_version() {
    let (server, session, _) = setup().await;
    let id = server.playlist(&session, "Old name", &[]).await;
    let response = server
        .patch(&format!("/api/playlist/{id}/"))
        .token(&session)
        .json(&json!({ "title": "New name" }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.json()["title"], "New name");
    assert_eq!(response.json()["version"], 2);
    assert_eq!(detail(&server, &session, id).await["title"], "New name");
}

#[tokio::test]
async fn patch_order_reorders_items() {
    let (server, session, tracks) = setup().await;
    let id = server.playlist(&session, "Mix", &tracks).await;
    let before = detail(&server, &session, id).await;
    let mut order = item_ids(&before);
    order.reverse();

    let response = server
        .patch(&format!("/api/playlist/{id}/"))
        .token(&session)
        .json(&json!({ "order": order }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let after = detail(&server, &session, id).await;
    assert_eq!(item_ids(&after), order);
    assert_eq!(item_tracks(&after), [tracks[2].0, tracks[1].0, tracks[0].0]);
    assert!(after["version"].as_i64() > before["version"].as_i64());
}

#[tokio::test]
async fn patch_with_bad_order_is_rejected_and_changes_nothing() {
    let (server, session, tracks) = setup().await;
    let id = server.playlist(&session, "Mix", &tracks).await;
    let before = detail(&server, &session, id).await;
    let ids = item_ids(&before);

    let bad_orders = [
        json!([ids[0], ids[1]]),
        json!([ids[0], ids[0], ids[1]]),
        json!([ids[0], ids[1], ids[2], 9999]),
        json!([ids[2], ids[1], 9999]),
    ];
    for order in bad_orders {
        let response = server
            .patch(&format!("/api/playlist/{id}/"))
            .token(&session)
            .json(&json!({ "title": "Renamed too", "order": order }))
            .send()
            .await;
        response.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    }
    let after = detail(&server, &session, id).await;
    assert_eq!(after, before, "a rejected PATCH must change nothing");
}

#[tokio::test]
async fn items_are_added_and_removed_by_track_id() {
    let (server, session, tracks) = setup().await;
    let id = server.playlist(&session, "Mix", &[]).await;
    let items = format!("/api/playlist/{id}/items/");

    for track in &tracks {
        let added = server.post(&items).token(&session).json(&json!({ "track_id": track })).send();
        assert_eq!(added.await.status, StatusCode::CREATED);
    }
    let removed =
        server.delete(&items).token(&session).json(&json!({ "track_id": tracks[1] })).send().await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text());
    assert_eq!(item_tracks(&removed.json()), [tracks[0].0, tracks[2].0]);
    let positions: Vec<i64> = removed.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [0, 1]);

    let again =
        server.delete(&items).token(&session).json(&json!({ "track_id": tracks[1] })).send();
    again.await.assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn adding_a_track_outside_the_library_is_bad_request() {
    let (server, session, _) = setup().await;
    let bob = server.user("bob", Role::User).await;
    let bobs = server.add_track(bob.id, "b/bobs.mp3", b"bob's bytes").await;
    let id = server.playlist(&session, "Mix", &[]).await;

    for track in [bobs.0, 424242] {
        let response = server
            .post(&format!("/api/playlist/{id}/items/"))
            .token(&session)
            .json(&json!({ "track_id": track }))
            .send()
            .await;
        response.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    }
    assert_eq!(server.count("playlist_items").await, 0);
    assert_eq!(detail(&server, &session, id).await["version"], 1);
}

#[tokio::test]
async fn deleting_a_playlist_keeps_tracks_and_files() {
    let (server, session, tracks) = setup().await;
    let id = server.playlist(&session, "Mix", &tracks).await;

    let response = server.delete(&format!("/api/playlist/{id}/")).token(&session).send().await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    assert!(response.body.is_empty());

    let gone = server.get(&format!("/api/playlist/{id}/")).token(&session).send().await;
    gone.assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(server.count("playlist_items").await, 0);
    assert_eq!(server.count("tracks").await, 3);
    assert_eq!(server.count("library_entries").await, 3);
    for name in ["one", "two", "three"] {
        assert!(server.media_path(&format!("a/{name}.mp3")).exists(), "{name} was deleted");
    }
    let library = server.get("/api/audio/").token(&session).send().await;
    assert_eq!(library.json()["total"], 3);
}

#[tokio::test]
async fn version_increases_on_every_change() {
    let (server, session, tracks) = setup().await;
    let id = server.playlist(&session, "Mix", &[]).await;
    let url = format!("/api/playlist/{id}/");
    let items = format!("/api/playlist/{id}/items/");
    let mut last = detail(&server, &session, id).await["version"].as_i64().unwrap();

    let changes = [
        server.post(&items).token(&session).json(&json!({ "track_id": tracks[0] })),
        server.post(&items).token(&session).json(&json!({ "track_id": tracks[1] })),
        server.patch(&url).token(&session).json(&json!({ "title": "Renamed" })),
        server.patch(&url).token(&session).json(&json!({ "description": "notes" })),
        server.delete(&items).token(&session).json(&json!({ "track_id": tracks[0] })),
    ];
    for change in changes {
        let response = change.send().await;
        assert!(response.status.is_success(), "{}", response.text());
        let now = detail(&server, &session, id).await["version"].as_i64().unwrap();
        assert!(now > last, "version stayed at {last}");
        last = now;
    }
}

#[tokio::test]
async fn invalid_json_is_a_json_bad_request() {
    let (server, session, _) = setup().await;
    let broken =
        server.post("/api/playlist/").token(&session).body("application/json", "{\"title\": ");
    broken.send().await.assert_error(StatusCode::BAD_REQUEST, "bad_request");

    let wrong_type = server.post("/api/playlist/").token(&session).json(&json!({ "title": 5 }));
    wrong_type.send().await.assert_error(StatusCode::BAD_REQUEST, "bad_request");

    let no_content_type = server.post("/api/playlist/").token(&session).body("text/plain", "{}");
    no_content_type.send().await.assert_error(StatusCode::BAD_REQUEST, "bad_request");

    let empty_title = server.post("/api/playlist/").token(&session).json(&json!({ "title": " " }));
    empty_title.send().await.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(server.count("playlists").await, 0);
}

#[tokio::test]
async fn reserved_words_are_never_taken_as_playlist_ids() {
    let (server, session, _) = setup().await;
    server.playlist(&session, "Mix", &[]).await;
    let paths = [
        "/api/playlist/downloads/",
        "/api/playlist/downloads",
        "/api/playlist/active/",
        "/api/playlist/completed/",
        "/api/playlist/downloads/active/",
        "/api/playlist/downloads/completed/",
        "/api/v1/playlist/downloads/",
    ];
    for path in paths {
        let response = server.get(path).token(&session).send().await;
        assert!(
            response.status == StatusCode::NOT_FOUND || response.status == StatusCode::OK,
            "{path}: {} {}",
            response.status,
            response.text()
        );
        // Whatever answers there, it is never a playlist.
        assert!(response.json().get("items").is_none(), "{path} answered a playlist");
    }
    for path in ["/api/playlist/downloads/", "/api/playlist/active/"] {
        let patched = server.patch(path).token(&session).json(&json!({ "title": "x" })).send();
        let patched = patched.await;
        assert!(
            matches!(patched.status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED),
            "{path}: {}",
            patched.status
        );
        let deleted = server.delete(path).token(&session).send().await;
        assert!(
            matches!(deleted.status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED),
            "{path}: {}",
            deleted.status
        );
    }
    // `downloads` has routes of its own now; `items` below it is nothing at all.
    let items = server.get("/api/playlist/downloads/items/").token(&session).send().await;
    assert_eq!(items.status, StatusCode::NOT_FOUND);
    assert_eq!(items.json()["error"], "not_found");
    assert_eq!(server.count("playlists").await, 1);
}
