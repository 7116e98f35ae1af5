//! The Soundwave server: configuration, start-up, the command line and the HTTP router.
//! Pages and services live in the `app` crate; this crate wires them to axum.

// Leptos views are deeply nested types; rendering the bigger pages needs more than the default 128.
#![recursion_limit = "256"]

pub mod cli;
pub mod http;
pub mod startup;

pub use http::router;
