//! Users A and B on one server: B never sees or changes A's playlists and tracks, on any route.

mod common;

use axum::http::StatusCode;
use serde_json::json;

use app::model::{Role, TrackId};
use common::{Session, TestServer};

struct World {
    server: TestServer,
    a: Session,
    b: Session,
    a_track: TrackId,
    b_track: TrackId,
    a_playlist: i64,
    b_playlist: i64,
}

/// A and B each own a track and a playlist holding it.
async fn world() -> World {
    let server = TestServer::start().await;
    let a = server.signed_in("alice", Role::User).await;
    let b = server.signed_in("bob", Role::User).await;
    let a_track = server.add_track(a.account.id, "a/secret.mp3", &common::pattern(500)).await;
    let b_track = server.add_track(b.account.id, "b/public.mp3", &common::pattern(300)).await;
    let a_playlist = server.playlist(&a, "Alice private", &[a_track]).await;
    let b_playlist = server.playlist(&b, "Bob mix", &[b_track]).await;
    World { server, a, b, a_track, b_track, a_playlist, b_playlist }
}

/// Every row B could touch, so a rejected write can be shown to change nothing.
async fn snapshot(server: &TestServer) -> Vec<(i64, String, i64, i64, i64)> {
    sqlx::query_as(
        "SELECT p.id, p.title, p.version, COUNT(i.id), COALESCE(SUM(i.track_id * 1000 + i.position), 0)
         FROM playlists p LEFT JOIN playlist_items i ON i.playlist_id = p.id
         GROUP BY p.id ORDER BY p.id",
    )
    .fetch_all(&server.pool)
    .await
    .expect("snapshot")
}

#[tokio::test]
async fn other_users_playlist_is_not_found_on_every_route() {
    let w = world().await;
    let s = &w.server;
    let before = snapshot(s).await;
    let one = format!("/api/playlist/{}/", w.a_playlist);
    let items = format!("/api/playlist/{}/items/", w.a_playlist);

    for session in [&w.b] {
        let calls = [
            s.get(&one).token(session),
            s.get(&one).cookie(session),
            s.get(&format!("/api/v1/playlist/{}/", w.a_playlist)).token(session),
            s.patch(&one).token(session).json(&json!({ "title": "pwned" })),
            s.patch(&one).cookie(session).json(&json!({ "title": "pwned" })),
            s.patch(&one).token(session).json(&json!({ "order": [] })),
            s.delete(&one).token(session),
            s.delete(&one).cookie(session),
            s.post(&items).token(session).json(&json!({ "track_id": w.b_track })),
            s.post(&items).token(session).json(&json!({ "track_id": w.a_track })),
            s.delete(&items).token(session).json(&json!({ "track_id": w.a_track })),
        ];
        for call in calls {
            let response = call.send().await;
            response.assert_error(StatusCode::NOT_FOUND, "not_found");
            assert!(!response.text().contains("Alice private"));
        }
    }
    assert_eq!(snapshot(s).await, before, "B's rejected writes changed a row");
}

#[tokio::test]
async fn other_users_track_is_not_found_on_every_route() {
    let w = world().await;
    let s = &w.server;
    for path in ["/api/audio/{}/", "/api/audio/{}", "/api/audio/{}/stream", "/api/audio/{}/artwork"]
    {
        let path = path.replace("{}", &w.a_track.to_string());
        let response = s.get(&path).token(&w.b).send().await;
        response.assert_error(StatusCode::NOT_FOUND, "not_found");
        assert!(!response.text().contains("secret"), "{path}");
        let with_range = s.get(&path).cookie(&w.b).header("range", "bytes=0-1").send().await;
        with_range.assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    // The owner does get the bytes, so the 404 above is about ownership.
    let own = s.get(&format!("/api/audio/{}/stream", w.a_track)).token(&w.a).send().await;
    assert_eq!(own.status, StatusCode::OK);
}

#[tokio::test]
async fn lists_show_only_the_callers_own_items() {
    let w = world().await;
    let s = &w.server;

    let audio = s.get("/api/audio/").token(&w.b).send().await.json();
    assert_eq!(audio["total"], 1);
    let ids: Vec<i64> =
        audio["data"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [w.b_track.0]);

    let searched = s.get("/api/audio/?q=secret").token(&w.b).send().await.json();
    assert_eq!(searched["total"], 0, "search must not reach into A's library");

    let playlists = s.get("/api/playlist/").token(&w.b).send().await.json();
    assert_eq!(playlists["total"], 1);
    assert_eq!(playlists["data"][0]["id"], w.b_playlist);
    assert!(!playlists.to_string().contains("Alice private"));
}

#[tokio::test]
async fn other_users_track_cannot_be_added_to_own_playlist() {
    let w = world().await;
    let s = &w.server;
    let before = snapshot(s).await;
    let response = s
        .post(&format!("/api/playlist/{}/items/", w.b_playlist))
        .token(&w.b)
        .json(&json!({ "track_id": w.a_track }))
        .send()
        .await;
    response.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(snapshot(s).await, before);
}

#[tokio::test]
async fn admin_reads_any_playlist_by_id_but_lists_only_own() {
    let w = world().await;
    let s = &w.server;
    let admin = s.user("root", Role::Admin).await;
    let admin = s.sign_in(&admin).await;
    s.playlist(&admin, "Admin picks", &[]).await;

    let a_detail = s.get(&format!("/api/playlist/{}/", w.a_playlist)).token(&admin).send().await;
    assert_eq!(a_detail.status, StatusCode::OK);
    assert_eq!(a_detail.json()["title"], "Alice private");
    assert_eq!(a_detail.json()["items"][0]["track"]["id"], w.a_track.0);

    let list = s.get("/api/playlist/").token(&admin).send().await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["data"][0]["title"], "Admin picks");
}

#[tokio::test]
async fn server_function_get_playlist_refuses_other_users_id() {
    let w = world().await;
    let s = &w.server;
    let call = |session: &Session, id: i64| {
        s.post("/sfn/get_playlist").cookie(session).form(&format!("id={id}")).send()
    };

    let stolen = call(&w.b, w.a_playlist).await;
    assert!(!stolen.status.is_success(), "B read A's playlist: {}", stolen.text());
    assert!(!stolen.text().contains("Alice private"), "{}", stolen.text());
    assert!(!stolen.text().contains("secret"), "{}", stolen.text());
    assert!(stolen.text().contains("NotFound"), "{}", stolen.text());

    let own = call(&w.a, w.a_playlist).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text());
    assert_eq!(own.json()["title"], "Alice private");

    let anonymous = s.post("/sfn/get_playlist").form(&format!("id={}", w.a_playlist)).send().await;
    assert!(!anonymous.status.is_success());
    assert!(!anonymous.text().contains("Alice private"));
}

#[tokio::test]
async fn server_function_writes_refuse_other_users_playlist() {
    let w = world().await;
    let s = &w.server;
    let before = snapshot(s).await;
    let forms = [
        ("/sfn/rename_playlist", format!("id={}&title=pwned", w.a_playlist)),
        ("/sfn/delete_playlist", format!("id={}", w.a_playlist)),
        ("/sfn/add_to_playlist", format!("id={}&track={}", w.a_playlist, w.b_track)),
        ("/sfn/add_to_playlist", format!("id={}&track={}", w.b_playlist, w.a_track)),
    ];
    for (path, form) in forms {
        let response = s.post(path).cookie(&w.b).form(&form).send().await;
        assert!(!response.status.is_success(), "{path} {form}: {}", response.text());
    }
    assert_eq!(snapshot(s).await, before, "B's rejected server-function writes changed a row");
}
