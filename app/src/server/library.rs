//! Indexing audio files under MEDIA_ROOT: incremental scans, the walk over the media folder, and
//! the `tasks` rows that record each run. Imports live in `import`, the shared core in `indexer`.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    time::UNIX_EPOCH,
};

use sqlx::SqlitePool;

use super::{
    config::Config,
    db::now,
    error::{AppError, AppResult},
    indexer::{self, Candidate, NewTrackOwners},
    tags, AppState,
};
use crate::model::ScanReport;

/// Re-indexes MEDIA_ROOT incrementally; waits for a scan already running to finish first.
pub async fn scan_media_root(state: &AppState) -> AppResult<ScanReport> {
    let _running = state.scan_lock.lock().await;
    scan(&state.pool, &state.config).await
}

/// Re-indexes MEDIA_ROOT without the in-process lock (for the command line), recorded in
/// `tasks` as a `scan`.
pub async fn scan(pool: &SqlitePool, config: &Config) -> AppResult<ScanReport> {
    record_task(pool, "scan", scan_unrecorded(pool, config)).await
}

async fn scan_unrecorded(pool: &SqlitePool, config: &Config) -> AppResult<ScanReport> {
    let root = config.media_root.clone();
    if !root.is_dir() {
        return Err(AppError::Internal(format!(
            "MEDIA_ROOT {} is not a directory (is the disk mounted?)",
            root.display()
        )));
    }
    let stored = indexer::load_stored(pool).await?;
    let walk_root = root.clone();
    let found = tokio::task::spawn_blocking(move || walk_media(&walk_root))
        .await
        .map_err(|e| AppError::Internal(format!("the folder walk stopped: {e}")))?;
    let Walk { files, mut problems, unlisted } = found;

    let seen: HashSet<String> = files.iter().map(|c| c.rel_path.clone()).collect();
    let gone: Vec<_> = stored
        .iter()
        .filter(|(rel, _)| !seen.contains(*rel) && !under_any(rel, &unlisted))
        .map(|(_, s)| s.id)
        .collect();

    let outcome =
        indexer::index(pool, &config.artwork_dir(), files, &stored, "scan", NewTrackOwners::Admins)
            .await?;
    let mut report = outcome.report;
    report.skipped += problems.len() as u64;
    problems.append(&mut report.problems);
    report.problems = problems;

    // An unmounted disk looks like an empty folder: never take that as "everything was deleted".
    if seen.is_empty() && !stored.is_empty() {
        tracing::warn!(
            media_root = %root.display(),
            kept = stored.len(),
            "MEDIA_ROOT holds no audio files; kept the index as it is"
        );
    } else if !gone.is_empty() {
        indexer::delete_tracks(pool, &gone).await?;
        report.removed = gone.len() as u64;
    }
    Ok(report)
}

/// `12 files: 10 added, 0 updated, 0 unchanged, 2 skipped, 0 removed`.
pub fn summary(report: &ScanReport) -> String {
    let files = report.added + report.updated + report.unchanged + report.skipped;
    format!(
        "{files} files: {} added, {} updated, {} unchanged, {} skipped, {} removed",
        report.added, report.updated, report.unchanged, report.skipped, report.removed
    )
}

/// Runs `work` as a row of `tasks`: `running` first, then `completed` with the counts or
/// `failed` with the error.
pub(crate) async fn record_task(
    pool: &SqlitePool,
    kind: &str,
    work: impl std::future::Future<Output = AppResult<ScanReport>>,
) -> AppResult<ScanReport> {
    let task: i64 = sqlx::query_scalar(
        "INSERT INTO tasks (kind, state, started_at) VALUES (?, 'running', ?) RETURNING id",
    )
    .bind(kind)
    .bind(now())
    .fetch_one(pool)
    .await?;
    let result = work.await;
    let (state, detail) = match &result {
        Ok(report) => ("completed", summary(report)),
        Err(e) => ("failed", e.to_string()),
    };
    sqlx::query("UPDATE tasks SET state = ?, detail = ?, finished_at = ? WHERE id = ?")
        .bind(state)
        .bind(detail)
        .bind(now())
        .bind(task)
        .execute(pool)
        .await?;
    result
}

/// The audio files found by a walk, and one line per file that could not even be listed.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub files: Vec<Candidate>,
    pub problems: Vec<String>,
    /// Folders that could not be listed, relative to the root.
    pub unlisted: Vec<String>,
}

/// Lists audio files under MEDIA_ROOT, skipping hidden entries (which include `.artwork` and
/// the temporary files of copies in progress). Blocking.
fn walk_media(root: &Path) -> Walk {
    let mut walk = Walk::default();
    for entry in list_files(root, &mut walk.problems, &mut walk.unlisted) {
        if !tags::has_audio_extension(&entry.path) {
            continue;
        }
        match candidate(root, &entry.path, &entry.rel) {
            Ok(c) => walk.files.push(c),
            Err(reason) => walk.problems.push(format!("{}: {reason}", entry.rel)),
        }
    }
    walk
}

pub(crate) struct Listed {
    pub path: PathBuf,
    /// Relative to the walked folder, `/`-separated (lossy for names that are not UTF-8).
    pub rel: String,
}

/// Every non-hidden regular file under `root`, sorted by relative path. Symbolic links to files
/// are followed; links to folders are not (they could loop). Folders that cannot be listed are
/// returned in `unlisted` (relative paths) so callers never mistake them for deleted.
pub(crate) fn list_files(
    root: &Path,
    problems: &mut Vec<String>,
    unlisted: &mut Vec<String>,
) -> Vec<Listed> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(read) => read,
            Err(e) => {
                problems.push(format!("{}: cannot list the folder: {e}", display_dir(&prefix)));
                unlisted.push(prefix);
                continue;
            }
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                stack.push((entry.path(), rel));
            } else if kind.is_file() || (kind.is_symlink() && entry.path().is_file()) {
                out.push(Listed { path: entry.path(), rel });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// Whether `rel` lies inside one of `folders` (`""` is the root and holds everything).
fn under_any(rel: &str, folders: &[String]) -> bool {
    folders.iter().any(|f| {
        f.is_empty() || rel.strip_prefix(f.as_str()).is_some_and(|rest| rest.starts_with('/'))
    })
}

fn display_dir(prefix: &str) -> &str {
    if prefix.is_empty() {
        "."
    } else {
        prefix
    }
}

/// A file's identity for the index: its UTF-8 path relative to MEDIA_ROOT, size and mtime.
pub(crate) fn candidate(root: &Path, path: &Path, display: &str) -> Result<Candidate, String> {
    let rel = path.strip_prefix(root).map_err(|_| "outside MEDIA_ROOT".to_owned())?;
    let mut parts = Vec::new();
    for part in rel.components() {
        let text = part.as_os_str().to_str().ok_or("the file name is not valid UTF-8")?;
        parts.push(text);
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let mtime_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Ok(Candidate {
        rel_path: parts.join("/"),
        abs_path: path.to_path_buf(),
        display: display.to_owned(),
        size: i64::try_from(meta.len()).unwrap_or(i64::MAX),
        mtime_ms,
    })
}

/// The absolute path of a file stored as `rel_path` under `media_root`. Refuses anything that
/// could leave the media root (absolute paths, `..`).
pub fn resolve(media_root: &std::path::Path, rel_path: &str) -> Option<std::path::PathBuf> {
    use std::path::Component;
    let rel = std::path::Path::new(rel_path);
    let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
    (safe && !rel_path.is_empty()).then(|| media_root.join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_skips_hidden_entries_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".artwork")).unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        for name in [".artwork/x.mp3", "a/.hidden.mp3", "a/b/song.mp3", "a/cover.jpg", "top.flac"] {
            std::fs::write(root.join(name), b"x").unwrap();
        }
        let walk = walk_media(root);
        let rels: Vec<_> = walk.files.iter().map(|c| c.rel_path.as_str()).collect();
        assert_eq!(rels, ["a/b/song.mp3", "top.flac"]);
        assert!(walk.problems.is_empty());
    }

    #[test]
    fn summary_counts_every_file_once() {
        let report = ScanReport { added: 10, skipped: 2, removed: 1, ..Default::default() };
        assert_eq!(
            summary(&report),
            "12 files: 10 added, 0 updated, 0 unchanged, 2 skipped, 1 removed"
        );
    }
}
