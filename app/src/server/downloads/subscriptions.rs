//! Subscriptions: channels and remote playlists an admin follows, each mirrored into a local
//! remote playlist. A scheduler re-syncs them every `sync_interval_minutes` (default 60) and
//! records each run in `tasks`; "sync now" runs one at once.

use std::time::Duration;

use tokio::sync::watch;

use super::{queue, remote, remote_db, subscription_db as db};
use crate::{
    downloads_model::Subscription,
    model::Account,
    server::{settings::find_setting, AppError, AppResult, AppState},
};

/// How often the scheduler looks for due subscriptions in production.
pub const TICK: Duration = Duration::from_secs(60);
/// The `tasks.kind` of a sync run.
pub const TASK_KIND: &str = "subscription_sync";

/// What an admin sends to subscribe.
pub struct Subscribe {
    pub url: String,
    pub kind: String,
    pub title: Option<String>,
    pub auto_download: bool,
    pub sync_depth: i64,
}

/// The fields an admin may change; `None` keeps one.
#[derive(Default)]
pub struct Changes {
    pub title: Option<String>,
    pub auto_download: Option<bool>,
    pub sync_depth: Option<i64>,
}

fn admin_only(caller: &Account) -> AppResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn check_depth(depth: i64) -> AppResult<i64> {
    if (1..=5000).contains(&depth) {
        Ok(depth)
    } else {
        Err(AppError::bad_request("sync depth must be between 1 and 5000"))
    }
}

/// Follows a URL; the scheduler syncs it right away.
pub async fn subscribe(
    state: &AppState,
    caller: &Account,
    new: Subscribe,
) -> AppResult<Subscription> {
    admin_only(caller)?;
    let url = queue::validate_url(&new.url)?;
    if !matches!(new.kind.as_str(), "channel" | "playlist") {
        return Err(AppError::bad_request("kind must be channel or playlist"));
    }
    let row = db::NewSubscription {
        url: &url,
        kind: &new.kind,
        title: new.title.as_deref().map(str::trim).unwrap_or(""),
        created_by: caller.id,
        auto_download: new.auto_download,
        sync_depth: check_depth(new.sync_depth)?,
    };
    let id = db::insert_subscription(&state.pool, &row).await?;
    state.downloads.sync_wake.notify_one();
    db::get_subscription(&state.pool, id).await
}

pub async fn update(
    state: &AppState,
    caller: &Account,
    id: i64,
    changes: Changes,
) -> AppResult<Subscription> {
    admin_only(caller)?;
    let depth = changes.sync_depth.map(check_depth).transpose()?;
    let title = changes.title.as_deref().map(str::trim);
    db::update_subscription(&state.pool, id, title, changes.auto_download, depth).await?;
    db::get_subscription(&state.pool, id).await
}

pub async fn remove(state: &AppState, caller: &Account, id: i64) -> AppResult<()> {
    admin_only(caller)?;
    db::delete_subscription(&state.pool, id).await
}

/// "Sync now": runs the sync and answers with the new state (a failed sync is in it too).
pub async fn sync_now(state: &AppState, caller: &Account, id: i64) -> AppResult<Subscription> {
    admin_only(caller)?;
    db::get_subscription(&state.pool, id).await?;
    if !db::begin_sync(&state.pool, id).await? {
        return Err(AppError::Conflict("a sync of this subscription is running".into()));
    }
    run_sync(state, id).await;
    db::get_subscription(&state.pool, id).await
}

/// One sync of a subscription already marked running, recorded in `tasks`. Never fails: the
/// outcome goes into the subscription's sync state and the task row.
async fn run_sync(state: &AppState, id: i64) {
    let task = db::insert_task(&state.pool, TASK_KIND, &format!("subscription {id}")).await;
    let result = sync(state, id).await;
    let (status, error, detail) = match &result {
        Ok(text) => ("ok", None, text.clone()),
        Err(e) => ("failed", Some(e.public_message()), format!("subscription {id}: {e}")),
    };
    if let Err(e) = &result {
        tracing::warn!(subscription = id, error = %e, "subscription sync failed");
    }
    if let Err(e) = db::end_sync(&state.pool, id, status, error.as_deref()).await {
        tracing::error!(subscription = id, error = %e, "cannot record a subscription sync");
    }
    if let Ok(task) = task {
        let state_name = if result.is_ok() { "completed" } else { "failed" };
        let _ = db::finish_task(&state.pool, task, state_name, &detail).await;
    }
}

/// Reads upstream, mirrors the newest `sync_depth` items and, when auto-download is on,
/// queues them. Returns a line for the task's detail.
async fn sync(state: &AppState, id: i64) -> AppResult<String> {
    let subscription = db::get_subscription(&state.pool, id).await?;
    let listing = remote::list_upstream(state, &subscription.url).await?;
    let owner = db::find_owner(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::Conflict("the admin who subscribed no longer exists".into()))?;
    let title = match subscription.title.as_str() {
        "" => listing.title.clone().unwrap_or_else(|| subscription.url.clone()),
        known => known.to_owned(),
    };
    if subscription.title.is_empty() {
        db::update_subscription(&state.pool, id, Some(&title), None, None).await?;
    }
    let playlist = match subscription.playlist_id {
        Some(playlist) => playlist,
        None => {
            let playlist =
                remote_db::insert_remote_playlist(&state.pool, owner, &title, &subscription.url)
                    .await?;
            db::set_playlist(&state.pool, id, playlist).await?;
            playlist
        }
    };
    let depth = usize::try_from(subscription.sync_depth).unwrap_or(1);
    let download = subscription.auto_download.then_some(owner);
    let outcome = remote::sync_items(state, playlist, &listing, Some(depth), download).await?;
    if download.is_some() && outcome.added > 0 {
        remote_db::insert_download(
            &state.pool,
            owner,
            playlist,
            &subscription.url,
            &title,
            &outcome.covered,
        )
        .await?;
    }
    Ok(format!(
        "subscription {id} ({title}): {} upstream, {} new, {} gone",
        listing.items.len(),
        outcome.added,
        outcome.gone
    ))
}

/// Minutes between syncs of one subscription (setting `sync_interval_minutes`, default 60).
pub async fn interval_minutes(state: &AppState) -> i64 {
    let value = find_setting(&state.pool, "sync_interval_minutes").await.ok().flatten();
    value.and_then(|v| v.trim().parse::<i64>().ok()).filter(|m| *m > 0).unwrap_or(60)
}

/// The running scheduler.
pub struct SchedulerHandle {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl SchedulerHandle {
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the scheduler; it looks for due subscriptions every `tick` and when woken.
pub async fn start_scheduler(state: &AppState, tick: Duration) -> SchedulerHandle {
    if let Err(e) = db::reset_running(&state.pool).await {
        tracing::error!(error = %e, "cannot reset interrupted subscription syncs");
    }
    let (stop, mut stopped) = watch::channel(false);
    let state = state.clone();
    let task = tokio::spawn(async move {
        while !*stopped.borrow() {
            let interval = interval_minutes(&state).await * 60;
            match db::list_due(&state.pool, interval).await {
                Ok(due) => {
                    for id in due {
                        if matches!(db::begin_sync(&state.pool, id).await, Ok(true)) {
                            run_sync(&state, id).await;
                        }
                    }
                }
                Err(e) => tracing::error!(error = %e, "cannot list due subscriptions"),
            }
            tokio::select! {
                _ = tokio::time::sleep(tick) => {}
                _ = state.downloads.sync_wake.notified() => {}
                _ = stopped.changed() => {}
            }
        }
    });
    SchedulerHandle { stop, task }
}
