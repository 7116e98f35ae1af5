//! The side navigation with the account menu.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{api::account::Logout, components::offline_state::use_offline};

#[component]
pub fn Nav() -> impl IntoView {
    let account = expect_context::<crate::shell::AccountResource>();

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
                                <SignOut />
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

/// "Sign out" keeps this device's offline music for the next sign-in, so signing out never
/// deletes anything by surprise. Where this user has music on the device, a second choice
/// removes it (after sending the plays made offline) and then signs out. That choice appears
/// only once the browser has read the device's data, so the server never renders it.
#[component]
fn SignOut() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let offline = use_offline();
    let armed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let has_data = move || offline.is_some_and(|ctx| ctx.playlists.with(|p| !p.is_empty()));

    let choice = move || {
        has_data().then(|| {
            view! {
                <div class="forget-device">
                    <Show
                        when=move || armed.get()
                        fallback=move || view! {
                            <button class="link small forget-device-ask" on:click=move |_| armed.set(true)>
                                "Sign out and remove offline music…"
                            </button>
                        }
                    >
                        <p class="small muted">
                            "Removes your music, playlists and settings from this device. "
                            "Plays made offline are sent first."
                        </p>
                        <button
                            class="danger small confirm-forget-device"
                            disabled=move || busy.get()
                            on:click=move |_| forget_and_sign_out(offline, logout, busy, problem)
                        >
                            "Remove and sign out"
                        </button>
                        <button class="link small" on:click=move |_| armed.set(false)>"Cancel"</button>
                    </Show>
                    {move || problem.get().map(|p| view! { <p class="error small" role="alert">{p}</p> })}
                </div>
            }
        })
    };

    view! {
        <ActionForm action=logout>
            <button type="submit" class="link sign-out">"Sign out"</button>
        </ActionForm>
        {choice}
    }
}

/// Removes the signed-in user's offline data, then signs out. Nothing is removed before the
/// plays made offline have reached the server; on any failure the user stays signed in and
/// is told why.
fn forget_and_sign_out(
    offline: Option<crate::components::offline_state::OfflineCtx>,
    logout: ServerAction<Logout>,
    busy: RwSignal<bool>,
    problem: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::client::offline::{current_user, jobs};
        let Some(ctx) = offline else { return };
        busy.set(true);
        problem.set(None);
        let removed = match current_user(&ctx) {
            Ok(user) => jobs::forget_device(ctx, user).await,
            Err(e) => Err(e),
        };
        match removed {
            Ok(()) => {
                logout.dispatch(Logout {});
            }
            Err(e) => {
                problem.set(Some(e.to_string()));
                busy.set(false);
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (offline, logout, busy, problem);
}
