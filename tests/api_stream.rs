//! `GET /api/audio/{id}/stream` through the real router: ranges, validators, access and big files.

mod common;

use axum::http::StatusCode;

use app::model::{Role, TrackId};
use common::{pattern, Session, TestServer};

const SIZE: usize = 1000;

/// A server with one signed-in user owning one 1000-byte track of `pattern` bytes.
async fn setup() -> (TestServer, Session, TrackId) {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let track = server.add_track(session.account.id, "alice/song.mp3", &pattern(SIZE)).await;
    (server, session, track)
}

fn url(track: TrackId) -> String {
    format!("/api/audio/{track}/stream")
}

async fn ranged(range: &str) -> common::TestResponse {
    let (server, session, track) = setup().await;
    server.get(&url(track)).token(&session).header("range", range).send().await
}

#[tokio::test]
async fn no_range_answers_full_body_with_validators() {
    let (server, session, track) = setup().await;
    let response = server.get(&url(track)).cookie(&session).send().await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, pattern(SIZE));
    assert_eq!(response.header("accept-ranges"), Some("bytes"));
    assert_eq!(response.header("content-length"), Some("1000"));
    assert_eq!(response.header("content-type"), Some("audio/mpeg"));
    assert!(response.header("etag").is_some_and(|e| e.starts_with('"')));
    let modified = response.header("last-modified").expect("last-modified");
    assert!(httpdate::parse_http_date(modified).is_ok(), "{modified}");
    assert!(response.header("cache-control").is_some_and(|c| c.contains("private")));
    assert!(response.header("content-range").is_none());
}

#[tokio::test]
async fn safari_probe_gets_two_bytes() {
    let response = ranged("bytes=0-1").await;
    assert_eq!(response.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.body, vec![0, 1]);
    assert_eq!(response.header("content-range"), Some("bytes 0-1/1000"));
    assert_eq!(response.header("content-length"), Some("2"));
}

#[tokio::test]
async fn first_byte_range_gets_one_byte() {
    let response = ranged("bytes=0-0").await;
    assert_eq!(response.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.body, vec![0]);
    assert_eq!(response.header("content-range"), Some("bytes 0-0/1000"));
    assert_eq!(response.header("content-length"), Some("1"));
}

#[tokio::test]
async fn open_range_runs_to_the_end_of_the_file() {
    let response = ranged("bytes=100-").await;
    assert_eq!(response.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.body, pattern(SIZE)[100..]);
    assert_eq!(response.header("content-range"), Some("bytes 100-999/1000"));
    assert_eq!(response.header("content-length"), Some("900"));
}

#[tokio::test]
async fn suffix_range_returns_last_bytes() {
    let response = ranged("bytes=-100").await;
    assert_eq!(response.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.body, pattern(SIZE)[900..]);
    assert_eq!(response.header("content-range"), Some("bytes 900-999/1000"));
}

#[tokio::test]
async fn closed_range_body_equals_the_file_slice() {
    let response = ranged("bytes=300-555").await;
    assert_eq!(response.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.body, pattern(SIZE)[300..=555]);
    assert_eq!(response.header("content-range"), Some("bytes 300-555/1000"));
    assert_eq!(response.header("content-type"), Some("audio/mpeg"));
}

#[tokio::test]
async fn range_end_past_size_is_clamped() {
    let response = ranged("bytes=990-5000").await;
    assert_eq!(response.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.body, pattern(SIZE)[990..]);
    assert_eq!(response.header("content-range"), Some("bytes 990-999/1000"));
}

#[tokio::test]
async fn range_start_past_size_is_unsatisfiable() {
    let response = ranged("bytes=1000-1100").await;
    assert_eq!(response.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(response.header("content-range"), Some("bytes */1000"));
    assert!(response.body.is_empty());
}

#[tokio::test]
async fn multi_range_gets_the_full_body() {
    let response = ranged("bytes=0-1,10-20").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, pattern(SIZE));
    assert!(response.header("content-range").is_none());
}

#[tokio::test]
async fn if_none_match_with_current_etag_is_not_modified() {
    let (server, session, track) = setup().await;
    let first = server.get(&url(track)).token(&session).send().await;
    let etag = first.header("etag").expect("etag").to_owned();

    let again = server.get(&url(track)).token(&session).header("if-none-match", &etag).send().await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
}

#[tokio::test]
async fn if_range_with_current_etag_keeps_the_range() {
    let (server, session, track) = setup().await;
    let etag =
        server.get(&url(track)).token(&session).send().await.header("etag").map(str::to_owned);
    let etag = etag.expect("etag");

    let response = server
        .get(&url(track))
        .token(&session)
        .header("range", "bytes=10-19")
        .header("if-range", &etag)
        .send()
        .await;
    assert_eq!(response.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.body, pattern(SIZE)[10..20]);
}

#[tokio::test]
async fn if_range_with_stale_etag_gets_the_full_body() {
    let (server, session, track) = setup().await;
    let response = server
        .get(&url(track))
        .token(&session)
        .header("range", "bytes=10-19")
        .header("if-range", "\"stale-version\"")
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, pattern(SIZE));
}

#[tokio::test]
async fn head_answers_headers_without_body() {
    let (server, session, track) = setup().await;
    let response = server.call(axum::http::Method::HEAD, &url(track)).token(&session).send().await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-length"), Some("1000"));
    assert_eq!(response.header("accept-ranges"), Some("bytes"));
    assert!(response.body.is_empty());

    let ranged = server
        .call(axum::http::Method::HEAD, &url(track))
        .token(&session)
        .header("range", "bytes=0-1")
        .send()
        .await;
    assert_eq!(ranged.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(ranged.header("content-range"), Some("bytes 0-1/1000"));
    assert!(ranged.body.is_empty());
}

#[tokio::test]
async fn track_outside_callers_library_is_not_found() {
    let (server, _alice, track) = setup().await;
    let bob = server.signed_in("bob", Role::User).await;
    let response = server.get(&url(track)).token(&bob).send().await;
    response.assert_error(StatusCode::NOT_FOUND, "not_found");

    let unknown = server.get("/api/audio/9999/stream").token(&bob).send().await;
    unknown.assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn stream_without_credentials_is_unauthorized() {
    let (server, _session, track) = setup().await;
    let response = server.get(&url(track)).send().await;
    response.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn vanished_file_is_not_found_not_a_server_error() {
    let (server, session, track) = setup().await;
    std::fs::remove_file(server.media_path("alice/song.mp3")).expect("file removed");
    let response = server.get(&url(track)).token(&session).send().await;
    response.assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn big_file_is_streamed_whole_and_exact() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let size = 20 * 1024 * 1024;
    let bytes = pattern(size);
    let track = server.add_track(session.account.id, "alice/big.mp3", &bytes).await;

    let response = server.get(&url(track)).token(&session).send().await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-length"), Some(size.to_string().as_str()));
    assert_eq!(response.body.len(), size);
    assert!(response.body == bytes, "body differs from the file");

    let tail = server
        .get(&url(track))
        .token(&session)
        .header("range", &format!("bytes={}-", size - 70_000))
        .send()
        .await;
    assert_eq!(tail.status, StatusCode::PARTIAL_CONTENT);
    assert!(tail.body == bytes[size - 70_000..]);
}

#[tokio::test]
async fn non_numeric_track_id_is_json_not_found() {
    let (server, session, _track) = setup().await;
    for path in
        ["/api/audio/abc/", "/api/audio/abc/stream", "/api/audio/1x/artwork", "/api/audio/-/"]
    {
        let response = server.get(path).token(&session).send().await;
        response.assert_error(StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn malformed_library_query_is_json_bad_request() {
    let (server, session, _track) = setup().await;
    for query in ["page=abc", "page_size=1.5", "sort=loudest"] {
        let response = server.get(&format!("/api/audio/?{query}")).token(&session).send().await;
        response.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    }
}

#[tokio::test]
async fn huge_page_number_answers_an_empty_page_not_a_crash() {
    let (server, session, _track) = setup().await;
    let response = server
        .get(&format!("/api/audio/?page={}&page_size=500", i64::MAX))
        .token(&session)
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.json()["total"], 1);
    assert_eq!(response.json()["data"].as_array().map(Vec::len), Some(0));
}
