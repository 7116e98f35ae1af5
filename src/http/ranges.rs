//! RFC 9110 byte ranges for one representation of known size: the parser and its outcome.

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeRequest {
    /// No usable single range: answer the whole body with 200.
    Full,
    /// Answer 206 with bytes `start..=end`.
    Partial { start: u64, end: u64 },
    /// Answer 416 with `Content-Range: bytes */size`.
    Unsatisfiable,
}

/// Parses a `Range` header value. Only the `bytes` unit with one range is served as 206;
/// several ranges, other units and malformed values get the full body, as RFC 9110 allows.
pub fn parse_range(value: &str, size: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    let number = |text: &str| -> Option<u64> {
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };

    if first.is_empty() {
        // Suffix range: the last n bytes.
        return match number(last) {
            Some(0) => RangeRequest::Unsatisfiable,
            Some(_) if size == 0 => RangeRequest::Unsatisfiable,
            Some(n) => RangeRequest::Partial { start: size.saturating_sub(n), end: size - 1 },
            None => RangeRequest::Full,
        };
    }
    let Some(start) = number(first) else {
        return RangeRequest::Full;
    };
    let end = if last.is_empty() {
        None
    } else {
        match number(last) {
            Some(end) if end >= start => Some(end),
            _ => return RangeRequest::Full,
        }
    };
    if start >= size {
        return RangeRequest::Unsatisfiable;
    }
    let end = end.map_or(size - 1, |e| e.min(size - 1));
    RangeRequest::Partial { start, end }
}

#[cfg(test)]
mod tests {
    use super::{parse_range, RangeRequest::*};

    #[test]
    fn closed_range() {
        assert_eq!(parse_range("bytes=10-19", 100), Partial { start: 10, end: 19 });
    }

    #[test]
    fn open_range_runs_to_the_end() {
        assert_eq!(parse_range("bytes=100-", 1000), Partial { start: 100, end: 999 });
    }

    #[test]
    fn suffix_range_returns_last_bytes() {
        assert_eq!(parse_range("bytes=-100", 1000), Partial { start: 900, end: 999 });
        assert_eq!(parse_range("bytes=-5000", 1000), Partial { start: 0, end: 999 });
    }

    #[test]
    fn first_byte_only() {
        assert_eq!(parse_range("bytes=0-0", 1000), Partial { start: 0, end: 0 });
        assert_eq!(parse_range("bytes=0-1", 1000), Partial { start: 0, end: 1 });
    }

    #[test]
    fn end_past_size_is_clamped() {
        assert_eq!(parse_range("bytes=990-5000", 1000), Partial { start: 990, end: 999 });
    }

    #[test]
    fn start_past_size_is_unsatisfiable() {
        assert_eq!(parse_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=5000-6000", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=-10", 0), Unsatisfiable);
    }

    #[test]
    fn several_or_malformed_ranges_get_the_full_body() {
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Full);
        assert_eq!(parse_range("items=0-1", 1000), Full);
        assert_eq!(parse_range("bytes=5-1", 1000), Full);
        assert_eq!(parse_range("bytes=a-b", 1000), Full);
        assert_eq!(parse_range("bytes=-", 1000), Full);
        assert_eq!(parse_range("bytes=+1-2", 1000), Full);
    }
}
