//! Shown for any path no page claims.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <section class="empty">
            <h1>"Nothing here"</h1>
            <p>"This page does not exist. " <a href="/library">"Back to the library"</a></p>
        </section>
    }
}
