//! Running yt-dlp and ffmpeg: the start-up version check, the `-J --flat-playlist` probe, the
//! download process with its progress lines, and turning a failure into a short reason that
//! says whether trying again could help. Always an argv, never a shell.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader},
    process::Command,
};

use super::names::truncate_bytes;

/// How much of yt-dlp's stderr is kept for `last_error`.
const STDERR_TAIL: usize = 4096;
/// The longest error text stored on a job.
const MAX_ERROR_CHARS: usize = 600;
/// A probe that takes longer than this is treated as a network problem.
const PROBE_TIMEOUT: Duration = Duration::from_secs(120);

/// Whether each external tool answered `--version`, shown to admins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ToolStatus {
    /// yt-dlp's version, or why it did not run.
    pub ytdlp: Result<String, String>,
    pub ffmpeg: Result<String, String>,
}

/// Why a job failed, and whether a later attempt may succeed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub message: String,
    pub permanent: bool,
}

impl Failure {
    pub fn permanent(message: impl Into<String>) -> Self {
        Self { message: shorten(&message.into()), permanent: true }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        Self { message: shorten(&message.into()), permanent: false }
    }

    /// A failure of our own machinery (file system, database): worth another try.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::transient(error.to_string())
    }
}

/// Runs `program --version` (ffmpeg spells it `-version`) and returns the first line.
pub async fn version(program: &Path, flag: &str) -> Result<String, String> {
    let mut command = Command::new(program);
    command.arg(flag).stdin(Stdio::null()).kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(20), command.output())
        .await
        .map_err(|_| format!("{} --version took too long", program.display()))?
        .map_err(|e| format!("{} did not run: {e}", program.display()))?;
    if !output.status.success() {
        return Err(format!("{} exited with {}", program.display(), output.status));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text.lines().next().unwrap_or("").trim().to_owned())
}

/// Checks both tools; a missing one is a warning in the log, never a panic.
pub async fn check_tools(ytdlp: &Path, ffmpeg: &Path) -> ToolStatus {
    let status = ToolStatus {
        ytdlp: version(ytdlp, "--version").await,
        ffmpeg: version(ffmpeg, "-version").await,
    };
    match &status.ytdlp {
        Ok(v) => tracing::info!(version = %v, "yt-dlp found"),
        Err(e) => {
            tracing::warn!(error = %e, "yt-dlp is missing: downloads will fail (set YTDLP_PATH)")
        }
    }
    match &status.ffmpeg {
        Ok(v) => tracing::info!(version = %v, "ffmpeg found"),
        Err(e) => {
            tracing::warn!(error = %e, "ffmpeg is missing: downloads will fail (set FFMPEG_PATH)")
        }
    }
    status
}

/// The absolute path of `program`: as given when it names a path, else found on `PATH`.
/// yt-dlp's `--ffmpeg-location` needs a real path, not a bare command name.
pub fn resolve_program(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 || program.is_absolute() {
        return program.is_file().then(|| program.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// What `yt-dlp -J --flat-playlist` says about a URL.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Probe {
    #[serde(rename = "_type")]
    pub kind: Option<String>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub extractor: Option<String>,
    pub uploader: Option<String>,
    pub channel: Option<String>,
    pub ext: Option<String>,
    pub webpage_url: Option<String>,
    pub entries: Option<Vec<Entry>>,
}

/// One entry of a flat playlist.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Entry {
    pub url: Option<String>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub ie_key: Option<String>,
}

impl Probe {
    pub fn is_playlist(&self) -> bool {
        self.entries.is_some() || matches!(self.kind.as_deref(), Some("playlist" | "multi_video"))
    }
}

/// Asks yt-dlp what `url` is, without downloading media.
pub async fn probe(ytdlp: &Path, url: &str) -> Result<Probe, Failure> {
    let mut command = Command::new(ytdlp);
    command
        .args(["-J", "--flat-playlist", "--no-warnings", "--no-progress", "--", url])
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let output = match tokio::time::timeout(PROBE_TIMEOUT, command.output()).await {
        Err(_) => return Err(Failure::transient("yt-dlp took too long to look at the URL")),
        Ok(Err(e)) => return Err(not_started(ytdlp, &e)),
        Ok(Ok(output)) => output,
    };
    if !output.status.success() {
        return Err(classify(&String::from_utf8_lossy(&output.stderr), output.status.code()));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| Failure::transient(format!("yt-dlp printed unreadable JSON: {e}")))
}

/// What a download needs to know.
#[derive(Clone, Debug)]
pub struct DownloadSpec<'a> {
    pub ytdlp: &'a Path,
    pub ffmpeg: Option<PathBuf>,
    pub url: &'a str,
    pub dir: &'a Path,
    /// `None` keeps the source codec; otherwise `mp3` or `flac`.
    pub audio_format: Option<&'a str>,
    /// The container the item comes in, from the probe (decides about thumbnails).
    pub source_ext: Option<&'a str>,
}

/// The marker our progress template starts with, so other output is never mistaken for it.
const PROGRESS_MARK: &str = "SWPROG";
/// The marker of the line naming the finished file.
const FILE_MARK: &str = "SWFILE";

/// The argv for one download (without the program).
pub fn download_args(spec: &DownloadSpec<'_>) -> Vec<String> {
    let mut args: Vec<String> = [
        "--newline",
        "--progress",
        "--no-warnings",
        "--no-playlist",
        "-f",
        "bestaudio/best",
        "-x",
        "--embed-metadata",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let template = format!(
        "download:{PROGRESS_MARK} %(progress.downloaded_bytes)s %(progress.total_bytes)s \
         %(progress.total_bytes_estimate)s"
    );
    args.extend(["--progress-template".into(), template]);
    if let Some(format) = spec.audio_format {
        args.extend(["--audio-format".into(), format.to_owned()]);
    }
    // Without mutagen, yt-dlp can embed covers only through ffmpeg: MP3 and M4A.
    let final_ext = spec.audio_format.or(spec.source_ext).unwrap_or("");
    if matches!(final_ext, "mp3" | "m4a" | "mp4") {
        args.push("--embed-thumbnail".into());
    }
    if let Some(ffmpeg) = &spec.ffmpeg {
        args.extend(["--ffmpeg-location".into(), ffmpeg.display().to_string()]);
    }
    let output = spec.dir.join("media.%(ext)s");
    args.extend(["-o".into(), output.display().to_string()]);
    args.extend(["--print".into(), format!("after_move:{FILE_MARK} %(filepath)s")]);
    args.extend(["--".into(), spec.url.to_owned()]);
    args
}

/// One progress report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub done: i64,
    pub total: Option<i64>,
    pub percent: Option<f64>,
}

/// Parses `SWPROG <done> <total> <estimate>` (yt-dlp prints `NA` for unknown numbers).
pub fn parse_progress(line: &str) -> Option<Progress> {
    let mut parts = line.split_whitespace();
    if parts.next()? != PROGRESS_MARK {
        return None;
    }
    let number = |s: Option<&str>| s.and_then(|s| s.parse::<f64>().ok()).map(|v| v as i64);
    let done = number(parts.next())?;
    let total = number(parts.next()).or(number(parts.next())).filter(|t| *t > 0);
    let percent = total.map(|t| (done as f64 * 100.0 / t as f64).clamp(0.0, 100.0));
    Some(Progress { done, total, percent })
}

/// The finished file's path, from the `SWFILE` line.
pub fn parse_file_line(line: &str) -> Option<PathBuf> {
    line.strip_prefix(FILE_MARK).map(|rest| PathBuf::from(rest.trim()))
}

/// Runs the download, reporting progress through `on_progress`; returns the finished file.
/// Dropping the future kills yt-dlp (and with it ffmpeg).
pub async fn download(
    spec: &DownloadSpec<'_>,
    mut on_progress: impl FnMut(Progress),
) -> Result<PathBuf, Failure> {
    let mut child = Command::new(spec.ytdlp)
        .args(download_args(spec))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| not_started(spec.ytdlp, &e))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let stderr_task = tokio::spawn(read_tail(stderr));

    let mut file = None;
    let mut lines = BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(progress) = parse_progress(&line) {
            on_progress(progress);
        } else if let Some(path) = parse_file_line(&line) {
            file = Some(path);
        }
    }
    let status = child.wait().await.map_err(Failure::internal)?;
    let stderr = stderr_task.await.unwrap_or_default();
    if !status.success() {
        return Err(classify(&stderr, status.code()));
    }
    file.ok_or_else(|| Failure::transient("yt-dlp finished but named no output file"))
}

/// The last `STDERR_TAIL` bytes of a stream, as text.
async fn read_tail(mut stream: impl AsyncRead + Unpin) -> String {
    let mut tail: Vec<u8> = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        tail.extend_from_slice(&buffer[..n]);
        if tail.len() > 2 * STDERR_TAIL {
            tail.drain(..tail.len() - STDERR_TAIL);
        }
    }
    let start = tail.len().saturating_sub(STDERR_TAIL);
    String::from_utf8_lossy(&tail[start..]).into_owned()
}

fn not_started(program: &Path, error: &std::io::Error) -> Failure {
    Failure::permanent(format!(
        "yt-dlp could not be started ({}: {error}); install it or set YTDLP_PATH",
        program.display()
    ))
}

/// Markers of failures no retry will fix.
const PERMANENT_MARKERS: &[&str] = &[
    "http error 404",
    "http error 410",
    "http error 403: forbidden",
    "private video",
    "this video is private",
    "is private",
    "has been removed",
    "removed by the uploader",
    "video unavailable",
    "members-only",
    "members only",
    "join this channel",
    "unsupported url",
    "is not a valid url",
    "no video formats found",
    "requested format is not available",
    "sign in to confirm your age",
    "ffmpeg not found",
    "ffprobe and ffmpeg not found",
];

/// Turns yt-dlp's stderr and exit code into a readable reason, permanent or not.
pub fn classify(stderr: &str, code: Option<i32>) -> Failure {
    let lower = stderr.to_lowercase();
    let permanent = PERMANENT_MARKERS.iter().any(|m| lower.contains(m));
    let errors: Vec<&str> =
        stderr.lines().map(str::trim).filter(|l| l.starts_with("ERROR:")).collect();
    let reason = match errors.last() {
        Some(line) => line.trim_start_matches("ERROR:").trim().to_owned(),
        None => stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned(),
    };
    let code = code.map_or_else(|| "killed by a signal".to_owned(), |c| format!("exit code {c}"));
    let message = if reason.is_empty() {
        format!("yt-dlp failed ({code})")
    } else {
        format!("{reason} (yt-dlp {code})")
    };
    Failure { message: shorten(&message), permanent }
}

/// Keeps an error short enough to show in a table, on a character boundary.
pub fn shorten(text: &str) -> String {
    let text = text.trim();
    if text.len() <= MAX_ERROR_CHARS {
        return text.to_owned();
    }
    format!("{}…", truncate_bytes(text, MAX_ERROR_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines_give_bytes_and_percent() {
        let p = parse_progress("SWPROG 1024 4096 NA").unwrap();
        assert_eq!(p, Progress { done: 1024, total: Some(4096), percent: Some(25.0) });
        // Only an estimate of the size is known.
        let p = parse_progress("SWPROG 50 NA 200.0").unwrap();
        assert_eq!(p.total, Some(200));
        assert_eq!(p.percent, Some(25.0));
        let p = parse_progress("SWPROG 50 NA NA").unwrap();
        assert_eq!((p.total, p.percent), (None, None));
        assert!(parse_progress("[download] 10% of 3MiB").is_none());
        assert!(parse_progress("SWPROG NA NA NA").is_none());
    }

    #[test]
    fn file_line_names_the_output() {
        assert_eq!(
            parse_file_line("SWFILE /c/job-1/media.opus"),
            Some("/c/job-1/media.opus".into())
        );
        assert_eq!(parse_file_line("something else"), None);
    }

    #[test]
    fn missing_and_private_items_are_permanent() {
        let f = classify(
            "WARNING: x\nERROR: [generic] missing: Unable to download webpage: HTTP Error 404: \
             File not found\n",
            Some(1),
        );
        assert!(f.permanent);
        assert!(f
            .message
            .starts_with("[generic] missing: Unable to download webpage: HTTP Error 404"));
        assert!(f.message.ends_with("(yt-dlp exit code 1)"));
        assert!(classify("ERROR: [youtube] abc: Private video. Sign in", Some(1)).permanent);
        assert!(classify("ERROR: This video is members-only content", Some(1)).permanent);
        assert!(classify("ERROR: Unsupported URL: https://example.org/", Some(1)).permanent);
    }

    #[test]
    fn network_trouble_is_transient() {
        let f = classify("ERROR: Unable to download webpage: timed out", Some(1));
        assert!(!f.permanent);
        assert!(!classify("ERROR: HTTP Error 503: Service Unavailable", Some(1)).permanent);
        assert_eq!(classify("", None).message, "yt-dlp failed (killed by a signal)");
    }

    #[test]
    fn long_errors_are_shortened_on_a_character_boundary() {
        let text = "é".repeat(2000);
        let short = shorten(&text);
        assert!(short.len() <= MAX_ERROR_CHARS + '…'.len_utf8());
        assert!(short.ends_with('…'));
    }

    #[test]
    fn arguments_never_go_through_a_shell_and_pick_thumbnails_by_format() {
        let dir = Path::new("/c/job-7");
        let spec = DownloadSpec {
            ytdlp: Path::new("yt-dlp"),
            ffmpeg: Some("/usr/bin/ffmpeg".into()),
            url: "https://example.org/a.mp3; rm -rf /",
            dir,
            audio_format: None,
            source_ext: Some("mp3"),
        };
        let args = download_args(&spec);
        assert_eq!(args.last().map(String::as_str), Some("https://example.org/a.mp3; rm -rf /"));
        assert_eq!(args[args.len() - 2], "--");
        assert!(args.contains(&"--embed-thumbnail".to_owned()));
        assert!(!args.contains(&"--audio-format".to_owned()));
        let flac = DownloadSpec { audio_format: Some("flac"), ..spec };
        let args = download_args(&flac);
        assert!(args.windows(2).any(|w| w == ["--audio-format", "flac"]));
        assert!(!args.contains(&"--embed-thumbnail".to_owned()));
    }
}
