//! `GET /api/audio/{id}/stream`: a track's bytes with exact ranges and validators, streamed
//! from disk (never read whole). Only tracks in the caller's library; anything else is 404.

use std::{io::SeekFrom, path::Path, time::SystemTime};

use axum::{
    body::Body,
    extract::{Path as UrlPath, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::{
    auth::Caller,
    error::HttpResult,
    ranges::{parse_range, RangeRequest},
};
use app::server::{tracks, AppError, AppState};

pub async fn stream(
    State(state): State<AppState>,
    Caller(account): Caller,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> HttpResult<Response> {
    let file = tracks::find_library_file(&state.pool, account.id, super::audio::track_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let path = app::server::library::resolve(&state.config.media_root, &file.rel_path)
        .ok_or(AppError::NotFound)?;
    serve_file(&path, &file.mime, &headers).await
}

/// The validators of one version of a file.
struct Validators {
    etag: String,
    last_modified: SystemTime,
}

impl Validators {
    fn of(meta: &std::fs::Metadata) -> Self {
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let nanos =
            modified.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        Validators { etag: format!("\"{:x}-{:x}\"", meta.len(), nanos), last_modified: modified }
    }

    fn http_date(&self) -> String {
        httpdate::fmt_http_date(self.last_modified)
    }

    /// `If-None-Match` lists this version (weak comparison), or is `*`.
    fn none_match(&self, value: &str) -> bool {
        value
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.trim_start_matches("W/") == self.etag)
    }

    /// `If-Range` still names this version: a strong ETag match, or the exact date.
    fn if_range_holds(&self, value: &str) -> bool {
        let value = value.trim();
        if value.starts_with('"') {
            return value == self.etag;
        }
        if value.starts_with("W/") {
            return false;
        }
        httpdate::parse_http_date(value)
            .map(|date| date == truncate_to_seconds(self.last_modified))
            .unwrap_or(false)
    }
}

fn truncate_to_seconds(time: SystemTime) -> SystemTime {
    httpdate::parse_http_date(&httpdate::fmt_http_date(time)).unwrap_or(time)
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Serves a file with ranges, ETag/Last-Modified, If-None-Match/If-Modified-Since and If-Range.
pub async fn serve_file(path: &Path, mime: &str, headers: &HeaderMap) -> HttpResult<Response> {
    let mut file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AppError::NotFound.into()),
        Err(e) => return Err(e.into()),
    };
    let meta = file.metadata().await?;
    // A directory where the file should be opens fine on Linux, but has no bytes to send.
    if !meta.is_file() {
        return Err(AppError::NotFound.into());
    }
    let size = meta.len();
    let validators = Validators::of(&meta);

    let mut response = Response::builder()
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::ETAG, &validators.etag)
        .header(header::LAST_MODIFIED, validators.http_date())
        .header(header::CACHE_CONTROL, "private, max-age=0, must-revalidate");

    let not_modified = match header_text(headers, header::IF_NONE_MATCH) {
        Some(tags) => validators.none_match(tags),
        None => header_text(headers, header::IF_MODIFIED_SINCE)
            .and_then(|d| httpdate::parse_http_date(d).ok())
            .is_some_and(|since| truncate_to_seconds(validators.last_modified) <= since),
    };
    if not_modified {
        return Ok(response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(internal)?);
    }

    let range_applies =
        header_text(headers, header::IF_RANGE).is_none_or(|value| validators.if_range_holds(value));
    let range = match header_text(headers, header::RANGE) {
        Some(value) if range_applies => parse_range(value, size),
        _ => RangeRequest::Full,
    };

    response =
        response.header(header::CONTENT_TYPE, HeaderValue::from_str(mime).map_err(internal)?);
    let (status, start, length) = match range {
        RangeRequest::Full => (StatusCode::OK, 0, size),
        RangeRequest::Partial { start, end } => {
            response =
                response.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}"));
            (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
        }
        RangeRequest::Unsatisfiable => {
            return Ok(response
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                .body(Body::empty())
                .map_err(internal)?);
        }
    };

    if start > 0 {
        file.seek(SeekFrom::Start(start)).await?;
    }
    let body = Body::from_stream(ReaderStream::with_capacity(file.take(length), 64 * 1024));
    Ok(response
        .status(status)
        .header(header::CONTENT_LENGTH, length)
        .body(body)
        .map_err(internal)?
        .into_response())
}

fn internal(err: impl std::fmt::Display) -> AppError {
    AppError::Internal(err.to_string())
}
