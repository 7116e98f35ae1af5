//! "Make available offline" / "Remove from device" for one playlist, with the job's progress
//! bar, per-track state, cancel, and the clean-up offer when the device is out of space.

use leptos::prelude::*;

use crate::{
    components::offline_state::{format_bytes, use_offline, JobProgress, OfflineCtx, SyncStatus},
    model::PlaylistId,
};

#[component]
pub fn OfflineToggle(id: PlaylistId) -> impl IntoView {
    let Some(ctx) = use_offline() else { return ().into_any() };
    let record = move || ctx.playlists.with(|all| all.iter().find(|p| p.id == id).cloned());
    let job = move || ctx.jobs.with(|jobs| jobs.get(&id).cloned());

    view! {
        <section class="offline-toggle" data-playlist=id.0>
            {move || {
                if ctx.user.get().is_none() {
                    return ().into_any();
                }
                let job = job();
                if let Some(job) = job.clone().filter(|j| j.running) {
                    return view! { <JobBar id job ctx /> }.into_any();
                }
                let failure = job.and_then(|j| j.error.map(|e| (e, j.needed_bytes)));
                view! {
                    {failure.map(|(error, needed)| view! { <JobFailure id error needed ctx /> })}
                    {match record() {
                        Some(copy) => view! {
                            <p class="offline-state">
                                <span class=format!("sync-badge status-{:?}", copy.status).to_lowercase()>
                                    {copy.status.label()}
                                </span>
                                " " {format_bytes(copy.bytes)}
                            </p>
                            {matches!(copy.status, SyncStatus::Outdated | SyncStatus::Partial | SyncStatus::Error)
                                .then(|| view! {
                                    <button class="offline-refresh" on:click=move |_| start(ctx, id)>
                                        {if copy.status == SyncStatus::Outdated { "Update offline copy" } else { "Resume saving" }}
                                    </button>
                                })}
                            <button class="offline-remove" on:click=move |_| remove(ctx, id)>
                                "Remove from device"
                            </button>
                        }.into_any(),
                        None => view! {
                            <button class="offline-make" on:click=move |_| start(ctx, id)>
                                "⤓ Make available offline"
                            </button>
                        }.into_any(),
                    }}
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn JobBar(id: PlaylistId, job: JobProgress, ctx: OfflineCtx) -> impl IntoView {
    let percent = job.percent();
    let mut tracks: Vec<_> = job.tracks.into_iter().collect();
    tracks.sort_by_key(|(track, _)| *track);
    view! {
        <div class="offline-job" role="progressbar" aria-valuemin="0" aria-valuemax="100"
            aria-valuenow=format!("{percent:.0}")>
            <progress class="offline-progress" max="100" value=percent></progress>
            <span class="offline-percent">{format!("{percent:.0} %")}</span>
            <span class="muted">
                {format!(" {} of {} tracks · {}", job.done_tracks, job.total_tracks,
                    format_bytes(job.bytes_done))}
            </span>
            <button class="link offline-cancel" on:click=move |_| cancel(ctx, id)>"Cancel"</button>
            <ol class="offline-track-progress">
                {tracks.into_iter().map(|(track, done)| {
                    let state = if done >= 1.0 { "done" } else if done > 0.0 { "loading" } else { "waiting" };
                    view! { <li class=state data-track=track.0 title=state></li> }
                }).collect_view()}
            </ol>
        </div>
    }
}

#[component]
fn JobFailure(
    id: PlaylistId,
    error: String,
    needed: Option<f64>,
    ctx: OfflineCtx,
) -> impl IntoView {
    view! {
        <div class="offline-error" role="alert">
            <p>{error}</p>
            {needed.filter(|n| *n > 0.0).map(|needed| view! {
                <button class="offline-free" on:click=move |_| free_and_retry(ctx, id, needed)>
                    {format!("Free {} by removing least-played playlists", format_bytes(needed))}
                </button>
            })}
        </div>
    }
}

fn start(ctx: OfflineCtx, id: PlaylistId) {
    #[cfg(feature = "hydrate")]
    {
        use crate::client::offline::{cache, current_user, jobs};
        // From the click itself: browsers decide on persistence at a user gesture.
        cache::request_persist();
        leptos::task::spawn_local(async move {
            let Ok(user) = current_user(&ctx) else { return };
            match crate::api::playlists::get_playlist(id).await {
                Ok(detail) => {
                    let _ = jobs::cache_playlist(ctx, user, detail).await;
                }
                Err(e) => ctx.notice.set(Some(format!("Could not load the playlist: {e}"))),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ctx, id);
}

fn cancel(ctx: OfflineCtx, id: PlaylistId) {
    #[cfg(feature = "hydrate")]
    crate::client::offline::jobs::cancel(id);
    let _ = (ctx, id);
}

fn remove(ctx: OfflineCtx, id: PlaylistId) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::client::offline::{current_user, jobs};
        let Ok(user) = current_user(&ctx) else { return };
        if let Err(e) = jobs::remove_playlist_cache(ctx, user, id).await {
            ctx.notice.set(Some(e.to_string()));
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (ctx, id);
}

fn free_and_retry(ctx: OfflineCtx, id: PlaylistId, needed: f64) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::client::offline::{current_user, jobs};
        let Ok(user) = current_user(&ctx) else { return };
        match jobs::free_space(ctx, user, needed).await {
            Ok(freed) if freed >= needed => start(ctx, id),
            Ok(freed) => ctx.notice.set(Some(format!(
                "Only {} could be freed; unpin playlists or raise the limit on “On this device”.",
                format_bytes(freed)
            ))),
            Err(e) => ctx.notice.set(Some(e.to_string())),
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (ctx, id, needed);
}
