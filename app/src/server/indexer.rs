//! The indexing core shared by scans and imports: compares files on disk with the stored rows,
//! reads the new and changed ones on a blocking thread, saves cover art, and writes the rows in
//! batched transactions.

use super::db;
use std::{
    collections::HashMap,
    io::Write,
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::{
    db::now,
    error::{AppError, AppResult},
    tags::{self, Artwork, AudioInfo},
};
use crate::model::{ScanReport, TrackId};

/// Files read (and rows written) per transaction.
const BATCH: usize = 200;

/// One audio file found on disk.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Relative to MEDIA_ROOT, with `/` separators: the key of `tracks.rel_path`.
    pub rel_path: String,
    pub abs_path: PathBuf,
    /// How problems name the file (for imports, the path inside the imported folder).
    pub display: String,
    pub size: i64,
    /// Modification time in milliseconds since the epoch (finer than seconds, so a tag edit
    /// that keeps the size is still noticed).
    pub mtime_ms: i64,
}

/// What the index already holds for one file.
#[derive(Clone, Copy, Debug)]
pub struct Stored {
    pub id: TrackId,
    pub size: i64,
    pub mtime_ms: i64,
}

/// Who receives newly indexed tracks in the same transaction that inserts them.
#[derive(Clone, Copy, Debug)]
pub enum NewTrackOwners {
    /// Every active admin (a plain scan).
    Admins,
    /// Nobody yet: the caller adds library entries itself.
    Nobody,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub report: ScanReport,
    /// Every file that is in the index after this run, keyed by `rel_path`.
    pub indexed: Vec<(String, TrackId)>,
    /// Files that could not be read.
    pub failed: Vec<Candidate>,
}

/// Every stored track by relative path, in one query.
pub async fn load_stored(pool: &SqlitePool) -> AppResult<HashMap<String, Stored>> {
    let rows: Vec<(i64, String, i64, i64)> =
        sqlx::query_as("SELECT id, rel_path, size, mtime FROM tracks").fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, rel, size, mtime_ms)| (rel, Stored { id: TrackId(id), size, mtime_ms }))
        .collect())
}

/// Indexes `candidates`: unchanged files are counted, the rest read and written. Reading the
/// next batch overlaps with writing the current one.
pub async fn index(
    pool: &SqlitePool,
    artwork_dir: &Path,
    candidates: Vec<Candidate>,
    stored: &HashMap<String, Stored>,
    source: &'static str,
    owners: NewTrackOwners,
) -> AppResult<Outcome> {
    let mut outcome = Outcome::default();
    let mut to_read = Vec::new();
    for candidate in candidates {
        match stored.get(&candidate.rel_path) {
            Some(s) if s.size == candidate.size && s.mtime_ms == candidate.mtime_ms => {
                outcome.report.unchanged += 1;
                outcome.indexed.push((candidate.rel_path, s.id));
            }
            _ => to_read.push(candidate),
        }
    }

    let mut batches = to_read.chunks(BATCH).map(|c| spawn_read(c.to_vec(), artwork_dir));
    let mut pending = batches.next();
    while let Some(handle) = pending.take() {
        let results =
            handle.await.map_err(|e| AppError::Internal(format!("tag reader stopped: {e}")))?;
        pending = batches.next();
        write_batch(pool, results, stored, source, owners, &mut outcome).await?;
    }
    Ok(outcome)
}

type ReadResult = (Candidate, Result<(AudioInfo, Option<String>), String>);

fn spawn_read(
    batch: Vec<Candidate>,
    artwork_dir: &Path,
) -> tokio::task::JoinHandle<Vec<ReadResult>> {
    let artwork_dir = artwork_dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        batch
            .into_iter()
            .map(|c| {
                let result = read_one(&c.abs_path, &artwork_dir);
                (c, result)
            })
            .collect()
    })
}

/// Reads one file and stores its cover; the error is the reason shown to the user.
fn read_one(path: &Path, artwork_dir: &Path) -> Result<(AudioInfo, Option<String>), String> {
    let mut info = tags::read_audio(path).map_err(|e| e.to_string())?;
    let artwork = match info.artwork.take() {
        Some(art) => match save_artwork(artwork_dir, &art) {
            Ok(rel) => Some(rel),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot save cover art");
                None
            }
        },
        None => None,
    };
    Ok((info, artwork))
}

/// Writes a picture once, named by its content hash, and returns its path relative to
/// MEDIA_ROOT. Albums share one file; a crash leaves at most a hidden temporary file.
pub fn save_artwork(artwork_dir: &Path, art: &Artwork) -> std::io::Result<String> {
    let digest = Sha256::digest(&art.data);
    let name = format!("{}.{}", &hex::encode(digest)[..32], art.ext);
    let dest = artwork_dir.join(&name);
    if !dest.exists() {
        std::fs::create_dir_all(artwork_dir)?;
        let temp = artwork_dir.join(format!(".{name}.{}.part", std::process::id()));
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&art.data)?;
        file.sync_all()?;
        std::fs::rename(&temp, &dest)?;
    }
    let dir_name = artwork_dir.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    Ok(format!("{dir_name}/{name}"))
}

async fn write_batch(
    pool: &SqlitePool,
    results: Vec<ReadResult>,
    stored: &HashMap<String, Stored>,
    source: &'static str,
    owners: NewTrackOwners,
    outcome: &mut Outcome,
) -> AppResult<()> {
    let mut tx = db::begin_write(pool).await?;
    let added_at = now();
    for (candidate, result) in results {
        let (info, artwork) = match result {
            Ok(read) => read,
            Err(reason) => {
                outcome.report.skipped += 1;
                outcome.report.problems.push(format!("{}: {reason}", candidate.display));
                outcome.failed.push(candidate);
                continue;
            }
        };
        let track = NewTrack {
            file: &candidate,
            info: &info,
            title: &info.title,
            artist: &info.artist,
            artwork,
            source,
            remote_id: None,
        };
        let id = upsert_track(&mut tx, &track, added_at).await?;
        if stored.contains_key(&candidate.rel_path) {
            outcome.report.updated += 1;
        } else {
            outcome.report.added += 1;
            if let NewTrackOwners::Admins = owners {
                give_to_admins(&mut tx, id, added_at).await?;
            }
        }
        outcome.indexed.push((candidate.rel_path, id));
    }
    tx.commit().await?;
    Ok(())
}

/// What a new or refreshed track row holds, from a scan, an import or a download.
pub struct NewTrack<'a> {
    pub file: &'a Candidate,
    pub info: &'a AudioInfo,
    /// The title and artist to store (a download may know better ones than the tags).
    pub title: &'a str,
    pub artist: &'a str,
    pub artwork: Option<String>,
    pub source: &'a str,
    pub remote_id: Option<&'a str>,
}

/// Inserts or refreshes the row for one file. A refresh keeps the row's id, source, remote id
/// and `added_at`, so library entries and playlists keep pointing at it.
pub async fn upsert_track(
    tx: &mut Transaction<'_, Sqlite>,
    track: &NewTrack<'_>,
    added_at: i64,
) -> AppResult<TrackId> {
    let (file, info) = (track.file, track.info);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tracks (source, remote_id, rel_path, title, artist, album, album_artist,
             track_no, disc_no, year, genre, duration_ms, codec, mime, bitrate_kbps, size, mtime,
             artwork_path, added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (rel_path) DO UPDATE SET
             title = excluded.title, artist = excluded.artist, album = excluded.album,
             album_artist = excluded.album_artist, track_no = excluded.track_no,
             disc_no = excluded.disc_no, year = excluded.year, genre = excluded.genre,
             duration_ms = excluded.duration_ms, codec = excluded.codec, mime = excluded.mime,
             bitrate_kbps = excluded.bitrate_kbps, size = excluded.size, mtime = excluded.mtime,
             artwork_path = excluded.artwork_path
         RETURNING id",
    )
    .bind(track.source)
    .bind(track.remote_id)
    .bind(&file.rel_path)
    .bind(track.title)
    .bind(track.artist)
    .bind(&info.album)
    .bind(&info.album_artist)
    .bind(info.track_no)
    .bind(info.disc_no)
    .bind(info.year)
    .bind(&info.genre)
    .bind(info.duration_ms)
    .bind(info.codec)
    .bind(info.mime)
    .bind(info.bitrate_kbps)
    .bind(file.size)
    .bind(file.mtime_ms)
    .bind(&track.artwork)
    .bind(added_at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(TrackId(id))
}

async fn give_to_admins(
    tx: &mut Transaction<'_, Sqlite>,
    track: TrackId,
    added_at: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO library_entries (user_id, track_id, added_at)
         SELECT id, ?, ? FROM users WHERE role = 'admin' AND active = 1
         ON CONFLICT DO NOTHING",
    )
    .bind(track)
    .bind(added_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes the rows of files that are gone, a few hundred ids per statement.
pub async fn delete_tracks(pool: &SqlitePool, ids: &[TrackId]) -> AppResult<()> {
    let mut tx = db::begin_write(pool).await?;
    for chunk in ids.chunks(500) {
        let mut query = sqlx::QueryBuilder::<Sqlite>::new("DELETE FROM tracks WHERE id IN (");
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        query.push(")");
        query.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
