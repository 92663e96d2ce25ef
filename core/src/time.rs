//! Time in the cooperative: stored in UTC, shown and bucketed in Europe/Paris.
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use rust_decimal::Decimal;

use crate::error::{AppError, AppResult};

/// A calendar month (`YYYY-MM`), the default billing and usage period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// Parses `YYYY-MM`.
    ///
    /// # Errors
    /// A French message naming the expected format.
    pub fn parse(s: &str) -> AppResult<Self> {
        let bad = || {
            AppError::field(
                "period",
                format!("Période « {s} » invalide : format attendu AAAA-MM (ex. 2026-03)."),
            )
        };
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(2000..=2200).contains(&year) {
            return Err(bad());
        }
        Ok(Self { year, month })
    }

    /// The month containing this instant, in Europe/Paris.
    #[must_use]
    pub fn of(at: DateTime<Utc>) -> Self {
        let local = at.with_timezone(&Paris);
        Self {
            year: local.year(),
            month: local.month(),
        }
    }

    #[must_use]
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    #[must_use]
    pub fn prev(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// `[start, end)` of the month in UTC, midnights taken in Europe/Paris.
    #[must_use]
    pub fn utc_window(self) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            paris_midnight(self.first_day()),
            paris_midnight(self.next().first_day()),
        )
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Midnight of `day` in Europe/Paris, as UTC.
#[must_use]
pub fn paris_midnight(day: NaiveDate) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Midnight always exists in Paris (DST changes happen at 02:00/03:00).
    Paris
        .from_local_datetime(&naive)
        .earliest()
        .map_or_else(|| Utc.from_utc_datetime(&naive), |d| d.with_timezone(&Utc))
}

/// `26/11/2026`
#[must_use]
pub fn fr_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `26/11/2026 14:05` in Europe/Paris.
#[must_use]
pub fn fr_datetime(at: DateTime<Utc>) -> String {
    at.with_timezone(&Paris)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// Today in Europe/Paris.
#[must_use]
pub fn paris_today() -> NaiveDate {
    now().with_timezone(&Paris).date_naive()
}

thread_local! {
    /// The instant [`now`] answers on this thread, when a test fixed it.
    static FIXED_NOW: std::cell::Cell<Option<DateTime<Utc>>> = const { std::cell::Cell::new(None) };
}

/// The clock of the documents a user downloads ("Édité le …", a PDF's or a workbook's
/// date): the current instant, unless a test fixed it on this thread ([`fix_clock`]).
#[must_use]
pub fn now() -> DateTime<Utc> {
    FIXED_NOW
        .with(std::cell::Cell::get)
        .unwrap_or_else(Utc::now)
}

/// Fixes [`now`] on the current thread until the guard drops: a test comparing two
/// downloads byte for byte (a current-thread tokio runtime serves its requests on the
/// same thread).
#[must_use]
pub fn fix_clock(at: DateTime<Utc>) -> FixedClock {
    FIXED_NOW.with(|c| c.set(Some(at)));
    FixedClock(())
}

/// Keeps [`now`] fixed while alive.
#[derive(Debug)]
pub struct FixedClock(());

impl Drop for FixedClock {
    fn drop(&mut self) {
        FIXED_NOW.with(|c| c.set(None));
    }
}

/// A decimal in French: comma as decimal separator, narrow no-break spaces between
/// thousands (`1 234,5`).
#[must_use]
pub fn fr_decimal(d: Decimal) -> String {
    let s = d.normalize().to_string();
    let (neg, s) = s
        .strip_prefix('-')
        .map_or((false, s.as_str()), |r| (true, r));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&grouped);
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// Money in French: `1 234,50 €` (always two decimals, narrow no-break spaces).
#[must_use]
pub fn fr_money(d: Decimal) -> String {
    let s = fr_decimal(d.round_dp(2));
    let s = match s.split_once(',') {
        Some((i, f)) if f.len() == 1 => format!("{i},{f}0"),
        Some(_) => s,
        None => format!("{s},00"),
    };
    format!("{s}\u{a0}€")
}

/// Whole months from `from` to `to` (negative when `to` is earlier).
#[must_use]
pub fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let m =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() { m - 1 } else { m }
}

/// The time left before `due`, in words: `aujourd’hui`, `demain`, `dans 12 jours`,
/// `dans 3 mois`, `dans 4 ans`, `en retard de 2 jours`, `en retard d’un mois`.
#[must_use]
pub fn time_left(due: NaiveDate, today: NaiveDate) -> String {
    let days = (due - today).num_days();
    let months = if days >= 0 {
        months_between(today, due)
    } else {
        months_between(due, today)
    };
    let (n, one, many) = if days.abs() < 60 {
        (days.abs(), "jour", "jours")
    } else if months < 24 {
        (months, "mois", "mois")
    } else {
        (months / 12, "an", "ans")
    };
    match (days, n) {
        (0, _) => "aujourd’hui".to_string(),
        (1, _) => "demain".to_string(),
        (d, 1) if d > 0 => format!("dans un {one}"),
        (d, n) if d > 0 => format!("dans {n} {many}"),
        (_, 1) => format!("en retard d’un {one}"),
        (_, n) => format!("en retard de {n} {many}"),
    }
}

/// The time left before an instant, in words, to the hour when it is near (`dans 5 h`,
/// `dans moins d’une heure`, `en retard de 3 h`), in days beyond two days (`dans 3
/// jours`, `en retard de 2 jours`, counted in whole 24-hour spans).
#[must_use]
pub fn time_left_until(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (due - now).num_seconds();
    let hours = secs.abs() / 3600;
    if hours < 48 {
        return match (secs >= 0, hours) {
            (true, 0) => "dans moins d’une heure".to_string(),
            (true, h) => format!("dans {h} h"),
            (false, 0) => "en retard de moins d’une heure".to_string(),
            (false, h) => format!("en retard de {h} h"),
        };
    }
    let days = hours / 24;
    if secs >= 0 {
        format!("dans {days} jours")
    } else {
        format!("en retard de {days} jours")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_period_text_is_answered_and_months_round_trip(raw in "\\PC{0,12}", y in 2000i32..=2200, m in 1u32..=12) {
            let _ = Month::parse(&raw);
            let text = format!("{y:04}-{m:02}");
            prop_assert_eq!(Month::parse(&text).map(|x| x.to_string()).ok(), Some(text));
        }
    }

    use super::*;

    #[test]
    fn month_window_is_paris_time() {
        let m = Month::parse("2026-04").unwrap();
        let (start, end) = m.utc_window();
        // CEST (+02:00) in April
        assert_eq!(start.to_rfc3339(), "2026-03-31T22:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-04-30T22:00:00+00:00");
        // An event at 2026-03-31T23:30Z belongs to April.
        let at = DateTime::parse_from_rfc3339("2026-03-31T23:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(Month::of(at), m);
        // Winter: CET (+01:00)
        let (s, _) = Month::parse("2026-01").unwrap().utc_window();
        assert_eq!(s.to_rfc3339(), "2025-12-31T23:00:00+00:00");
    }

    #[test]
    fn month_parse_rejects_garbage() {
        for bad in ["2026-13", "2026-1", "26-01", "abcd-ef", "2026/01", ""] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Month::parse("2026-12").unwrap().next().to_string(),
            "2027-01"
        );
    }

    #[test]
    fn french_decimal() {
        assert_eq!(
            fr_decimal(Decimal::new(123_456_789, 2)),
            "1\u{202f}234\u{202f}567,89"
        );
        assert_eq!(fr_decimal(Decimal::new(-15, 1)), "-1,5");
        assert_eq!(fr_decimal(Decimal::new(100, 0)), "100");
        assert_eq!(fr_money(Decimal::new(123_450, 2)), "1\u{202f}234,50\u{a0}€");
        assert_eq!(fr_money(Decimal::new(7, 0)), "7,00\u{a0}€");
    }
}
