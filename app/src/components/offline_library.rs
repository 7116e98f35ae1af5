//! What this device keeps: the storage meter, the cache limit with its clean-up, and each
//! offline playlist with its size and state. Offline, playlists that can play come first and
//! tracks that are not cached are greyed out.

use leptos::prelude::*;

use crate::components::{
    offline_state::{format_bytes, use_offline, OfflineCtx, OfflinePlaylist},
    player::use_player,
};

#[component]
pub fn OfflineLibrary() -> impl IntoView {
    let Some(ctx) = use_offline() else { return ().into_any() };
    view! {
        <div class="offline-library">
            {move || {
                if !ctx.loaded.get() {
                    return view! { <p class="muted">"Reading this device…"</p> }.into_any();
                }
                if ctx.user.get().is_none() {
                    return view! {
                        <p class="empty">"Sign in while online to see the music kept on this device."</p>
                    }.into_any();
                }
                view! { <StorageMeter ctx /> <OfflinePlaylists ctx /> <RemoveAll ctx /> }.into_any()
            }}
        </div>
    }
    .into_any()
}

#[component]
fn StorageMeter(ctx: OfflineCtx) -> impl IntoView {
    let kept = move || ctx.playlists.with(|all| all.iter().map(|p| p.bytes).sum::<f64>());
    let limit_text = RwSignal::new(String::new());
    Effect::new(move |_| {
        let limit = ctx.settings.with(|s| s.limit_bytes);
        limit_text.set(limit.map(|b| format!("{:.0}", b / 1_000_000.0)).unwrap_or_default());
    });
    let save_limit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = limit_text.get_untracked();
        let limit = text.trim().parse::<f64>().ok().filter(|mb| *mb > 0.0).map(|mb| mb * 1e6);
        set_limit(ctx, limit);
    };
    view! {
        <section class="panel storage-meter">
            <h2>"Storage"</h2>
            {move || ctx.storage.get().map(|s| view! {
                <meter min="0" max=s.quota value=s.usage></meter>
                <p class="storage-usage">
                    {format!("{} used by this site of about {} the browser allows",
                        format_bytes(s.usage), format_bytes(s.quota))}
                </p>
                <p class="storage-persisted">
                    {if s.persisted { "Kept when the device is short of space." }
                     else { "The browser may clear it when the device is short of space." }}
                </p>
            })}
            <p class="offline-total">"Offline music: " {move || format_bytes(kept())}</p>
            <form class="cache-limit" on:submit=save_limit>
                <label>
                    "Keep at most (MB, empty for no limit) "
                    <input type="number" name="limit" min="0" step="any"
                        prop:value=move || limit_text.get()
                        on:input=move |ev| limit_text.set(event_target_value(&ev)) />
                </label>
                <button type="submit">"Save limit"</button>
                <button type="button" class="clean-up" on:click=move |_| clean_up(ctx)>
                    "Clean up to the limit"
                </button>
            </form>
        </section>
    }
}

#[component]
fn OfflinePlaylists(ctx: OfflineCtx) -> impl IntoView {
    view! {
        <section class="offline-playlists">
            <h2>"Playlists on this device"</h2>
            {move || {
                let mut all = ctx.playlists.get();
                if all.is_empty() {
                    return view! {
                        <p class="empty">"Nothing yet. Open a playlist and choose “Make available offline”."</p>
                    }.into_any();
                }
                let cached = ctx.cached_tracks.get();
                // Playlists that can play right now first.
                all.sort_by_key(|p| !p.items.iter().any(|i| cached.contains(&i.track.id)));
                all.into_iter().map(|p| view! { <OfflineCard playlist=p ctx /> }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn OfflineCard(playlist: OfflinePlaylist, ctx: OfflineCtx) -> impl IntoView {
    let player = use_player();
    let id = playlist.id;
    let cached = ctx.cached_tracks.get_untracked();
    let playable: Vec<_> = playlist
        .items
        .iter()
        .filter(|i| cached.contains(&i.track.id))
        .map(|i| i.track.clone())
        .collect();
    let can_play = !playable.is_empty();
    let playable = StoredValue::new(playable);
    let rows = playlist.items.iter().map(|item| {
        let here = cached.contains(&item.track.id);
        view! {
            <li class=if here { "offline-track" } else { "offline-track missing" } data-track=item.track.id.0>
                {item.track.title.clone()} <span class="muted">" · " {item.track.artist.clone()}</span>
            </li>
        }
    }).collect_view();
    let (pinned, auto) = (playlist.pinned, playlist.auto_update);
    view! {
        <article class=if can_play { "panel offline-card" } else { "panel offline-card unavailable" }
            data-playlist=id.0>
            <header>
                <h3 class="offline-title">{playlist.title.clone()}</h3>
                <p class="muted">
                    {format!("{} tracks · {} · {}", playlist.items.len(), format_bytes(playlist.bytes),
                        playlist.status.label())}
                </p>
            </header>
            <div class="offline-actions">
                <button class="primary offline-play" disabled=!can_play
                    on:click=move |_| player.play_list(playable.get_value(), 0)>"▶ Play"</button>
                <label><input type="checkbox" class="offline-pin" prop:checked=pinned
                    on:change=move |ev| set_flags(ctx, id, Some(event_target_checked(&ev)), None) />
                    " Keep (never clean up)"</label>
                <label><input type="checkbox" class="offline-auto" prop:checked=auto
                    on:change=move |ev| set_flags(ctx, id, None, Some(event_target_checked(&ev))) />
                    " Update automatically"</label>
                <crate::components::offline_button::OfflineToggle id />
            </div>
            <ol class="offline-tracks">{rows}</ol>
        </article>
    }
}

#[component]
fn RemoveAll(ctx: OfflineCtx) -> impl IntoView {
    let armed = RwSignal::new(false);
    view! {
        <section class="panel danger-zone">
            <p>"Signing out keeps this data for when you sign in again on this device."</p>
            <Show when=move || armed.get() fallback=move || view! {
                <button class="remove-offline-data" on:click=move |_| armed.set(true)>
                    "Remove offline data from this device…"
                </button>
            }>
                <button class="danger confirm-remove-offline" on:click=move |_| remove_all(ctx)>
                    "Yes, remove all my offline music and queued plays"
                </button>
            </Show>
        </section>
    }
}

fn set_limit(ctx: OfflineCtx, limit: Option<f64>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::client::offline::{current_user, database, idb, refresh};
        let Ok(user) = current_user(&ctx) else { return };
        let saved = async {
            let db = database(user).await?;
            let mut settings = idb::load_settings(&db).await?;
            settings.limit_bytes = limit;
            idb::save_settings(&db, &settings).await
        };
        if let Err(e) = saved.await {
            ctx.notice.set(Some(e.to_string()));
        }
        refresh(ctx).await;
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (ctx, limit);
}

fn clean_up(ctx: OfflineCtx) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::client::offline::{current_user, jobs};
        let Ok(user) = current_user(&ctx) else { return };
        let Some(limit) = ctx.settings.get_untracked().limit_bytes else {
            ctx.notice.set(Some("Set a limit first.".to_owned()));
            return;
        };
        let used: f64 = ctx.playlists.get_untracked().iter().map(|p| p.bytes).sum();
        match jobs::free_space(ctx, user, used - limit).await {
            Ok(freed) => ctx.notice.set(Some(format!("Freed {}.", format_bytes(freed)))),
            Err(e) => ctx.notice.set(Some(e.to_string())),
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = ctx;
}

fn set_flags(
    ctx: OfflineCtx,
    id: crate::model::PlaylistId,
    pinned: Option<bool>,
    auto: Option<bool>,
) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::client::offline::{current_user, database, idb, refresh};
        let Ok(user) = current_user(&ctx) else { return };
        let saved = async {
            let db = database(user).await?;
            if let Some(mut p) = idb::get_playlist(&db, id).await? {
                p.pinned = pinned.unwrap_or(p.pinned);
                p.auto_update = auto.unwrap_or(p.auto_update);
                idb::save_playlist(&db, &p).await?;
            }
            Ok::<(), crate::client::offline::OfflineError>(())
        };
        if let Err(e) = saved.await {
            ctx.notice.set(Some(e.to_string()));
        }
        refresh(ctx).await;
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (ctx, id, pinned, auto);
}

fn remove_all(ctx: OfflineCtx) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::client::offline::{current_user, jobs};
        let Ok(user) = current_user(&ctx) else { return };
        match jobs::remove_all(ctx, user).await {
            Ok(()) => ctx.notice.set(Some("Offline data removed from this device.".to_owned())),
            Err(e) => ctx.notice.set(Some(e.to_string())),
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = ctx;
}
