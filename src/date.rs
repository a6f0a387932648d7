//! Calendar dates without a time zone or time of day.
//!
//! Everything the return counts is a whole day, and the export's dates arrive as Excel serials
//! or text; a tiny proleptic-Gregorian type keeps comparisons and birthday arithmetic exact
//! without pulling in a date-time library.

use std::fmt;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month's name shortened as people write it in a date: `Nov`.
fn short_month(month: u8) -> &'static str {
    MONTHS[usize::from(month - 1)].get(..3).unwrap_or("")
}

/// A calendar day (proleptic Gregorian).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A date, or `None` when the day does not exist (31 April, 29 February 2023, …).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The date as a person writes it: `1 April 2023`.
    pub fn long(self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[usize::from(self.month - 1)],
            self.year
        )
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// Parses the two text forms the data dictionary allows: `YYYY-MM-DD` and `D/M/YYYY`
    /// (day first, one or two digits for day and month). Surrounding whitespace is ignored.
    pub fn parse_text(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Some((y, rest)) = text.split_once('-') {
            let (m, d) = rest.split_once('-')?;
            if y.len() != 4 || m.len() != 2 || d.len() != 2 {
                return None;
            }
            return Date::new(digits(y)? as i32, digits(m)?, digits(d)?);
        }
        let mut parts = text.split('/');
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some()
            || !(1..=2).contains(&d.len())
            || !(1..=2).contains(&m.len())
            || y.len() != 4
        {
            return None;
        }
        Date::new(digits(y)? as i32, digits(m)?, digits(d)?)
    }

    /// Completed years between `self` (a date of birth) and `on`, by birthday arithmetic:
    /// a child born on 29 February has a birthday on 1 March in a common year.
    pub fn age_on(self, on: Date) -> i32 {
        let mut age = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }

    /// Days since 1970-01-01 (negative before), for arithmetic and Excel serials.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The inverse of [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The Excel serial number of this date in the 1900 date system.
    pub fn to_excel_serial(self) -> f64 {
        // 1899-12-30 is serial 0 once Excel's fictitious 1900-02-29 is accounted for.
        (self.days_since_epoch() + 25_569) as f64
    }
}

/// A UTC instant to the second, as written in manifests: `2024-10-21T09:30:00Z`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Timestamp {
    pub date: Date,
    /// Seconds since midnight.
    pub seconds: u32,
}

impl Timestamp {
    /// The instant `secs` seconds after 1970-01-01T00:00:00Z (the clock is the shell's: the
    /// engine is given the time, never asks it).
    pub fn from_unix_seconds(secs: i64) -> Timestamp {
        Timestamp {
            date: Date::from_days_since_epoch(secs.div_euclid(86_400)),
            seconds: secs.rem_euclid(86_400) as u32,
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ` (UTC only: outputs must not depend on a time zone), in
    /// the years a workbook can record as its creation time (1900 to 9999), so a time that
    /// passes here never fails later when the return is written.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let (date, time) = text.trim().split_once('T')?;
        let time = time.strip_suffix('Z')?;
        let date = Date::parse_text(date).filter(|d| {
            date.len() == 10 && date.contains('-') && (1900..=9999).contains(&d.year())
        })?;
        let mut parts = time.split(':');
        let mut next = |max: u32| -> Option<u32> {
            let p = parts.next()?;
            (p.len() == 2).then_some(())?;
            digits(p).filter(|v| *v <= max)
        };
        let (h, m, s) = (next(23)?, next(59)?, next(59)?);
        parts.next().is_none().then_some(Timestamp {
            date,
            seconds: h * 3600 + m * 60 + s,
        })
    }

    /// The time as people write it, to the second: `29 Nov 2026 10:21:05 UTC` (the return
    /// workbook's cover, read back exactly by [`Timestamp::parse_written`]).
    pub fn written(self) -> String {
        let (h, m, s) = self.hms();
        format!(
            "{} {} {} {h:02}:{m:02}:{s:02} UTC",
            self.date.day,
            short_month(self.date.month),
            self.date.year
        )
    }

    /// Reads back a time as [`Timestamp::written`] writes it, in the years [`Timestamp::parse`]
    /// accepts.
    pub fn parse_written(text: &str) -> Option<Timestamp> {
        let mut words = text.split_whitespace();
        let (day, month, year, time, zone) = (
            words.next()?,
            words.next()?,
            words.next()?,
            words.next()?,
            words.next()?,
        );
        if words.next().is_some() || zone != "UTC" || !(1..=2).contains(&day.len()) {
            return None;
        }
        let month = (1..=12u8).find(|m| short_month(*m) == month)?;
        let date = format!("{year}-{month:02}-{:0>2}", day);
        Timestamp::parse(&format!("{date}T{time}Z"))
    }

    pub fn hms(self) -> (u32, u32, u32) {
        (
            self.seconds / 3600,
            self.seconds / 60 % 60,
            self.seconds % 60,
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = self.hms();
        write!(f, "{}T{h:02}:{m:02}:{s:02}Z", self.date)
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_written_for_people_reads_back_exactly() {
        let t = Timestamp::parse("2026-11-29T10:21:05Z").unwrap();
        assert_eq!(t.written(), "29 Nov 2026 10:21:05 UTC");
        assert_eq!(
            Timestamp::parse_written("29 Nov 2026 10:21:05 UTC"),
            Some(t)
        );
        let early = Timestamp::parse("1900-01-01T00:00:00Z").unwrap();
        assert_eq!(early.written(), "1 Jan 1900 00:00:00 UTC");
        assert_eq!(Timestamp::parse_written(&early.written()), Some(early));
        for bad in [
            "29 Nov 2026 10:21 UTC",
            "29 nov 2026 10:21:05 UTC",
            "29 Nov 2026 10:21:05 GMT",
            "31 Nov 2026 10:21:05 UTC",
            "029 Nov 2026 10:21:05 UTC",
            "29 Nov 2026 10:21:05 UTC extra",
            "2026-11-29T10:21:05Z",
            "",
        ] {
            assert_eq!(Timestamp::parse_written(bad), None, "{bad}");
        }
    }

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn parses_iso_and_uk_text() {
        assert_eq!(Date::parse_text("2024-07-01"), Some(d(2024, 7, 1)));
        assert_eq!(Date::parse_text(" 1/7/2024 "), Some(d(2024, 7, 1)));
        assert_eq!(Date::parse_text("01/07/2024"), Some(d(2024, 7, 1)));
        assert_eq!(Date::parse_text("13/1/2024"), Some(d(2024, 1, 13)));
    }

    #[test]
    fn refuses_other_text() {
        for bad in [
            "2024-13-01",
            "2024-7-1",
            "1/13/2024",
            "31/4/2024",
            "29/2/2023",
            "2024/07/01",
            "1.7.2024",
            "45000",
            "",
            "1/7/24",
            "+1/7/2024",
        ] {
            assert_eq!(Date::parse_text(bad), None, "{bad}");
        }
        assert_eq!(Date::parse_text("29/2/2024"), Some(d(2024, 2, 29)));
    }

    #[test]
    fn age_is_birthday_arithmetic() {
        let dob = d(2008, 3, 15);
        assert_eq!(dob.age_on(d(2026, 3, 14)), 17);
        assert_eq!(dob.age_on(d(2026, 3, 15)), 18);
        let leap = d(2008, 2, 29);
        assert_eq!(leap.age_on(d(2026, 2, 28)), 17);
        assert_eq!(leap.age_on(d(2026, 3, 1)), 18);
    }

    #[test]
    fn timestamps_round_trip_in_utc() {
        let t = Timestamp::parse("2024-10-21T09:30:05Z").unwrap();
        assert_eq!(t.to_string(), "2024-10-21T09:30:05Z");
        assert_eq!(t.hms(), (9, 30, 5));
        for bad in [
            "2024-10-21 09:30:05Z",
            "2024-10-21T09:30:05",
            "2024-10-21T24:00:00Z",
            "21/10/2024T09:30:05Z",
            "2024-10-21T09:30Z",
            "0000-01-01T00:00:00Z",
            "1899-12-31T23:59:59Z",
        ] {
            assert!(Timestamp::parse(bad).is_none(), "{bad}");
        }
        // 2024-10-21T09:30:05Z is 1,729,503,005 seconds after the epoch.
        assert_eq!(
            Timestamp::from_unix_seconds(1_729_503_005).to_string(),
            "2024-10-21T09:30:05Z"
        );
        assert_eq!(
            Timestamp::from_unix_seconds(-1).to_string(),
            "1969-12-31T23:59:59Z"
        );
    }

    #[test]
    fn epoch_days_round_trip() {
        assert_eq!(d(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(d(2024, 3, 1).add_days(-1), d(2024, 2, 29));
        for days in [-800_000, -1, 0, 59, 19_000, 20_000, 2_000_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(d(2024, 7, 1).to_excel_serial(), 45_474.0);
    }
}
