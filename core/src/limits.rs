//! Bounds on what people type, declared once: the length of each kind of text field, the
//! plausible window of each kind of date, and the signs no identifier carries. Forms, the
//! API and spreadsheet imports check their fields through [`Check`], so a name of 100,000
//! characters, an entry in year 0 or a sick note to 9999-12-31 are refused with a French
//! message naming the field, wherever they come from.
use chrono::{Datelike, Months, NaiveDate};

use crate::{error::FieldError, time::fr_date};

/// The longest text any field of any body may carry: the input guard refuses a longer
/// string in any JSON or form body, whatever the route (long free text included).
pub const MAX_ANY_TEXT: usize = 20_000;

/// Kinds of text fields, each with its maximum length in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// A short code or identifier typed by people (matricule, reference): 20.
    Code,
    /// A person's first or last name, a nationality, a short label: 100.
    Name,
    /// A title or label (an organisation, a position, a skill, a training): 200.
    Title,
    /// A short text (an address on a few lines, a reason): 300.
    Short,
    /// A comment or a note: 5,000.
    Note,
    /// Long free text (a description, the purposes of a processing activity): 20,000.
    Long,
}

impl Text {
    /// The maximum length in characters.
    #[must_use]
    pub const fn max(self) -> usize {
        match self {
            Self::Code => 20,
            Self::Name => 100,
            Self::Title => 200,
            Self::Short => 300,
            Self::Note => 5_000,
            Self::Long => MAX_ANY_TEXT,
        }
    }

    /// Whether the field is an identifier: letters, digits and simple punctuation only,
    /// no control, invisible or bidi sign (`🦀CDI`, a zero-width space).
    const fn identifier(self) -> bool {
        matches!(self, Self::Code)
    }
}

/// True for a sign no identifier carries: anything but letters, digits, spaces and
/// `- _ . / ' + ( ) & #`.
fn foreign_in_identifier(c: char) -> bool {
    !(c.is_alphanumeric()
        || matches!(
            c,
            ' ' | '-' | '_' | '.' | '/' | '\'' | '’' | '+' | '(' | ')' | '&' | '#'
        ))
}

/// True for a sign no text typed by a person carries: controls (tabs and line breaks
/// aside), bidi overrides and isolates, zero-width and other invisible format signs.
#[must_use]
pub fn is_invisible(c: char) -> bool {
    crate::web::guard::is_forbidden(c)
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}'
        )
}

/// Checks a text of `kind`, trimmed: `Ok(None)` when empty.
///
/// # Errors
/// The French reason (without the field's label): too long, a forbidden sign.
pub fn text(raw: &str, kind: Text) -> Result<Option<String>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let n = t.chars().count();
    if n > kind.max() {
        return Err(format!(
            "{} caractères au plus ({} saisis).",
            fr_count(kind.max()),
            fr_count(n)
        ));
    }
    if t.chars().any(is_invisible) {
        return Err("contient un caractère invisible ou de contrôle.".to_string());
    }
    if kind.identifier() && t.chars().any(|c| foreign_in_identifier(c) || c == '\n') {
        return Err("lettres, chiffres et ponctuation simple seulement.".to_string());
    }
    if matches!(kind, Text::Code | Text::Name | Text::Title) && t.contains(['\n', '\r']) {
        return Err("une seule ligne est attendue.".to_string());
    }
    Ok(Some(t.to_string()))
}

/// `20 000` (narrow no-break space between thousands).
fn fr_count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// Kinds of dates, each with its plausible window around today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dates {
    /// A date of birth: from 1900 to today.
    Birth,
    /// An entry, a contract start, an amendment: from 1950 to one year ahead.
    Hiring,
    /// A contract's end, a trial period's end, an exit: from 1950 to six years ahead.
    ContractEnd,
    /// An absence or a leave: from five years back to two years ahead.
    Absence,
    /// Something that happened or is planned soon (a training, an interview, an
    /// assessment, a payment): from 1950 to one year ahead.
    Event,
    /// An expiry (a work permit, a certificate): from 1950 to thirty years ahead.
    Expiry,
    /// A date of the cooperative's records (a period, an invoice, a dated setting): from
    /// 2000 to five years ahead.
    Record,
}

impl Dates {
    /// The first and last plausible dates, seen from `today`.
    #[must_use]
    pub fn window(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let ymd = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
        let ahead = |years: u32| {
            today
                .checked_add_months(Months::new(12 * years))
                .unwrap_or(NaiveDate::MAX)
        };
        let back = |years: u32| {
            today
                .checked_sub_months(Months::new(12 * years))
                .unwrap_or(NaiveDate::MIN)
        };
        match self {
            Self::Birth => (ymd(1900), today),
            Self::Hiring | Self::Event => (ymd(1950), ahead(1)),
            Self::ContractEnd => (ymd(1950), ahead(6)),
            Self::Absence => (back(5), ahead(2)),
            Self::Expiry => (ymd(1950), ahead(30)),
            Self::Record => (ymd(2000), ahead(5)),
        }
    }

    /// Checks that `d` lies in the window.
    ///
    /// # Errors
    /// The French reason, with the window's dates.
    pub fn check(self, d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, String> {
        let (from, to) = self.window(today);
        if d < from || d > to {
            return Err(format!(
                "date hors des limites plausibles (du {} au {}).",
                fr_date(from),
                fr_date(to)
            ));
        }
        Ok(d)
    }
}

/// Parses a date typed `AAAA-MM-JJ` or `JJ/MM/AAAA` (years of four digits).
#[must_use]
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let d = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .ok()?;
    (1000..=9999).contains(&d.year()).then_some(d)
}

/// Collects the errors of a form, field by field, each checked against its declared
/// bound. Build the valid value when [`Check::finish`] finds no error.
#[derive(Debug)]
pub struct Check {
    errors: Vec<FieldError>,
    today: NaiveDate,
}

impl Default for Check {
    fn default() -> Self {
        Self::new()
    }
}

impl Check {
    /// Dates are checked against today in Europe/Paris.
    #[must_use]
    pub fn new() -> Self {
        Self::at(crate::time::paris_today())
    }

    /// Dates are checked against `today` (tests, imports of a given day).
    #[must_use]
    pub const fn at(today: NaiveDate) -> Self {
        Self {
            errors: Vec::new(),
            today,
        }
    }

    /// The day the windows are seen from.
    #[must_use]
    pub const fn today(&self) -> NaiveDate {
        self.today
    }

    /// Records an error on `field`.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Whether `field` already has an error.
    #[must_use]
    pub fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// Whether any error was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// An optional text of `kind` (`label` names it in French: « Le nom »).
    pub fn optional_text(
        &mut self,
        field: &str,
        label: &str,
        raw: &str,
        kind: Text,
    ) -> Option<String> {
        text(raw, kind)
            .map_err(|m| self.error(field, format!("{label} : {m}")))
            .ok()
            .flatten()
    }

    /// A required text of `kind`; `missing` is the French message when it is empty.
    pub fn text(
        &mut self,
        field: &str,
        label: &str,
        raw: &str,
        kind: Text,
        missing: &str,
    ) -> String {
        match text(raw, kind) {
            Ok(Some(t)) => t,
            Ok(None) => {
                self.error(field, missing);
                String::new()
            }
            Err(m) => {
                self.error(field, format!("{label} : {m}"));
                String::new()
            }
        }
    }

    /// An optional date in the window of `kind`.
    pub fn optional_date(
        &mut self,
        field: &str,
        label: &str,
        raw: &str,
        kind: Dates,
    ) -> Option<NaiveDate> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let Some(d) = parse_date(raw) else {
            let shown: String = raw.chars().take(40).collect();
            self.error(
                field,
                format!("{label} : date « {shown} » invalide (JJ/MM/AAAA)."),
            );
            return None;
        };
        kind.check(d, self.today)
            .map_err(|m| self.error(field, format!("{label} : {m}")))
            .ok()
    }

    /// A required date in the window of `kind`; `missing` when it is empty.
    pub fn date(
        &mut self,
        field: &str,
        label: &str,
        raw: &str,
        kind: Dates,
        missing: &str,
    ) -> Option<NaiveDate> {
        if raw.trim().is_empty() {
            self.error(field, missing);
            return None;
        }
        self.optional_date(field, label, raw, kind)
    }

    /// Records an error on `field` when `later` precedes `earlier`.
    pub fn not_before(
        &mut self,
        field: &str,
        later: Option<NaiveDate>,
        earlier: Option<NaiveDate>,
        message: &str,
    ) {
        if let (Some(l), Some(e)) = (later, earlier)
            && l < e
        {
            self.error(field, message);
        }
    }

    /// The errors, or the value `build` makes when there are none.
    ///
    /// # Errors
    /// Every error recorded, in the order of the fields.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty()
            && let Some(v) = build()
        {
            return Ok(v);
        }
        Err(self.errors)
    }

    /// The errors recorded so far (to merge with errors found elsewhere).
    #[must_use]
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn texts_are_trimmed_bounded_and_free_of_invisible_signs() {
        assert_eq!(text("  Dupont ", Text::Name), Ok(Some("Dupont".into())));
        assert_eq!(text("   ", Text::Name), Ok(None));
        let long = "a".repeat(101);
        let e = text(&long, Text::Name).unwrap_err();
        assert!(e.contains("100 caractères au plus (101 saisis)"), "{e}");
        assert!(text(&"a".repeat(100_000), Text::Long).is_err());
        assert!(text("Du\u{200b}pont", Text::Name).is_err());
        assert!(text("Du\u{202e}pont", Text::Name).is_err());
        assert!(text("Dupont\nMartin", Text::Name).is_err());
        assert!(text("ligne 1\nligne 2", Text::Note).is_ok());
        assert!(text("🦀CDI", Text::Code).is_err());
        assert!(text("M-0042/B", Text::Code).is_ok());
        assert_eq!(fr_count(20_000), "20\u{202f}000");
        assert_eq!(fr_count(5), "5");
    }

    #[test]
    fn dates_are_read_in_both_writings_and_kept_in_their_window() {
        let today = day(2026, 12, 7);
        assert_eq!(parse_date("2026-03-31"), Some(day(2026, 3, 31)));
        assert_eq!(parse_date("31/03/2026"), Some(day(2026, 3, 31)));
        assert_eq!(parse_date("0000-01-01"), None);
        assert_eq!(parse_date("31/02/2026"), None);
        assert!(Dates::Hiring.check(day(9999, 12, 31), today).is_err());
        assert!(Dates::Hiring.check(day(1, 1, 1), today).is_err());
        assert!(Dates::Hiring.check(day(2027, 12, 7), today).is_ok());
        assert!(Dates::Hiring.check(day(2027, 12, 8), today).is_err());
        assert!(Dates::Birth.check(day(2026, 12, 8), today).is_err());
        assert!(Dates::Absence.check(day(2021, 12, 7), today).is_ok());
        assert!(Dates::Absence.check(day(2021, 12, 6), today).is_err());
        let e = Dates::Absence.check(day(9999, 12, 31), today).unwrap_err();
        assert!(e.contains("07/12/2028"), "{e}");
    }

    #[test]
    fn a_check_names_each_field_and_builds_only_when_all_are_valid() {
        let mut c = Check::at(day(2026, 12, 7));
        let name = c.text(
            "last_name",
            "Le nom",
            "",
            Text::Name,
            "Le nom est obligatoire.",
        );
        let entry = c.date(
            "entry_date",
            "La date d’entrée",
            "9999-12-31",
            Dates::Hiring,
            "La date d’entrée est obligatoire.",
        );
        let errors = c.finish(|| entry.map(|e| (name, e))).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["last_name", "entry_date"]);
        assert!(
            errors[1]
                .message
                .starts_with("La date d’entrée : date hors")
        );
        let mut c = Check::at(day(2026, 12, 7));
        let start = c.date("s", "Début", "01/03/2026", Dates::Absence, "");
        let end = c.date("e", "Fin", "2026-02-01", Dates::Absence, "");
        c.not_before("e", end, start, "La fin précède le début.");
        assert!(c.has_error("e"));
    }

    proptest! {
        #[test]
        fn any_text_and_date_is_answered(raw in "\\PC{0,60}") {
            let _ = text(&raw, Text::Code);
            let _ = text(&raw, Text::Note);
            if let Some(d) = parse_date(&raw) {
                let _ = Dates::Absence.check(d, day(2026, 12, 7));
            }
            let mut c = Check::at(day(2026, 12, 7));
            let _ = c.optional_date("d", "La date", &raw, Dates::Expiry);
        }

        #[test]
        fn dates_round_trip_in_both_writings(n in 0i64..3_000_000) {
            let d = day(1000, 1, 1) + chrono::Duration::days(n);
            if d.year() <= 9999 {
                prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Some(d));
                prop_assert_eq!(parse_date(&d.format("%d/%m/%Y").to_string()), Some(d));
            }
        }
    }
}
