//! The downloads page: for admins the queue (paste URLs, progress, retry, cancel, filter,
//! clear) and the yt-dlp/ffmpeg check; for everyone signed in their playlist downloads
//! (`playlist_downloads.rs`). Lists come from blocking resources, changes are `ActionForm`s,
//! and progress bars follow the server's event stream once the WASM runs.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use super::playlist_downloads::PlaylistDownloads;
use crate::{
    api::{
        downloads::{
            download_tools, list_downloads, AddDownloads, CancelDownload, ClearFinishedDownloads,
            RetryDownload,
        },
        ApiError,
    },
    components::{notices::SignInNotice, ErrorNote},
    downloads_model::{JobView, ToolsView},
};

/// The queue's filter links: label and `status` value (empty = all).
const FILTERS: &[(&str, &str)] = &[
    ("All", ""),
    ("Queued", "queued"),
    ("Running", "running"),
    ("Completed", "completed"),
    ("Failed", "failed"),
    ("Cancelled", "cancelled"),
];

#[component]
pub fn DownloadsPage() -> impl IntoView {
    view! {
        <Title text="Downloads" />
        <header class="page-head"><h1>"Downloads"</h1></header>
        <DownloadQueue />
        <PlaylistDownloads />
    }
}

/// The actions of the queue, created once so their results survive the list re-rendering.
#[derive(Clone, Copy)]
struct QueueActions {
    add: ServerAction<AddDownloads>,
    retry: ServerAction<RetryDownload>,
    cancel: ServerAction<CancelDownload>,
    clear: ServerAction<ClearFinishedDownloads>,
}

/// Job rows as the event stream last reported them; they win over the rendered list.
type LiveJobs = RwSignal<HashMap<i64, JobView>>;

#[component]
fn DownloadQueue() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let actions = QueueActions {
        add: ServerAction::new(),
        retry: ServerAction::new(),
        cancel: ServerAction::new(),
        clear: ServerAction::new(),
    };
    let queue = Resource::new_blocking(
        move || {
            let a = actions;
            let versions =
                (a.add.version().get(), a.retry.version().get(), a.cancel.version().get());
            (status(), versions, a.clear.version().get())
        },
        |(status, _, _)| async move { (list_downloads(status).await, download_tools().await) },
    );
    let live: LiveJobs = RwSignal::new(HashMap::new());
    Effect::new(move |_| follow_queue(live, status));

    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (jobs, tools) = queue.await;
                // A fresh list is newer than any event received before it.
                live.update_untracked(HashMap::clear);
                match jobs {
                    Ok(jobs) => view! {
                        <ToolsNotice tools=tools.unwrap_or_default() />
                        <AddForm actions />
                        <QueueList jobs current=status() live actions />
                    }.into_any(),
                    Err(ApiError::Unauthorized) => view! { <SignInNotice next="/downloads" /> }.into_any(),
                    // Everyone else sees only their playlist downloads below.
                    Err(ApiError::Forbidden) => ().into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Opens the admin event stream for as long as the page is open (browser only).
fn follow_queue(live: LiveJobs, status: impl Fn() -> String + Clone + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use std::rc::Rc;

        use crate::client::download_events::{stop, watch, Handlers};
        let on_job = move |text: String| {
            if let Ok(job) = serde_json::from_str::<JobView>(&text) {
                live.update(|m| {
                    m.insert(job.id, job);
                });
            }
        };
        let on_stale = move || {
            let status = status();
            leptos::task::spawn_local(async move {
                if let Ok(jobs) = list_downloads(status).await {
                    live.update(|m| m.extend(jobs.into_iter().map(|j| (j.id, j))));
                }
            });
        };
        let handlers = Handlers { on_job: Rc::new(on_job), on_stale: Rc::new(on_stale) };
        let id = watch("/api/download/events", handlers);
        on_cleanup(move || stop(id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (live, status);
}

#[component]
fn ToolsNotice(tools: ToolsView) -> impl IntoView {
    let missing: Vec<(&str, String)> = [
        ("yt-dlp", tools.ytdlp_ok, tools.ytdlp_detail),
        ("ffmpeg", tools.ffmpeg_ok, tools.ffmpeg_detail),
    ]
    .into_iter()
    .filter(|(_, ok, _)| tools.checked && !ok)
    .map(|(name, _, detail)| (name, detail))
    .collect();
    (!missing.is_empty()).then(|| {
        view! {
            <section class="tools-missing" role="alert">
                <h2>"Downloads cannot run"</h2>
                <ul>
                    {missing
                        .into_iter()
                        .map(|(name, detail)| view! { <li><strong>{name}</strong>": "{detail}</li> })
                        .collect_view()}
                </ul>
                <p class="muted">"Install the missing tool (or set its path) and restart the server."</p>
            </section>
        }
    })
}

#[component]
fn AddForm(actions: QueueActions) -> impl IntoView {
    let added = move || {
        actions.add.value().get().and_then(Result::ok).map(|jobs| {
            let text = match jobs.len() {
                1 => "1 download queued.".to_owned(),
                n => format!("{n} downloads queued."),
            };
            view! { <p class="feedback success" role="status">{text}</p> }
        })
    };
    view! {
        <section class="panel add-downloads">
            <h2>"Add downloads"</h2>
            <ActionForm action=actions.add attr:class="stack-form">
                <label for="download-urls">"URLs, one per line"</label>
                <textarea
                    id="download-urls"
                    name="urls"
                    rows="4"
                    required
                    placeholder="https://example.com/watch?v=…"
                ></textarea>
                <button type="submit" class="primary" disabled=move || actions.add.pending().get()>
                    "Download"
                </button>
            </ActionForm>
            <ErrorNote result=move || actions.add.value().get() />
            {added}
        </section>
    }
}

#[component]
fn QueueList(
    jobs: Vec<JobView>,
    current: String,
    live: LiveJobs,
    actions: QueueActions,
) -> impl IntoView {
    let filters = FILTERS
        .iter()
        .map(|(label, value)| {
            let href =
                if value.is_empty() { "/downloads".to_owned() } else { format!("?status={value}") };
            let here = *value == current;
            view! { <A href=href attr:class=if here { "chip active" } else { "chip" }>{*label}</A> }
        })
        .collect_view();
    let empty = jobs.is_empty();
    view! {
        <section class="queue">
            <div class="queue-head">
                <h2>"Queue"</h2>
                <nav class="filters" aria-label="Filter by status">{filters}</nav>
                <ActionForm action=actions.clear>
                    <button type="submit" class="clear-finished">"Clear finished"</button>
                </ActionForm>
            </div>
            <ErrorNote result=move || actions.retry.value().get() />
            <ErrorNote result=move || actions.cancel.value().get() />
            <ErrorNote result=move || actions.clear.value().get() />
            {if empty {
                view! { <p class="empty">"Nothing here. Paste a link above to download it."</p> }
                    .into_any()
            } else {
                let rows = jobs
                    .into_iter()
                    .map(|job| view! { <JobRow job live actions /> })
                    .collect_view();
                view! { <ul class="jobs">{rows}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn JobRow(job: JobView, live: LiveJobs, actions: QueueActions) -> impl IntoView {
    let id = job.id;
    let url = job.url.clone();
    let first = StoredValue::new(job);
    let job =
        Memo::new(move |_| live.with(|m| m.get(&id).cloned()).unwrap_or_else(|| first.get_value()));
    let status = move || job.with(|j| j.status.clone());
    let title = move || job.with(|j| j.title.clone().unwrap_or_else(|| j.url.clone()));
    let can_retry = move || matches!(status().as_str(), "failed" | "cancelled");
    let can_cancel = move || matches!(status().as_str(), "queued" | "running");

    view! {
        <li class="job" data-job-id=id data-status=status>
            <div class="job-head">
                <span class="job-title">{title}</span>
                <span class=move || format!("status status-{}", status())>{status}</span>
            </div>
            <a class="job-url muted" href=url.clone() rel="noreferrer">{url.clone()}</a>
            <ProgressBar
                percent=Signal::derive(move || job.with(job_percent))
                detail=Signal::derive(move || job.with(job_detail))
            />
            {move || job.with(|j| j.last_error.clone()).map(|e| view! { <p class="job-error">{e}</p> })}
            <div class="job-actions">
                {move || can_retry().then(|| view! {
                    <ActionForm action=actions.retry>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="retry">"Retry"</button>
                    </ActionForm>
                })}
                {move || can_cancel().then(|| view! {
                    <ActionForm action=actions.cancel>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="cancel">"Cancel"</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}

/// A labelled bar; `percent` is 0–100.
#[component]
pub fn ProgressBar(percent: Signal<f64>, detail: Signal<String>) -> impl IntoView {
    let rounded = move || percent.get().clamp(0.0, 100.0).round();
    view! {
        <div class="progress">
            <div
                class="progress-track"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=rounded
            >
                <div class="progress-fill" style:width=move || format!("{}%", rounded())></div>
            </div>
            <span class="progress-text muted">{detail}</span>
        </div>
    }
}

/// A completed job is full even when yt-dlp never reported a percentage.
fn job_percent(job: &JobView) -> f64 {
    if job.status == "completed" {
        100.0
    } else {
        job.percent.unwrap_or(0.0)
    }
}

fn job_detail(job: &JobView) -> String {
    let percent = format!("{} %", job_percent(job).round());
    match job.bytes_total {
        Some(total) if total > 0 => {
            format!("{percent} · {} of {}", format_bytes(job.bytes_done), format_bytes(total))
        }
        _ if job.bytes_done > 0 => format!("{percent} · {}", format_bytes(job.bytes_done)),
        _ => percent,
    }
}

/// Sizes in binary units with one decimal, as file managers show them.
pub fn format_bytes(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(status: &str, percent: Option<f64>, done: i64, total: Option<i64>) -> JobView {
        JobView {
            id: 1,
            url: "http://127.0.0.1/a.mp3".into(),
            status: status.into(),
            title: None,
            last_error: None,
            percent,
            bytes_done: done,
            bytes_total: total,
            track_id: None,
            attempts: 0,
            created_at: 0,
        }
    }

    #[test]
    fn sizes_use_binary_units() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(1023), "1023 B");
        assert_eq!(format_bytes(1536), "1.5 KiB");
        assert_eq!(format_bytes(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn completed_job_is_full_without_a_reported_percent() {
        assert_eq!(job_percent(&job("completed", None, 0, None)), 100.0);
        assert_eq!(job_percent(&job("running", None, 0, None)), 0.0);
    }

    #[test]
    fn detail_shows_percent_and_bytes() {
        let running = job("running", Some(49.6), 512 * 1024, Some(1024 * 1024));
        assert_eq!(job_detail(&running), "50 % · 512.0 KiB of 1.0 MiB");
        assert_eq!(job_detail(&job("queued", None, 0, None)), "0 %");
    }
}
