//! Server functions: the app's own calls from the browser, thin adapters over `server::*`.

pub mod account;
pub mod admin;
pub mod downloads;
pub mod library;
pub mod offline;
pub mod playlists;

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What a server function can fail with, as the page sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("please sign in")]
    Unauthorized,
    #[error("only an administrator may do this")]
    Forbidden,
    #[error("refused: this request came from another site")]
    CrossSite,
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; wait a minute and try again")]
    TooManyRequests,
    #[error("something went wrong on the server")]
    Server,
    /// The call itself failed: network down, bad response.
    #[error("could not reach the server: {0}")]
    Transport(String),
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::AppError> for ApiError {
    fn from(err: crate::server::AppError) -> Self {
        use crate::server::AppError as E;
        match err {
            E::NotFound => ApiError::NotFound,
            E::Unauthorized => ApiError::Unauthorized,
            E::Forbidden => ApiError::Forbidden,
            E::CrossSite => ApiError::CrossSite,
            E::BadRequest(m) => ApiError::Invalid(m),
            E::Conflict(m) => ApiError::Conflict(m),
            E::TooManyRequests => ApiError::TooManyRequests,
            other => {
                tracing::error!(error = %other, "server function failed");
                ApiError::Server
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    //! What every server function starts with: the app state and the caller.

    use super::ApiError;
    use crate::{
        model::Account,
        server::{auth, AppState},
    };

    pub fn state() -> Result<AppState, ApiError> {
        leptos::prelude::use_context::<AppState>().ok_or(ApiError::Server)
    }

    /// The signed-in caller, or `Unauthorized`. Cookie-authenticated calls from another site
    /// are refused (server functions are POSTs, so this is the CSRF check).
    pub async fn caller() -> Result<(AppState, Account), ApiError> {
        let state = state()?;
        let parts =
            leptos::prelude::use_context::<http::request::Parts>().ok_or(ApiError::Server)?;
        let caller = auth::caller_from_headers(&state.pool, &parts.headers)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if caller.credential == auth::Credential::Cookie
            && auth::is_cross_site_write(&parts.method, &parts.headers)
        {
            return Err(ApiError::CrossSite);
        }
        Ok((state, caller.account))
    }

    pub async fn admin() -> Result<(AppState, Account), ApiError> {
        let (state, account) = caller().await?;
        if !account.is_admin() {
            return Err(ApiError::Forbidden);
        }
        Ok((state, account))
    }
}
