//! The playlist-downloads part of the downloads page, for everyone signed in: start one from a
//! remote playlist or feed URL, follow each item's state and the totals, cancel. While a
//! download runs, its event stream (or a 2-second poll) reloads the list.

use leptos::prelude::*;

use super::downloads::ProgressBar;
use crate::{
    api::{
        downloads::{list_playlist_downloads, CancelPlaylistDownload, StartPlaylistDownload},
        ApiError,
    },
    components::ErrorNote,
    downloads_model::{DownloadItem, DownloadTotals, PlaylistDownload},
};

#[component]
pub fn PlaylistDownloads() -> impl IntoView {
    let start = ServerAction::<StartPlaylistDownload>::new();
    let cancel = ServerAction::<CancelPlaylistDownload>::new();
    // Bumped by the live updates; each bump reloads the list.
    let reloads = RwSignal::new(0u32);
    let downloads = Resource::new_blocking(
        move || (start.version().get(), cancel.version().get(), reloads.get()),
        |_| list_playlist_downloads(),
    );
    // A memo, so the streams are reopened only when the set of running downloads changes.
    let running = Memo::new(move |_| {
        downloads
            .get()
            .and_then(Result::ok)
            .map(|list| list.iter().filter(|d| d.status == "running").map(|d| d.id).collect())
            .unwrap_or_else(Vec::<i64>::new)
    });
    Effect::new(move |_| follow_running(running.get(), reloads));

    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match downloads.await {
                    Ok(list) => view! {
                        <section class="playlist-downloads">
                            <h2>"Playlist downloads"</h2>
                            <StartForm start />
                            <ErrorNote result=move || cancel.value().get() />
                            <DownloadCards list cancel />
                        </section>
                    }.into_any(),
                    // The queue above already asks visitors to sign in.
                    Err(ApiError::Unauthorized) => ().into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One stream per running download; events are coalesced into at most one reload a second.
fn follow_running(running: Vec<i64>, reloads: RwSignal<u32>) {
    #[cfg(feature = "hydrate")]
    {
        use std::{cell::Cell, rc::Rc, time::Duration};

        use crate::client::download_events::{stop, watch, Handlers};
        if running.is_empty() {
            return;
        }
        let dirty = Rc::new(Cell::new(false));
        let mark = dirty.clone();
        let mark_stale = dirty.clone();
        let handlers = Handlers {
            on_job: Rc::new(move |_| mark.set(true)),
            on_stale: Rc::new(move || mark_stale.set(true)),
        };
        let ids: Vec<u32> = running
            .iter()
            .map(|id| watch(&format!("/api/playlist/downloads/{id}/events"), handlers.clone()))
            .collect();
        let timer = set_interval_with_handle(
            move || {
                if dirty.replace(false) {
                    reloads.update(|n| *n += 1);
                }
            },
            Duration::from_secs(1),
        )
        .ok();
        on_cleanup(move || {
            ids.into_iter().for_each(stop);
            if let Some(timer) = timer {
                timer.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (running, reloads);
}

#[component]
fn StartForm(start: ServerAction<StartPlaylistDownload>) -> impl IntoView {
    view! {
        <ActionForm action=start attr:class="inline-form start-playlist-download">
            <input
                name="url"
                type="url"
                placeholder="Playlist or podcast feed URL"
                aria-label="Playlist or feed URL"
                required
            />
            <button type="submit" class="primary" disabled=move || start.pending().get()>
                "Download playlist"
            </button>
        </ActionForm>
        <ErrorNote result=move || start.value().get() />
    }
}

#[component]
fn DownloadCards(
    list: Vec<PlaylistDownload>,
    cancel: ServerAction<CancelPlaylistDownload>,
) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <p class="empty">"No playlist downloads yet. Paste a playlist or feed link above."</p>
        }
        .into_any();
    }
    let cards =
        list.into_iter().map(|d| view! { <DownloadCard download=d cancel /> }).collect_view();
    view! { <ul class="playlist-download-list">{cards}</ul> }.into_any()
}

#[component]
fn DownloadCard(
    download: PlaylistDownload,
    cancel: ServerAction<CancelPlaylistDownload>,
) -> impl IntoView {
    let totals = download.totals.clone();
    let percent = totals.percent;
    let running = download.status == "running";
    let title = if download.title.is_empty() { download.url.clone() } else { download.title };
    let playlist = download.playlist_id.map(|p| format!("/playlists/{}", p.0));
    view! {
        <li class="job playlist-download" data-download-id=download.id data-status=download.status.clone()>
            <div class="job-head">
                <span class="job-title">
                    {match playlist {
                        Some(href) => view! { <a href=href>{title}</a> }.into_any(),
                        None => view! { <span>{title}</span> }.into_any(),
                    }}
                </span>
                <span class=format!("status status-{}", download.status)>{download.status.clone()}</span>
            </div>
            <span class="job-url muted">{download.url}</span>
            <ProgressBar percent=Signal::derive(move || percent) detail=Signal::derive(move || totals_text(&totals)) />
            {download.error.map(|e| view! { <p class="job-error">{e}</p> })}
            <details class="items">
                <summary>{format!("{} items", download.totals.items)}</summary>
                <ol class="download-items">
                    {download.items.into_iter().map(|item| view! { <ItemRow item /> }).collect_view()}
                </ol>
            </details>
            {running.then(|| view! {
                <ActionForm action=cancel attr:class="job-actions">
                    <input type="hidden" name="id" value=download.id />
                    <button type="submit" class="cancel">"Cancel"</button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn ItemRow(item: DownloadItem) -> impl IntoView {
    let name = item.title.unwrap_or(item.url);
    view! {
        <li class="download-item" data-status=item.status.clone()>
            <span class="item-name">{name}</span>
            {item.gone_upstream.then(|| view! { <span class="tag">"gone upstream"</span> })}
            <span class=format!("status status-{}", item.status)>{item.status.clone()}</span>
            {item.reason.map(|r| view! { <span class="job-error">{r}</span> })}
        </li>
    }
}

/// "3 of 5 done · 1 failed", leaving out the counts that are zero.
fn totals_text(t: &DownloadTotals) -> String {
    let mut parts = vec![format!("{} of {} done", t.completed, t.items)];
    for (n, label) in [(t.running, "running"), (t.queued, "queued"), (t.failed, "failed")] {
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    if t.cancelled > 0 {
        parts.push(format!("{} cancelled", t.cancelled));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_leave_out_zero_counts() {
        let t =
            DownloadTotals { items: 5, completed: 3, failed: 1, running: 1, ..Default::default() };
        assert_eq!(totals_text(&t), "3 of 5 done · 1 running · 1 failed");
        assert_eq!(totals_text(&DownloadTotals::default()), "0 of 0 done");
    }
}
