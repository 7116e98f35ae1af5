//! The axum router: REST API under `/api` (and `/api/v1`), server functions under `/sfn`
//! (registered by `leptos_routes_with_context`),
//! Leptos pages, and the static site (WASM, CSS, service worker, icons).

pub mod audio;
pub mod auth;
pub mod downloads;
pub mod error;
pub mod playlists;
pub mod plays;
pub mod ranges;
pub mod server_fn_status;
pub mod stream;

use axum::{
    extract::Request,
    http::{header, HeaderValue},
    middleware::{self, Next},
    response::Response,
    Router,
};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};

use app::{server::AppState, shell, App};

/// The whole application as a router, ready for `axum::serve` or for tests' `oneshot`.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let api = api_routes();

    Router::new()
        .nest("/api", api.clone())
        .nest("/api/v1", api)
        .route("/healthz", axum::routing::get(health))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(server_fn_status::map_status))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

fn api_routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(audio::routes())
        .merge(playlists::routes())
        .merge(downloads::routes())
        .merge(plays::routes())
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::api_method_not_allowed)
}

/// For container health checks: the process answers and the database is readable.
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, &'static str) {
    match sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&state.pool).await {
        Ok(_) => (axum::http::StatusCode::OK, "ok"),
        Err(_) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Headers every answer carries: a CSP that lets our own WASM run, and no framing or sniffing.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    response
}
