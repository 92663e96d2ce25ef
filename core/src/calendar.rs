//! The French working-day calendar (HR's leave, GDPR's legal deadlines).
//!
//! - Easter (Gregorian computus) and the French public holidays (jours fériés), optionally
//!   with the two extra local holidays of Alsace-Moselle (Vendredi saint, Saint-Étienne);
//! - counting of *jours ouvrables* (Monday–Saturday) and *jours ouvrés* (Monday–Friday),
//!   public holidays excluded;
//! - the paid-leave reference period (1 June – 31 May) and small date helpers.
//!
//! The current list of holidays is applied to every year (no historical variations).
//! Counting is arithmetic on whole weeks, then the holidays of each year touched are
//! computed once and subtracted, so a count over a year costs a few dozen operations.

use chrono::{Datelike, NaiveDate, Weekday};

/// When a public holiday falls in a given year.
#[derive(Debug, Clone, Copy)]
enum When {
    /// A fixed month and day.
    Fixed(u32, u32),
    /// A number of days after (or before, if negative) Easter Sunday.
    Easter(i32),
}

/// A public holiday rule.
#[derive(Debug, Clone, Copy)]
struct Holiday {
    when: When,
    name: &'static str,
    /// Only observed in Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle).
    alsace_moselle_only: bool,
}

const fn holiday(when: When, name: &'static str, alsace_moselle_only: bool) -> Holiday {
    Holiday {
        when,
        name,
        alsace_moselle_only,
    }
}

/// Number of holiday rules (national and Alsace-Moselle).
const HOLIDAY_COUNT: usize = 13;

/// The public holidays of France (Code du travail, art. L3133-1) and the two local
/// holidays of Alsace-Moselle (art. L3134-13).
const HOLIDAYS: [Holiday; HOLIDAY_COUNT] = [
    holiday(When::Fixed(1, 1), "Jour de l’an", false),
    holiday(When::Easter(-2), "Vendredi saint", true),
    holiday(When::Easter(1), "Lundi de Pâques", false),
    holiday(When::Fixed(5, 1), "Fête du Travail", false),
    holiday(When::Fixed(5, 8), "Victoire 1945", false),
    holiday(When::Easter(39), "Ascension", false),
    holiday(When::Easter(50), "Lundi de Pentecôte", false),
    holiday(When::Fixed(7, 14), "Fête nationale", false),
    holiday(When::Fixed(8, 15), "Assomption", false),
    holiday(When::Fixed(11, 1), "Toussaint", false),
    holiday(When::Fixed(11, 11), "Armistice 1918", false),
    holiday(When::Fixed(12, 25), "Noël", false),
    holiday(When::Fixed(12, 26), "Saint-Étienne", true),
];

/// Easter Sunday, or `None` when the year is outside chrono's supported range.
#[allow(clippy::many_single_char_names)] // the algorithm's published variable names
fn easter_opt(year: i32) -> Option<NaiveDate> {
    // Anonymous Gregorian algorithm (Meeus / Jones / Butcher), with floor division so
    // that it stays valid for negative (proleptic) years.
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let month = u32::try_from(n / 31).ok()?;
    let day = u32::try_from(n % 31 + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Easter Sunday (Gregorian, anonymous algorithm / Meeus).
///
/// Saturates to [`NaiveDate::MIN`] / [`NaiveDate::MAX`] for a year outside chrono's range.
#[must_use]
pub fn easter(year: i32) -> NaiveDate {
    easter_opt(year).unwrap_or(if year < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// The date of a holiday rule in `year`, `easter` being that year's Easter Sunday.
fn date_of(when: When, year: i32, easter: Option<NaiveDate>) -> Option<NaiveDate> {
    match when {
        When::Fixed(month, day) => NaiveDate::from_ymd_opt(year, month, day),
        When::Easter(offset) => {
            let days = easter?.num_days_from_ce().checked_add(offset)?;
            NaiveDate::from_num_days_from_ce_opt(days)
        }
    }
}

/// The rules observed with or without the Alsace-Moselle holidays.
fn rules(alsace_moselle: bool) -> impl Iterator<Item = &'static Holiday> {
    HOLIDAYS
        .iter()
        .filter(move |h| alsace_moselle || !h.alsace_moselle_only)
}

/// Public holidays of France for `year`, sorted by date, with their French names:
/// Jour de l’an (1/1), Lundi de Pâques, Fête du Travail (1/5), Victoire 1945 (8/5),
/// Ascension (Easter+39), Lundi de Pentecôte (Easter+50), Fête nationale (14/7),
/// Assomption (15/8), Toussaint (1/11), Armistice 1918 (11/11), Noël (25/12);
/// with `alsace_moselle` also Vendredi saint (Easter−2) and Saint-Étienne (26/12).
///
/// Two holidays may fall on the same date (Ascension on 1 or 8 May, as in 2008): both
/// are listed, in the order of the list above.
#[must_use]
pub fn public_holidays(year: i32, alsace_moselle: bool) -> Vec<(NaiveDate, &'static str)> {
    let easter = easter_opt(year);
    let mut days: Vec<(NaiveDate, &'static str)> = rules(alsace_moselle)
        .filter_map(|h| date_of(h.when, year, easter).map(|d| (d, h.name)))
        .collect();
    // Stable sort: same-date holidays keep the order of the table.
    days.sort_by_key(|&(d, _)| d);
    days
}

/// Whether `day` is a public holiday (in Alsace-Moselle too when `alsace_moselle`).
#[must_use]
pub fn is_public_holiday(day: NaiveDate, alsace_moselle: bool) -> bool {
    let year = day.year();
    let easter = easter_opt(year);
    rules(alsace_moselle).any(|h| date_of(h.when, year, easter) == Some(day))
}

/// The distinct holiday dates of `year`, sorted, without allocation.
fn holiday_dates(year: i32, alsace_moselle: bool) -> ([Option<NaiveDate>; HOLIDAY_COUNT], usize) {
    let easter = easter_opt(year);
    let mut dates = [None; HOLIDAY_COUNT];
    for (slot, h) in dates.iter_mut().zip(rules(alsace_moselle)) {
        *slot = date_of(h.when, year, easter);
    }
    // `None` sorts first: the valid dates end up at the tail, in order.
    dates.sort_unstable();
    let mut len = 0;
    for i in 0..HOLIDAY_COUNT {
        if dates[i].is_some() && (len == 0 || dates[len - 1] != dates[i]) {
            dates[len] = dates[i];
            len += 1;
        }
    }
    (dates, len)
}

/// Counts the days of `[from, to]` whose weekday is counted (Monday–Friday, plus
/// Saturday when `saturday`), public holidays excluded.
fn count_working_days(from: NaiveDate, to: NaiveDate, alsace_moselle: bool, saturday: bool) -> u32 {
    if to < from {
        return 0;
    }
    let counted = |wd: Weekday| match wd {
        Weekday::Sun => false,
        Weekday::Sat => saturday,
        _ => true,
    };
    let per_week: i64 = if saturday { 6 } else { 5 };
    let total = (to - from).num_days() + 1;
    let mut count = total / 7 * per_week;
    let mut wd = from.weekday();
    for _ in 0..total % 7 {
        if counted(wd) {
            count += 1;
        }
        wd = wd.succ();
    }
    for year in from.year()..=to.year() {
        let (dates, len) = holiday_dates(year, alsace_moselle);
        for day in dates.iter().take(len).flatten() {
            if from <= *day && *day <= to && counted(day.weekday()) {
                count -= 1;
            }
        }
    }
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Jours ouvrables between `from` and `to` inclusive: Monday–Saturday, public holidays
/// excluded (a holiday falling on Sunday changes nothing). 0 when `to < from`.
#[must_use]
pub fn jours_ouvrables(from: NaiveDate, to: NaiveDate, alsace_moselle: bool) -> u32 {
    count_working_days(from, to, alsace_moselle, true)
}

/// Jours ouvrés between `from` and `to` inclusive: Monday–Friday, public holidays
/// excluded. 0 when `to < from`.
#[must_use]
pub fn jours_ouvres(from: NaiveDate, to: NaiveDate, alsace_moselle: bool) -> u32 {
    count_working_days(from, to, alsace_moselle, false)
}

/// The paid-leave reference period containing `day`: 1 June – 31 May.
///
/// Saturates to [`NaiveDate::MIN`] / [`NaiveDate::MAX`] at the edges of chrono's range.
#[must_use]
pub fn reference_period(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start_year = if day.month() >= 6 {
        day.year()
    } else {
        day.year() - 1
    };
    let start = NaiveDate::from_ymd_opt(start_year, 6, 1).unwrap_or(NaiveDate::MIN);
    let end = NaiveDate::from_ymd_opt(start_year + 1, 5, 31).unwrap_or(NaiveDate::MAX);
    (start, end)
}

/// The label of a reference period, "2025-2026" for 1/6/2025–31/5/2026.
///
/// Only the year of `start` is used, so a period set by agreement (e.g. 1 May – 30 April)
/// is labelled the same way.
#[must_use]
pub fn reference_label(start: NaiveDate) -> String {
    format!("{}-{}", start.year(), start.year() + 1)
}

/// First and last day of `month` in `year` (the number of days is `last.day()`);
/// `None` for a month outside 1..=12 or a year outside chrono's range.
#[must_use]
pub fn month_bounds(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = if month == 12 {
        NaiveDate::from_ymd_opt(year, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?.pred_opt()?
    };
    Some((first, last))
}

/// Calendar days of [a1,a2] ∩ [b1,b2] (inclusive), 0 if disjoint (or if an interval is
/// empty, its end before its start).
#[must_use]
pub fn overlap_days(a1: NaiveDate, a2: NaiveDate, b1: NaiveDate, b2: NaiveDate) -> u32 {
    let start = a1.max(b1);
    let end = a2.min(b2);
    if end < start {
        return 0;
    }
    u32::try_from((end - start).num_days() + 1).unwrap_or(u32::MAX)
}

/// Calendar quarter (1..=4) of a month; a month outside 1..=12 is clamped into it.
#[must_use]
pub fn quarter(month: u32) -> u32 {
    (month.clamp(1, 12) - 1) / 3 + 1
}

/// Whether `day` is a working day: Monday to Friday, not a public holiday.
#[must_use]
pub fn is_working_day(day: NaiveDate, alsace_moselle: bool) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_public_holiday(day, alsace_moselle)
}

/// `day` when it is a working day, otherwise the next one (a deadline falling on a
/// Saturday, a Sunday or a public holiday moves to the next working day: Reg. (EEC,
/// Euratom) 1182/71 art. 3(4); CPC art. 642). Saturates at the end of chrono's range.
#[must_use]
pub fn next_working_day(day: NaiveDate, alsace_moselle: bool) -> NaiveDate {
    let mut d = day;
    // At most a weekend and a few holidays in a row.
    for _ in 0..10 {
        if is_working_day(d, alsace_moselle) {
            return d;
        }
        match d.succ_opt() {
            Some(n) => d = n,
            None => return d,
        }
    }
    d
}

/// The day `months` months after `day`, the same date of that month or its last day
/// when the month is shorter (31 January + 1 month = 28 or 29 February): how a period
/// in months ends (Reg. 1182/71 art. 3(2)(c)). Saturates at the end of chrono's range.
#[must_use]
pub fn add_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn deadlines_move_to_the_next_working_day() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        // 31 January + 1 month: last day of February, 29 in a leap year.
        assert_eq!(add_months(d(2027, 1, 31), 1), d(2027, 2, 28));
        assert_eq!(add_months(d(2028, 1, 31), 1), d(2028, 2, 29));
        assert_eq!(add_months(d(2027, 3, 31), 1), d(2027, 4, 30));
        assert_eq!(add_months(d(2027, 1, 15), 3), d(2027, 4, 15));
        // Saturday 13 March 2027 → Monday 15; Wednesday 14 July 2027 → Thursday 15.
        assert_eq!(next_working_day(d(2027, 3, 13), false), d(2027, 3, 15));
        assert_eq!(next_working_day(d(2027, 7, 14), false), d(2027, 7, 15));
        assert_eq!(next_working_day(d(2027, 7, 13), false), d(2027, 7, 13));
        // Saturday 25 December 2027: Monday 27. Vendredi saint 2027 (26 March) is a
        // holiday in Alsace-Moselle only, then the weekend and Easter Monday.
        assert_eq!(next_working_day(d(2027, 12, 25), false), d(2027, 12, 27));
        assert_eq!(next_working_day(d(2027, 3, 26), true), d(2027, 3, 30));
        assert_eq!(next_working_day(d(2027, 3, 26), false), d(2027, 3, 26));
        assert_eq!(next_working_day(NaiveDate::MAX, false), NaiveDate::MAX);
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Day-by-day reference count, independent of the arithmetic on weeks.
    fn naive_count(from: NaiveDate, to: NaiveDate, am: bool, saturday: bool) -> u32 {
        let mut n = 0;
        let mut day = from;
        while day <= to {
            let wd = day.weekday();
            let counted = wd != Weekday::Sun && (saturday || wd != Weekday::Sat);
            if counted && !is_public_holiday(day, am) {
                n += 1;
            }
            day = day.succ_opt().unwrap();
        }
        n
    }

    #[test]
    fn easter_known_dates() {
        assert_eq!(easter(2000), d(2000, 4, 23));
        assert_eq!(easter(2008), d(2008, 3, 23));
        assert_eq!(easter(2011), d(2011, 4, 24));
        assert_eq!(easter(2024), d(2024, 3, 31));
        assert_eq!(easter(2025), d(2025, 4, 20));
        assert_eq!(easter(2026), d(2026, 4, 5));
        assert_eq!(easter(2027), d(2027, 3, 28));
        assert_eq!(easter(2038), d(2038, 4, 25));
    }

    #[test]
    fn easter_extremes() {
        // Earliest possible (22 March) and latest possible (25 April).
        assert_eq!(easter(1818), d(1818, 3, 22));
        assert_eq!(easter(2285), d(2285, 3, 22));
        assert_eq!(easter(1943), d(1943, 4, 25));
    }

    #[test]
    fn easter_is_always_a_sunday_between_22_march_and_25_april() {
        for y in 1583..=4100 {
            let e = easter(y);
            assert_eq!(e.weekday(), Weekday::Sun, "{y}");
            assert!(e >= d(y, 3, 22) && e <= d(y, 4, 25), "{y}");
        }
    }

    #[test]
    fn easter_out_of_range_saturates() {
        assert_eq!(easter(i32::MAX), NaiveDate::MAX);
        assert_eq!(easter(i32::MIN), NaiveDate::MIN);
    }

    #[test]
    fn holidays_2026() {
        let h = public_holidays(2026, false);
        let expected = vec![
            (d(2026, 1, 1), "Jour de l’an"),
            (d(2026, 4, 6), "Lundi de Pâques"),
            (d(2026, 5, 1), "Fête du Travail"),
            (d(2026, 5, 8), "Victoire 1945"),
            (d(2026, 5, 14), "Ascension"),
            (d(2026, 5, 25), "Lundi de Pentecôte"),
            (d(2026, 7, 14), "Fête nationale"),
            (d(2026, 8, 15), "Assomption"),
            (d(2026, 11, 1), "Toussaint"),
            (d(2026, 11, 11), "Armistice 1918"),
            (d(2026, 12, 25), "Noël"),
        ];
        assert_eq!(h, expected);
    }

    #[test]
    fn holidays_2026_alsace_moselle() {
        let h = public_holidays(2026, true);
        assert_eq!(h.len(), 13);
        assert_eq!(h[1], (d(2026, 4, 3), "Vendredi saint"));
        assert_eq!(h[2], (d(2026, 4, 6), "Lundi de Pâques"));
        assert_eq!(h[12], (d(2026, 12, 26), "Saint-Étienne"));
        assert!(h.windows(2).all(|w| w[0].0 <= w[1].0));
        // The national list is included.
        for x in public_holidays(2026, false) {
            assert!(h.contains(&x));
        }
    }

    #[test]
    fn holidays_2024_and_2025() {
        let h24 = public_holidays(2024, false);
        assert!(h24.contains(&(d(2024, 4, 1), "Lundi de Pâques")));
        assert!(h24.contains(&(d(2024, 5, 9), "Ascension")));
        assert!(h24.contains(&(d(2024, 5, 20), "Lundi de Pentecôte")));
        let h25 = public_holidays(2025, true);
        assert!(h25.contains(&(d(2025, 4, 18), "Vendredi saint")));
        assert!(h25.contains(&(d(2025, 4, 21), "Lundi de Pâques")));
        assert!(h25.contains(&(d(2025, 5, 29), "Ascension")));
        assert!(h25.contains(&(d(2025, 6, 9), "Lundi de Pentecôte")));
    }

    #[test]
    fn holidays_2008_ascension_on_labour_day() {
        // Easter 2008 = 23 March, so Ascension = 1 May: both names are listed.
        let h = public_holidays(2008, false);
        assert_eq!(h.len(), 11);
        assert_eq!(h[2], (d(2008, 5, 1), "Fête du Travail"));
        assert_eq!(h[3], (d(2008, 5, 1), "Ascension"));
        assert_eq!(h[4], (d(2008, 5, 8), "Victoire 1945"));
        assert_eq!(h[5], (d(2008, 5, 12), "Lundi de Pentecôte"));
    }

    #[test]
    fn is_public_holiday_cases() {
        assert!(is_public_holiday(d(2026, 5, 14), false));
        assert!(is_public_holiday(d(2026, 5, 25), false));
        assert!(is_public_holiday(d(2026, 7, 14), false));
        assert!(is_public_holiday(d(2026, 1, 1), false));
        assert!(!is_public_holiday(d(2026, 4, 5), false)); // Easter Sunday itself
        assert!(!is_public_holiday(d(2026, 5, 24), false)); // Pentecost Sunday
        assert!(!is_public_holiday(d(2026, 7, 13), false));
        assert!(!is_public_holiday(d(2026, 4, 3), false));
        assert!(is_public_holiday(d(2026, 4, 3), true));
        assert!(!is_public_holiday(d(2026, 12, 26), false));
        assert!(is_public_holiday(d(2026, 12, 26), true));
        assert!(!is_public_holiday(d(2026, 12, 24), true));
    }

    #[test]
    fn ouvrables_week_with_14_july() {
        // Mon 13 – Sun 19 July 2026, 14 July is a Tuesday: 6 − 1.
        assert_eq!(jours_ouvrables(d(2026, 7, 13), d(2026, 7, 19), false), 5);
        assert_eq!(jours_ouvres(d(2026, 7, 13), d(2026, 7, 19), false), 4);
    }

    #[test]
    fn ouvrables_two_weeks_of_august() {
        // Mon 3 – Sat 15 August 2026: 12 days Mon–Sat, Assomption on Saturday 15.
        assert_eq!(jours_ouvrables(d(2026, 8, 3), d(2026, 8, 15), false), 11);
        // Saturday does not count as ouvré anyway.
        assert_eq!(jours_ouvres(d(2026, 8, 3), d(2026, 8, 15), false), 10);
    }

    #[test]
    fn may_2026() {
        // 21 weekdays, holidays on Fri 1, Fri 8, Thu 14, Mon 25; 5 Saturdays.
        assert_eq!(jours_ouvres(d(2026, 5, 1), d(2026, 5, 31), false), 17);
        assert_eq!(jours_ouvrables(d(2026, 5, 1), d(2026, 5, 31), false), 22);
    }

    #[test]
    fn may_2008_coinciding_holidays_count_once() {
        // 22 weekdays; holidays Thu 1 (twice), Thu 8, Mon 12.
        assert_eq!(jours_ouvres(d(2008, 5, 1), d(2008, 5, 31), false), 19);
        assert_eq!(jours_ouvrables(d(2008, 5, 1), d(2008, 5, 31), false), 24);
    }

    #[test]
    fn april_2026_alsace_moselle() {
        // 22 weekdays, Easter Monday 6; Good Friday 3 in Alsace-Moselle.
        assert_eq!(jours_ouvres(d(2026, 4, 1), d(2026, 4, 30), false), 21);
        assert_eq!(jours_ouvres(d(2026, 4, 1), d(2026, 4, 30), true), 20);
        assert_eq!(jours_ouvrables(d(2026, 4, 1), d(2026, 4, 30), false), 25);
        assert_eq!(jours_ouvrables(d(2026, 4, 1), d(2026, 4, 30), true), 24);
    }

    #[test]
    fn december_2026_alsace_moselle() {
        // Saint-Étienne is Saturday 26: only the ouvrables change.
        assert_eq!(jours_ouvres(d(2026, 12, 1), d(2026, 12, 31), false), 22);
        assert_eq!(jours_ouvres(d(2026, 12, 1), d(2026, 12, 31), true), 22);
        assert_eq!(jours_ouvrables(d(2026, 12, 1), d(2026, 12, 31), false), 26);
        assert_eq!(jours_ouvrables(d(2026, 12, 1), d(2026, 12, 31), true), 25);
    }

    #[test]
    fn across_new_year() {
        // Mon 21 Dec 2026 – Sun 3 Jan 2027: Noël Fri 25, Jour de l’an Fri 1.
        assert_eq!(jours_ouvrables(d(2026, 12, 21), d(2027, 1, 3), false), 10);
        assert_eq!(jours_ouvrables(d(2026, 12, 21), d(2027, 1, 3), true), 9);
        assert_eq!(jours_ouvres(d(2026, 12, 21), d(2027, 1, 3), false), 8);
    }

    #[test]
    fn full_years() {
        // 2026 starts on a Thursday: 261 weekdays, 9 holidays on weekdays.
        assert_eq!(jours_ouvres(d(2026, 1, 1), d(2026, 12, 31), false), 252);
        assert_eq!(jours_ouvres(d(2026, 1, 1), d(2026, 12, 31), true), 251);
        assert_eq!(jours_ouvrables(d(2026, 1, 1), d(2026, 12, 31), false), 303);
        assert_eq!(jours_ouvrables(d(2026, 1, 1), d(2026, 12, 31), true), 301);
        // 2024 (leap year).
        assert_eq!(jours_ouvres(d(2024, 1, 1), d(2024, 12, 31), false), 252);
        assert_eq!(jours_ouvrables(d(2024, 1, 1), d(2024, 12, 31), false), 304);
        assert_eq!(jours_ouvrables(d(2024, 1, 1), d(2024, 12, 31), true), 302);
    }

    #[test]
    fn reference_periods_counts() {
        assert_eq!(jours_ouvrables(d(2025, 6, 1), d(2026, 5, 31), false), 300);
        assert_eq!(jours_ouvres(d(2025, 6, 1), d(2026, 5, 31), false), 249);
        assert_eq!(jours_ouvrables(d(2026, 6, 1), d(2027, 5, 31), false), 303);
        assert_eq!(jours_ouvres(d(2026, 6, 1), d(2027, 5, 31), true), 253);
    }

    #[test]
    fn multi_year_range() {
        assert_eq!(jours_ouvrables(d(2023, 3, 15), d(2029, 10, 2), false), 1982);
        assert_eq!(jours_ouvrables(d(2023, 3, 15), d(2029, 10, 2), true), 1970);
        assert_eq!(jours_ouvres(d(2023, 3, 15), d(2029, 10, 2), false), 1649);
        assert_eq!(jours_ouvres(d(2023, 3, 15), d(2029, 10, 2), true), 1638);
    }

    #[test]
    fn degenerate_ranges() {
        assert_eq!(jours_ouvrables(d(2026, 7, 20), d(2026, 7, 19), false), 0);
        assert_eq!(jours_ouvres(d(2026, 7, 20), d(2026, 7, 19), false), 0);
        // Single days: Sunday, holiday, Saturday, ordinary Monday.
        assert_eq!(jours_ouvrables(d(2026, 7, 19), d(2026, 7, 19), false), 0);
        assert_eq!(jours_ouvrables(d(2026, 7, 14), d(2026, 7, 14), false), 0);
        assert_eq!(jours_ouvrables(d(2026, 7, 18), d(2026, 7, 18), false), 1);
        assert_eq!(jours_ouvres(d(2026, 7, 18), d(2026, 7, 18), false), 0);
        assert_eq!(jours_ouvres(d(2026, 7, 20), d(2026, 7, 20), false), 1);
        // A holiday on Sunday (Toussaint 2026) changes nothing: Mon 26 Oct – Sun 1 Nov.
        assert_eq!(jours_ouvrables(d(2026, 10, 26), d(2026, 11, 1), false), 6);
    }

    #[test]
    fn counts_match_day_by_day_enumeration() {
        // Deterministic pseudo-random ranges over 2019–2032.
        let base = d(2019, 1, 1);
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let start = base + chrono::Days::new(seed % 4700);
            let to = start + chrono::Days::new((seed >> 20) % 800);
            for am in [false, true] {
                assert_eq!(
                    jours_ouvrables(start, to, am),
                    naive_count(start, to, am, true),
                    "{start}..{to} {am}"
                );
                assert_eq!(
                    jours_ouvres(start, to, am),
                    naive_count(start, to, am, false),
                    "{start}..{to} {am}"
                );
            }
        }
    }

    #[test]
    fn reference_period_boundaries() {
        let p2526 = (d(2025, 6, 1), d(2026, 5, 31));
        assert_eq!(reference_period(d(2025, 6, 1)), p2526);
        assert_eq!(reference_period(d(2025, 12, 31)), p2526);
        assert_eq!(reference_period(d(2026, 1, 1)), p2526);
        assert_eq!(reference_period(d(2026, 5, 31)), p2526);
        assert_eq!(
            reference_period(d(2026, 6, 1)),
            (d(2026, 6, 1), d(2027, 5, 31))
        );
        assert_eq!(
            reference_period(d(2025, 5, 31)),
            (d(2024, 6, 1), d(2025, 5, 31))
        );
    }

    #[test]
    fn reference_period_saturates_at_chrono_edges() {
        let (_, end) = reference_period(NaiveDate::MAX);
        assert_eq!(end, NaiveDate::MAX);
        let (start, _) = reference_period(NaiveDate::MIN);
        assert_eq!(start, NaiveDate::MIN);
    }

    #[test]
    fn reference_labels() {
        assert_eq!(reference_label(d(2025, 6, 1)), "2025-2026");
        assert_eq!(reference_label(d(2026, 6, 1)), "2026-2027");
        let (start, _) = reference_period(d(2027, 3, 10));
        assert_eq!(reference_label(start), "2026-2027");
    }

    #[test]
    fn month_bounds_cases() {
        assert_eq!(month_bounds(2026, 1), Some((d(2026, 1, 1), d(2026, 1, 31))));
        assert_eq!(month_bounds(2026, 2), Some((d(2026, 2, 1), d(2026, 2, 28))));
        assert_eq!(month_bounds(2024, 2), Some((d(2024, 2, 1), d(2024, 2, 29))));
        assert_eq!(month_bounds(2000, 2), Some((d(2000, 2, 1), d(2000, 2, 29))));
        assert_eq!(month_bounds(1900, 2), Some((d(1900, 2, 1), d(1900, 2, 28))));
        assert_eq!(month_bounds(2026, 4), Some((d(2026, 4, 1), d(2026, 4, 30))));
        assert_eq!(
            month_bounds(2026, 12),
            Some((d(2026, 12, 1), d(2026, 12, 31)))
        );
        assert_eq!(month_bounds(2026, 0), None);
        assert_eq!(month_bounds(2026, 13), None);
        assert_eq!(month_bounds(i32::MAX, 1), None);
        let (first, last) = month_bounds(2026, 7).unwrap();
        assert_eq!(last.day(), 31);
        assert_eq!(overlap_days(first, last, first, last), 31);
    }

    #[test]
    fn overlap_cases() {
        let (a1, a2) = (d(2026, 7, 10), d(2026, 7, 20));
        // Partial overlap.
        assert_eq!(overlap_days(a1, a2, d(2026, 7, 15), d(2026, 8, 1)), 6);
        assert_eq!(overlap_days(d(2026, 7, 15), d(2026, 8, 1), a1, a2), 6);
        // Containment.
        assert_eq!(overlap_days(a1, a2, d(2026, 7, 1), d(2026, 7, 31)), 11);
        assert_eq!(overlap_days(a1, a2, d(2026, 7, 12), d(2026, 7, 12)), 1);
        // Touching on one day.
        assert_eq!(overlap_days(a1, a2, d(2026, 7, 20), d(2026, 7, 25)), 1);
        // Disjoint.
        assert_eq!(overlap_days(a1, a2, d(2026, 7, 21), d(2026, 7, 25)), 0);
        assert_eq!(overlap_days(a1, a2, d(2026, 6, 1), d(2026, 7, 9)), 0);
        // Empty interval.
        assert_eq!(overlap_days(a2, a1, d(2026, 7, 1), d(2026, 7, 31)), 0);
        // Across a leap February.
        assert_eq!(
            overlap_days(
                d(2024, 2, 20),
                d(2024, 3, 5),
                d(2024, 1, 1),
                d(2024, 12, 31)
            ),
            15
        );
    }

    #[test]
    fn quarters() {
        let expected = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4];
        for (m, q) in (1..=12).zip(expected) {
            assert_eq!(quarter(m), q, "month {m}");
        }
        assert_eq!(quarter(0), 1);
        assert_eq!(quarter(13), 4);
    }
}
