//! The invisible half of offline support, mounted once in the layout: registers the service
//! worker after hydration, follows the signed-in user, counts plays for the play queue, and
//! shows the "Update available", install and offline notices.

use leptos::prelude::*;

use crate::components::{offline_state::use_offline, player::use_player};

#[component]
pub fn OfflineAgent() -> impl IntoView {
    let Some(ctx) = use_offline() else { return ().into_any() };
    let player = use_player();
    #[cfg(feature = "hydrate")]
    start(ctx, player);

    let update = move |_| {
        // Applied by the effect in `start` as soon as nothing plays.
        ctx.update_requested.set(true);
    };
    let install = move |_| {
        #[cfg(feature = "hydrate")]
        crate::client::offline::sw::prompt_install(ctx);
    };
    let ios_hint = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| ios_hint.set(crate::client::offline::sw::needs_ios_hint()));

    view! {
        <div class="offline-notices" aria-live="polite">
            <Show when=move || !ctx.online.get()>
                <p class="offline-badge">"Offline — playing what is on this device"</p>
            </Show>
            <Show when=move || ctx.update_ready.get()>
                <p class="update-available">
                    "Update available. "
                    <button class="primary apply-update" on:click=update>
                        {move || {
                            if ctx.update_requested.get() && player.playing.get() {
                                "Updating after this track…"
                            } else {
                                "Update now"
                            }
                        }}
                    </button>
                </p>
            </Show>
            <Show when=move || ctx.can_install.get()>
                <button class="install-app" on:click=install>"Install Soundwave"</button>
            </Show>
            <Show when=move || ios_hint.get()>
                <p class="ios-hint muted">
                    "To install: tap Share, then “Add to Home Screen”."
                </p>
            </Show>
            {move || ctx.notice.get().map(|text| view! {
                <p class="offline-notice" role="status">
                    {text}
                    <button class="link" on:click=move |_| ctx.notice.set(None)>"Dismiss"</button>
                </p>
            })}
        </div>
    }
    .into_any()
}

#[cfg(feature = "hydrate")]
fn start(
    ctx: crate::components::offline_state::OfflineCtx,
    player: crate::components::player::PlayerCtx,
) {
    use crate::client::offline::{self as offline, sw, sync};

    // Once, after hydration (effects never run on the server).
    Effect::new(move |_| {
        sw::register(ctx);
        sw::watch_install(ctx);
        offline::watch_online(ctx);
        watch_removal_elsewhere(ctx);
    });
    match use_context::<crate::shell::AccountResource>() {
        Some(account) => Effect::new(move |_| {
            // `None` while loading; `Some(None)` signed out: A's data stays, but is closed.
            let Some(signed_in) = account.get() else { return };
            let user = signed_in.map(|a| a.id);
            if ctx.user.get_untracked() != user || !ctx.loaded.get_untracked() {
                offline::set_user(ctx, user);
                if user.is_some() && ctx.online.get_untracked() {
                    leptos::task::spawn_local(sync::on_reconnect(ctx));
                }
            }
        }),
        None => Effect::new(move |_| offline::set_user(ctx, offline::remembered_user())),
    };
    // Apply a requested update only while nothing plays.
    Effect::new(move |_| {
        if ctx.update_requested.get() && !player.playing.get() {
            sw::apply_update(ctx);
        }
    });
    count_plays(ctx, player);
}

/// Another tab removed this user's offline data and this page let go of the database: stop
/// using it (see `offline::detach`) and say why.
#[cfg(feature = "hydrate")]
fn watch_removal_elsewhere(ctx: crate::components::offline_state::OfflineCtx) {
    use wasm_bindgen::{closure::Closure, JsCast};

    use crate::client::offline::{DATABASE_REMOVED_EVENT, DATABASE_UPGRADED_EVENT};

    let Some(window) = web_sys::window() else { return };
    let events = [
        (DATABASE_REMOVED_EVENT, "Offline data was removed from this device in another tab."),
        (
            DATABASE_UPGRADED_EVENT,
            "A newer version of Soundwave is open in another tab; reload this page.",
        ),
    ];
    for (event, message) in events {
        let on_closed = Closure::<dyn FnMut()>::new(move || {
            crate::client::offline::detach(ctx);
            ctx.notice.set(Some(message.to_owned()));
        });
        let _ = window.add_event_listener_with_callback(event, on_closed.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        on_closed.forget();
    }
}

/// A play counts once the track has run 5 s (or half of a shorter track).
#[cfg(feature = "hydrate")]
fn count_plays(
    ctx: crate::components::offline_state::OfflineCtx,
    player: crate::components::player::PlayerCtx,
) {
    let counted = StoredValue::new(None::<(crate::model::TrackId, Option<usize>)>);
    Effect::new(move |_| {
        let position = player.position.get();
        let duration = player.duration.get();
        let Some(track) = player.current() else { return };
        let key = (track.id, player.queue.with(|q| q.current_index()));
        let threshold = (duration / 2.0).clamp(0.5, 5.0);
        if position < threshold / 2.0 && counted.get_value() == Some(key) {
            // Started again from the top: the next run is another play.
            counted.set_value(None);
        } else if position >= threshold && counted.get_value() != Some(key) {
            counted.set_value(Some(key));
            let seconds = threshold.round() as i64;
            leptos::task::spawn_local(async move {
                if let Err(e) =
                    crate::client::offline::sync::record_play(ctx, track.id, seconds).await
                {
                    leptos::logging::warn!("play not recorded: {e}");
                }
            });
        }
    });
}
