//! Offline playback, browser side: the one module that touches IndexedDB (`idb`), Cache Storage
//! (`cache`), the caching jobs (`jobs`), sync with the server (`sync`) and the service worker
//! (`sw`). Components call it from effects and event handlers, never while rendering. No browser
//! failure panics: every JS result becomes an `OfflineError` or is ignored on purpose.

pub mod cache;
pub mod idb;
pub mod jobs;
pub mod names;
pub mod sw;
pub mod sync;

use std::{cell::RefCell, collections::HashSet, rc::Rc};

use leptos::prelude::*;
use wasm_bindgen::{prelude::*, JsValue};

use crate::{
    components::offline_state::{OfflineCtx, StorageInfo},
    model::UserId,
};

/// What can go wrong with offline storage, as the user is told.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OfflineError {
    #[error("this browser cannot keep music offline")]
    Unsupported,
    #[error("not enough space on this device: {} more needed", crate::components::offline_state::format_bytes(*.needed))]
    Quota { needed: f64 },
    #[error("could not download {0}: {1}")]
    Download(String, String),
    #[error("storage error: {0}")]
    Storage(String),
    #[error("stopped")]
    Cancelled,
    #[error("sign in to keep music offline")]
    NoUser,
    #[error("this device is offline; connect first, so plays made offline reach the server")]
    Offline,
    #[error("Soundwave is open in another tab or window that still uses this data; close it and try again")]
    InUse,
    /// The server turned a request down for good (HTTP 400): sending it again cannot help.
    #[error("the server refused it: {0}")]
    Refused(String),
}

impl OfflineError {
    /// Maps a rejected promise or thrown exception; QuotaExceededError keeps its meaning.
    pub fn from_js(value: JsValue) -> Self {
        let name = js_sys::Reflect::get(&value, &JsValue::from_str("name"))
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        if name == "QuotaExceededError" {
            return OfflineError::Quota { needed: 0.0 };
        }
        let message = js_sys::Reflect::get(&value, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "unknown browser error".to_owned());
        OfflineError::Storage(format!("{name} {message}").trim().to_owned())
    }

    pub fn is_quota(&self) -> bool {
        matches!(self, OfflineError::Quota { .. })
    }
}

impl From<JsValue> for OfflineError {
    fn from(value: JsValue) -> Self {
        OfflineError::from_js(value)
    }
}

impl From<::idb::Error> for OfflineError {
    fn from(err: ::idb::Error) -> Self {
        let text = err.to_string();
        if text.contains("QuotaExceeded") {
            OfflineError::Quota { needed: 0.0 }
        } else {
            OfflineError::Storage(text)
        }
    }
}

impl From<serde_json::Error> for OfflineError {
    fn from(err: serde_json::Error) -> Self {
        OfflineError::Storage(err.to_string())
    }
}

thread_local! {
    /// The open database, and whose it is; reopened when the user changes.
    static DATABASE: RefCell<Option<(UserId, Rc<::idb::Database>)>> = const { RefCell::new(None) };
}

/// The database of `user`, opened once per page.
pub async fn database(user: UserId) -> Result<Rc<::idb::Database>, OfflineError> {
    let open =
        DATABASE.with_borrow(|d| d.as_ref().filter(|(u, _)| *u == user).map(|(_, db)| db.clone()));
    if let Some(db) = open {
        return Ok(db);
    }
    let (db, created) = idb::open(user).await?;
    if created {
        // No database means no offline data is known, so any audio cache of this user is
        // left over from a removal that finished late (another tab held the database).
        let _ = cache::delete_cache(&names::audio_cache(user)).await;
    }
    let db = Rc::new(db);
    // Two callers may have opened it at once: keep the first connection, which may be in use,
    // and close a connection to another user's database.
    Ok(DATABASE.with_borrow_mut(|d| match d {
        Some((u, existing)) if *u == user => {
            db.close();
            existing.clone()
        }
        _ => {
            if let Some((_, old)) = d.replace((user, db.clone())) {
                old.close();
            }
            db
        }
    }))
}

/// The window events sent when another tab made this page close its database: it removed the
/// data, or a newer build of the app upgraded it.
pub const DATABASE_REMOVED_EVENT: &str = "soundwave-offline-removed";
pub const DATABASE_UPGRADED_EVENT: &str = "soundwave-offline-upgraded";

/// Called when the browser asked this page to close `user`'s database. The connection is
/// already closed; forget it once the browser's callback has returned (the callback belongs
/// to the connection), then tell the page why.
pub(crate) fn connection_closed(user: UserId, removed: bool) {
    leptos::task::spawn_local(async move {
        DATABASE.with_borrow_mut(|d| {
            if d.as_ref().is_some_and(|(u, _)| *u == user) {
                *d = None;
            }
        });
        if let Some(window) = web_sys::window() {
            let name = if removed { DATABASE_REMOVED_EVENT } else { DATABASE_UPGRADED_EVENT };
            if let Ok(event) = web_sys::Event::new(name) {
                let _ = window.dispatch_event(&event);
            }
        }
    });
}

/// Another tab removed this user's offline data (or a newer build took the database over):
/// stop using it. Running jobs stop, the page shows nothing offline, and, since the page no
/// longer has a user for offline purposes, nothing reopens (and so recreates) the database.
/// The service worker is not told: another tab may still be signed in and using it.
pub fn detach(ctx: OfflineCtx) {
    jobs::cancel_all();
    ctx.user.set(None);
    ctx.playlists.set(Vec::new());
    ctx.cached_tracks.set(HashSet::new());
    ctx.jobs.set(Default::default());
    ctx.loaded.set(true);
}

/// Resolves after `ms` milliseconds (at once where there is no window to time it).
pub async fn sleep_ms(ms: i32) {
    let Some(window) = web_sys::window() else { return };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The signed-in user as the page knows it, or `NoUser`.
pub fn current_user(ctx: &OfflineCtx) -> Result<UserId, OfflineError> {
    ctx.user.get_untracked().ok_or(OfflineError::NoUser)
}

/// Re-reads the current user's records into the context's signals.
pub async fn refresh(ctx: OfflineCtx) {
    let Some(user) = ctx.user.get_untracked() else {
        ctx.playlists.set(Vec::new());
        ctx.cached_tracks.set(HashSet::new());
        ctx.loaded.set(true);
        return;
    };
    match load(user).await {
        Ok((playlists, tracks, settings)) if ctx.user.get_untracked() == Some(user) => {
            ctx.playlists.set(playlists);
            ctx.cached_tracks.set(tracks);
            ctx.settings.set(settings);
        }
        Ok(_) => {}
        Err(e) => ctx.notice.set(Some(e.to_string())),
    }
    ctx.loaded.set(true);
    let usage = cache::estimate().await;
    let persisted = cache::persisted().await;
    ctx.storage.set(usage.map(|(usage, quota)| StorageInfo { usage, quota, persisted }));
}

type Loaded = (
    Vec<crate::components::offline_state::OfflinePlaylist>,
    HashSet<crate::model::TrackId>,
    crate::components::offline_state::OfflineSettings,
);

async fn load(user: UserId) -> Result<Loaded, OfflineError> {
    let db = database(user).await?;
    let playlists = idb::get_offline_playlists(&db).await?;
    let tracks = idb::all_tracks(&db).await?.into_iter().map(|t| t.id).collect();
    let settings = idb::load_settings(&db).await?;
    Ok((playlists, tracks, settings))
}

/// Switches the page to `user`'s offline data (or to none). The service worker is told too,
/// so it serves audio only from this user's cache.
pub fn set_user(ctx: OfflineCtx, user: Option<UserId>) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match user {
            Some(id) => storage.set_item(names::USER_KEY, &id.to_string()),
            None => storage.remove_item(names::USER_KEY),
        };
    }
    sw::tell_user(user);
    ctx.loaded.set(false);
    ctx.user.set(user);
    leptos::task::spawn_local(refresh(ctx));
}

/// The user the last online page signed in as, for the offline shell.
pub fn remembered_user() -> Option<UserId> {
    let storage = web_sys::window()?.local_storage().ok()??;
    let text = storage.get_item(names::USER_KEY).ok()??;
    text.parse::<i64>().ok().map(UserId)
}

/// Tracks `navigator.onLine` and runs the reconnect sync when the network comes back.
pub fn watch_online(ctx: OfflineCtx) {
    let Some(window) = web_sys::window() else { return };
    ctx.online.set(window.navigator().on_line());
    for (event, online) in [("online", true), ("offline", false)] {
        let handler = Closure::<dyn FnMut()>::new(move || {
            ctx.online.set(online);
            if online {
                leptos::task::spawn_local(sync::on_reconnect(ctx));
            }
        });
        let _ = window.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        handler.forget();
    }
}

/// A random UUID for plays and batches.
pub fn new_uuid() -> Option<String> {
    Some(web_sys::window()?.crypto().ok()?.random_uuid())
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Entry point of the offline shell (public/offline.html): renders the playlists kept on this
/// device without the server.
#[wasm_bindgen]
pub fn offline_shell() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(crate::pages::offline::OfflineShell);
}
