//! The register's exports: the register as it stood at a date ("registre à date") as a
//! PDF to hand to the CNIL and as an XLSX to sort and filter, and one activity's sheet
//! as a PDF. What they show is gathered once ([`load`]) into plain values, laid out by
//! [`pdf`] (through `mutualis_core::documents`) and [`xlsx`] (rust_xlsxwriter); the
//! French wording of every field is here, shared by both.
//!
//! "À date" means: the activities that existed at the end of that day (Europe/Paris),
//! each in the version recorded by then, archived ones absent
//! (`activities::register_at`); the DPO's check and recommendations only when made by
//! then; the member's processors recorded by then. A date after today is refused: a
//! register cannot show a state that does not exist yet.
use chrono::{DateTime, NaiveDate, Utc};
use mutualis_core::{
    error::{AppError, AppResult},
    time::{fr_date, paris_today},
};
use uuid::Uuid;

use crate::{
    activities::{ActivityFields, Retention},
    codes::{self, Code},
};

pub mod load;
pub mod pdf;
pub mod sections;
#[cfg(test)]
mod tests;
pub mod xlsx;

/// The document's title.
pub const TITLE: &str = "Registre des activités de traitement";

/// The title of one activity's sheet.
pub const SHEET_TITLE: &str = "Fiche de traitement";

/// The legal basis, printed under the title.
pub const LEGAL_NOTICE: &str = "Article 30.1 du règlement (UE) 2016/679 (RGPD) — registre tenu par le responsable de traitement, communiqué à la CNIL sur demande.";

/// Said of an empty field: the register shows that it is missing rather than hiding it.
pub const BLANK: &str = "Non renseigné";

/// Said when the register has no activity at the date.
pub const EMPTY: &str = "Aucun traitement inscrit au registre à cette date.";

/// The member, as the cover names it.
#[derive(Debug, Clone, Default)]
pub struct MemberFacts {
    pub slug: String,
    pub name: String,
    pub siren: String,
    pub address: String,
    pub finess: Option<String>,
}

/// The DPO's check of an activity, when made by the register's date.
#[derive(Debug, Clone)]
pub struct DpoCheck {
    pub by: String,
    pub at: DateTime<Utc>,
    pub recommendations: Option<String>,
}

/// One recorded version of an activity (the history of one activity's sheet).
#[derive(Debug, Clone)]
pub struct VersionLine {
    pub version: i32,
    pub status: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// One activity as the export shows it.
#[derive(Debug, Clone)]
pub struct ActivitySheet {
    pub id: Uuid,
    pub version: i32,
    pub status: String,
    /// When this version was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When the activity entered the register.
    pub created_at: DateTime<Utc>,
    pub fields: ActivityFields,
    pub dpia_required: bool,
    /// `required` / `not_required` when the EDPB criteria were overridden.
    pub dpia_override: Option<String>,
    pub dpia_override_reason: Option<String>,
    pub check: Option<DpoCheck>,
    /// When it was archived (one activity's sheet; never in a register at a date).
    pub archived_at: Option<DateTime<Utc>>,
    /// Every version, oldest first (one activity's sheet; empty in the register).
    pub history: Vec<VersionLine>,
}

/// A processor of the member (Art. 28).
#[derive(Debug, Clone, Default)]
pub struct ProcessorLine {
    pub name: String,
    pub service: String,
    pub country: String,
    pub art28_clauses: bool,
    pub contract_document: Option<String>,
    pub guarantees: Option<String>,
    pub own_register: bool,
    pub transfers: Option<String>,
    pub dpo_contact: Option<String>,
    pub expires_on: Option<NaiveDate>,
    pub recorded_on: NaiveDate,
}

/// A service the cooperative runs for the member as its processor (Art. 30(2)).
#[derive(Debug, Clone, Default)]
pub struct CoopService {
    pub name: String,
    pub purposes: String,
    pub data_categories: String,
    pub subprocessors: Option<String>,
    pub transfers: Option<String>,
    pub security: Option<String>,
}

/// The register at a date, ready to lay out.
#[derive(Debug, Clone)]
pub struct RegisterDoc {
    pub member: MemberFacts,
    pub at: NaiveDate,
    /// "07/12/2026 à 10:15", already formatted.
    pub generated_at: String,
    /// The member's DPOs, "Name (e-mail)".
    pub dpos: Vec<String>,
    /// By name.
    pub activities: Vec<ActivitySheet>,
    pub processors: Vec<ProcessorLine>,
    pub coop_services: Vec<CoopService>,
}

/// One activity's sheet, ready to lay out: the activity as it stands today.
#[derive(Debug, Clone)]
pub struct ActivityDoc {
    pub member: MemberFacts,
    pub generated_at: String,
    pub dpos: Vec<String>,
    pub activity: ActivitySheet,
}

/// The date of a register export: `date` (today when absent) must not be after today.
///
/// # Errors
/// 422 on `date`.
pub fn export_date(date: NaiveDate, today: NaiveDate) -> AppResult<NaiveDate> {
    if date > today {
        return Err(AppError::field(
            "date",
            format!(
                "Le registre à date se consulte pour aujourd’hui ou une date passée, pas le {}.",
                fr_date(date)
            ),
        ));
    }
    Ok(date)
}

/// Today's date for an export (Europe/Paris).
#[must_use]
pub fn today() -> NaiveDate {
    paris_today()
}

/// `registre-rgpd-tilleuls-2026-12-07.pdf`
#[must_use]
pub fn register_file_name(slug: &str, at: NaiveDate, ext: &str) -> String {
    format!("registre-rgpd-{}-{at}.{ext}", ascii_slug(slug, 40))
}

/// `traitement-rgpd-tilleuls-dossier-de-l-usager-2026-12-07.pdf`
#[must_use]
pub fn activity_file_name(slug: &str, name: &str, at: NaiveDate) -> String {
    let name = ascii_slug(name, 60);
    let name = if name.is_empty() {
        "traitement".to_string()
    } else {
        name
    };
    format!("traitement-rgpd-{}-{name}-{at}.pdf", ascii_slug(slug, 40))
}

/// Lower-case ASCII letters and digits separated by single hyphens, French accents
/// folded (`Dossier de l’usager` → `dossier-de-l-usager`), at most `max` characters:
/// a file name any system and any `Content-Disposition` header accepts.
#[must_use]
pub fn ascii_slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
            'ç' => "c",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' | 'ì' => "i",
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ÿ' => "y",
            'ñ' => "n",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        if folded == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(folded);
        }
    }
    let mut cut: String = out.chars().take(max).collect();
    while cut.ends_with('-') {
        cut.pop();
    }
    cut
}

/// `123 456 789` (no-break spaces) for a nine-digit SIREN; anything else as given.
#[must_use]
pub fn fr_siren(siren: &str) -> String {
    let digits: String = siren.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 9 && digits.chars().all(|c| c.is_ascii_digit()) {
        format!(
            "{}\u{a0}{}\u{a0}{}",
            &digits[..3],
            &digits[3..6],
            &digits[6..]
        )
    } else {
        siren.trim().to_string()
    }
}

/// `text` trimmed, or [`BLANK`].
#[must_use]
pub fn or_blank(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        BLANK.to_string()
    } else {
        t.to_string()
    }
}

/// An optional text trimmed, or [`BLANK`].
#[must_use]
pub fn opt_or_blank(text: Option<&str>) -> String {
    or_blank(text.unwrap_or_default())
}

/// `Oui` / `Non`.
#[must_use]
pub const fn yes_no(b: bool) -> &'static str {
    if b { "Oui" } else { "Non" }
}

/// The French labels of `values` in `list` (an unknown code shown as typed).
#[must_use]
pub fn labels<const N: usize>(list: &[Code; N], values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            if codes::known(list, v) {
                codes::label(list, v).to_string()
            } else {
                v.trim().to_string()
            }
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// Labels joined by `separator`, or `empty` when there is none.
#[must_use]
pub fn joined(labels: &[String], separator: &str, empty: &str) -> String {
    if labels.is_empty() {
        empty.to_string()
    } else {
        labels.join(separator)
    }
}

/// The organisation's role.
#[must_use]
pub fn role_label(role: &str) -> String {
    if role.trim().is_empty() {
        BLANK.to_string()
    } else {
        codes::label(&codes::ROLES, role).to_string()
    }
}

/// The Art. 9(2) condition, or why there is none.
#[must_use]
pub fn art9_label(f: &ActivityFields) -> String {
    match f.art9_condition.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => codes::label(&codes::ART9_CONDITIONS, c).to_string(),
        _ => "Sans objet (aucune donnée sensible déclarée)".to_string(),
    }
}

/// The legal basis of the NIR's use, or why there is none.
#[must_use]
pub fn nir_label(f: &ActivityFields) -> String {
    if f.nir_basis.trim().is_empty() {
        if f.data_categories.iter().any(|d| d == "nir") {
            BLANK.to_string()
        } else {
            "Sans objet (NIR non traité)".to_string()
        }
    } else {
        f.nir_basis.trim().to_string()
    }
}

/// A retention row's category: the label of a data category code, or the text typed.
#[must_use]
pub fn retention_category(r: &Retention) -> String {
    if codes::known(&codes::DATA_CATEGORIES, r.category.trim()) {
        codes::label(&codes::DATA_CATEGORIES, r.category.trim()).to_string()
    } else {
        r.category.trim().to_string()
    }
}

/// A retention row's final fate.
#[must_use]
pub fn fate_label(r: &Retention) -> String {
    if r.final_fate.trim().is_empty() {
        BLANK.to_string()
    } else {
        codes::label(&codes::FINAL_FATES, r.final_fate.trim()).to_string()
    }
}

/// The DPIA's answer: « Oui » or « Non ».
#[must_use]
pub const fn dpia_label(a: &ActivitySheet) -> &'static str {
    yes_no(a.dpia_required)
}

/// How the DPIA answer was reached: by the EDPB criteria, or by a reasoned decision.
#[must_use]
pub fn dpia_basis(a: &ActivitySheet) -> String {
    let n = a.fields.dpia_criteria.len();
    let criteria = match n {
        0 => "aucun critère du CEPD rempli".to_string(),
        1 => "1 critère du CEPD rempli".to_string(),
        n => format!("{n} critères du CEPD remplis"),
    };
    match a.dpia_override.as_deref() {
        Some(o) => {
            let decision = if o == "required" {
                "AIPD imposée par décision motivée"
            } else {
                "AIPD écartée par décision motivée"
            };
            let reason = a
                .dpia_override_reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| format!(" — motif : {r}"))
                .unwrap_or_default();
            format!("{decision} ({criteria}){reason}")
        }
        None => format!("Selon les critères ({criteria} ; deux ou plus imposent une AIPD)"),
    }
}

/// The French label of a status.
#[must_use]
pub fn status_label(status: &str) -> &'static str {
    codes::label(&codes::STATUSES, status)
}

/// `Aucun traitement`, `1 traitement`, `3 traitements`.
#[must_use]
pub fn count_label(n: usize) -> String {
    match n {
        0 => "Aucun traitement".to_string(),
        1 => "1 traitement".to_string(),
        n => format!("{n} traitements"),
    }
}

/// `30/06/2027`, `30/06/2025 (échue)` when the expiry is before `at`.
#[must_use]
pub fn expiry_label(expires_on: Option<NaiveDate>, at: NaiveDate) -> String {
    match expires_on {
        None => BLANK.to_string(),
        Some(d) if d < at => format!("{} (échue)", fr_date(d)),
        Some(d) => fr_date(d),
    }
}

/// The instant's date in Europe/Paris.
#[must_use]
pub fn paris_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Paris).date_naive()
}
