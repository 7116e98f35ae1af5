//! Reading one audio file with lofty: tags, real duration from the audio stream, codec, MIME type
//! and embedded cover art. Blocking; callers run it on a blocking thread.

use std::{fs::File, io::BufReader, path::Path};

use lofty::{
    config::ParseOptions,
    file::{FileType, TaggedFile},
    picture::{MimeType, Picture, PictureType},
    prelude::*,
    probe::Probe,
    tag::Tag,
};

/// File extensions the indexer looks at; anything else under MEDIA_ROOT is not audio to us.
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "mp3", "m4a", "m4b", "mp4", "aac", "opus", "ogg", "oga", "flac", "wav", "aif", "aiff", "ape",
    "wv", "mpc", "spx",
];

/// Whether the path's extension names an audio format we index.
pub fn has_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(e)))
}

/// Everything the track index stores about one file's contents.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioInfo {
    pub title: String,
    pub artist: String,
    pub album: String,
    pub album_artist: String,
    pub track_no: Option<i64>,
    pub disc_no: Option<i64>,
    pub year: Option<i64>,
    pub genre: String,
    pub duration_ms: i64,
    pub codec: &'static str,
    pub mime: &'static str,
    pub bitrate_kbps: Option<i64>,
    pub artwork: Option<Artwork>,
}

/// An embedded picture, with the file extension its format calls for.
#[derive(Clone, Debug, PartialEq)]
pub struct Artwork {
    pub data: Vec<u8>,
    pub ext: &'static str,
}

/// Why a file was not indexed; the text is shown to the person running the scan.
#[derive(Debug, thiserror::Error)]
pub enum TagError {
    #[error("empty file")]
    Empty,
    #[error("not an audio file (its content is not a known audio format)")]
    NotAudio,
    #[error("corrupt {format} file ({detail})")]
    Corrupt { format: &'static str, detail: String },
    #[error("no audio in the file (duration 0)")]
    NoAudio,
    #[error("truncated: holds about {percent}% of the audio its header announces")]
    Truncated { percent: u64 },
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads tags and audio properties of the file at `path`.
pub fn read_audio(path: &Path) -> Result<AudioInfo, TagError> {
    let size = std::fs::metadata(path)?.len();
    if size == 0 {
        return Err(TagError::Empty);
    }
    let tagged = read_tagged(path)?;
    let properties = tagged.properties();
    let duration_ms = i64::try_from(properties.duration().as_millis()).unwrap_or(i64::MAX);
    if duration_ms == 0 {
        return Err(TagError::NoAudio);
    }
    let audio_kbps = properties.audio_bitrate().filter(|b| *b > 0);
    check_not_truncated(tagged.file_type(), size, duration_ms, audio_kbps)?;

    let (codec, mime) = codec_and_mime(&tagged);
    let tag = tagged.primary_tag().or_else(|| tagged.first_tag());
    let text = |get: fn(&Tag) -> Option<String>| tag.and_then(get).unwrap_or_default();
    let title = text(|t| t.title().map(|s| s.trim().to_owned()));
    Ok(AudioInfo {
        title: if title.is_empty() { title_from_file_name(path) } else { title },
        artist: text(|t| t.artist().map(|s| s.trim().to_owned())),
        album: text(|t| t.album().map(|s| s.trim().to_owned())),
        album_artist: text(|t| t.get_string(&ItemKey::AlbumArtist).map(|s| s.trim().to_owned())),
        track_no: tag.and_then(|t| t.track()).map(i64::from),
        disc_no: tag.and_then(|t| t.disk()).map(i64::from),
        year: tag.and_then(|t| t.year()).filter(|y| *y > 0).map(i64::from),
        genre: text(|t| t.genre().map(|s| s.trim().to_owned())),
        duration_ms,
        codec,
        mime,
        bitrate_kbps: audio_kbps.map(i64::from),
        artwork: cover(tagged.tags()),
    })
}

/// Detects the format from the content first; only when that fails is the extension tried, so
/// a text file named `.mp3` is called what it is instead of a confusing parser error.
fn read_tagged(path: &Path) -> Result<TaggedFile, TagError> {
    let options = ParseOptions::new().read_cover_art(true);
    let sniffed =
        Probe::new(BufReader::new(File::open(path)?)).options(options).guess_file_type()?;
    let Some(file_type) = sniffed.file_type() else {
        return Probe::open(path)
            .and_then(|p| p.options(options).read())
            .map_err(|_| TagError::NotAudio);
    };
    sniffed
        .read()
        .map_err(|e| TagError::Corrupt { format: format_name(file_type), detail: e.to_string() })
}

/// A CBR or Xing header states the stream's length; a file much smaller than that was cut off
/// (an interrupted copy or download) and would claim a duration it cannot play.
fn check_not_truncated(
    file_type: FileType,
    size: u64,
    duration_ms: i64,
    audio_kbps: Option<u32>,
) -> Result<(), TagError> {
    let (FileType::Mpeg, Some(kbps)) = (file_type, audio_kbps) else {
        return Ok(());
    };
    let expected_bytes = u64::from(kbps) * 1000 / 8 * (duration_ms as u64) / 1000;
    if expected_bytes > 0 && size * 2 < expected_bytes {
        return Err(TagError::Truncated { percent: size * 100 / expected_bytes });
    }
    Ok(())
}

fn format_name(file_type: FileType) -> &'static str {
    match file_type {
        FileType::Aac => "AAC",
        FileType::Aiff => "AIFF",
        FileType::Ape => "APE",
        FileType::Flac => "FLAC",
        FileType::Mpeg => "MP3",
        FileType::Mp4 => "MP4",
        FileType::Mpc => "Musepack",
        FileType::Opus => "Opus",
        FileType::Vorbis => "Ogg Vorbis",
        FileType::Speex => "Speex",
        FileType::Wav => "WAV",
        FileType::WavPack => "WavPack",
        _ => "audio",
    }
}

/// The codec name and the `Content-Type` the file is streamed with.
fn codec_and_mime(tagged: &TaggedFile) -> (&'static str, &'static str) {
    match tagged.file_type() {
        FileType::Aac => ("aac", "audio/aac"),
        FileType::Aiff => ("pcm", "audio/aiff"),
        FileType::Ape => ("ape", "audio/x-ape"),
        FileType::Flac => ("flac", "audio/flac"),
        FileType::Mpeg => ("mp3", "audio/mpeg"),
        // lofty reports a bit depth only for lossless MP4 audio (ALAC); AAC has none.
        FileType::Mp4 if tagged.properties().bit_depth().is_some() => ("alac", "audio/mp4"),
        FileType::Mp4 => ("aac", "audio/mp4"),
        FileType::Mpc => ("musepack", "audio/x-musepack"),
        FileType::Opus => ("opus", "audio/ogg"),
        FileType::Vorbis => ("vorbis", "audio/ogg"),
        FileType::Speex => ("speex", "audio/ogg"),
        FileType::Wav => ("pcm", "audio/wav"),
        FileType::WavPack => ("wavpack", "audio/wavpack"),
        _ => ("unknown", "application/octet-stream"),
    }
}

/// The front cover if there is one, else the first picture of any tag.
fn cover(tags: &[Tag]) -> Option<Artwork> {
    let pictures = || tags.iter().flat_map(|t| t.pictures());
    let picture = pictures()
        .find(|p| p.pic_type() == PictureType::CoverFront)
        .or_else(|| pictures().next())?;
    let ext = picture_ext(picture)?;
    Some(Artwork { data: picture.data().to_vec(), ext })
}

/// The extension for a picture, from its declared type or, failing that, its magic bytes.
/// Formats a browser cannot show are ignored.
fn picture_ext(picture: &Picture) -> Option<&'static str> {
    let data = picture.data();
    match picture.mime_type() {
        Some(MimeType::Png) => Some("png"),
        Some(MimeType::Jpeg) => Some("jpg"),
        Some(MimeType::Gif) => Some("gif"),
        _ if data.starts_with(&[0x89, b'P', b'N', b'G']) => Some("png"),
        _ if data.starts_with(&[0xFF, 0xD8, 0xFF]) => Some("jpg"),
        _ if data.starts_with(b"GIF8") => Some("gif"),
        _ => None,
    }
}

/// "02 - Song.name.mp3" → "02 - Song.name".
pub fn title_from_file_name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().trim().to_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_extensions_ignore_case_and_other_files() {
        assert!(has_audio_extension(Path::new("a/B.MP3")));
        assert!(has_audio_extension(Path::new("x.opus")));
        assert!(!has_audio_extension(Path::new("cover.jpg")));
        assert!(!has_audio_extension(Path::new("mp3")));
    }

    #[test]
    fn title_falls_back_to_the_stem() {
        assert_eq!(title_from_file_name(Path::new("d/02 - Song.name.mp3")), "02 - Song.name");
    }

    #[test]
    fn cut_off_mp3_is_truncated_but_a_whole_one_is_not() {
        // 64 kbps for 3 s is 24,000 bytes.
        assert!(check_not_truncated(FileType::Mpeg, 24_800, 3_000, Some(64)).is_ok());
        let err = check_not_truncated(FileType::Mpeg, 1_024, 3_000, Some(64)).unwrap_err();
        assert!(matches!(err, TagError::Truncated { percent: 4 }));
        assert!(check_not_truncated(FileType::Vorbis, 1_024, 3_000, Some(64)).is_ok());
    }
}
