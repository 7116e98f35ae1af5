//! Soundwave's web app: pages, components and server functions. Built twice: for the
//! server (`ssr`, rendering inside axum) and for the browser (`hydrate`, WebAssembly).
// Deeply nested views (admin pages inside RequireAccount) exceed the default type depth.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod downloads_model;
pub mod model;
pub mod pages;
mod shell;

#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod server;

pub use shell::{shell, App};

/// Entry point of the WebAssembly bundle: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Server functions that redirect (sign-in, sign-out, register, delete) load the target page
    // in full instead of navigating inside the app: the account, and all per-user state that
    // hangs off it (player queue, offline storage), must start afresh. Set before the router
    // starts, since the first hook to be set wins.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = leptos::prelude::window().location().set_href(location);
    });
    leptos::mount::hydrate_body(App);
    // Tests and the service worker's page script wait for this mark before interacting.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
