//! The state every request handler and server function receives.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use super::{auth::LoginThrottle, config::Config};

#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    pub throttle: Arc<LoginThrottle>,
    /// Held while a library scan runs, so two scans never overlap.
    pub scan_lock: Arc<tokio::sync::Mutex<()>>,
    /// The download worker's shared side: tool check result, wake-up, running jobs.
    pub downloads: Arc<super::downloads::Downloads>,
}

impl AppState {
    pub fn new(pool: SqlitePool, config: Config, leptos_options: LeptosOptions) -> Self {
        Self {
            pool,
            config: Arc::new(config),
            leptos_options,
            throttle: Arc::default(),
            scan_lock: Arc::default(),
            downloads: Arc::default(),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
