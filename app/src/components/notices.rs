//! Whole-page notices shared by pages that load their own data: sign in first, not found.

use leptos::prelude::*;
use leptos_meta::Title;

/// For visitors on a page that needs an account; `next` brings them back after signing in.
#[component]
pub fn SignInNotice(#[prop(into)] next: String) -> impl IntoView {
    let href = format!("/login?next={}", crate::pages::library::urlencode(&next));
    view! {
        <section class="empty notice">
            <h1>"Please sign in"</h1>
            <p>"This page shows your own music, so you need to be signed in."</p>
            <p><a href=href class="button primary">"Sign in"</a></p>
        </section>
    }
}

/// A missing (or someone else's) object. Sets HTTP 404 when rendered on the server; callers
/// render it from a blocking resource so the status is set before the response starts.
#[component]
pub fn NotFoundNotice(#[prop(into)] what: String, #[prop(into)] back: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <section class="empty notice">
            <h1>{format!("{what} not found")}</h1>
            <p>"It does not exist, or it is not yours."</p>
            <p><a href=back class="button">"Back"</a></p>
        </section>
    }
}
