//! Mirroring a remote playlist (feed, channel) into a local one: the flat probe, the merge that
//! keeps upstream order while vanished items keep their place (flagged `gone_upstream`), queuing
//! the items, and placing finished tracks as their downloads complete.

use crate::server::db;
use std::collections::HashSet;

use super::{queue, remote_db, ytdlp};
use crate::{
    model::{PlaylistId, UserId},
    server::{AppError, AppResult, AppState},
};

/// One item as upstream lists it now.
#[derive(Clone, Debug, PartialEq)]
pub struct Upstream {
    /// What identifies the item across syncs: `extractor:id`, or the URL for generic sites.
    pub key: String,
    pub url: String,
    pub title: Option<String>,
    pub identity: Option<(String, String)>,
}

/// The probe's answer: the playlist's title and its items in upstream order.
pub struct Listing {
    pub title: Option<String>,
    pub items: Vec<Upstream>,
}

/// Asks yt-dlp for the flat list of `url`. A URL that is no playlist is a bad request.
pub async fn list_upstream(state: &AppState, url: &str) -> AppResult<Listing> {
    let probe = ytdlp::probe(&state.config.ytdlp_path, url)
        .await
        .map_err(|f| AppError::bad_request(format!("the playlist could not be read: {f}")))?;
    if !probe.is_playlist() {
        return Err(AppError::bad_request("this URL is a single item, not a playlist or feed"));
    }
    let mut seen = HashSet::new();
    let items = probe
        .entries
        .unwrap_or_default()
        .into_iter()
        .filter_map(|entry| {
            let url = queue::validate_url(entry.url.as_deref()?).ok()?;
            let identity = match (&entry.ie_key, &entry.id) {
                (Some(key), Some(id)) if !key.eq_ignore_ascii_case("generic") => {
                    Some((key.to_lowercase(), id.clone()))
                }
                _ => None,
            };
            let key = match &identity {
                Some((extractor, id)) => format!("{extractor}:{id}"),
                None => url.split('#').next().unwrap_or(&url).to_owned(),
            };
            Some(Upstream { key, url, title: entry.title, identity })
        })
        .filter(|item| seen.insert(item.key.clone()))
        .collect();
    Ok(Listing { title: probe.title, items })
}

/// The new order of a mirrored playlist. Items upstream lists come in upstream order: those
/// already mirrored, and new ones among the first `window`. An item upstream no longer lists
/// stays right after the item it followed before, flagged gone. Returns `(key, gone)`.
pub fn merge_order(old: &[String], upstream: &[String], window: usize) -> Vec<(String, bool)> {
    let old_set: HashSet<&String> = old.iter().collect();
    let upstream_set: HashSet<&String> = upstream.iter().collect();
    let mut result: Vec<(String, bool)> = upstream
        .iter()
        .enumerate()
        .filter(|(index, key)| old_set.contains(key) || *index < window)
        .map(|(_, key)| (key.clone(), false))
        .collect();
    for (index, key) in old.iter().enumerate() {
        if upstream_set.contains(key) {
            continue;
        }
        let at = match index.checked_sub(1).map(|p| &old[p]) {
            Some(before) => result.iter().position(|(k, _)| k == before).map_or(0, |i| i + 1),
            None => 0,
        };
        result.insert(at, (key.clone(), true));
    }
    result
}

/// What one sync did.
#[derive(Clone, Debug, Default)]
pub struct SyncOutcome {
    /// `(remote item id, upstream position)` of every item the sync covers.
    pub covered: Vec<(i64, i64)>,
    pub added: usize,
    pub gone: usize,
}

/// Merges `listing` into playlist `id`, queues the covered items for `requester` when
/// `download`, and places what is already downloaded. `depth` limits new items to the newest.
pub async fn sync_items(
    state: &AppState,
    playlist: PlaylistId,
    listing: &Listing,
    depth: Option<usize>,
    download: Option<UserId>,
) -> AppResult<SyncOutcome> {
    let pool = &state.pool;
    let mut tx = db::begin_write(pool).await?;
    remote_db::lock_playlist(&mut tx, playlist).await?;
    let old = remote_db::list_remote_items(&mut *tx, playlist).await?;
    let old_keys: Vec<String> = old.iter().map(|r| r.item_key.clone()).collect();
    let upstream_keys: Vec<String> = listing.items.iter().map(|i| i.key.clone()).collect();
    let window = depth.unwrap_or(usize::MAX);
    let merged = merge_order(&old_keys, &upstream_keys, window);

    let placed: Vec<remote_db::PlacedItem<'_>> = merged
        .iter()
        .filter_map(|(key, gone)| {
            let (url, title) = match listing.items.iter().find(|i| &i.key == key) {
                Some(up) => (up.url.as_str(), up.title.as_deref()),
                None => old.iter().find(|r| &r.item_key == key).map(|r| (r.url.as_str(), None))?,
            };
            Some(remote_db::PlacedItem { key, url, title, gone: *gone })
        })
        .collect();
    let ids = remote_db::write_order(&mut tx, playlist, &placed).await?;
    tx.commit().await?;

    let old_set: HashSet<&String> = old_keys.iter().collect();
    let mut outcome = SyncOutcome {
        added: merged.iter().filter(|(k, _)| !old_set.contains(k)).count(),
        gone: merged.iter().filter(|(_, gone)| *gone).count(),
        covered: Vec::new(),
    };
    let mut to_queue = Vec::new();
    for (id, (key, gone)) in ids.iter().zip(&merged) {
        if *gone {
            continue;
        }
        if let Some(position) = listing.items.iter().position(|i| &i.key == key) {
            outcome.covered.push((*id, position as i64));
            to_queue.push((*id, &listing.items[position]));
        }
    }
    if let Some(requester) = download {
        queue_items(state, requester, &to_queue).await?;
    }
    remote_db::place_ready(pool, playlist).await?;
    Ok(outcome)
}

/// Queues (or joins) one download per item and links each item to its job.
async fn queue_items(
    state: &AppState,
    requester: UserId,
    items: &[(i64, &Upstream)],
) -> AppResult<()> {
    let children: Vec<queue::ChildItem> = items
        .iter()
        .map(|(_, up)| queue::ChildItem {
            url: up.url.clone(),
            title: up.title.clone(),
            identity: up.identity.clone(),
        })
        .collect();
    let jobs = queue::enqueue_items(&state.pool, requester, &children).await?;
    for ((item, _), job) in items.iter().zip(&jobs) {
        remote_db::set_item_job(&state.pool, *item, job.id).await?;
        super::events::publish(&state.downloads, job.clone());
    }
    state.downloads.notify();
    Ok(())
}

/// Called by the worker when a job ends: its track takes its place in every mirrored playlist.
pub async fn job_finished(state: &AppState, job: i64) {
    let playlists = match remote_db::playlists_of_job(&state.pool, job).await {
        Ok(playlists) => playlists,
        Err(e) => {
            tracing::error!(job, error = %e, "cannot find the playlists of a finished download");
            return;
        }
    };
    for playlist in playlists {
        if let Err(e) = remote_db::place_ready(&state.pool, playlist).await {
            tracing::error!(job, %playlist, error = %e, "cannot place a downloaded track");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::merge_order;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn order(result: &[(String, bool)]) -> Vec<String> {
        result.iter().map(|(k, gone)| if *gone { format!("{k}!") } else { k.clone() }).collect()
    }

    #[test]
    fn first_sync_takes_upstream_order() {
        let result = merge_order(&[], &keys(&["a", "b", "c"]), usize::MAX);
        assert_eq!(order(&result), ["a", "b", "c"]);
    }

    #[test]
    fn vanished_item_keeps_its_place_and_new_item_follows_upstream() {
        let result = merge_order(&keys(&["a", "b", "c"]), &keys(&["a", "c", "d"]), usize::MAX);
        assert_eq!(order(&result), ["a", "b!", "c", "d"]);
        let result = merge_order(&keys(&["a", "b", "c"]), &keys(&["x", "b", "c"]), usize::MAX);
        assert_eq!(order(&result), ["a!", "x", "b", "c"]);
    }

    #[test]
    fn depth_limits_new_items_but_not_known_ones() {
        let result = merge_order(&keys(&["c"]), &keys(&["a", "b", "c", "d"]), 2);
        assert_eq!(order(&result), ["a", "b", "c"]);
    }

    #[test]
    fn several_vanished_items_stay_in_their_old_order() {
        let result = merge_order(&keys(&["a", "b", "c", "d"]), &keys(&["d", "e"]), usize::MAX);
        assert_eq!(order(&result), ["a!", "b!", "c!", "d", "e"]);
    }
}
