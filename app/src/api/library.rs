//! Server functions for the library: search and paging, and the admin's scan button.

use leptos::prelude::*;

use super::ApiError;
use crate::model::{ScanReport, TrackPage, TrackSort};

/// One page of the caller's library, filtered by `q` (title, artist or album).
#[server(prefix = "/sfn", endpoint = "list_tracks")]
pub async fn list_tracks(q: String, sort: TrackSort, page: i64) -> Result<TrackPage, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    let page = crate::server::tracks::list_library(
        &state.pool,
        account.id,
        &q,
        sort,
        page,
        crate::server::tracks::PAGE_SIZE,
    )
    .await?;
    Ok(page)
}

/// Re-indexes MEDIA_ROOT now (admins only) and answers with the counts.
#[server(prefix = "/sfn", endpoint = "start_scan")]
pub async fn start_scan() -> Result<ScanReport, ApiError> {
    let (state, _admin) = super::ctx::admin().await?;
    Ok(crate::server::library::scan_media_root(&state).await?)
}
