//! Components shared by several pages.

pub mod add_to_playlist;
pub mod dates;
pub mod icons;
pub mod nav;
pub mod notices;
pub mod offline_admin;
pub mod offline_agent;
pub mod offline_button;
pub mod offline_library;
pub mod offline_state;
pub mod player;
pub mod player_bar;
pub mod playlist_cards;
pub mod queue;
pub mod track_list;

use leptos::prelude::*;

use crate::api::ApiError;

/// Shows the error of the last server call, if it failed.
#[component]
pub fn ErrorNote<T, F>(result: F) -> impl IntoView
where
    T: 'static,
    F: Fn() -> Option<Result<T, ApiError>> + Send + Sync + 'static,
{
    move || {
        result().and_then(|r| r.err()).map(|e| {
            view! { <p class="error" role="alert">{e.to_string()}</p> }
        })
    }
}

/// Sends visitors to the sign-in page; renders `children` for signed-in accounts.
#[component]
pub fn RequireAccount(children: ChildrenFn) -> impl IntoView {
    let account = expect_context::<crate::shell::AccountResource>();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Some(_) => children.read_value()().into_any(),
                    None => view! {
                        <section class="empty">
                            <h1>"Please sign in"</h1>
                            <p><a href="/login" class="button primary">"Sign in"</a></p>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
