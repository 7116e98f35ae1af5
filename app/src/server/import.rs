//! Imports: copies a folder's audio files into MEDIA_ROOT/imports/<user>/, indexes them and adds
//! them to that user's library. Copies are atomic (temporary name, then rename) and skipped when
//! an identical file is already in place, so importing a folder twice changes nothing.

use std::{
    fs::File,
    io::Read,
    path::{Path, PathBuf},
};

use sqlx::SqlitePool;

use super::{
    config::Config,
    error::{AppError, AppResult},
    indexer::{self, Candidate, NewTrackOwners},
    library::{candidate, list_files, record_task},
    tags, tracks, users,
};
use crate::model::{Account, ScanReport};

/// Imports every audio file under `dir` for the user named `username`, recorded in `tasks` as an
/// `import`. Fails before copying anything when the user or the folder does not exist.
pub async fn import_folder(
    pool: &SqlitePool,
    config: &Config,
    dir: &Path,
    username: &str,
) -> AppResult<ScanReport> {
    let account = users::find_user_by_name(pool, username)
        .await?
        .ok_or_else(|| AppError::bad_request(format!("there is no user named `{username}`")))?;
    if !dir.is_dir() {
        return Err(AppError::bad_request(format!("{} is not a folder", dir.display())));
    }
    if overlaps_media_root(dir, &config.media_root) {
        return Err(AppError::bad_request(format!(
            "{} overlaps MEDIA_ROOT; files there are already in the library: run `soundwave scan`",
            dir.display()
        )));
    }
    record_task(pool, "import", import_unrecorded(pool, config, dir, &account)).await
}

/// Importing MEDIA_ROOT (or a folder inside it, or one that holds it) would copy the library
/// into itself, one level deeper on every run.
fn overlaps_media_root(dir: &Path, media_root: &Path) -> bool {
    let (Ok(dir), Ok(root)) = (dir.canonicalize(), media_root.canonicalize()) else {
        return false;
    };
    dir.starts_with(&root) || root.starts_with(&dir)
}

async fn import_unrecorded(
    pool: &SqlitePool,
    config: &Config,
    dir: &Path,
    account: &Account,
) -> AppResult<ScanReport> {
    let target = config.media_root.join("imports").join(user_folder(&account.username));
    let (source, media_root) = (dir.to_path_buf(), config.media_root.clone());
    let copied = tokio::task::spawn_blocking(move || copy_folder(&source, &target, &media_root))
        .await
        .map_err(|e| AppError::Internal(format!("the copy stopped: {e}")))?;

    let stored = indexer::load_stored(pool).await?;
    let files = copied.files.iter().map(|(c, _)| c.clone()).collect();
    let outcome = indexer::index(
        pool,
        &config.artwork_dir(),
        files,
        &stored,
        "import",
        NewTrackOwners::Nobody,
    )
    .await?;

    // A file that turned out unreadable should not stay in MEDIA_ROOT if this run put it there.
    for failed in &outcome.failed {
        let fresh = copied.files.iter().any(|(c, new)| *new && c.rel_path == failed.rel_path);
        if fresh {
            let _ = std::fs::remove_file(&failed.abs_path);
        }
    }
    let ids: Vec<_> = outcome.indexed.iter().map(|(_, id)| *id).collect();
    tracks::insert_library_entries(pool, account.id, &ids).await?;

    let mut report = outcome.report;
    let mut problems = copied.problems;
    report.skipped += problems.len() as u64;
    problems.append(&mut report.problems);
    report.problems = problems;
    Ok(report)
}

/// The folder name for a user's imports; a leading dot would hide it from scans.
fn user_folder(username: &str) -> String {
    if username.starts_with('.') {
        format!("_{username}")
    } else {
        username.to_owned()
    }
}

#[derive(Default)]
struct Copied {
    /// Each audio file now in place, and whether this run copied it.
    files: Vec<(Candidate, bool)>,
    problems: Vec<String>,
}

/// Copies the audio files under `source` to the same relative paths under `target`. Blocking.
fn copy_folder(source: &Path, target: &Path, media_root: &Path) -> Copied {
    let mut copied = Copied::default();
    let mut unlisted = Vec::new();
    for entry in list_files(source, &mut copied.problems, &mut unlisted) {
        let Some(rel) = entry.path.strip_prefix(source).ok().and_then(|r| r.to_str()) else {
            copied.problems.push(format!("{}: the file name is not valid UTF-8", entry.rel));
            continue;
        };
        if !tags::has_audio_extension(&entry.path) {
            copied.problems.push(format!("{}: not an audio file", entry.rel));
            continue;
        }
        let dest = target.join(rel);
        let result = copy_atomically(&entry.path, &dest)
            .map_err(|e| format!("cannot copy: {e}"))
            .and_then(|new| candidate(media_root, &dest, &entry.rel).map(|c| (c, new)));
        match result {
            Ok(file) => copied.files.push(file),
            Err(reason) => copied.problems.push(format!("{}: {reason}", entry.rel)),
        }
    }
    copied
}

/// Copies `src` to `dest` through a hidden temporary file in the same folder and a rename, so
/// the final name never holds half a file. Returns false when `dest` already had the content.
fn copy_atomically(src: &Path, dest: &Path) -> std::io::Result<bool> {
    if dest.is_file() && same_content(src, dest)? {
        return Ok(false);
    }
    let parent = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let temp = temp_name(dest);
    let result = std::fs::copy(src, &temp)
        .and_then(|_| File::open(&temp)?.sync_all())
        .and_then(|()| std::fs::rename(&temp, dest));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map(|()| true)
}

fn temp_name(dest: &Path) -> PathBuf {
    let name = dest.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    dest.with_file_name(format!(".{name}.{}.part", std::process::id()))
}

/// Byte-for-byte comparison, stopping at the first difference.
fn same_content(a: &Path, b: &Path) -> std::io::Result<bool> {
    let (mut fa, mut fb) = (File::open(a)?, File::open(b)?);
    if fa.metadata()?.len() != fb.metadata()?.len() {
        return Ok(false);
    }
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_inside_or_around_media_root_is_refused() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().join("audio");
        let inner = root.join("imports/alice");
        let outside = base.path().join("music");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        assert!(overlaps_media_root(&root, &root));
        assert!(overlaps_media_root(&inner, &root));
        assert!(overlaps_media_root(base.path(), &root));
        assert!(!overlaps_media_root(&outside, &root));
    }

    #[test]
    fn copy_is_skipped_when_identical_and_redone_when_changed() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("a.mp3");
        let dest = dir.path().join("out/sub/a.mp3");
        std::fs::write(&src, b"one").unwrap();
        assert!(copy_atomically(&src, &dest).unwrap());
        assert!(!copy_atomically(&src, &dest).unwrap());
        std::fs::write(&src, b"two").unwrap();
        assert!(copy_atomically(&src, &dest).unwrap());
        assert_eq!(std::fs::read(&dest).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(dest.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn dot_names_do_not_become_hidden_folders() {
        assert_eq!(user_folder("..x"), "_..x");
        assert_eq!(user_folder("bob"), "bob");
    }
}
