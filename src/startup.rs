//! Start-up: logging, configuration, directories, the database, the first admin, and serving
//! until SIGTERM or Ctrl-C.

use std::net::SocketAddr;

use anyhow::Context;
use leptos::config::get_configuration;
use sqlx::SqlitePool;

use app::server::{config::Config, db, users, AppState};

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}

/// Creates the three data directories and opens the database.
pub async fn open(config: &Config) -> anyhow::Result<SqlitePool> {
    for (name, dir) in [
        ("DATA_DIR", &config.data_dir),
        ("MEDIA_ROOT", &config.media_root),
        ("CACHE_DIR", &config.cache_dir),
    ] {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("while creating {name} at {}", dir.display()))?;
    }
    let pool = db::open(&config.database_path())
        .await
        .with_context(|| format!("while opening {}", config.database_path().display()))?;
    Ok(pool)
}

/// The state the router needs, built from a config and an open pool.
pub fn state(pool: SqlitePool, config: Config) -> anyhow::Result<AppState> {
    let leptos = get_configuration(None).context("while reading the Leptos configuration")?;
    Ok(AppState::new(pool, config, leptos.leptos_options))
}

/// Runs the web server until a shutdown signal.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let pool = open(&config).await?;
    if let Some(admin) = &config.initial_admin {
        if let Some(created) = users::ensure_initial_admin(&pool, admin).await? {
            tracing::info!(username = %created.username, "created the first administrator");
        }
    }
    tracing::info!(
        data_dir = %config.data_dir.display(),
        media_root = %config.media_root.display(),
        cache_dir = %config.cache_dir.display(),
        "configuration"
    );
    let addr = config.addr;
    let state = state(pool.clone(), config)?;
    let worker = app::server::downloads::start(&state).await;
    let scheduler = app::server::downloads::subscriptions::start_scheduler(
        &state,
        app::server::downloads::subscriptions::TICK,
    )
    .await;
    let app = crate::router(state);

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("while binding {addr} (SOUNDWAVE_ADDR)"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("while serving")?;

    scheduler.shutdown().await;
    worker.shutdown().await;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
