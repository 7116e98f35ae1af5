//! Subscriptions and live progress with the real yt-dlp against feeds served on 127.0.0.1: the
//! scheduler syncs a due subscription and records the run in `tasks`, "sync now" with a depth
//! and vanished items, who may write, and the server-sent events of a running download.

mod common;
#[path = "common/feed.rs"]
mod feed;

use std::time::{Duration, Instant};

use axum::{body::Body, http::StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use app::{
    model::Role,
    server::downloads::{self, subscriptions, ytdlp, WorkerHandle},
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
    let admin = server.signed_in("admin", Role::Admin).await;
    let worker = downloads::start(&server.state).await;
    (server, site, admin, worker)
}

fn add_tones(server: &TestServer, site: &FeedServer, names: &[&str]) {
    for (i, name) in names.iter().enumerate() {
        let bytes = mp3_tone(server.dir.path(), &format!("{name}.mp3"), 1.0, 400 + 50 * i as u32);
        site.add(&format!("/s/{name}.mp3"), "audio/mpeg", bytes);
    }
}

fn set_feed(site: &FeedServer, names: &[&str]) {
    let paths: Vec<String> = names.iter().map(|n| format!("/s/{n}.mp3")).collect();
    let items: Vec<(&str, &str)> =
        names.iter().zip(&paths).map(|(n, p)| (*n, p.as_str())).collect();
    site.add_feed("/channel.xml", "The Channel", &items);
}

async fn subscription(server: &TestServer, session: &Session, id: i64) -> Value {
    let response = server.get(&format!("/api/channel/{id}/")).token(session).send().await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

/// Waits until every item of the subscription's playlist that should download did.
async fn wait_downloaded(server: &TestServer, session: &Session, id: i64, count: i64) -> Value {
    let deadline = Instant::now() + SETTLE;
    loop {
        let sub = subscription(server, session, id).await;
        if sub["downloaded"].as_i64() == Some(count) {
            return sub;
        }
        assert!(Instant::now() < deadline, "subscription never downloaded {count}: {sub:#}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn playlist_titles(server: &TestServer, session: &Session, id: i64) -> Vec<(String, bool)> {
    let body = server.get(&format!("/api/playlist/{id}/")).token(session).send().await.json();
    let items = body["items"].as_array().expect("items").clone();
    items
        .iter()
        .map(|i| (i["track"]["title"].as_str().unwrap().to_owned(), i["gone_upstream"] == true))
        .collect()
}

#[tokio::test]
async fn scheduler_syncs_a_due_subscription_and_records_the_run() {
    let (server, site, admin, worker) = setup().await;
    add_tones(&server, &site, &["First", "Second"]);
    set_feed(&site, &["First", "Second"]);
    let body = json!({ "url": site.url("/channel.xml"), "kind": "channel" });
    let response = server.post("/api/channel/").token(&admin).json(&body).send().await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let created = response.json();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["last_sync_status"], "never");

    let scheduler = subscriptions::start_scheduler(&server.state, Duration::from_secs(3600)).await;
    let sub = wait_downloaded(&server, &admin, id, 2).await;
    assert_eq!(sub["last_sync_status"], "ok", "{sub:#}");
    assert_eq!(sub["title"], "The Channel");
    assert!(sub["last_sync_at"].is_i64());
    let tasks = server.get("/api/task/").token(&admin).send().await.json();
    let runs: Vec<&Value> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == subscriptions::TASK_KIND)
        .collect();
    assert_eq!(runs.len(), 1, "{tasks:#}");
    assert_eq!(runs[0]["state"], "completed");
    assert!(runs[0]["detail"].as_str().unwrap().contains("2 new"), "{:#}", runs[0]);
    let playlist = sub["playlist_id"].as_i64().unwrap();
    let titles = playlist_titles(&server, &admin, playlist).await;
    assert_eq!(titles, [("First".to_string(), false), ("Second".to_string(), false)]);

    // Synced just now: the next tick finds nothing due.
    server.state.downloads.sync_wake.notify_one();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(server.count("tasks").await, 1);
    scheduler.shutdown().await;
    worker.shutdown().await;
}

#[tokio::test]
async fn sync_now_honours_depth_and_flags_vanished_items() {
    let (server, site, admin, worker) = setup().await;
    add_tones(&server, &site, &["N1", "N2", "N3", "N4"]);
    set_feed(&site, &["N2", "N3", "N4"]);
    let body = json!({ "url": site.url("/channel.xml"), "sync_depth": 2 });
    let id = server.post("/api/channel/").token(&admin).json(&body).send().await.json()["id"]
        .as_i64()
        .unwrap();
    let response = server.post(&format!("/api/channel/{id}/sync")).token(&admin).send().await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.json()["items"], 2, "depth 2 mirrors the two newest");
    let sub = wait_downloaded(&server, &admin, id, 2).await;

    // Newest first, as feeds list them: N1 arrives on top, N3 vanishes.
    set_feed(&site, &["N1", "N2", "N4"]);
    let response = server.post(&format!("/api/channel/{id}/sync/")).token(&admin).send().await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.json()["gone"], 1);
    wait_downloaded(&server, &admin, id, 3).await;
    let playlist = sub["playlist_id"].as_i64().unwrap();
    let titles = playlist_titles(&server, &admin, playlist).await;
    let expected = [("N1", false), ("N2", false), ("N3", true)];
    let expected: Vec<(String, bool)> = expected.iter().map(|(t, g)| (t.to_string(), *g)).collect();
    assert_eq!(titles, expected);

    let off = json!({ "auto_download": false, "sync_depth": 3 });
    let patched =
        server.patch(&format!("/api/channel/{id}/")).token(&admin).json(&off).send().await;
    assert_eq!(patched.json()["auto_download"], false);
    worker.shutdown().await;
}

#[tokio::test]
async fn only_admins_write_subscriptions_and_everyone_signed_in_reads() {
    let server = TestServer::start().await;
    let admin = server.signed_in("admin", Role::Admin).await;
    let user = server.signed_in("user", Role::User).await;
    let body = json!({ "url": "http://127.0.0.1:9/feed.xml" });
    let response = server.post("/api/channel/").token(&user).json(&body).send().await;
    response.assert_error(StatusCode::FORBIDDEN, "forbidden");
    let created = server.post("/api/channel/").token(&admin).json(&body).send().await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_i64().unwrap();
    let again = server.post("/api/channel/").token(&admin).json(&body).send().await;
    again.assert_error(StatusCode::CONFLICT, "conflict");

    let list = server.get("/api/channel/").token(&user).send().await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(subscription(&server, &user, id).await["url"], body["url"]);
    let path = format!("/api/channel/{id}/");
    let patch = json!({ "auto_download": false });
    let response = server.patch(&path).token(&user).json(&patch).send().await;
    response.assert_error(StatusCode::FORBIDDEN, "forbidden");
    let sync = format!("/api/channel/{id}/sync");
    server.post(&sync).token(&user).send().await.assert_error(StatusCode::FORBIDDEN, "forbidden");
    server.delete(&path).token(&user).send().await.assert_error(StatusCode::FORBIDDEN, "forbidden");
    let bad = json!({ "sync_depth": 0 });
    let response = server.patch(&path).token(&admin).json(&bad).send().await;
    response.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    let gone = server.delete(&path).token(&admin).send().await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    server.get(&path).token(&user).send().await.assert_error(StatusCode::NOT_FOUND, "not_found");
    server.get("/api/channel/").send().await.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

/// Reads SSE frames until `done` accepts a job event or the deadline passes.
async fn read_events(body: Body, done: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut body = body;
    let mut text = String::new();
    let mut jobs = Vec::new();
    let deadline = Instant::now() + SETTLE;
    while Instant::now() < deadline {
        let frame = tokio::time::timeout(Duration::from_secs(30), body.frame()).await;
        let Ok(Some(Ok(frame))) = frame else { break };
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if !block.contains("event: job") {
                continue;
            }
            let data = block.lines().find_map(|l| l.strip_prefix("data: ")).expect("data");
            let job: Value = serde_json::from_str(data).expect("job JSON");
            let finished = done(&job);
            jobs.push(job);
            if finished {
                return jobs;
            }
        }
    }
    panic!("the event stream ended before the job completed: {jobs:#?}");
}

#[tokio::test]
async fn event_stream_delivers_progress_and_completion() {
    let (server, site, admin, worker) = setup().await;
    let bytes = mp3_tone(server.dir.path(), "live.mp3", 3.0, 600);
    site.add_slow("/live.mp3", "audio/mpeg", bytes, 2000, Duration::from_millis(80));
    let request = axum::http::Request::get("/api/download/events")
        .header("authorization", format!("Token {}", admin.token))
        .body(Body::empty())
        .unwrap();
    let response = server.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/event-stream"), "{content_type}");

    let body = json!({ "url": site.url("/live.mp3") });
    let added = server.post("/api/download/").token(&admin).json(&body).send().await;
    assert_eq!(added.status, StatusCode::CREATED);
    let job = added.json()["data"][0]["id"].as_i64().unwrap();
    let events =
        read_events(response.into_body(), |j| j["id"] == job && j["status"] == "completed").await;
    let mine: Vec<&Value> = events.iter().filter(|j| j["id"] == job).collect();
    assert!(mine.iter().any(|j| j["status"] == "running"), "{mine:#?}");
    let partial = mine.iter().filter_map(|j| j["percent"].as_f64()).any(|p| p > 0.0 && p < 100.0);
    assert!(partial, "a progress event between 0 and 100 %: {mine:#?}");
    assert_eq!(mine.last().unwrap()["percent"].as_f64(), Some(100.0));

    let user = server.signed_in("user", Role::User).await;
    let response = server.get("/api/download/events").token(&user).send().await;
    response.assert_error(StatusCode::FORBIDDEN, "forbidden");
    worker.shutdown().await;
}
