//! Cache Storage for audio, and what the browser says about storage. A track is cached only as
//! a complete 200 body fetched without a Range header whose length matches Content-Length; the
//! service worker slices ranges out of it.

use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, CacheStorage, Response};

use super::OfflineError;

fn window() -> Result<web_sys::Window, OfflineError> {
    web_sys::window().ok_or(OfflineError::Unsupported)
}

fn caches() -> Result<CacheStorage, OfflineError> {
    window()?.caches().map_err(|_| OfflineError::Unsupported)
}

async fn wait(promise: Promise) -> Result<JsValue, OfflineError> {
    JsFuture::from(promise).await.map_err(OfflineError::from_js)
}

pub async fn open(name: &str) -> Result<Cache, OfflineError> {
    let cache = wait(caches()?.open(name)).await?;
    cache.dyn_into::<Cache>().map_err(|_| OfflineError::Unsupported)
}

pub async fn delete_cache(name: &str) -> Result<(), OfflineError> {
    wait(caches()?.delete(name)).await?;
    Ok(())
}

pub async fn contains(cache: &Cache, url: &str) -> Result<bool, OfflineError> {
    let found = wait(cache.match_with_str(url)).await?;
    Ok(!found.is_undefined() && !found.is_null())
}

pub async fn remove(cache: &Cache, url: &str) -> Result<(), OfflineError> {
    wait(cache.delete_with_str(url)).await?;
    Ok(())
}

/// Every URL path held in `cache`.
pub async fn paths(cache: &Cache) -> Result<Vec<String>, OfflineError> {
    let keys = wait(cache.keys()).await?;
    let keys: js_sys::Array = keys.dyn_into().map_err(|_| OfflineError::Unsupported)?;
    Ok(keys
        .iter()
        .filter_map(|k| k.dyn_into::<web_sys::Request>().ok())
        .filter_map(|r| web_sys::Url::new(&r.url()).ok().map(|u| u.pathname()))
        .collect())
}

/// Downloads `url` whole and stores it; returns its size in bytes.
pub async fn fetch_into(cache: &Cache, url: &str) -> Result<f64, OfflineError> {
    // No Range header: the whole file, so the worker can answer any range later.
    let response = wait(window()?.fetch_with_str(url)).await?;
    let response: Response = response.dyn_into().map_err(|_| OfflineError::Unsupported)?;
    if response.status() != 200 {
        return Err(OfflineError::Download(url.to_owned(), format!("HTTP {}", response.status())));
    }
    let declared =
        response.headers().get("content-length").ok().flatten().and_then(|v| v.parse::<f64>().ok());
    let copy = response.clone().map_err(OfflineError::from_js)?;
    let body = wait(copy.array_buffer().map_err(OfflineError::from_js)?).await?;
    let size = Uint8Array::new(&body).length() as f64;
    if declared != Some(size) {
        return Err(OfflineError::Download(
            url.to_owned(),
            format!("got {size} bytes, the server announced {declared:?}"),
        ));
    }
    wait(cache.put_with_str(url, &response)).await?;
    Ok(size)
}

/// `navigator.storage`, when the browser has it.
fn storage() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let has = Reflect::has(&navigator, &JsValue::from_str("storage")).unwrap_or(false);
    has.then(|| navigator.storage())
}

/// (usage, quota) in bytes. Both are estimates (Chrome pads the quota).
pub async fn estimate() -> Option<(f64, f64)> {
    let estimate = JsFuture::from(storage()?.estimate().ok()?).await.ok()?;
    let field = |name: &str| Reflect::get(&estimate, &JsValue::from_str(name)).ok()?.as_f64();
    Some((field("usage").unwrap_or(0.0), field("quota")?))
}

/// Asks the browser to keep this site's data under storage pressure. Call it from a click:
/// browsers decide on engagement, and some prompt.
pub fn request_persist() {
    if let Some(promise) = storage().and_then(|s| s.persist().ok()) {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
}

pub async fn persisted() -> bool {
    let Some(promise) = storage().and_then(|s| s.persisted().ok()) else { return false };
    JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
}
