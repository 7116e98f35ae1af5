//! `POST /api/plays/`: offline play batches count each play once, keep users apart, and feed
//! the admin totals.

mod common;

use axum::http::StatusCode;
use serde_json::{json, Value};

use app::model::{Role, TrackId};
use common::{Session, TestServer};

fn uuid(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-000000000000")
}

fn play(n: u32, track: TrackId, offline: bool) -> Value {
    json!({ "client_id": uuid(n), "track_id": track, "played_at": 1_700_000_000 + n,
            "seconds": 30, "offline": offline })
}

async fn post(server: &TestServer, session: &Session, batch: &Value) -> common::TestResponse {
    server.post("/api/plays/").token(session).json(batch).send().await
}

async fn play_count(server: &TestServer, session: &Session, track: TrackId) -> i64 {
    sqlx::query_scalar("SELECT play_count FROM library_entries WHERE user_id = ? AND track_id = ?")
        .bind(session.account.id)
        .bind(track)
        .fetch_one(&server.pool)
        .await
        .expect("library entry")
}

#[tokio::test]
async fn a_replayed_batch_counts_each_play_once() {
    let server = TestServer::start().await;
    let alice = server.signed_in("alice", Role::User).await;
    let track = server.add_track(alice.account.id, "a/one.mp3", b"one").await;
    let batch = json!({ "client_id": uuid(100), "cache_hits": 7, "cache_misses": 2,
        "plays": [play(1, track, true), play(2, track, true), play(3, track, false)] });

    let first = post(&server, &alice, &batch).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.json()["accepted"], 3);
    assert_eq!(first.json()["batch_was_new"], true);

    // The answer was lost, so the client sends the same queue again.
    let again = post(&server, &alice, &batch).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_eq!(again.json()["accepted"], 0);
    assert_eq!(again.json()["duplicates"], 3);
    assert_eq!(again.json()["batch_was_new"], false);

    assert_eq!(server.count("plays").await, 3);
    assert_eq!(play_count(&server, &alice, track).await, 3);
    let totals = app::server::plays::totals(&server.pool).await.expect("totals");
    assert_eq!((totals.plays, totals.offline_plays), (3, 2));
    assert_eq!((totals.cache_hits, totals.cache_misses, totals.batches), (7, 2, 1));
}

#[tokio::test]
async fn plays_of_tracks_outside_the_library_are_rejected() {
    let server = TestServer::start().await;
    let alice = server.signed_in("alice", Role::User).await;
    let bob = server.signed_in("bob", Role::User).await;
    let hers = server.add_track(alice.account.id, "a/hers.mp3", b"hers").await;
    let batch = json!({ "client_id": uuid(200), "plays": [play(10, hers, true)] });

    let answer = post(&server, &bob, &batch).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["rejected"], 1);
    assert_eq!(answer.json()["accepted"], 0);
    assert_eq!(server.count("plays").await, 0);
    assert_eq!(play_count(&server, &alice, hers).await, 0);
}

#[tokio::test]
async fn bad_batches_change_nothing() {
    let server = TestServer::start().await;
    let alice = server.signed_in("alice", Role::User).await;
    let track = server.add_track(alice.account.id, "a/one.mp3", b"one").await;

    let no_uuid = json!({ "client_id": "not-a-uuid", "plays": [play(1, track, true)] });
    post(&server, &alice, &no_uuid).await.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    let bad_play = json!({ "client_id": uuid(300),
        "plays": [play(1, track, true), { "client_id": "x", "track_id": track.0,
                   "played_at": 1, "seconds": 1, "offline": true }] });
    post(&server, &alice, &bad_play).await.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    let negative = json!({ "client_id": uuid(301), "cache_hits": -1, "plays": [] });
    post(&server, &alice, &negative).await.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(server.count("plays").await, 0);
    assert_eq!(server.count("play_batches").await, 0);

    let anonymous = server
        .post("/api/plays/")
        .json(&json!({ "client_id": uuid(302),
        "plays": [] }))
        .send()
        .await;
    anonymous.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}
