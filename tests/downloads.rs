//! Downloads end to end with the real yt-dlp and ffmpeg against a web site served by the test
//! on 127.0.0.1: direct links, RSS feeds, failures, file names, de-duplication, crashes,
//! cancelling, the queue's rules, and who may use the REST routes.

mod common;
#[path = "common/feed.rs"]
mod feed;

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use axum::http::StatusCode;
use serde_json::{json, Value};

use app::{
    model::Role,
    server::downloads::{self, queue, worker, ytdlp, Job, WorkerHandle},
};
use common::{Session, TestServer};
use feed::{mp3_tone, FeedServer};

/// Longest any test waits for the queue to settle.
const SETTLE: Duration = Duration::from_secs(90);

/// A server, a web site, a signed-in admin and a running worker. Fails when a tool is missing.
async fn setup() -> (TestServer, FeedServer, Session, WorkerHandle) {
    let server = TestServer::start().await;
    let config = &server.config;
    ytdlp::version(&config.ytdlp_path, "--version")
        .await
        .unwrap_or_else(|e| panic!("yt-dlp is required for these tests: {e}"));
    ytdlp::version(&config.ffmpeg_path, "-version")
        .await
        .unwrap_or_else(|e| panic!("ffmpeg is required for these tests: {e}"));
    let site = FeedServer::start().await;
    let admin = server.signed_in("admin", Role::Admin).await;
    let worker = downloads::start(&server.state).await;
    let tools = server.state.downloads.tools().expect("the start-up check ran");
    assert!(tools.ytdlp.is_ok() && tools.ffmpeg.is_ok(), "{tools:?}");
    (server, site, admin, worker)
}

/// Queues `body` over REST and returns the jobs.
async fn post(server: &TestServer, session: &Session, body: Value) -> Vec<Job> {
    let response = server.post("/api/download/").token(session).json(&body).send().await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    serde_json::from_value(response.json()["data"].clone()).expect("jobs")
}

async fn all_jobs(server: &TestServer) -> Vec<Job> {
    queue::list(&server.pool, None).await.expect("jobs list")
}

/// Waits until no job is queued or running (a job waiting for a retry counts as queued).
async fn settle(server: &TestServer) -> Vec<Job> {
    let deadline = Instant::now() + SETTLE;
    loop {
        let jobs = all_jobs(server).await;
        if !jobs.is_empty()
            && jobs.iter().all(|j| !matches!(j.status.as_str(), "queued" | "running"))
        {
            return jobs;
        }
        assert!(Instant::now() < deadline, "downloads did not settle: {jobs:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `check` holds for job `id`.
async fn wait_job(server: &TestServer, id: i64, what: &str, check: impl Fn(&Job) -> bool) -> Job {
    let deadline = Instant::now() + SETTLE;
    loop {
        let job = queue::get(&server.pool, id).await.expect("job");
        if check(&job) {
            return job;
        }
        assert!(Instant::now() < deadline, "job never {what}: {job:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[derive(Debug, sqlx::FromRow)]
struct TrackRow {
    id: i64,
    title: String,
    rel_path: String,
    duration_ms: i64,
    source: String,
    remote_id: Option<String>,
}

async fn tracks(server: &TestServer) -> Vec<TrackRow> {
    sqlx::query_as(
        "SELECT id, title, rel_path, duration_ms, source, remote_id FROM tracks ORDER BY id",
    )
    .fetch_all(&server.pool)
    .await
    .expect("tracks")
}

async fn library_of(server: &TestServer, session: &Session) -> Vec<i64> {
    sqlx::query_scalar("SELECT track_id FROM library_entries WHERE user_id = ? ORDER BY track_id")
        .bind(session.account.id)
        .fetch_all(&server.pool)
        .await
        .expect("library")
}

/// Every file below `dir` (none when it does not exist).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

fn downloads_dir(server: &TestServer) -> PathBuf {
    server.media_root().join("downloads")
}

fn cache_files(server: &TestServer) -> Vec<PathBuf> {
    files_under(&server.config.cache_dir)
}

/// A tone served at `path` on the site; returns its bytes' length.
fn serve_tone(site: &FeedServer, scratch: &Path, path: &str, seconds: f64, hz: u32) -> usize {
    let bytes = mp3_tone(scratch, &format!("{hz}.mp3"), seconds, hz);
    let len = bytes.len();
    site.add(path, "audio/mpeg", bytes);
    len
}

#[tokio::test]
async fn a_direct_link_becomes_a_track_in_the_requesters_library() {
    let (server, site, admin, worker) = setup().await;
    let scratch = tempfile::tempdir().unwrap();
    serve_tone(&site, scratch.path(), "/music/tone.mp3", 3.0, 440);

    let jobs = post(&server, &admin, json!({ "url": site.url("/music/tone.mp3") })).await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].status, "queued");
    let jobs = settle(&server).await;
    let job = &jobs[0];
    assert_eq!(job.status, "completed", "{job:#?}");
    assert_eq!(job.extractor.as_deref(), Some("generic"));
    assert_eq!(job.percent, Some(100.0));

    let rows = tracks(&server).await;
    assert_eq!(rows.len(), 1);
    let track = &rows[0];
    assert_eq!(Some(app::model::TrackId(track.id)), job.track_id);
    assert!((track.duration_ms - 3000).abs() < 150, "duration {}", track.duration_ms);
    assert_eq!(track.source, "generic");
    assert_eq!(track.remote_id.as_deref(), Some(site.url("/music/tone.mp3").as_str()));
    assert!(track.rel_path.starts_with("downloads/generic/tone ["), "{}", track.rel_path);
    assert!(server.media_path(&track.rel_path).is_file());
    assert_eq!(library_of(&server, &admin).await, vec![track.id]);
    assert!(cache_files(&server).is_empty(), "{:?}", cache_files(&server));

    // The REST views agree.
    let one = server.get(&format!("/api/download/{}/", job.id)).token(&admin).send().await;
    assert_eq!(one.json()["status"], "completed");
    let done = server.get("/api/download/?status=completed").token(&admin).send().await;
    assert_eq!(done.json()["total"], 1);
    let queued = server.get("/api/download/?status=queued").token(&admin).send().await;
    assert_eq!(queued.json()["total"], 0);
    worker.shutdown().await;
}

#[tokio::test]
async fn a_feed_becomes_one_job_per_item_with_safe_names_and_original_titles() {
    let (server, site, admin, worker) = setup().await;
    let scratch = tempfile::tempdir().unwrap();
    for (i, path) in ["/ep/1.mp3", "/ep/2.mp3", "/ep/3.mp3"].iter().enumerate() {
        serve_tone(&site, scratch.path(), path, 1.0 + i as f64, 300 + 100 * i as u32);
    }
    let emoji = "🎵".repeat(120);
    let titles = ["AC/DC: a/b*c?", emoji.as_str(), "Plain episode"];
    site.add_feed(
        "/feed.xml",
        "Test Podcast",
        &[(titles[0], "/ep/1.mp3"), (titles[1], "/ep/2.mp3"), (titles[2], "/ep/3.mp3")],
    );

    let parent = post(&server, &admin, json!({ "urls": [site.url("/feed.xml")] })).await[0].id;
    let jobs = settle(&server).await;
    let parent = jobs.iter().find(|j| j.id == parent).unwrap();
    assert_eq!((parent.kind.as_str(), parent.status.as_str()), ("playlist", "completed"));
    assert_eq!(parent.title.as_deref(), Some("Test Podcast"));
    let mut children: Vec<&Job> = jobs.iter().filter(|j| j.parent_id == Some(parent.id)).collect();
    children.sort_by_key(|j| j.position);
    assert_eq!(children.len(), 3);
    for (i, child) in children.iter().enumerate() {
        assert_eq!(child.status, "completed", "{child:#?}");
        assert_eq!(child.position, Some(i as i64));
        assert_eq!(child.title.as_deref(), Some(titles[i]));
    }

    let rows = tracks(&server).await;
    assert_eq!(rows.len(), 3);
    for (i, title) in titles.iter().enumerate() {
        let track = rows.iter().find(|t| t.title == *title).expect("original title in the DB");
        assert!((track.duration_ms - 1000 * (i as i64 + 1)).abs() < 150);
        let path = server.media_path(&track.rel_path);
        assert!(path.is_file(), "{}", path.display());
        let name = path.file_name().unwrap().to_str().expect("UTF-8 file name");
        assert!(name.len() <= 180, "{} bytes: {name}", name.len());
        assert!(!name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|']), "{name}");
        assert!(path.starts_with(downloads_dir(&server)));
    }
    let emoji_track = rows.iter().find(|t| t.title == emoji).unwrap();
    assert!(emoji_track.rel_path.contains("🎵🎵🎵"));
    let acdc = rows.iter().find(|t| t.title == titles[0]).unwrap();
    assert!(acdc.rel_path.contains("/AC_DC_ a_b_c_ ["), "{}", acdc.rel_path);
    assert_eq!(library_of(&server, &admin).await.len(), 3);
    worker.shutdown().await;
}

#[tokio::test]
async fn a_missing_feed_item_fails_alone_and_is_not_retried() {
    let (server, site, admin, worker) = setup().await;
    let scratch = tempfile::tempdir().unwrap();
    serve_tone(&site, scratch.path(), "/ep/a.mp3", 1.0, 500);
    serve_tone(&site, scratch.path(), "/ep/c.mp3", 1.0, 700);
    site.add_feed(
        "/feed.xml",
        "Gaps",
        &[("A", "/ep/a.mp3"), ("Gone", "/ep/gone.mp3"), ("C", "/ep/c.mp3")],
    );

    post(&server, &admin, json!({ "url": site.url("/feed.xml") })).await;
    let jobs = settle(&server).await;
    let gone = jobs.iter().find(|j| j.title.as_deref() == Some("Gone")).unwrap();
    assert_eq!(gone.status, "failed", "{gone:#?}");
    assert_eq!(gone.attempts, 1);
    let reason = gone.last_error.as_deref().unwrap();
    assert!(reason.contains("HTTP Error 404"), "{reason}");
    assert!(reason.len() < 700);
    for title in ["A", "C"] {
        let job = jobs.iter().find(|j| j.title.as_deref() == Some(title)).unwrap();
        assert_eq!(job.status, "completed", "{job:#?}");
    }
    assert_eq!(tracks(&server).await.len(), 2);

    // Still failed a while later: a permanent failure is never queued again by itself.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = queue::get(&server.pool, gone.id).await.unwrap();
    assert_eq!((again.status.as_str(), again.attempts), ("failed", 1));
    assert_eq!(site.hits("/ep/gone.mp3"), 1);
    worker.shutdown().await;
}

#[tokio::test]
async fn the_same_url_queued_twice_is_downloaded_once() {
    let (server, site, admin, worker) = setup().await;
    let scratch = tempfile::tempdir().unwrap();
    serve_tone(&site, scratch.path(), "/twice.mp3", 1.0, 440);
    let url = site.url("/twice.mp3");

    let first = post(&server, &admin, json!({ "urls": [url.clone(), url.clone()] })).await;
    let second = post(&server, &admin, json!({ "url": url.clone() })).await;
    assert_eq!(first[0].id, first[1].id);
    assert_eq!(first[0].id, second[0].id);
    settle(&server).await;
    // Asked again after it finished: still the same job and file.
    let third = post(&server, &admin, json!({ "url": url })).await;
    assert_eq!(third[0].id, first[0].id);
    assert_eq!(third[0].status, "completed");

    assert_eq!(server.count("download_jobs").await, 1);
    assert_eq!(tracks(&server).await.len(), 1);
    assert_eq!(files_under(&downloads_dir(&server)).len(), 1);
    worker.shutdown().await;
}

#[tokio::test]
async fn two_users_asking_for_one_item_share_one_file() {
    let (server, site, alice, worker) = setup().await;
    let bob = server.signed_in("bob", Role::Admin).await;
    let carol = server.signed_in("carol", Role::Admin).await;
    let scratch = tempfile::tempdir().unwrap();
    serve_tone(&site, scratch.path(), "/shared.mp3", 1.0, 440);
    let url = site.url("/shared.mp3");

    post(&server, &alice, json!({ "url": url })).await;
    post(&server, &bob, json!({ "url": url })).await;
    settle(&server).await;
    let rows = tracks(&server).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(library_of(&server, &alice).await, vec![rows[0].id]);
    assert_eq!(library_of(&server, &bob).await, vec![rows[0].id]);

    // Carol finds the same file through a feed: the item is recognised, not fetched again.
    site.add_feed("/feed.xml", "Shared", &[("Shared item", "/shared.mp3")]);
    post(&server, &carol, json!({ "url": site.url("/feed.xml") })).await;
    let jobs = settle(&server).await;
    let child = jobs.iter().find(|j| j.parent_id.is_some()).unwrap();
    assert_eq!(child.status, "completed", "{child:#?}");
    assert_eq!(child.track_id.map(|t| t.0), Some(rows[0].id));
    assert_eq!(library_of(&server, &carol).await, vec![rows[0].id]);
    assert_eq!(tracks(&server).await.len(), 1);
    assert_eq!(files_under(&downloads_dir(&server)).len(), 1);
    worker.shutdown().await;
}

/// About 40 KB of MP3 dribbled at 2 KB per 100 ms: two seconds of download.
fn serve_slow(site: &FeedServer, scratch: &Path, path: &str) {
    let bytes = mp3_tone(scratch, "slow.mp3", 5.0, 330);
    site.add_slow(path, "audio/mpeg", bytes, 2048, Duration::from_millis(100));
}

#[tokio::test]
async fn a_download_killed_by_a_crash_leaves_nothing_and_completes_after_restart() {
    let (server, site, admin, worker) = setup().await;
    let scratch = tempfile::tempdir().unwrap();
    serve_slow(&site, scratch.path(), "/slow.mp3");
    let id = post(&server, &admin, json!({ "url": site.url("/slow.mp3") })).await[0].id;
    wait_job(&server, id, "made progress", |j| j.status == "running" && j.bytes_done > 0).await;

    worker.abort().await;
    assert_eq!(queue::get(&server.pool, id).await.unwrap().status, "running");
    assert!(!cache_files(&server).is_empty(), "the partial download should be in CACHE_DIR");
    assert!(files_under(&downloads_dir(&server)).is_empty());

    // A new process on the same directories.
    let dir = server.stop().await;
    let server = TestServer::start_in(dir).await;
    assert_eq!(worker::recover(&server.pool, &server.config).await.unwrap(), vec![id]);
    assert_eq!(queue::get(&server.pool, id).await.unwrap().status, "queued");
    assert!(cache_files(&server).is_empty(), "{:?}", cache_files(&server));
    assert!(files_under(&downloads_dir(&server)).is_empty());

    let worker = downloads::start(&server.state).await;
    let job = wait_job(&server, id, "completed", |j| j.status == "completed").await;
    assert_eq!(job.attempts, 2);
    assert_eq!(files_under(&downloads_dir(&server)).len(), 1);
    assert!(cache_files(&server).is_empty());
    let rows = tracks(&server).await;
    assert!((rows[0].duration_ms - 5000).abs() < 150, "{}", rows[0].duration_ms);
    worker.shutdown().await;
}

#[tokio::test]
async fn cancelling_a_running_download_kills_it_and_removes_its_files() {
    let (server, site, admin, worker) = setup().await;
    let scratch = tempfile::tempdir().unwrap();
    serve_slow(&site, scratch.path(), "/slow.mp3");
    let id = post(&server, &admin, json!({ "url": site.url("/slow.mp3") })).await[0].id;
    wait_job(&server, id, "made progress", |j| j.status == "running" && j.bytes_done > 0).await;

    let cancelled = server.post(&format!("/api/download/{id}/cancel")).token(&admin).send().await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    assert_eq!(cancelled.json()["status"], "cancelled");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.state.downloads.active().is_empty() || !cache_files(&server).is_empty() {
        assert!(Instant::now() < deadline, "temp files stayed: {:?}", cache_files(&server));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(queue::get(&server.pool, id).await.unwrap().status, "cancelled");
    assert!(files_under(&downloads_dir(&server)).is_empty());
    assert_eq!(server.count("tracks").await, 0);

    // A cancelled job can be retried, and then completes.
    let retried = server.post(&format!("/api/download/{id}/retry")).token(&admin).send().await;
    assert_eq!(retried.json()["status"], "queued");
    wait_job(&server, id, "completed", |j| j.status == "completed").await;
    assert_eq!(files_under(&downloads_dir(&server)).len(), 1);
    worker.shutdown().await;
}

#[tokio::test]
async fn urls_other_than_http_are_refused_and_add_no_row() {
    let server = TestServer::start().await;
    let admin = server.signed_in("admin", Role::Admin).await;
    for url in
        ["ftp://example.org/a.mp3", "file:///etc/passwd", "javascript:alert(1)", "a.mp3", "http://"]
    {
        let response =
            server.post("/api/download/").token(&admin).json(&json!({ "url": url })).send().await;
        response.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    }
    // One bad URL in a batch refuses the whole batch.
    let batch = json!({ "urls": ["http://127.0.0.1:9/ok.mp3", "file:///x"] });
    let response = server.post("/api/download/").token(&admin).json(&batch).send().await;
    response.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(response.json()["message"].as_str().unwrap().contains("http"));
    let empty =
        server.post("/api/download/").token(&admin).json(&json!({ "urls": [] })).send().await;
    empty.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(server.count("download_jobs").await, 0);
}

#[tokio::test]
async fn download_and_task_routes_are_for_admins_only() {
    let server = TestServer::start().await;
    let admin = server.signed_in("admin", Role::Admin).await;
    let user = server.signed_in("user", Role::User).await;
    let job = queue::enqueue(&server.pool, admin.account.id, &["http://127.0.0.1:9/a.mp3".into()])
        .await
        .unwrap()[0]
        .id;
    let routes = [
        ("GET", "/api/download/".to_owned()),
        ("GET", "/api/download/?status=queued".to_owned()),
        ("POST", "/api/download/".to_owned()),
        ("DELETE", "/api/download/".to_owned()),
        ("GET", format!("/api/download/{job}/")),
        ("POST", format!("/api/download/{job}/retry")),
        ("POST", format!("/api/download/{job}/cancel")),
        ("GET", "/api/task/".to_owned()),
        ("GET", "/api/v1/task/".to_owned()),
    ];
    let body = json!({ "url": "http://127.0.0.1:9/b.mp3" });
    for (method, uri) in &routes {
        let call = |s: Option<&Session>| {
            let c = server.call(method.parse().unwrap(), uri).json(&body);
            match s {
                Some(s) => c.token(s),
                None => c,
            }
        };
        call(None).send().await.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
        call(Some(&user)).send().await.assert_error(StatusCode::FORBIDDEN, "forbidden");
    }
    assert_eq!(server.count("download_jobs").await, 1);

    let list = server.get("/api/download/").token(&admin).send().await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json()["total"], 1);
    let bad = server.get("/api/download/?status=nonsense").token(&admin).send().await;
    bad.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    server
        .get("/api/download/999/")
        .token(&admin)
        .send()
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    server
        .get("/api/download/abc/")
        .token(&admin)
        .send()
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    // A queued job cannot be retried; it can be cancelled, then cleared.
    let retry = server.post(&format!("/api/download/{job}/retry")).token(&admin).send().await;
    retry.assert_error(StatusCode::CONFLICT, "conflict");
    let cancel = server.post(&format!("/api/download/{job}/cancel")).token(&admin).send().await;
    assert_eq!(cancel.json()["status"], "cancelled");
    let cleared = server.delete("/api/download/").token(&admin).send().await;
    assert_eq!(cleared.json()["removed"], 1);
    let tasks = server.get("/api/task/").token(&admin).send().await;
    assert_eq!(tasks.status, StatusCode::OK);
    assert!(tasks.json()["tasks"].is_array());
    assert!(tasks.json()["downloads"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn two_claims_never_take_the_same_job() {
    let server = TestServer::start().await;
    let admin = server.user("admin", Role::Admin).await;
    queue::enqueue(&server.pool, admin.id, &["https://127.0.0.1:9/one".into()]).await.unwrap();
    let (a, b) = tokio::join!(queue::claim(&server.pool), queue::claim(&server.pool));
    let claimed: Vec<Job> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].status.as_str(), claimed[0].attempts), ("running", 1));
    assert!(queue::claim(&server.pool).await.unwrap().is_none());
}

#[tokio::test]
async fn transient_failures_back_off_and_end_after_the_last_attempt() {
    let server = TestServer::start().await;
    let admin = server.user("admin", Role::Admin).await;
    let id =
        queue::enqueue(&server.pool, admin.id, &["https://127.0.0.1:9/x".into()]).await.unwrap()[0]
            .id;
    for (attempt, wait) in [(1, 30), (2, 120), (3, 600)] {
        // Make the job due now, as if its waiting time had passed.
        sqlx::query("UPDATE download_jobs SET retry_at = 0 WHERE id = ?")
            .bind(id)
            .execute(&server.pool)
            .await
            .unwrap();
        let job = queue::claim(&server.pool).await.unwrap().expect("due job");
        assert_eq!(job.attempts, attempt);
        let before = app::server::db::now();
        assert_eq!(queue::fail(&server.pool, &job, "timed out", false).await.unwrap(), "queued");
        let job = queue::get(&server.pool, id).await.unwrap();
        assert!((job.retry_at - before - wait).abs() <= 1, "attempt {attempt}: {job:#?}");
        // Not due yet: nothing to claim.
        assert!(queue::claim(&server.pool).await.unwrap().is_none());
    }
    sqlx::query("UPDATE download_jobs SET retry_at = 0 WHERE id = ?")
        .bind(id)
        .execute(&server.pool)
        .await
        .unwrap();
    let job = queue::claim(&server.pool).await.unwrap().unwrap();
    assert_eq!(job.attempts, 4);
    assert_eq!(queue::fail(&server.pool, &job, "timed out", false).await.unwrap(), "failed");
    let job = queue::get(&server.pool, id).await.unwrap();
    assert_eq!((job.status.as_str(), job.last_error.as_deref()), ("failed", Some("timed out")));
}

/// A feed of `SW_FEED_ITEMS` items (default 8; `bench/download_feed.sh` runs 20) is expanded
/// and every item downloaded; prints the time it took end to end.
#[tokio::test]
async fn a_larger_feed_completes_end_to_end() {
    let items: usize =
        std::env::var("SW_FEED_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(8);
    let (server, site, admin, worker) = setup().await;
    let scratch = tempfile::tempdir().unwrap();
    let mut entries = Vec::new();
    for i in 0..items {
        let path = format!("/many/{i}.mp3");
        serve_tone(&site, scratch.path(), &path, 2.0, 200 + 10 * i as u32);
        entries.push((format!("Episode {i}"), path));
    }
    let refs: Vec<(&str, &str)> = entries.iter().map(|(t, p)| (t.as_str(), p.as_str())).collect();
    site.add_feed("/many.xml", "Many", &refs);

    let started = Instant::now();
    post(&server, &admin, json!({ "url": site.url("/many.xml") })).await;
    let jobs = settle(&server).await;
    let elapsed = started.elapsed();
    assert_eq!(jobs.len(), items + 1);
    assert!(jobs.iter().all(|j| j.status == "completed"), "{jobs:#?}");
    assert_eq!(tracks(&server).await.len(), items);
    assert_eq!(files_under(&downloads_dir(&server)).len(), items);
    println!("feed of {items} items: {:.1} s end to end", elapsed.as_secs_f64());
    worker.shutdown().await;
}
