//! Keeping offline copies honest: on reconnect, compare each offline playlist's version with
//! the server's (marking it outdated, or refreshing it when the user chose auto-update), and
//! send the plays queued in IndexedDB in one batch to `POST /api/plays/`.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{current_user, database, idb, jobs, OfflineError};
use crate::{
    api::offline::{playlist_versions, PlayBatch, PlayReport},
    components::offline_state::{OfflineCtx, SyncStatus},
    model::{PlaylistId, TrackId},
};

/// Everything to do when the network comes back (and once at start-up when online).
pub async fn on_reconnect(ctx: OfflineCtx) {
    if current_user(&ctx).is_err() {
        return;
    }
    if let Err(e) = check_versions(ctx).await {
        leptos::logging::warn!("offline sync: {e}");
    }
    if let Err(e) = flush_plays(ctx).await {
        leptos::logging::warn!("sending plays: {e}");
    }
}

async fn check_versions(ctx: OfflineCtx) -> Result<(), OfflineError> {
    let user = current_user(&ctx)?;
    let db = database(user).await?;
    let offline = idb::get_offline_playlists(&db).await?;
    if offline.is_empty() {
        return Ok(());
    }
    let server =
        playlist_versions().await.map_err(|e| OfflineError::Storage(format!("versions: {e}")))?;
    let mut outdated = 0;
    for copy in offline {
        if copy.status == SyncStatus::Caching {
            continue;
        }
        let current = server.iter().find(|(id, _)| *id == copy.id).map(|(_, v)| *v);
        if current == Some(copy.version) {
            continue;
        }
        if copy.auto_update && current.is_some() {
            refresh_playlist(ctx, copy.id).await?;
        } else if copy.status != SyncStatus::Outdated {
            idb::update_playlist_sync_status(&db, copy.id, SyncStatus::Outdated).await?;
            outdated += 1;
        }
    }
    if outdated > 0 {
        ctx.notice.set(Some(format!(
            "{outdated} offline playlist(s) changed on the server; update them on “On this device”."
        )));
    }
    super::refresh(ctx).await;
    Ok(())
}

/// Downloads the server's current playlist and brings the offline copy up to date: new
/// tracks are cached, tracks it no longer has are released.
pub async fn refresh_playlist(ctx: OfflineCtx, id: PlaylistId) -> Result<(), OfflineError> {
    let user = current_user(&ctx)?;
    let detail = crate::api::playlists::get_playlist(id)
        .await
        .map_err(|e| OfflineError::Storage(format!("playlist: {e}")))?;
    let db = database(user).await?;
    let old: Vec<TrackId> = idb::get_playlist(&db, id)
        .await?
        .map(|p| p.items.iter().map(|i| i.track.id).collect())
        .unwrap_or_default();
    let kept: Vec<TrackId> = detail.items.iter().map(|e| e.track.id).collect();
    jobs::cache_playlist(ctx, user, detail).await?;
    let gone: Vec<TrackId> = old.into_iter().filter(|t| !kept.contains(t)).collect();
    jobs::release_gone(ctx, user, id, &gone).await
}

/// Sends every queued play, with the cache counters, in one batch. The batch keeps its UUID
/// until the server has answered, so a retry after a lost answer is not counted twice.
pub async fn flush_plays(ctx: OfflineCtx) -> Result<(), OfflineError> {
    let user = current_user(&ctx)?;
    if !ctx.online.get_untracked() {
        return Ok(());
    }
    let db = database(user).await?;
    // A damaged record would make the server refuse the whole batch, every time, and hold
    // back every good play with it: drop it.
    let (plays, damaged): (Vec<PlayReport>, Vec<PlayReport>) =
        idb::pending_plays(&db).await?.into_iter().partition(PlayReport::is_well_formed);
    if !damaged.is_empty() {
        leptos::logging::warn!("dropping {} damaged queued plays", damaged.len());
        idb::forget_plays(&db, &damaged).await?;
    }
    let mut settings = idb::load_settings(&db).await?;
    if plays.is_empty() && settings.cache_hits == 0 && settings.cache_misses == 0 {
        return Ok(());
    }
    let batch_id = match settings.batch_id.clone() {
        Some(id) => id,
        None => {
            let id = super::new_uuid().ok_or(OfflineError::Unsupported)?;
            settings.batch_id = Some(id.clone());
            idb::save_settings(&db, &settings).await?;
            id
        }
    };
    let batch = PlayBatch {
        client_id: batch_id,
        plays: plays.clone(),
        cache_hits: settings.cache_hits,
        cache_misses: settings.cache_misses,
    };
    if let Err(e) = post_batch(&batch).await {
        super::sw::plays_waiting();
        return Err(e);
    }
    idb::forget_plays(&db, &plays).await?;
    // Counters that grew while the batch was in flight stay for the next one.
    let mut now = idb::load_settings(&db).await?;
    now.cache_hits = (now.cache_hits - batch.cache_hits).max(0);
    now.cache_misses = (now.cache_misses - batch.cache_misses).max(0);
    now.batch_id = None;
    idb::save_settings(&db, &now).await?;
    ctx.settings.set(now);
    Ok(())
}

async fn post_batch(batch: &PlayBatch) -> Result<(), OfflineError> {
    let window = web_sys::window().ok_or(OfflineError::Unsupported)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&serde_json::to_string(batch)?));
    let headers = web_sys::Headers::new()?;
    headers.set("Content-Type", "application/json")?;
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init("/api/plays/", &init)?;
    let response = JsFuture::from(window.fetch_with_request(&request)).await?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| OfflineError::Unsupported)?;
    if response.status() == 400 {
        let reason = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
        return Err(OfflineError::Refused(reason));
    }
    if !response.ok() {
        return Err(OfflineError::Storage(format!("the server answered {}", response.status())));
    }
    Ok(())
}

/// Queues one play (sent at once when online) and counts whether it came from the cache.
pub async fn record_play(
    ctx: OfflineCtx,
    track: TrackId,
    seconds: i64,
) -> Result<(), OfflineError> {
    let user = current_user(&ctx)?;
    let db = database(user).await?;
    let offline = !ctx.online.get_untracked();
    let play = PlayReport {
        client_id: super::new_uuid().ok_or(OfflineError::Unsupported)?,
        track_id: track,
        played_at: (super::now_ms() / 1000.0) as i64,
        seconds,
        offline,
    };
    idb::queue_play(&db, &play).await?;
    let mut settings = idb::load_settings(&db).await?;
    if ctx.cached_tracks.with_untracked(|c| c.contains(&track)) {
        settings.cache_hits += 1;
    } else {
        settings.cache_misses += 1;
    }
    idb::save_settings(&db, &settings).await?;
    ctx.settings.set(settings);
    touch_playlists(ctx, track).await?;
    if offline {
        super::sw::plays_waiting();
    } else {
        flush_plays(ctx).await?;
    }
    Ok(())
}

/// Marks the offline playlists holding `track` as just played (for the clean-up order).
async fn touch_playlists(ctx: OfflineCtx, track: TrackId) -> Result<(), OfflineError> {
    let user = current_user(&ctx)?;
    let db = database(user).await?;
    let Some(refs) = idb::get_track(&db, track).await? else { return Ok(()) };
    for id in refs.playlists {
        if let Some(mut playlist) = idb::get_playlist(&db, id).await? {
            playlist.last_played = super::now_ms();
            idb::save_playlist(&db, &playlist).await?;
        }
    }
    Ok(())
}
