//! The text of a workbook's number cells, as a person reading the sheet
//! expects it: integral numbers without a spurious `.0`, dates as ISO 8601,
//! durations as `HH:MM:SS`.
//!
//! Excel stores every date and time as a number of days (a serial) and tells
//! them apart only by the cell's number format ([`super::styles`]). Serials
//! count from 1900-01-01 as day 1, with Excel's fictitious 1900-02-29 as day
//! 60, or from 1904-01-01 as day 0 in workbooks saved with the 1904 date
//! system.

use std::fmt::Write;

/// Days from 1970-01-01 back to 1899-12-30, the 1900 system's day 0 for
/// serials after its fictitious leap day.
const DAYS_1899_12_30: i64 = -25_569;

/// Days from 1970-01-01 back to 1904-01-01, the 1904 system's day 0.
const DAYS_1904_01_01: i64 = -24_107;

/// The first serial Excel cannot show as a date (10000-01-01 in the 1900 system).
const SERIAL_END: f64 = 2_958_466.0;

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// A number as text: integral values (below 2^53) without a fraction.
pub fn number_text(f: f64, out: &mut String) {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        let _ = write!(out, "{}", f as i64);
    } else {
        let _ = write!(out, "{f}");
    }
}

/// A date serial as text: `2024-03-01`, `2024-03-01T09:30:00` with a time
/// (`.250` with milliseconds), the time alone below 1; a serial Excel cannot
/// show as a date (negative, or past 9999) as a number.
pub fn date_text(serial: f64, is_1904: bool, out: &mut String) {
    if !(0.0..SERIAL_END).contains(&serial) {
        return number_text(serial, out);
    }
    // Rounded to the millisecond first, so that 23:59:59.9996 becomes the next day.
    let total_ms = (serial * DAY_MS as f64).round() as i64;
    let (day, ms) = (total_ms.div_euclid(DAY_MS), total_ms.rem_euclid(DAY_MS));
    if serial >= 1.0 {
        let (y, m, d) = match (is_1904, day) {
            (false, 60) => (1900, 2, 29),
            (false, ..60) => civil_from_days(day + DAYS_1899_12_30 + 1),
            (false, _) => civil_from_days(day + DAYS_1899_12_30),
            (true, _) => civil_from_days(day + DAYS_1904_01_01),
        };
        let _ = write!(out, "{y:04}-{m:02}-{d:02}");
        if ms == 0 {
            return;
        }
        out.push('T');
    }
    let (h, mi, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
    if milli > 0 {
        let _ = write!(out, ".{milli:03}");
    }
}

/// A duration in days as `HH:MM:SS` (hours past 24 as they are, `-` before a
/// negative one).
pub fn duration_text(days: f64, out: &mut String) {
    if !days.is_finite() {
        return number_text(days, out);
    }
    let secs = (days * 86_400.0).round() as i64;
    let sign = if secs < 0 { "-" } else { "" };
    let secs = secs.unsigned_abs();
    let _ = write!(
        out,
        "{sign}{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
}

/// The proleptic Gregorian date `days` after 1970-01-01 (the well-known
/// era-based conversion: 400-year eras of 146,097 days, years from March).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(serial: f64, is_1904: bool) -> String {
        let mut s = String::new();
        date_text(serial, is_1904, &mut s);
        s
    }

    fn number(f: f64) -> String {
        let mut s = String::new();
        number_text(f, &mut s);
        s
    }

    fn duration(f: f64) -> String {
        let mut s = String::new();
        duration_text(f, &mut s);
        s
    }

    #[test]
    fn numbers() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(61234.5), "61234.5");
        assert_eq!(number(1e300), 1e300.to_string());
        assert_eq!(number(f64::NAN), "NaN");
    }

    #[test]
    fn dates_in_the_1900_system() {
        assert_eq!(date(1.0, false), "1900-01-01");
        assert_eq!(date(59.0, false), "1900-02-28");
        assert_eq!(
            date(60.0, false),
            "1900-02-29",
            "Excel's fictitious leap day"
        );
        assert_eq!(date(61.0, false), "1900-03-01");
        assert_eq!(date(366.0, false), "1900-12-31");
        assert_eq!(date(367.0, false), "1901-01-01");
        assert_eq!(date(36526.0, false), "2000-01-01");
        assert_eq!(date(45352.0, false), "2024-03-01");
        assert_eq!(date(45351.0, false), "2024-02-29");
        assert_eq!(date(45352.5, false), "2024-03-01T12:00:00");
        assert_eq!(date(2_958_465.0, false), "9999-12-31");
    }

    #[test]
    fn times_and_rounding() {
        assert_eq!(date(0.25, false), "06:00:00");
        assert_eq!(date(0.0, false), "00:00:00");
        let quarter_second = 0.25 / 86_400.0;
        assert_eq!(
            date(45352.0 + quarter_second, false),
            "2024-03-01T00:00:00.250"
        );
        let almost = 45352.0 + (DAY_MS as f64 - 0.4) / DAY_MS as f64;
        assert_eq!(
            date(almost, false),
            "2024-03-02",
            "rounds into the next day"
        );
    }

    #[test]
    fn dates_in_the_1904_system() {
        assert_eq!(date(0.0, true), "00:00:00");
        assert_eq!(date(1.0, true), "1904-01-02");
        assert_eq!(date(45352.0 - 1462.0, true), "2024-03-01");
    }

    #[test]
    fn dates_excel_cannot_show_stay_numbers() {
        assert_eq!(date(-1.0, false), "-1");
        assert_eq!(date(3e6, false), "3000000");
        assert_eq!(date(f64::INFINITY, false), "inf");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(1.5), "36:00:00");
        assert_eq!(duration(-0.5), "-12:00:00");
        assert_eq!(duration(0.0), "00:00:00");
    }
}
