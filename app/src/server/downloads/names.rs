//! File and folder names for downloaded audio: safe on ext4, NTFS and exFAT, free of path
//! traversal, never hidden, and short enough in bytes for every file system we may land on.
//! The original title stays in the database; only the name on disk is changed.

/// The longest file name we produce, in bytes (ext4 allows 255; leave room for temp suffixes).
pub const MAX_NAME_BYTES: usize = 180;

/// The longest remote id kept in a file name, in bytes.
const MAX_ID_BYTES: usize = 64;

/// Names Windows reserves for devices, whatever the extension.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Turns `text` into one path component of at most `max_bytes` bytes (at least 1 byte).
pub fn sanitize(text: &str, max_bytes: usize) -> String {
    // Tabs and newlines are whitespace, not junk: they collapse into one space below.
    let replaced: String = text
        .chars()
        .map(|c| match c {
            c if c.is_whitespace() => ' ',
            c if is_forbidden(c) => '_',
            c => c,
        })
        .collect();
    let collapsed = replaced.split_whitespace().collect::<Vec<_>>().join(" ");
    // A leading dot would hide the file from the library scan (and `..` must never survive).
    let mut name = trim_edges(collapsed.trim_start_matches('.'));
    if is_reserved(&name) {
        name.insert(0, '_');
    }
    let name = trim_edges(truncate_bytes(&name, max_bytes.max(1)));
    if name.is_empty() {
        "untitled".to_owned()
    } else {
        name
    }
}

/// `<title> [<remote id>].<ext>`, within `MAX_NAME_BYTES`: the title is shortened first, so the
/// id that makes the name unique always survives.
pub fn file_name(title: &str, remote_id: &str, ext: &str) -> String {
    let id = sanitize(remote_id, MAX_ID_BYTES);
    let ext = sanitize(ext, 16);
    let fixed = " [".len() + id.len() + "].".len() + ext.len();
    let title = sanitize(title, MAX_NAME_BYTES.saturating_sub(fixed).max(8));
    format!("{title} [{id}].{ext}")
}

/// Path separators, characters NTFS or exFAT refuse, and control characters.
fn is_forbidden(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') || c.is_control()
}

/// Windows refuses trailing dots and spaces (and silently drops them, which breaks look-ups).
fn trim_edges(text: &str) -> String {
    text.trim().trim_end_matches(['.', ' ']).trim_start().to_owned()
}

fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end();
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem))
}

/// The longest prefix of `text` that fits in `max_bytes` and ends on a character boundary.
pub fn truncate_bytes(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_windows_characters_are_replaced() {
        assert_eq!(sanitize("AC/DC: a/b*c?", 100), "AC_DC_ a_b_c_");
        assert_eq!(sanitize(r#"<a>"b"\c|d"#, 100), "_a__b__c_d");
        assert!(!sanitize("../../etc/passwd", 100).contains('/'));
        assert!(!sanitize("../../etc/passwd", 100).starts_with('.'));
    }

    #[test]
    fn control_characters_and_whitespace_runs_collapse() {
        assert_eq!(sanitize("a\u{0}b\tc\n\n  d", 100), "a_b c d");
        assert_eq!(sanitize("  spaced   out  ", 100), "spaced out");
    }

    #[test]
    fn trailing_dots_and_spaces_and_leading_dots_go() {
        assert_eq!(sanitize("end. . .", 100), "end");
        assert_eq!(sanitize("...hidden", 100), "hidden");
        assert_eq!(sanitize("..", 100), "untitled");
        assert_eq!(sanitize("", 100), "untitled");
    }

    #[test]
    fn reserved_windows_names_get_a_prefix() {
        assert_eq!(sanitize("CON", 100), "_CON");
        assert_eq!(sanitize("nul.txt", 100), "_nul.txt");
        assert_eq!(sanitize("com1", 100), "_com1");
        assert_eq!(sanitize("CONSOLE", 100), "CONSOLE");
    }

    #[test]
    fn long_emoji_titles_are_cut_on_a_character_boundary() {
        let title = "🎵".repeat(120);
        let name = file_name(&title, "abc123", "opus");
        assert!(name.len() <= MAX_NAME_BYTES, "{} bytes", name.len());
        assert!(name.ends_with(" [abc123].opus"));
        assert!(name.starts_with("🎵🎵"));
        // Every emoji kept is whole: the name is still valid UTF-8 by construction, and the
        // title part is a whole number of 4-byte characters.
        let title_part = name.trim_end_matches(" [abc123].opus");
        assert_eq!(title_part.len() % 4, 0);
        assert!(title_part.chars().all(|c| c == '🎵'));
    }

    #[test]
    fn truncation_respects_multibyte_characters() {
        assert_eq!(truncate_bytes("héllo", 2), "h");
        assert_eq!(truncate_bytes("héllo", 3), "hé");
        assert_eq!(truncate_bytes("abc", 10), "abc");
    }

    #[test]
    fn file_names_keep_the_id_and_extension() {
        assert_eq!(file_name("AC/DC: a/b*c?", "g1", "mp3"), "AC_DC_ a_b_c_ [g1].mp3");
        let long_id = "x".repeat(300);
        let name = file_name("t", &long_id, "mp3");
        assert!(name.len() <= MAX_NAME_BYTES);
    }
}
