//! Playlist edits carry the version they were based on. An edit made against an older copy
//! (another tab, another device, an offline copy) answers 409 and changes nothing, over REST
//! and over the server functions the playlist page posts to.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use app::model::Role;
use common::{Session, TestServer};

/// A signed-in owner with a three-track playlist.
struct World {
    server: TestServer,
    alice: Session,
    playlist: i64,
}

async fn world() -> World {
    let server = TestServer::start().await;
    let alice = server.signed_in("alice", Role::User).await;
    let mut tracks = Vec::new();
    for name in ["one", "two", "three"] {
        let path = format!("a/{name}.mp3");
        tracks.push(server.add_track(alice.account.id, &path, name.as_bytes()).await);
    }
    let playlist = server.playlist(&alice, "Trip", &tracks).await;
    World { server, alice, playlist }
}

impl World {
    async fn detail(&self) -> Value {
        let path = format!("/api/playlist/{}/", self.playlist);
        self.server.get(&path).token(&self.alice).send().await.json()
    }

    async fn version(&self) -> i64 {
        self.detail().await["version"].as_i64().expect("version")
    }

    async fn item_ids(&self) -> Vec<i64> {
        let detail = self.detail().await;
        let items = detail["items"].as_array().expect("items").iter();
        items.map(|i| i["item_id"].as_i64().expect("item id")).collect()
    }

    /// A REST call with alice's API token and a JSON body.
    async fn rest(&self, method: Method, path: &str, body: Value) -> common::TestResponse {
        self.server.call(method, path).token(&self.alice).json(&body).send().await
    }

    /// Posts a form to a server function the way the page does, with the session cookie.
    async fn call(&self, function: &str, form: &str) -> common::TestResponse {
        let path = format!("/sfn/{function}");
        self.server.post(&path).cookie(&self.alice).form(form).send().await
    }
}

#[tokio::test]
async fn rest_patch_on_a_stale_version_answers_409_and_keeps_the_newer_edit() {
    let w = world().await;
    let version = w.version().await;
    let path = format!("/api/playlist/{}/", w.playlist);

    let fresh = w
        .rest(Method::PATCH, &path, json!({ "title": "Trip 2", "expected_version": version }))
        .await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text());
    assert_eq!(fresh.json()["version"], version + 1);

    // A second edit still based on the old copy must not overwrite the first.
    let stale = w
        .rest(Method::PATCH, &path, json!({ "title": "Trip 3", "expected_version": version }))
        .await;
    stale.assert_error(StatusCode::CONFLICT, "conflict");
    let now = w.detail().await;
    assert_eq!(now["title"], "Trip 2");
    assert_eq!(now["version"], version + 1);
}

#[tokio::test]
async fn rest_patch_of_title_and_order_is_one_version_and_all_or_nothing() {
    let w = world().await;
    let version = w.version().await;
    let mut order = w.item_ids().await;
    order.reverse();
    let path = format!("/api/playlist/{}/", w.playlist);

    // A good title with an order that misses an item: refused whole, the title stays.
    let partial = &order[..2];
    let refused =
        w.rest(Method::PATCH, &path, json!({ "title": "Renamed", "order": partial })).await;
    refused.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    let unchanged = w.detail().await;
    assert_eq!(unchanged["title"], "Trip");
    assert_eq!(unchanged["version"], version);

    let both = w
        .rest(
            Method::PATCH,
            &path,
            json!({ "title": "Renamed", "order": order, "expected_version": version }),
        )
        .await;
    assert_eq!(both.status, StatusCode::OK, "{}", both.text());
    assert_eq!(both.json()["version"], version + 1, "one edit, one new version");
    assert_eq!(both.json()["title"], "Renamed");
    assert_eq!(w.item_ids().await, order);
}

#[tokio::test]
async fn rest_item_changes_check_the_version_when_given() {
    let w = world().await;
    let version = w.version().await;
    let items = format!("/api/playlist/{}/items/", w.playlist);
    let first_track = w.detail().await["items"][0]["track"]["id"].clone();
    w.rest(
        Method::PATCH,
        &format!("/api/playlist/{}/", w.playlist),
        json!({ "title": "Moved on" }),
    )
    .await;

    let stale_add = w
        .rest(Method::POST, &items, json!({ "track_id": first_track, "expected_version": version }))
        .await;
    stale_add.assert_error(StatusCode::CONFLICT, "conflict");
    let stale_remove = w
        .rest(
            Method::DELETE,
            &items,
            json!({ "track_id": first_track, "expected_version": version }),
        )
        .await;
    stale_remove.assert_error(StatusCode::CONFLICT, "conflict");
    assert_eq!(w.item_ids().await.len(), 3, "a refused item change removed or added a row");

    // Without a version, an append applies to whatever is current.
    let added = w.rest(Method::POST, &items, json!({ "track_id": first_track })).await;
    assert_eq!(added.status, StatusCode::CREATED);
    assert_eq!(w.item_ids().await.len(), 4);
}

#[tokio::test]
async fn page_rename_with_a_stale_version_answers_409_and_changes_nothing() {
    let w = world().await;
    let version = w.version().await;
    let id = w.playlist;

    let form = format!("id={id}&title=Road&expected_version={version}");
    let renamed = w.call("rename_playlist", &form).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
    assert_eq!(renamed.json()["title"], "Road");
    assert_eq!(renamed.json()["version"], version + 1);

    // The same page, still showing the old version, renames again: refused.
    let form = format!("id={id}&title=Lost&expected_version={version}");
    let stale = w.call("rename_playlist", &form).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
    assert!(stale.text().contains("Conflict"), "{}", stale.text());
    let now = w.detail().await;
    assert_eq!(now["title"], "Road");
    assert_eq!(now["version"], version + 1);
}

#[tokio::test]
async fn page_remove_and_move_with_a_stale_version_change_no_row() {
    let w = world().await;
    let id = w.playlist;
    let stale_version = w.version().await;
    let order = w.item_ids().await;
    // Another device renames the playlist: the page's copy is now one version behind.
    let elsewhere = w.call("rename_playlist", &format!("id={id}&title=Elsewhere")).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.text());

    let remove_form = format!("id={id}&item={}&expected_version={stale_version}", order[0]);
    let removed = w.call("remove_from_playlist", &remove_form).await;
    assert_eq!(removed.status, StatusCode::CONFLICT, "{}", removed.text());
    let move_form = format!("id={id}&item={}&to=2&expected_version={stale_version}", order[0]);
    let moved = w.call("move_playlist_item", &move_form).await;
    assert_eq!(moved.status, StatusCode::CONFLICT, "{}", moved.text());
    assert_eq!(w.item_ids().await, order, "a refused edit changed the playlist");

    // Based on the current version, the same move goes through.
    let current = w.version().await;
    let move_form = format!("id={id}&item={}&to=2&expected_version={current}", order[0]);
    let moved = w.call("move_playlist_item", &move_form).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
    assert_eq!(w.item_ids().await, vec![order[1], order[2], order[0]]);
    assert_eq!(w.version().await, current + 1);
}

#[tokio::test]
async fn a_deleted_playlists_id_is_never_given_to_a_new_one_even_after_a_restart() {
    let w = world().await;
    let version = w.version().await;
    let old = w.playlist;
    let deleted = w.server.delete(&format!("/api/playlist/{old}/")).token(&w.alice).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);

    // SQLite alone would hand the newest id out again; an old page's edit would land on it.
    let newer = w.server.playlist(&w.alice, "Brand new", &[]).await;
    assert!(newer > old, "id {old} was given out again");
    let stale = w
        .rest(
            Method::PATCH,
            &format!("/api/playlist/{old}/"),
            json!({ "title": "meant for the old one", "expected_version": version }),
        )
        .await;
    stale.assert_error(StatusCode::NOT_FOUND, "not_found");

    let deleted = w.server.delete(&format!("/api/playlist/{newer}/")).token(&w.alice).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let alice = w.alice.clone();
    let server = TestServer::start_in(w.server.stop().await).await;
    let after_restart = server.playlist(&server.sign_in(&alice.account).await, "Later", &[]).await;
    assert!(after_restart > newer, "id {newer} was given out again after a restart");
}

#[tokio::test]
async fn an_edit_that_changes_nothing_keeps_the_version() {
    let w = world().await;
    let id = w.playlist;
    let version = w.version().await;
    let order = w.item_ids().await;
    let path = format!("/api/playlist/{id}/");

    let same = json!({ "title": "Trip", "order": order, "expected_version": version });
    let unchanged = w.rest(Method::PATCH, &path, same).await;
    assert_eq!(unchanged.status, StatusCode::OK, "{}", unchanged.text());
    assert_eq!(unchanged.json()["version"], version);
    let form = format!("id={id}&item={}&to=0&expected_version={version}", order[0]);
    let in_place = w.call("move_playlist_item", &form).await;
    assert_eq!(in_place.status, StatusCode::OK, "{}", in_place.text());
    assert_eq!(w.version().await, version);

    // So a page that showed this version can still make a real edit.
    let form = format!("id={id}&title=Road&expected_version={version}");
    let renamed = w.call("rename_playlist", &form).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
    assert_eq!(w.version().await, version + 1);
}
