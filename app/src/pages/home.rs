//! The start page: where to go next.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="hero">
            <h1>"Soundwave"</h1>
            <p><a class="button primary" href="/library">"Open the library"</a></p>
        </section>
    }
}
