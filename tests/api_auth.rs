//! The `/api/user/...` routes: registration, sign-in, tokens, sign-out, CSRF and throttling.

mod common;

use axum::http::StatusCode;
use serde_json::json;

use app::model::Role;
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

async fn register(server: &TestServer, name: &str, password: &str) -> common::TestResponse {
    server
        .post("/api/user/register/")
        .json(&json!({ "username": name, "password": password }))
        .send()
        .await
}

#[tokio::test]
async fn duplicate_username_differing_in_case_is_conflict() {
    let server = TestServer::start().await;
    assert_eq!(register(&server, "Alice", common::PASSWORD).await.status, StatusCode::CREATED);

    let again = register(&server, "aLICE", common::PASSWORD).await;
    again.assert_error(StatusCode::CONFLICT, "conflict");
    assert_eq!(server.count("users").await, 1);
}

#[tokio::test]
async fn short_password_is_bad_request_with_json_error() {
    let server = TestServer::start().await;
    let response = register(&server, "alice", "short").await;
    response.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(response.json()["message"].as_str().is_some_and(|m| m.contains("password")));
    assert_eq!(server.count("users").await, 0);
}

#[tokio::test]
async fn login_with_wrong_password_is_unauthorized() {
    let server = TestServer::start().await;
    server.user("alice", Role::User).await;
    let response = server
        .post("/api/user/login/")
        .json(&json!({ "username": "alice", "password": "not the password" }))
        .send()
        .await;
    response.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(response.session_cookie().is_none());
}

#[tokio::test]
async fn login_sets_httponly_lax_cookie_without_token_by_default() {
    let server = TestServer::start().await;
    server.user("alice", Role::User).await;
    let response = server
        .post("/api/user/login/")
        .json(&json!({ "username": "alice", "password": common::PASSWORD }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let set_cookie = response.header("set-cookie").expect("set-cookie");
    assert!(set_cookie.starts_with("sw_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(response.json().get("token").is_none());
    assert_eq!(response.json()["user"]["username"], "alice");

    let cookie = response.session_cookie().expect("cookie value");
    let account =
        server.get("/api/user/account/").header("cookie", &format!("sw_session={cookie}"));
    let account = account.send().await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(account.json()["username"], "alice");
}

#[tokio::test]
async fn return_token_answers_a_token_usable_as_token_and_bearer() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    assert_eq!(session.token.len(), 64);

    for scheme in ["Token", "Bearer"] {
        let response = server
            .get("/api/user/account/")
            .header("authorization", &format!("{scheme} {}", session.token))
            .send()
            .await;
        assert_eq!(response.status, StatusCode::OK, "{scheme}");
        assert_eq!(response.json()["username"], "alice");
        assert_eq!(response.json()["role"], "user");
    }
}

#[tokio::test]
async fn bad_token_is_unauthorized_even_with_a_valid_cookie() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let response =
        server.get("/api/user/account/").header("authorization", "Token 0000").send().await;
    response.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");

    let mixed = server
        .get("/api/user/account/")
        .cookie(&session)
        .header("authorization", "Bearer wrong")
        .send()
        .await;
    mixed.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn logout_invalidates_the_session_cookie() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    assert_eq!(
        server.get("/api/user/account/").cookie(&session).send().await.status,
        StatusCode::OK
    );

    let logout = server.post("/api/user/logout/").cookie(&session).send().await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    assert!(logout.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")));
    assert_eq!(server.count("sessions").await, 0);

    let after = server.get("/api/user/account/").cookie(&session).send().await;
    after.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn closed_registration_is_forbidden_and_adds_no_user() {
    let server = TestServer::start().await;
    server.user("admin", Role::Admin).await;
    app::server::settings::set_registration_open(&server.pool, false).await.expect("setting");

    let response = register(&server, "mallory", common::PASSWORD).await;
    response.assert_error(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(server.count("users").await, 1);

    app::server::settings::set_registration_open(&server.pool, true).await.expect("setting");
    assert_eq!(register(&server, "mallory", common::PASSWORD).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn cross_site_cookie_write_is_forbidden_and_changes_nothing() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;

    let response = server
        .post("/api/playlist/")
        .cookie(&session)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "title": "planted" }))
        .send()
        .await;
    response.assert_error(StatusCode::FORBIDDEN, "forbidden");
    // The reason is the other site, not a missing role.
    let message = response.json()["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("another site"), "{message}");
    assert_eq!(server.count("playlists").await, 0);

    let logout = server
        .post("/api/user/logout/")
        .cookie(&session)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await;
    logout.assert_error(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(server.count("sessions").await, 1);

    let same_site = server
        .post("/api/playlist/")
        .cookie(&session)
        .header("sec-fetch-site", "same-origin")
        .json(&json!({ "title": "mine" }))
        .send()
        .await;
    assert_eq!(same_site.status, StatusCode::CREATED);
}

#[tokio::test]
async fn token_write_needs_no_same_site_proof() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let response = server
        .post("/api/playlist/")
        .token(&session)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "title": "from a script" }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
}

#[tokio::test]
async fn login_throttle_answers_429_after_repeated_failures() {
    let server = TestServer::start().await;
    server.user("alice", Role::User).await;
    let attempt = |password: &'static str| {
        server
            .post("/api/user/login/")
            .json(&json!({ "username": "alice", "password": password }))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong password").await.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = attempt("wrong password").await;
    blocked.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");

    // While blocked even the right password is refused, so guessing gains nothing.
    let right = attempt(common::PASSWORD).await;
    right.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
}

#[tokio::test]
async fn unknown_api_path_is_json_not_found() {
    let server = TestServer::start().await;
    let response = server.get("/api/no/such/thing/").send().await;
    response.assert_error(StatusCode::NOT_FOUND, "not_found");
    assert!(response.header("content-type").is_some_and(|c| c.starts_with("application/json")));

    let v1 = server.get("/api/v1/nothing-here").send().await;
    v1.assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn v1_alias_serves_the_same_api() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let response = server.get("/api/v1/user/account/").token(&session).send().await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json()["username"], "alice");

    let login = server
        .post("/api/v1/user/login/")
        .json(&json!({ "username": "alice", "password": common::PASSWORD }))
        .send()
        .await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.session_cookie().is_some());
}

#[tokio::test]
async fn initial_admin_from_environment_is_created_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = common::config_with(
        dir.path(),
        &[("SW_ADMIN_USERNAME", "root"), ("SW_ADMIN_PASSWORD", "a long admin password")],
    );
    let pool = soundwave::startup::open(&config).await.expect("open");
    let admin = config.initial_admin.clone().expect("initial admin is configured");

    let created = app::server::users::ensure_initial_admin(&pool, &admin).await.expect("ensure");
    let created = created.expect("an empty server gets its first admin");
    assert!(created.is_admin());
    let again = app::server::users::ensure_initial_admin(&pool, &admin).await.expect("ensure");
    assert!(again.is_none(), "a second start must not create another admin");
    pool.close().await;

    let server = TestServer::start_in(dir).await;
    let login = server
        .post("/api/user/login/")
        .json(&json!({ "username": "root", "password": "a long admin password" }))
        .send()
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    assert_eq!(login.json()["user"]["role"], "admin");
}

#[tokio::test]
async fn malformed_login_body_is_json_bad_request() {
    let server = TestServer::start().await;
    let response =
        server.post("/api/user/login/").body("application/json", "{\"username\": ").send().await;
    response.assert_error(StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn tokens_are_created_listed_without_secrets_and_revoked() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;

    let created = server
        .post("/api/user/tokens/")
        .cookie(&session)
        .json(&json!({ "name": "backup script" }))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let secret = created.json()["token"].as_str().expect("secret shown once").to_owned();
    let id = created.json()["id"].as_i64().expect("token id");
    assert_eq!(created.json()["name"], "backup script");

    let with_new =
        server.get("/api/user/account/").header("authorization", &format!("Token {secret}"));
    assert_eq!(with_new.send().await.status, StatusCode::OK);

    let list = server.get("/api/user/tokens/").token(&session).send().await;
    assert_eq!(list.status, StatusCode::OK);
    let listed = list.json();
    let names: Vec<&str> = listed["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(names.contains(&"backup script") && names.contains(&"login"), "{names:?}");
    assert_eq!(list.json()["total"], 2);
    assert!(!list.text().contains(&secret), "a listing must not show secrets");
    assert!(!list.text().contains(&session.token));
    assert!(list.json()["data"][0].get("token_hash").is_none());

    let revoke = server.delete(&format!("/api/user/tokens/{id}/")).cookie(&session).send().await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    let after = server
        .get("/api/user/account/")
        .header("authorization", &format!("Token {secret}"))
        .send()
        .await;
    after.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let list = server.get("/api/user/tokens/").token(&session).send().await;
    assert_eq!(list.json()["total"], 1);
}

#[tokio::test]
async fn tokens_of_another_user_are_invisible_and_unrevocable() {
    let server = TestServer::start().await;
    let alice = server.signed_in("alice", Role::User).await;
    let bob = server.signed_in("bob", Role::User).await;

    let alice_tokens = server.get("/api/user/tokens/").token(&alice).send().await;
    let alice_token_id = alice_tokens.json()["data"][0]["id"].as_i64().expect("id");
    let bob_list = server.get("/api/user/tokens/").token(&bob).send().await;
    assert_eq!(bob_list.json()["total"], 1);
    assert_ne!(bob_list.json()["data"][0]["id"].as_i64(), Some(alice_token_id));

    let revoke =
        server.delete(&format!("/api/user/tokens/{alice_token_id}/")).token(&bob).send().await;
    revoke.assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(server.get("/api/user/account/").token(&alice).send().await.status, StatusCode::OK);

    let not_an_id = server.delete("/api/user/tokens/all/").token(&bob).send().await;
    not_an_id.assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn token_needs_a_name_and_a_signed_in_caller() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let empty = server.post("/api/user/tokens/").token(&session).json(&json!({ "name": "  " }));
    empty.send().await.assert_error(StatusCode::BAD_REQUEST, "bad_request");

    let anonymous = server.post("/api/user/tokens/").json(&json!({ "name": "x" })).send().await;
    anonymous.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(server.count("api_tokens").await, 1);
}

#[tokio::test]
async fn token_query_flag_returns_a_token_like_return_token() {
    let server = TestServer::start().await;
    let registered = server
        .post("/api/user/register/?token=1")
        .json(&json!({ "username": "alice", "password": common::PASSWORD }))
        .send()
        .await;
    assert_eq!(registered.status, StatusCode::CREATED);
    assert!(registered.json()["token"].as_str().is_some_and(|t| t.len() == 64));

    let login = server
        .post("/api/user/login/?token=1")
        .json(&json!({ "username": "alice", "password": common::PASSWORD }))
        .send()
        .await;
    let token = login.json()["token"].as_str().expect("token").to_owned();
    let account =
        server.get("/api/user/account/").header("authorization", &format!("Token {token}"));
    assert_eq!(account.send().await.status, StatusCode::OK);
}

#[tokio::test]
async fn login_name_is_case_insensitive() {
    let server = TestServer::start().await;
    server.user("Alice", Role::User).await;
    let response = server
        .post("/api/user/login/")
        .json(&json!({ "username": " aLiCe ", "password": common::PASSWORD }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.json()["user"]["username"], "Alice");
}

#[tokio::test]
async fn cross_site_server_function_write_is_refused() {
    let server = TestServer::start().await;
    let session = server.signed_in("alice", Role::User).await;
    let response = server
        .post("/sfn/create_playlist")
        .cookie(&session)
        .header("sec-fetch-site", "cross-site")
        .body("application/x-www-form-urlencoded", "title=planted")
        .send()
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.text());
    assert!(response.text().contains("CrossSite"), "{}", response.text());
    assert_eq!(server.count("playlists").await, 0);

    let same_origin =
        server.post("/sfn/create_playlist").cookie(&session).form("title=mine").send().await;
    assert!(same_origin.status.is_success(), "{}", same_origin.text());
    assert_eq!(server.count("playlists").await, 1);
}
