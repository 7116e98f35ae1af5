//! Server-only services: plain Rust over SQLite and the file system, with no HTTP types in
//! their signatures, so the REST API and the server functions share one implementation.

pub mod auth;
pub mod config;
pub mod db;
pub mod downloads;
pub mod error;
pub mod import;
pub mod indexer;
pub mod library;
pub mod playlists;
pub mod plays;
pub mod settings;
pub mod state;
pub mod tags;
pub mod tracks;
pub mod user_admin;
pub mod users;

pub use error::{AppError, AppResult};
pub use state::AppState;
