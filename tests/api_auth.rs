//! The `/api/user/...` routes: registration, sign-in, tokens, sign-out, CSRF and throttling.

mod common;

use axum::http::StatusCode;
use serde_json::json;

use common::TestServer;

#[tokio::test]
async fn first_registered_account_is_admin_and_second_is_user() {
    let server = TestServer::start().await;

    let first = server
        .post("/api/user/register/")
        .json(&json!({ "username": "alice", "password": common::PASSWORD }))
        .send()
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert_eq!(first.json()["user"]["role"], "admin");

    let second = server
        .post("/api/user/register/")
        .json(&json!({ "username": "bob", "password": common::PASSWORD }))
        .send()
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text());
    assert_eq!(second.json()["user"]["role"], "user");
    assert_eq!(server.count("users").await, 2);
}
