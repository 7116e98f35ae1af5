//! The sign-in and registration pages. Both work as plain HTML forms before the WASM loads.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::{Login, Register};
use crate::components::ErrorNote;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let next = move || use_query_map().read().get("next").unwrap_or_default();

    view! {
        <Title text="Sign in" />
        <section class="auth-card">
            <h1>"Sign in"</h1>
            <ActionForm action=login attr:class="stack">
                <input type="hidden" name="next" value=next />
                <label>
                    "User name"
                    <input name="username" autocomplete="username" required autofocus />
                </label>
                <label>
                    "Password"
                    <input
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </label>
                <ErrorNote result=move || login.value().get() />
                <button type="submit" class="primary" disabled=move || login.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
            <p class="muted">"No account yet? " <a href="/register">"Create one"</a></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();

    view! {
        <Title text="Create an account" />
        <section class="auth-card">
            <h1>"Create an account"</h1>
            <ActionForm action=register attr:class="stack">
                <label>
                    "User name"
                    <input name="username" autocomplete="username" required autofocus />
                </label>
                <label>
                    "Password (at least 8 characters)"
                    <input
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        minlength="8"
                        required
                    />
                </label>
                <ErrorNote result=move || register.value().get() />
                <button type="submit" class="primary" disabled=move || register.pending().get()>
                    "Create account"
                </button>
            </ActionForm>
            <p class="muted">"Already have one? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}
