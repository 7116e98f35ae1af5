//! What survives a restart on the same directories, what a broken database does at start-up,
//! and that pages are rendered on the server with the caller's session.

mod common;

use axum::http::StatusCode;
use serde_json::json;

use app::model::Role;
use common::TestServer;

#[tokio::test]
async fn accounts_tracks_and_playlists_survive_a_restart() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let first = server.add_track(session.account.id, "a/first.mp3", &common::pattern(400)).await;
    let second = server.add_track(session.account.id, "a/second.mp3", &common::pattern(600)).await;
    let playlist = server.playlist(&session, "Kept", &[second, first]).await;
    let dir = server.stop().await;

    let server = TestServer::start_in(dir).await;
    let account = app::server::users::find_user_by_name(&server.pool, "alice")
        .await
        .expect("query")
        .expect("alice is still there");
    let session = server.sign_in(&account).await;

    let library = server.get("/api/audio/").token(&session).send().await.json();
    assert_eq!(library["total"], 2);
    let detail = server.get(&format!("/api/playlist/{playlist}/")).token(&session).send().await;
    assert_eq!(detail.status, StatusCode::OK);
    let detail = detail.json();
    assert_eq!(detail["title"], "Kept");
    let order: Vec<i64> = detail["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["track"]["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(order, [second.0, first.0]);

    let bytes = server.get(&format!("/api/audio/{first}/stream")).token(&session).send().await;
    assert_eq!(bytes.body, common::pattern(400));
}

#[tokio::test]
async fn old_session_cookie_still_works_after_restart() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let dir = server.stop().await;

    let server = TestServer::start_in(dir).await;
    let account = server.get("/api/user/account/").cookie(&session).send().await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(account.json()["username"], "alice");
}

#[tokio::test]
async fn corrupt_database_file_fails_start_up_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = common::config_in(dir.path());
    std::fs::create_dir_all(&config.data_dir).expect("data dir");
    let garbage: Vec<u8> =
        (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(config.database_path(), garbage).expect("garbage written");

    let err =
        soundwave::startup::open(&config).await.expect_err("a corrupt database must not open");
    let message = format!("{err:#}");
    assert!(message.contains("soundwave.db"), "the message names the file: {message}");
    assert!(
        message.contains("not a database")
            || message.contains("integrity")
            || message.contains("malformed"),
        "the message says what is wrong: {message}"
    );
}

#[tokio::test]
async fn playlists_page_is_rendered_on_the_server_with_the_session() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    server.playlist(&session, "Sunday Morning Jazz", &[]).await;
    let bob = server.signed_in("bob", Role::User).await;
    server.playlist(&bob, "Bob Only Beats", &[]).await;

    let page = server.get("/playlists").cookie(&session).header("accept", "text/html").send().await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").is_some_and(|c| c.starts_with("text/html")));
    let html = page.text();
    assert!(html.contains("Sunday Morning Jazz"), "the title is not in the server HTML:\n{html}");
    assert!(!html.contains("Bob Only Beats"), "another user's playlist is in the HTML");

    let anonymous = server.get("/playlists").header("accept", "text/html").send().await;
    assert!(!anonymous.text().contains("Sunday Morning Jazz"));
}

#[tokio::test]
async fn rejected_write_leaves_no_trace_after_restart() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let bad =
        server.post("/api/playlist/").token(&session).json(&json!({ "title": "" })).send().await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let dir = server.stop().await;

    let server = TestServer::start_in(dir).await;
    assert_eq!(server.count("playlists").await, 0);
    assert_eq!(server.count("users").await, 1);
}
