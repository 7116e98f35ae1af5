//! Real audio fixtures made by ffmpeg: short sine tones in each format the library indexes, with
//! or without tags and cover art, plus a cover picture. A missing ffmpeg fails the test.

use std::{path::Path, process::Command};

/// The encodings the tests cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Mp3Cbr,
    Mp3Vbr,
    M4aAac,
    Opus,
    Flac,
    Vorbis,
    Wav,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Mp3Cbr | Format::Mp3Vbr => "mp3",
            Format::M4aAac => "m4a",
            Format::Opus => "opus",
            Format::Flac => "flac",
            Format::Vorbis => "ogg",
            Format::Wav => "wav",
        }
    }

    /// Encoder arguments: low rates keep the files small and the encoding quick.
    fn codec_args(self) -> &'static [&'static str] {
        match self {
            Format::Mp3Cbr => &["-c:a", "libmp3lame", "-b:a", "64k"],
            Format::Mp3Vbr => &["-c:a", "libmp3lame", "-q:a", "6"],
            Format::M4aAac => &["-c:a", "aac", "-b:a", "48k"],
            Format::Opus => &["-c:a", "libopus", "-b:a", "24k"],
            Format::Flac => &["-c:a", "flac"],
            Format::Vorbis => &["-c:a", "libvorbis", "-q:a", "0"],
            Format::Wav => &["-c:a", "pcm_s16le"],
        }
    }

    fn sample_rate(self) -> u32 {
        // libopus only takes 8, 12, 16, 24 or 48 kHz.
        if self == Format::Opus {
            24_000
        } else {
            22_050
        }
    }
}

/// One file to make.
#[derive(Clone, Debug)]
pub struct Tone<'a> {
    pub format: Format,
    pub seconds: f64,
    pub frequency: u32,
    /// ffmpeg metadata keys: title, artist, album, album_artist, track, disc, date, genre.
    pub tags: Vec<(&'a str, &'a str)>,
    /// A picture to embed as the front cover (mp3, m4a and flac only).
    pub cover: Option<&'a Path>,
}

impl<'a> Tone<'a> {
    pub fn new(format: Format, seconds: f64) -> Self {
        Tone { format, seconds, frequency: 440, tags: Vec::new(), cover: None }
    }

    pub fn tag(mut self, key: &'a str, value: &'a str) -> Self {
        self.tags.push((key, value));
        self
    }

    pub fn frequency(mut self, hz: u32) -> Self {
        self.frequency = hz;
        self
    }

    pub fn cover(mut self, picture: &'a Path) -> Self {
        self.cover = Some(picture);
        self
    }

    /// Encodes the tone to `path` (parent folders are created).
    pub fn write(&self, path: &Path) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("fixture folder");
        }
        let source = format!(
            "sine=frequency={}:duration={}:sample_rate={}",
            self.frequency,
            self.seconds,
            self.format.sample_rate()
        );
        let mut args: Vec<String> = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(["-i".into(), source]);
        if let Some(cover) = self.cover {
            args.extend(["-i".into(), cover.display().to_string()]);
            args.extend(["-map", "0:a", "-map", "1:v", "-c:v", "copy"].map(String::from));
            args.extend(["-disposition:v", "attached_pic"].map(String::from));
            if self.format.ext() == "mp3" {
                args.extend(["-id3v2_version", "3"].map(String::from));
                args.extend(["-metadata:s:v", "comment=Cover (front)"].map(String::from));
            }
        }
        args.extend(self.format.codec_args().iter().map(|s| s.to_string()));
        for (key, value) in &self.tags {
            args.extend(["-metadata".into(), format!("{key}={value}")]);
        }
        args.push(path.display().to_string());
        run_ffmpeg(&args);
    }
}

/// A 32×32 JPEG of one colour, to embed as cover art.
pub fn cover_jpeg(path: &Path, colour: &str) {
    let source = format!("color=c={colour}:s=32x32");
    run_ffmpeg(
        &[
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            &source,
            "-frames:v",
            "1",
            &path.display().to_string(),
        ]
        .map(String::from),
    );
}

fn run_ffmpeg(args: &[String]) {
    let output = Command::new("ffmpeg")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg is required for these tests and did not run: {e}"));
    assert!(
        output.status.success(),
        "ffmpeg {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}
