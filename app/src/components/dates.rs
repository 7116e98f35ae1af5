//! Calendar dates for Unix timestamps, without a date library in the WASM bundle.

/// Formats Unix seconds (UTC) as `YYYY-MM-DD`.
pub fn format_day(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::format_day;

    #[test]
    fn days_match_the_calendar() {
        assert_eq!(format_day(0), "1970-01-01");
        assert_eq!(format_day(951_782_400), "2000-02-29");
        assert_eq!(format_day(1_798_761_599), "2026-12-31");
        assert_eq!(format_day(1_798_761_600), "2027-01-01");
        assert_eq!(format_day(-1), "1969-12-31");
    }
}
