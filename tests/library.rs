//! The library indexer on real files made by ffmpeg: tags, durations, cover art, skip reasons,
//! incremental rescans, imports with per-user ownership, search, and the CLI end to end.

mod common;

use std::{
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::{Duration, SystemTime},
};

use app::{
    model::{Role, ScanReport, TrackSort, UserId},
    server::{import::import_folder, library::scan_media_root, tracks},
};
use common::{
    audio::{cover_jpeg, Format, Tone},
    TestServer,
};

const UNICODE_TITLE: &str = "Ünïcödé ✓ 日本語";

#[derive(Debug, sqlx::FromRow)]
struct Row {
    title: String,
    artist: String,
    album: String,
    album_artist: String,
    track_no: Option<i64>,
    disc_no: Option<i64>,
    year: Option<i64>,
    genre: String,
    duration_ms: i64,
    codec: String,
    mime: String,
    bitrate_kbps: Option<i64>,
    artwork_path: Option<String>,
}

async fn row(server: &TestServer, rel_path: &str) -> Row {
    sqlx::query_as(
        "SELECT title, artist, album, album_artist, track_no, disc_no, year, genre, duration_ms,
                codec, mime, bitrate_kbps, artwork_path FROM tracks WHERE rel_path = ?",
    )
    .bind(rel_path)
    .fetch_optional(&server.pool)
    .await
    .unwrap()
    .unwrap_or_else(|| panic!("{rel_path} is not indexed"))
}

fn assert_about(ms: i64, seconds: f64, what: &str) {
    let expected = (seconds * 1000.0) as i64;
    assert!((ms - expected).abs() <= 100, "{what}: {ms} ms, expected about {expected} ms");
}

/// Writes the standard set under `root`: seven good files (one per format, tagged or not, two
/// with the same cover) and three bad ones, plus a picture that is not audio.
fn write_library(root: &Path, scratch: &Path) {
    let cover = scratch.join("cover.jpg");
    cover_jpeg(&cover, "red");
    Tone::new(Format::Mp3Cbr, 3.0)
        .tag("title", UNICODE_TITLE)
        .tag("artist", "Zoë Artist")
        .tag("album", "Grüße Album")
        .tag("album_artist", "Various")
        .tag("track", "3/10")
        .tag("disc", "2")
        .tag("date", "2021")
        .tag("genre", "Ambient")
        .write(&root.join("Zoë/Grüße/03 cbr.mp3"));
    Tone::new(Format::Mp3Vbr, 2.0).tag("title", "Vbr Tone").write(&root.join("vbr.mp3"));
    Tone::new(Format::M4aAac, 2.0)
        .tag("title", "Aac Tone")
        .tag("artist", "Mp4 Artist")
        .tag("album", "Mp4 Album")
        .tag("track", "4")
        .cover(&cover)
        .write(&root.join("aac.m4a"));
    Tone::new(Format::Opus, 2.0).tag("title", "Opus Tone").write(&root.join("tone.opus"));
    Tone::new(Format::Flac, 2.0)
        .tag("title", "Flac Tone")
        .tag("artist", "Lossless")
        .cover(&cover)
        .write(&root.join("tone.flac"));
    Tone::new(Format::Vorbis, 2.0).tag("title", "Vorbis Tone").write(&root.join("tone.ogg"));
    Tone::new(Format::Wav, 1.0).write(&root.join("untagged tone.wav"));

    let bad = root.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("empty.mp3"), b"").unwrap();
    let whole = std::fs::read(root.join("Zoë/Grüße/03 cbr.mp3")).unwrap();
    std::fs::write(bad.join("truncated.mp3"), &whole[..1024]).unwrap();
    std::fs::write(bad.join("notes.mp3"), "these are liner notes, not audio\n").unwrap();
    std::fs::copy(&cover, root.join("folder.jpg")).unwrap();
}

const GOOD_FILES: u64 = 7;

fn assert_problem(report: &ScanReport, path: &str, reason: &str) {
    let line = report.problems.iter().find(|p| p.starts_with(&format!("{path}: ")));
    let line = line.unwrap_or_else(|| panic!("no problem for {path} in {:?}", report.problems));
    assert!(line.contains(reason), "{line} does not say `{reason}`");
}

async fn scanned_server() -> (TestServer, UserId) {
    let server = TestServer::start().await;
    let admin = server.user("admin", Role::Admin).await;
    write_library(server.media_root(), server.dir.path());
    (server, admin.id)
}

#[tokio::test]
async fn scan_reads_tags_durations_and_formats() {
    let (server, _) = scanned_server().await;
    let report = scan_media_root(&server.state).await.unwrap();
    assert_eq!((report.added, report.updated, report.unchanged), (GOOD_FILES, 0, 0));
    assert_eq!((report.skipped, report.removed), (3, 0), "{:?}", report.problems);

    let cbr = row(&server, "Zoë/Grüße/03 cbr.mp3").await;
    assert_eq!(cbr.title, UNICODE_TITLE);
    assert_eq!((cbr.artist.as_str(), cbr.album.as_str()), ("Zoë Artist", "Grüße Album"));
    assert_eq!((cbr.album_artist.as_str(), cbr.genre.as_str()), ("Various", "Ambient"));
    assert_eq!((cbr.track_no, cbr.disc_no, cbr.year), (Some(3), Some(2), Some(2021)));
    assert_eq!((cbr.codec.as_str(), cbr.mime.as_str()), ("mp3", "audio/mpeg"));
    assert_eq!(cbr.bitrate_kbps, Some(64));
    assert_about(cbr.duration_ms, 3.0, "mp3 cbr");

    let expected = [
        ("vbr.mp3", "Vbr Tone", "mp3", "audio/mpeg", 2.0),
        ("aac.m4a", "Aac Tone", "aac", "audio/mp4", 2.0),
        ("tone.opus", "Opus Tone", "opus", "audio/ogg", 2.0),
        ("tone.flac", "Flac Tone", "flac", "audio/flac", 2.0),
        ("tone.ogg", "Vorbis Tone", "vorbis", "audio/ogg", 2.0),
        ("untagged tone.wav", "untagged tone", "pcm", "audio/wav", 1.0),
    ];
    for (path, title, codec, mime, seconds) in expected {
        let r = row(&server, path).await;
        assert_eq!((r.title.as_str(), r.codec.as_str(), r.mime.as_str()), (title, codec, mime));
        assert_about(r.duration_ms, seconds, path);
        assert!(r.bitrate_kbps.unwrap_or(0) > 0, "{path} has a bitrate");
    }
    let aac = row(&server, "aac.m4a").await;
    assert_eq!(
        (aac.artist.as_str(), aac.album.as_str(), aac.track_no),
        ("Mp4 Artist", "Mp4 Album", Some(4))
    );
    assert_eq!(row(&server, "untagged tone.wav").await.artist, "");
}

#[tokio::test]
async fn bad_files_are_skipped_with_a_reason_and_the_scan_goes_on() {
    let (server, _) = scanned_server().await;
    let report = scan_media_root(&server.state).await.unwrap();
    assert_eq!(report.problems.len(), 3, "{:?}", report.problems);
    assert_problem(&report, "bad/empty.mp3", "empty file");
    assert_problem(&report, "bad/notes.mp3", "not an audio file");
    // A cut-off MP3 still has a header claiming 3 s; indexing it would promise audio that is
    // not there, so it is reported instead.
    assert_problem(&report, "bad/truncated.mp3", "truncated");
    let indexed: i64 = server.count("tracks").await;
    assert_eq!(indexed, GOOD_FILES as i64, "the picture and the bad files are not tracks");
}

#[tokio::test]
async fn embedded_cover_is_written_once_by_content_hash() {
    let (server, _) = scanned_server().await;
    scan_media_root(&server.state).await.unwrap();
    let flac = row(&server, "tone.flac").await.artwork_path.expect("flac cover");
    let m4a = row(&server, "aac.m4a").await.artwork_path.expect("m4a cover");
    assert_eq!(flac, m4a, "the same picture is stored once");
    assert!(flac.starts_with(".artwork/") && flac.ends_with(".jpg"), "{flac}");
    let stored = std::fs::read(server.media_path(&flac)).unwrap();
    assert_eq!(stored, std::fs::read(server.dir.path().join("cover.jpg")).unwrap());
    assert_eq!(std::fs::read_dir(server.media_path(".artwork")).unwrap().count(), 1);
    assert!(row(&server, "tone.ogg").await.artwork_path.is_none());
}

#[tokio::test]
async fn scan_records_a_task_and_gives_new_tracks_to_every_admin() {
    let (server, admin) = scanned_server().await;
    let second = server.user("root2", Role::Admin).await;
    let listener = server.user("listener", Role::User).await;
    scan_media_root(&server.state).await.unwrap();

    assert_eq!(tracks::count_library(&server.pool, admin).await.unwrap(), GOOD_FILES as i64);
    assert_eq!(tracks::count_library(&server.pool, second.id).await.unwrap(), GOOD_FILES as i64);
    assert_eq!(tracks::count_library(&server.pool, listener.id).await.unwrap(), 0);

    let (kind, state, detail, finished): (String, String, String, Option<i64>) =
        sqlx::query_as("SELECT kind, state, detail, finished_at FROM tasks")
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!((kind.as_str(), state.as_str()), ("scan", "completed"));
    assert!(detail.contains("7 added") && detail.contains("3 skipped"), "{detail}");
    assert!(finished.is_some());
}

fn set_mtime(path: &Path, when: SystemTime) {
    let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.set_modified(when).unwrap();
}

#[tokio::test]
async fn rescans_read_only_changed_files_and_drop_vanished_ones() {
    let (server, admin) = scanned_server().await;
    scan_media_root(&server.state).await.unwrap();

    let again = scan_media_root(&server.state).await.unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, GOOD_FILES));

    // Re-tagging a file changes it; touching another changes only its mtime.
    Tone::new(Format::Vorbis, 2.0).tag("title", "Retitled").write(&server.media_path("tone.ogg"));
    set_mtime(&server.media_path("tone.flac"), SystemTime::now() + Duration::from_secs(60));
    let changed = scan_media_root(&server.state).await.unwrap();
    assert_eq!((changed.added, changed.updated, changed.unchanged), (0, 2, GOOD_FILES - 2));
    assert_eq!(row(&server, "tone.ogg").await.title, "Retitled");
    let found = tracks::list_library(&server.pool, admin, "retitled", TrackSort::Title, 1, 50);
    assert_eq!(found.await.unwrap().total, 1, "search sees the new title");

    std::fs::remove_file(server.media_path("vbr.mp3")).unwrap();
    let pruned = scan_media_root(&server.state).await.unwrap();
    assert_eq!((pruned.removed, pruned.unchanged), (1, GOOD_FILES - 1));
    assert_eq!(tracks::count_library(&server.pool, admin).await.unwrap(), GOOD_FILES as i64 - 1);
}

#[tokio::test]
async fn an_empty_or_missing_media_root_never_wipes_the_index() {
    let (server, _) = scanned_server().await;
    scan_media_root(&server.state).await.unwrap();

    let unmounted = server.dir.path().join("elsewhere");
    std::fs::rename(server.media_root(), &unmounted).unwrap();
    assert!(scan_media_root(&server.state).await.is_err(), "a missing MEDIA_ROOT is an error");
    std::fs::create_dir(server.media_root()).unwrap();
    let empty = scan_media_root(&server.state).await.unwrap();
    assert_eq!(empty.removed, 0);
    assert_eq!(server.count("tracks").await, GOOD_FILES as i64);
}

#[tokio::test]
async fn overlapping_scans_wait_for_each_other() {
    let (server, _) = scanned_server().await;
    let (a, b) = tokio::join!(scan_media_root(&server.state), scan_media_root(&server.state));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.added + b.added, GOOD_FILES, "each file is added once: {a:?} {b:?}");
    assert_eq!(a.unchanged + b.unchanged, GOOD_FILES);
}

/// A folder to import: two tagged tracks in a sub-folder, a picture, a text file, a fake mp3.
fn import_source(root: &Path) -> PathBuf {
    let source = root.join("to-import");
    Tone::new(Format::Mp3Cbr, 2.0)
        .tag("title", UNICODE_TITLE)
        .tag("artist", "Søren Singer")
        .tag("album", "Kōan Sessions")
        .write(&source.join("Kōan/01 first.mp3"));
    Tone::new(Format::Flac, 2.0)
        .frequency(660)
        .tag("title", "Second Light")
        .tag("artist", "Søren Singer")
        .write(&source.join("Kōan/02 second.flac"));
    cover_jpeg(&source.join("Kōan/cover.jpg"), "blue");
    std::fs::write(source.join("readme.txt"), "hello").unwrap();
    std::fs::write(source.join("fake.mp3"), "not audio at all").unwrap();
    source
}

#[tokio::test]
async fn import_copies_into_the_users_folder_and_library_only() {
    let server = TestServer::start().await;
    let admin = server.user("admin", Role::Admin).await;
    let bob = server.user("bob", Role::User).await;
    let carol = server.user("carol", Role::User).await;
    let source = import_source(server.dir.path());

    let report = import_folder(&server.pool, &server.config, &source, "bob").await.unwrap();
    assert_eq!((report.added, report.updated, report.unchanged, report.skipped), (2, 0, 0, 3));
    assert_problem(&report, "readme.txt", "not an audio file");
    assert_problem(&report, "Kōan/cover.jpg", "not an audio file");
    assert_problem(&report, "fake.mp3", "not an audio file");

    let folder = server.media_path("imports/bob");
    let copied = std::fs::read(folder.join("Kōan/01 first.mp3")).unwrap();
    assert_eq!(copied, std::fs::read(source.join("Kōan/01 first.mp3")).unwrap());
    assert!(folder.join("Kōan/02 second.flac").is_file());
    assert!(!folder.join("fake.mp3").exists(), "an unreadable file is not left in MEDIA_ROOT");
    assert!(!folder.join("Kōan/cover.jpg").exists() && !folder.join("readme.txt").exists());
    let names: Vec<_> = std::fs::read_dir(folder.join("Kōan")).unwrap().collect();
    assert_eq!(names.len(), 2, "no temporary files are left: {names:?}");

    assert_eq!(tracks::count_library(&server.pool, bob.id).await.unwrap(), 2);
    assert_eq!(tracks::count_library(&server.pool, carol.id).await.unwrap(), 0);
    assert_eq!(tracks::count_library(&server.pool, admin.id).await.unwrap(), 0);
    let source_kind: String = sqlx::query_scalar("SELECT DISTINCT source FROM tracks")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(source_kind, "import");
}

#[tokio::test]
async fn importing_the_same_folder_twice_adds_nothing() {
    let server = TestServer::start().await;
    let admin = server.user("admin", Role::Admin).await;
    let bob = server.user("bob", Role::User).await;
    let source = import_source(server.dir.path());
    import_folder(&server.pool, &server.config, &source, "bob").await.unwrap();
    let dest = server.media_path("imports/bob/Kōan/01 first.mp3");
    let first_mtime = std::fs::metadata(&dest).unwrap().modified().unwrap();

    let again = import_folder(&server.pool, &server.config, &source, "bob").await.unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 2));
    assert_eq!(std::fs::metadata(&dest).unwrap().modified().unwrap(), first_mtime, "not recopied");
    assert_eq!(server.count("tracks").await, 2);
    assert_eq!(tracks::count_library(&server.pool, bob.id).await.unwrap(), 2);

    // A later plain scan sees the imported files as known and leaves their ownership alone.
    let scan = scan_media_root(&server.state).await.unwrap();
    assert_eq!((scan.added, scan.unchanged, scan.removed), (0, 2, 0));
    assert_eq!(tracks::count_library(&server.pool, admin.id).await.unwrap(), 0);
}

#[tokio::test]
async fn import_for_an_unknown_user_copies_nothing() {
    let server = TestServer::start().await;
    let source = import_source(server.dir.path());
    let err = import_folder(&server.pool, &server.config, &source, "nobody").await.unwrap_err();
    assert!(err.to_string().contains("no user named `nobody`"), "{err}");
    assert!(!server.media_path("imports").exists());
    assert_eq!(server.count("tasks").await, 0);
}

#[tokio::test]
async fn search_finds_imported_tracks_by_title_artist_and_album() {
    let server = TestServer::start().await;
    let bob = server.user("bob", Role::User).await;
    let carol = server.user("carol", Role::User).await;
    let source = import_source(server.dir.path());
    import_folder(&server.pool, &server.config, &source, "bob").await.unwrap();

    let search = |user: UserId, q: &'static str| {
        let pool = server.pool.clone();
        async move {
            let page = tracks::list_library(&pool, user, q, TrackSort::Title, 1, 50).await.unwrap();
            page.data.into_iter().map(|t| t.title).collect::<Vec<_>>()
        }
    };
    assert_eq!(search(bob.id, "Ünïcödé").await, [UNICODE_TITLE]);
    assert_eq!(search(bob.id, "unicode").await, [UNICODE_TITLE], "diacritics are folded");
    assert_eq!(search(bob.id, "日本語").await, [UNICODE_TITLE]);
    assert_eq!(search(bob.id, "second").await, ["Second Light"]);
    assert_eq!(search(bob.id, "søren").await.len(), 2, "by artist");
    assert_eq!(search(bob.id, "kōan sess").await, [UNICODE_TITLE], "by album");
    assert!(search(carol.id, "søren").await.is_empty(), "another user's tracks stay hidden");
}

fn soundwave(root: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_soundwave"))
        .args(args)
        .env("DATA_DIR", root.join("data"))
        .env("MEDIA_ROOT", root.join("audio"))
        .env("CACHE_DIR", root.join("cache"))
        .env("RUST_LOG", "error")
        .env_remove("SW_ADMIN_USERNAME")
        .env_remove("SW_ADMIN_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the soundwave binary runs");
    if let Some(text) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn cli_imports_then_scans() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let source = import_source(root);
    let added = soundwave(root, &["user", "add", "bob"], Some("long enough password\n"));
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));

    let unknown = soundwave(root, &["import", source.to_str().unwrap(), "--user", "zed"], None);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user named `zed`"));
    assert!(!root.join("audio/imports").exists());

    let import = soundwave(root, &["import", source.to_str().unwrap(), "--user", "bob"], None);
    let out = stdout(&import);
    assert!(import.status.success(), "{out}{}", String::from_utf8_lossy(&import.stderr));
    assert!(out.contains("skipped readme.txt: not an audio file"), "{out}");
    assert!(out.contains("skipped fake.mp3: not an audio file"), "{out}");
    let last = out.lines().last().unwrap_or_default();
    assert_eq!(last, "imported 5 files: 2 added, 0 updated, 0 unchanged, 3 skipped");
    assert!(root.join("audio/imports/bob/Kōan/02 second.flac").is_file());

    let scan = soundwave(root, &["scan"], None);
    let out = stdout(&scan);
    assert!(scan.status.success(), "{out}");
    assert_eq!(
        out.lines().last().unwrap_or_default(),
        "scanned 2 files: 0 added, 0 updated, 2 unchanged, 0 skipped, 0 removed"
    );
}
