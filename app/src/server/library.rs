//! Indexing audio files under MEDIA_ROOT: scans, imports and tag reading.

use super::{error::AppResult, AppState};
use crate::model::ScanReport;

/// Re-indexes MEDIA_ROOT incrementally.
pub async fn scan_media_root(_state: &AppState) -> AppResult<ScanReport> {
    Err(super::AppError::Internal("the scanner is not written yet".into()))
}

/// The absolute path of a file stored as `rel_path` under `media_root`. Refuses anything that
/// could leave the media root (absolute paths, `..`).
pub fn resolve(media_root: &std::path::Path, rel_path: &str) -> Option<std::path::PathBuf> {
    use std::path::Component;
    let rel = std::path::Path::new(rel_path);
    let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
    (safe && !rel_path.is_empty()).then(|| media_root.join(rel))
}
