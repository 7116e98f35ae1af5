//! Playlist downloads end to end with the real yt-dlp against feeds served on 127.0.0.1: the
//! local playlist follows feed order, per-item states and totals, a failing item, owner-only
//! access, re-sync with vanished and new items, cancelling, and the route order that keeps
//! `/api/playlist/downloads/...` apart from `/api/playlist/{id}/`.

mod common;
#[path = "common/feed.rs"]
mod feed;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{json, Value};

use app::{
    model::Role,
    server::downloads::{self, ytdlp, WorkerHandle},
};
use common::{Session, TestServer};
use feed::{mp3_tone, FeedServer};

const SETTLE: Duration = Duration::from_secs(120);

async fn setup() -> (TestServer, FeedServer, Session, WorkerHandle) {
    let server = TestServer::start().await;
    ytdlp::version(&server.config.ytdlp_path, "--version")
        .await
        .unwrap_or_else(|e| panic!("yt-dlp is required for these tests: {e}"));
    let site = FeedServer::start().await;
    let user = server.signed_in("alice", Role::User).await;
    let worker = downloads::start(&server.state).await;
    (server, site, user, worker)
}

/// Serves `names` as mp3 tones (slowly, so a download is seen running) under `/a/`.
fn add_tones(server: &TestServer, site: &FeedServer, names: &[&str]) {
    for (i, name) in names.iter().enumerate() {
        let bytes = mp3_tone(server.dir.path(), &format!("{name}.mp3"), 1.5, 300 + 40 * i as u32);
        site.add_slow(
            &format!("/a/{name}.mp3"),
            "audio/mpeg",
            bytes,
            4000,
            Duration::from_millis(60),
        );
    }
}

fn feed_items<'a>(names: &'a [&'a str], paths: &'a [String]) -> Vec<(&'a str, &'a str)> {
    names.iter().zip(paths).map(|(n, p)| (*n, p.as_str())).collect()
}

fn paths(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| format!("/a/{n}.mp3")).collect()
}

async fn start(server: &TestServer, session: &Session, body: Value) -> Value {
    let response = server.post("/api/playlist/downloads/").token(session).json(&body).send().await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    response.json()
}

async fn get_download(server: &TestServer, session: &Session, id: i64) -> Value {
    let response =
        server.get(&format!("/api/playlist/downloads/{id}/")).token(session).send().await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

/// Waits until the download has no queued or running item.
async fn settle(server: &TestServer, session: &Session, id: i64) -> Value {
    let deadline = Instant::now() + SETTLE;
    loop {
        let download = get_download(server, session, id).await;
        if download["status"] != "running" {
            return download;
        }
        assert!(Instant::now() < deadline, "download never finished: {download:#}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// The local playlist as `(title, gone_upstream)` in position order.
async fn playlist_titles(server: &TestServer, session: &Session, id: i64) -> Vec<(String, bool)> {
    let response = server.get(&format!("/api/playlist/{id}/")).token(session).send().await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let body = response.json();
    let items = body["items"].as_array().expect("items").clone();
    let positions: Vec<i64> = items.iter().map(|i| i["position"].as_i64().unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "positions in order: {positions:?}");
    items
        .iter()
        .map(|i| {
            let title = i["track"]["title"].as_str().unwrap().to_owned();
            (title, i["gone_upstream"].as_bool().unwrap())
        })
        .collect()
}

fn ids(list: &Value) -> Vec<i64> {
    list["data"].as_array().unwrap().iter().map(|d| d["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn feed_becomes_a_local_playlist_in_feed_order_with_item_states() {
    let (server, site, alice, worker) = setup().await;
    let names = ["Delta", "Alpha", "Charlie", "Bravo"];
    add_tones(&server, &site, &names);
    let item_paths = paths(&names);
    site.add_feed("/feed.xml", "Four Songs", &feed_items(&names, &item_paths));

    let created = start(&server, &alice, json!({ "url": site.url("/feed.xml") })).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["title"], "Four Songs");
    assert_eq!(created["totals"]["items"], 4);
    assert_eq!(created["status"], "running");
    let active = server.get("/api/playlist/downloads/active/").token(&alice).send().await.json();
    assert!(ids(&active).contains(&id), "active while running: {active:#}");
    let completed = server.get("/api/playlist/downloads/completed/").token(&alice).send().await;
    assert!(!ids(&completed.json()).contains(&id));

    let done = settle(&server, &alice, id).await;
    assert_eq!(done["status"], "completed", "{done:#}");
    assert_eq!(done["totals"]["completed"], 4);
    assert_eq!(done["totals"]["failed"], 0);
    assert_eq!(done["totals"]["percent"].as_f64(), Some(100.0));
    let items = done["items"].as_array().unwrap();
    let item_titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(item_titles, names);
    assert!(items.iter().all(|i| i["status"] == "completed" && i["track_id"].is_i64()));

    let playlist = done["playlist_id"].as_i64().unwrap();
    let titles = playlist_titles(&server, &alice, playlist).await;
    let expected: Vec<(String, bool)> = names.iter().map(|n| (n.to_string(), false)).collect();
    assert_eq!(titles, expected);
    let summary = server.get(&format!("/api/playlist/{playlist}/")).token(&alice).send().await;
    assert_eq!(summary.json()["kind"], "remote");

    let completed = server.get("/api/playlist/downloads/completed/").token(&alice).send().await;
    assert!(ids(&completed.json()).contains(&id));
    let active = server.get("/api/playlist/downloads/active/").token(&alice).send().await;
    assert!(!ids(&active.json()).contains(&id));
    worker.shutdown().await;
}

#[tokio::test]
async fn a_missing_item_fails_alone_with_a_reason() {
    let (server, site, alice, worker) = setup().await;
    let names = ["One", "Two", "Three", "Four"];
    add_tones(&server, &site, &["One", "Three", "Four"]);
    let item_paths = paths(&names);
    site.add_feed("/gap.xml", "With a gap", &feed_items(&names, &item_paths));

    let id = start(&server, &alice, json!({ "url": site.url("/gap.xml") })).await["id"]
        .as_i64()
        .unwrap();
    let done = settle(&server, &alice, id).await;
    let items = done["items"].as_array().unwrap();
    assert_eq!(items[1]["status"], "failed", "{done:#}");
    let reason = items[1]["reason"].as_str().expect("a reason");
    assert!(reason.contains("404") || reason.to_lowercase().contains("not found"), "{reason}");
    for i in [0, 2, 3] {
        assert_eq!(items[i]["status"], "completed", "{done:#}");
    }
    assert_eq!(done["totals"]["failed"], 1);
    assert_eq!(done["totals"]["completed"], 3);
    let playlist = done["playlist_id"].as_i64().unwrap();
    let titles: Vec<String> =
        playlist_titles(&server, &alice, playlist).await.into_iter().map(|t| t.0).collect();
    assert_eq!(titles, ["One", "Three", "Four"]);
    worker.shutdown().await;
}

#[tokio::test]
async fn another_user_gets_404_and_never_sees_the_download() {
    let (server, site, alice, worker) = setup().await;
    let bob = server.signed_in("bob", Role::User).await;
    add_tones(&server, &site, &["Solo"]);
    let item_paths = paths(&["Solo"]);
    site.add_feed("/solo.xml", "Solo", &feed_items(&["Solo"], &item_paths));
    let created = start(&server, &alice, json!({ "url": site.url("/solo.xml") })).await;
    let id = created["id"].as_i64().unwrap();

    for path in [format!("/api/playlist/downloads/{id}/"), format!("/api/playlist/downloads/{id}")]
    {
        server.get(&path).token(&bob).send().await.assert_error(StatusCode::NOT_FOUND, "not_found");
        server
            .delete(&path)
            .token(&bob)
            .send()
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    let events = format!("/api/playlist/downloads/{id}/events");
    server.get(&events).token(&bob).send().await.assert_error(StatusCode::NOT_FOUND, "not_found");
    let playlist = created["playlist_id"].as_i64().unwrap();
    let resync = json!({ "playlist_id": playlist });
    let response = server.post("/api/playlist/downloads/").token(&bob).json(&resync).send().await;
    response.assert_error(StatusCode::NOT_FOUND, "not_found");
    for list in ["/api/playlist/downloads/", "/api/playlist/downloads/active/"] {
        let body = server.get(list).token(&bob).send().await.json();
        assert!(ids(&body).is_empty(), "{list}: {body:#}");
    }
    let admin = server.signed_in("root", Role::Admin).await;
    let all = server.get("/api/playlist/downloads/").token(&admin).send().await.json();
    assert!(ids(&all).contains(&id), "admins see every download");
    settle(&server, &alice, id).await;
    worker.shutdown().await;
}

#[tokio::test]
async fn resync_keeps_vanished_items_in_place_and_adds_new_ones_in_order() {
    let (server, site, alice, worker) = setup().await;
    add_tones(&server, &site, &["A", "B", "C", "D"]);
    let first = ["A", "B", "C"];
    let first_paths = paths(&first);
    site.add_feed("/list.xml", "Changing", &feed_items(&first, &first_paths));
    let created = start(&server, &alice, json!({ "url": site.url("/list.xml") })).await;
    let done = settle(&server, &alice, created["id"].as_i64().unwrap()).await;
    let playlist = done["playlist_id"].as_i64().unwrap();

    let hits_before = site.hits("/a/A.mp3");
    let second = ["A", "C", "D"];
    let second_paths = paths(&second);
    site.add_feed("/list.xml", "Changing", &feed_items(&second, &second_paths));
    let again = start(&server, &alice, json!({ "playlist_id": playlist })).await;
    assert_eq!(again["playlist_id"].as_i64(), Some(playlist), "same local playlist");
    let done = settle(&server, &alice, again["id"].as_i64().unwrap()).await;
    assert_eq!(done["totals"]["items"], 3, "{done:#}");

    let titles = playlist_titles(&server, &alice, playlist).await;
    let expected = [("A", false), ("B", true), ("C", false), ("D", false)];
    let expected: Vec<(String, bool)> = expected.iter().map(|(t, g)| (t.to_string(), *g)).collect();
    assert_eq!(titles, expected);
    assert_eq!(site.hits("/a/A.mp3"), hits_before, "a re-sync reuses downloaded tracks");

    // The playlist page says what became of the source, in the server-rendered HTML.
    let page = server.get(&format!("/playlists/{playlist}")).token(&alice).send().await;
    let html = page.text();
    assert!(html.contains("mirrored from a remote playlist"), "{html}");
    assert!(html.contains("1 gone upstream") && html.contains("tag gone-upstream"), "{html}");
    worker.shutdown().await;
}

#[tokio::test]
async fn cancelling_stops_unfinished_items_and_keeps_finished_tracks() {
    let (server, site, alice, worker) = setup().await;
    let fast = mp3_tone(server.dir.path(), "fast.mp3", 1.0, 500);
    site.add("/a/fast.mp3", "audio/mpeg", fast);
    let slow = mp3_tone(server.dir.path(), "slow.mp3", 4.0, 700);
    site.add_slow("/a/slow.mp3", "audio/mpeg", slow, 500, Duration::from_millis(250));
    site.add_feed("/mixed.xml", "Mixed", &[("Fast", "/a/fast.mp3"), ("Slow", "/a/slow.mp3")]);
    let created = start(&server, &alice, json!({ "url": site.url("/mixed.xml") })).await;
    let id = created["id"].as_i64().unwrap();

    let deadline = Instant::now() + SETTLE;
    loop {
        let d = get_download(&server, &alice, id).await;
        let items = d["items"].as_array().unwrap().clone();
        if items[0]["status"] == "completed" && items[1]["status"] == "running" {
            break;
        }
        assert!(Instant::now() < deadline, "never reached fast-done/slow-running: {d:#}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let response =
        server.delete(&format!("/api/playlist/downloads/{id}/")).token(&alice).send().await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let cancelled = response.json();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["items"][1]["status"], "cancelled");

    let temp = server.config.cache_dir.join("downloads");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_dir(&temp).map(|d| d.count()).unwrap_or(0) > 0 {
        assert!(Instant::now() < deadline, "temp files of the killed item were not removed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let playlist = cancelled["playlist_id"].as_i64().unwrap();
    let titles = playlist_titles(&server, &alice, playlist).await;
    assert_eq!(titles, [("Fast".to_string(), false)]);
    worker.shutdown().await;
}

#[tokio::test]
async fn download_routes_are_never_taken_for_a_playlist_id() {
    let server = TestServer::start().await;
    let alice = server.signed_in("alice", Role::User).await;
    let custom = server.playlist(&alice, "Mine", &[]).await;

    for path in [
        "/api/playlist/downloads/",
        "/api/playlist/downloads",
        "/api/playlist/downloads/active/",
        "/api/playlist/downloads/completed/",
        "/api/v1/playlist/downloads/active/",
    ] {
        let response = server.get(path).token(&alice).send().await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.text());
        assert_eq!(response.json(), json!({ "total": 0, "data": [] }), "{path}");
    }
    // The playlists router answers 404 for a non-numeric id, so a 200 above came from ours.
    let response = server.get("/api/playlist/active/").token(&alice).send().await;
    response.assert_error(StatusCode::NOT_FOUND, "not_found");

    // A download id reaches the downloads handler: a missing one is 404, a custom playlist's
    // id is no download.
    let path = format!("/api/playlist/downloads/{custom}/");
    server.get(&path).token(&alice).send().await.assert_error(StatusCode::NOT_FOUND, "not_found");
    let bad = json!({ "playlist_id": custom });
    let response = server.post("/api/playlist/downloads/").token(&alice).json(&bad).send().await;
    response.assert_error(StatusCode::NOT_FOUND, "not_found");
    let bad = json!({ "url": "file:///etc/passwd" });
    let response = server.post("/api/playlist/downloads/").token(&alice).json(&bad).send().await;
    response.assert_error(StatusCode::BAD_REQUEST, "bad_request");

    let response = server.get(&format!("/api/playlist/{custom}/")).token(&alice).send().await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json()["title"], "Mine");
    let anonymous = server.get("/api/playlist/downloads/").send().await;
    anonymous.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");

    // The pages' server functions act for the same caller with the same rules.
    let sfn = server.post("/sfn/list_playlist_downloads").cookie(&alice).form("").send().await;
    assert_eq!(sfn.status, StatusCode::OK, "{}", sfn.text());
    assert_eq!(sfn.json(), json!([]));
    let urls = "urls=http%3A%2F%2F127.0.0.1%3A9%2Fa.mp3";
    let refused = server.post("/sfn/add_downloads").cookie(&alice).form(urls).send().await;
    assert!(!refused.status.is_success(), "a non-admin cannot use the queue");
    let path = format!("id={custom}");
    let cancel =
        server.post("/sfn/cancel_playlist_download").cookie(&alice).form(&path).send().await;
    assert!(cancel.text().contains("NotFound"), "{}", cancel.text());
}
