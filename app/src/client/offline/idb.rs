//! The per-user IndexedDB database: offline playlists, the track index (which offline
//! playlists use each cached track), queued plays and settings. Records are plain JSON objects.
//! Transactions are short and never await anything but their own requests (IndexedDB commits a
//! transaction as soon as it is idle).

use idb::{Database, DatabaseEvent, Factory, KeyPath, ObjectStoreParams, TransactionMode};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::future::IntoFuture;

use wasm_bindgen::{JsCast, JsValue};

use super::{names, OfflineError};
use crate::{
    api::offline::PlayReport,
    components::offline_state::{OfflinePlaylist, OfflineSettings, SyncStatus},
    model::{PlaylistId, TrackId, UserId},
};

const PLAYLISTS: &str = "playlists";
const TRACKS: &str = "tracks";
const PENDING_PLAYS: &str = "pending_plays";
const SETTINGS: &str = "settings";
const SETTINGS_KEY: &str = "settings";

/// One cached track: its URL, size and the offline playlists that need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackRefs {
    pub id: TrackId,
    pub url: String,
    pub bytes: f64,
    pub playlists: Vec<PlaylistId>,
}

#[derive(Serialize, Deserialize)]
struct SettingsRecord {
    key: String,
    #[serde(flatten)]
    settings: OfflineSettings,
}

/// Opens (creating on first use) the database of `user`. Also answers whether it was just
/// created, i.e. whether this device knew of no offline data of `user` until now.
pub async fn open(user: UserId) -> Result<(Database, bool), OfflineError> {
    let factory = Factory::new()?;
    let mut request = factory.open(&names::database(user), Some(1))?;
    let created = std::rc::Rc::new(std::cell::Cell::new(false));
    let created_in_upgrade = created.clone();
    request.on_upgrade_needed(move |event| {
        created_in_upgrade.set(event.old_version().is_ok_and(|v| v == 0));
        let Ok(db) = event.database() else { return };
        for (store, key) in
            [(PLAYLISTS, "id"), (TRACKS, "id"), (PENDING_PLAYS, "client_id"), (SETTINGS, "key")]
        {
            let mut params = ObjectStoreParams::new();
            params.key_path(Some(KeyPath::new_single(key)));
            // An error here aborts the upgrade, and `open` then reports it.
            let _ = db.create_object_store(store, params);
        }
    });
    let mut db = request.await?;
    // Another tab removing this database (or a newer build upgrading it) first asks every open
    // connection to close, and waits until they have. Close at once, so that tab is not held
    // up by this one, and tell this page its offline data has to be read again.
    db.on_version_change(move |event| {
        if let Some(connection) = event.target() {
            let close = js_sys::Reflect::get(&connection, &JsValue::from_str("close"));
            if let Ok(close) = close.and_then(|f| f.dyn_into::<js_sys::Function>()) {
                let _ = close.call0(&connection);
            }
        }
        // `newVersion` is null when the database is being deleted, a number for an upgrade.
        let removed = js_sys::Reflect::get(&event, &JsValue::from_str("newVersion"))
            .map(|v| v.is_null())
            .unwrap_or(true);
        super::connection_closed(user, removed);
    });
    Ok((db, created.get()))
}

/// How long a removal waits for other tabs to let go of the database.
const DELETE_PATIENCE_MS: i32 = 4000;

/// Deletes the whole database of `user` (the "remove offline data" choice). A tab of an older
/// build that keeps its connection open blocks the deletion; after a few seconds this gives up
/// with `InUse` (the browser finishes the deletion once that tab closes).
pub async fn delete(user: UserId) -> Result<(), OfflineError> {
    let deleting = std::pin::pin!(Factory::new()?.delete(&names::database(user))?.into_future());
    let patience = std::pin::pin!(super::sleep_ms(DELETE_PATIENCE_MS));
    match futures::future::select(deleting, patience).await {
        futures::future::Either::Left((done, _)) => Ok(done?),
        futures::future::Either::Right(_) => Err(OfflineError::InUse),
    }
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, OfflineError> {
    let text = serde_json::to_string(value)?;
    Ok(js_sys::JSON::parse(&text)?)
}

fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, OfflineError> {
    let text: String = js_sys::JSON::stringify(value)?.into();
    Ok(serde_json::from_str(&text)?)
}

async fn put<T: Serialize>(db: &Database, store: &str, value: &T) -> Result<(), OfflineError> {
    let tx = db.transaction(&[store], TransactionMode::ReadWrite)?;
    tx.object_store(store)?.put(&to_js(value)?, None)?.await?;
    tx.await?;
    Ok(())
}

async fn get<T: DeserializeOwned>(
    db: &Database,
    store: &str,
    key: JsValue,
) -> Result<Option<T>, OfflineError> {
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let found = tx.object_store(store)?.get(key)?.await?;
    found.map(|v| from_js(&v)).transpose()
}

async fn get_all<T: DeserializeOwned>(db: &Database, store: &str) -> Result<Vec<T>, OfflineError> {
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let all = tx.object_store(store)?.get_all(None, None)?.await?;
    // A record this version cannot read is skipped rather than hiding every other one.
    Ok(all.iter().filter_map(|v| from_js(v).ok()).collect())
}

async fn delete_key(db: &Database, store: &str, key: JsValue) -> Result<(), OfflineError> {
    let tx = db.transaction(&[store], TransactionMode::ReadWrite)?;
    tx.object_store(store)?.delete(key)?.await?;
    tx.await?;
    Ok(())
}

fn id_key(id: i64) -> JsValue {
    JsValue::from_f64(id as f64)
}

pub async fn save_playlist(db: &Database, playlist: &OfflinePlaylist) -> Result<(), OfflineError> {
    put(db, PLAYLISTS, playlist).await
}

pub async fn get_playlist(
    db: &Database,
    id: PlaylistId,
) -> Result<Option<OfflinePlaylist>, OfflineError> {
    get(db, PLAYLISTS, id_key(id.0)).await
}

pub async fn get_offline_playlists(db: &Database) -> Result<Vec<OfflinePlaylist>, OfflineError> {
    let mut all: Vec<OfflinePlaylist> = get_all(db, PLAYLISTS).await?;
    all.sort_by_key(|p| p.title.to_lowercase());
    Ok(all)
}

pub async fn update_playlist_sync_status(
    db: &Database,
    id: PlaylistId,
    status: SyncStatus,
) -> Result<(), OfflineError> {
    if let Some(mut playlist) = get_playlist(db, id).await? {
        playlist.status = status;
        save_playlist(db, &playlist).await?;
    }
    Ok(())
}

pub async fn remove_playlist(db: &Database, id: PlaylistId) -> Result<(), OfflineError> {
    delete_key(db, PLAYLISTS, id_key(id.0)).await
}

pub async fn get_track(db: &Database, id: TrackId) -> Result<Option<TrackRefs>, OfflineError> {
    get(db, TRACKS, id_key(id.0)).await
}

/// Records that `playlist` needs `track`, stored at `url` with `bytes` bytes: one
/// read-modify-write transaction, so two jobs claiming the same track cannot lose a claim.
pub async fn claim_track(
    db: &Database,
    track: TrackId,
    url: &str,
    bytes: f64,
    playlist: PlaylistId,
) -> Result<(), OfflineError> {
    let tx = db.transaction(&[TRACKS], TransactionMode::ReadWrite)?;
    let store = tx.object_store(TRACKS)?;
    let found = store.get(id_key(track.0))?.await?;
    let mut refs = match found {
        Some(value) => from_js(&value)?,
        None => TrackRefs { id: track, url: url.to_owned(), bytes, playlists: Vec::new() },
    };
    refs.bytes = bytes;
    if !refs.playlists.contains(&playlist) {
        refs.playlists.push(playlist);
    }
    store.put(&to_js(&refs)?, None)?.await?;
    tx.await?;
    Ok(())
}

/// Saves several track records in one transaction.
pub async fn save_tracks(db: &Database, tracks: &[&TrackRefs]) -> Result<(), OfflineError> {
    if tracks.is_empty() {
        return Ok(());
    }
    let tx = db.transaction(&[TRACKS], TransactionMode::ReadWrite)?;
    let store = tx.object_store(TRACKS)?;
    for track in tracks {
        store.put(&to_js(track)?, None)?.await?;
    }
    tx.await?;
    Ok(())
}

pub async fn all_tracks(db: &Database) -> Result<Vec<TrackRefs>, OfflineError> {
    get_all(db, TRACKS).await
}

pub async fn save_track(db: &Database, track: &TrackRefs) -> Result<(), OfflineError> {
    put(db, TRACKS, track).await
}

pub async fn remove_track(db: &Database, id: TrackId) -> Result<(), OfflineError> {
    delete_key(db, TRACKS, id_key(id.0)).await
}

pub async fn queue_play(db: &Database, play: &PlayReport) -> Result<(), OfflineError> {
    put(db, PENDING_PLAYS, play).await
}

pub async fn pending_plays(db: &Database) -> Result<Vec<PlayReport>, OfflineError> {
    get_all(db, PENDING_PLAYS).await
}

pub async fn forget_plays(db: &Database, plays: &[PlayReport]) -> Result<(), OfflineError> {
    let tx = db.transaction(&[PENDING_PLAYS], TransactionMode::ReadWrite)?;
    let store = tx.object_store(PENDING_PLAYS)?;
    for play in plays {
        store.delete(JsValue::from_str(&play.client_id))?.await?;
    }
    tx.await?;
    Ok(())
}

pub async fn load_settings(db: &Database) -> Result<OfflineSettings, OfflineError> {
    let record: Option<SettingsRecord> = get(db, SETTINGS, JsValue::from_str(SETTINGS_KEY)).await?;
    Ok(record.map(|r| r.settings).unwrap_or_default())
}

pub async fn save_settings(db: &Database, settings: &OfflineSettings) -> Result<(), OfflineError> {
    let record = SettingsRecord { key: SETTINGS_KEY.to_owned(), settings: settings.clone() };
    put(db, SETTINGS, &record).await
}
