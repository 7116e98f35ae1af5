//! The side navigation with the account menu.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::account::Logout;

#[component]
pub fn Nav() -> impl IntoView {
    let account = expect_context::<crate::shell::AccountResource>();
    let logout = ServerAction::<Logout>::new();

    view! {
        <nav class="sidebar" aria-label="Main">
            <a class="brand" href="/">
                <span class="logo" aria-hidden="true">"≋"</span>
                "Soundwave"
            </a>
            <A href="/library">"Library"</A>
            <A href="/playlists">"Playlists"</A>
            <A href="/offline">"On this device"</A>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match account.await {
                        Some(user) => view! {
                            <A href="/downloads">"Downloads"</A>
                            {user.is_admin().then(|| view! {
                                <A href="/channels">"Channels"</A>
                                <A href="/admin">"Admin"</A>
                            })}
                            <div class="account">
                                <span class="who">{user.username.clone()}</span>
                                <ActionForm action=logout>
                                    <button type="submit" class="link">"Sign out"</button>
                                </ActionForm>
                            </div>
                        }.into_any(),
                        None => view! {
                            <div class="account">
                                <a href="/login">"Sign in"</a>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </nav>
    }
}
