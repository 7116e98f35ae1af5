//! The Soundwave server: configuration, start-up, the command line and the HTTP router.
//! Pages and services live in the `app` crate; this crate wires them to axum.

pub mod cli;
pub mod http;
pub mod startup;

pub use http::router;
