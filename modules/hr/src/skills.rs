//! Skills and training (GPEC): the member's skill catalogue, each employee's assessed
//! levels, training records with their certificates, and the professional interviews
//! with their schedule and reminders.
//!
//! Rules (pure functions, unit-tested):
//! - Entretien de parcours professionnel (loi 2025-989): the first within
//!   `first_interview_months` of entry (12), then every `interview_every_years` (4)
//!   after the last interview held (a review counts: it is an interview too).
//! - Bilan (état des lieux récapitulatif): every `review_every_years` (8) after entry.
//!   A review held answers the due date nearest to it (so one held a little early or
//!   late still counts); the next one is the following due date. When the review falls
//!   due first, it is the interview to plan; when a parcours interview falls due within
//!   the reminder period before it, one interview does both, by the parcours' date.
//! - A period of 0 in the settings turns that reminder off.
//! - Status of a due date: overdue before today, due soon within `reminder_days` (60),
//!   otherwise fine. Certificates the same way: expired, expiring soon, valid; a
//!   certificate renewed by a later training (same name) is no longer reminded.
//! - Employees who have left are not in the lists, nor is a date after their exit.
use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, Utc};
use mutualis_core::{
    audit,
    db::begin_write,
    error::{AppError, AppResult, FieldError, is_unique_violation},
    ids::new_id,
    scope::Scope,
    tenant::{MemberOwned, Tenant},
    time::{fr_date, paris_today},
};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    contracts::{normalize, parse_date, parse_hours},
    entities::{
        hr_employee_skills, hr_employees, hr_interviews, hr_settings, hr_skills, hr_trainings,
    },
};

/// Skill levels: 1 to 4, with their French labels.
pub const LEVELS: [(i32, &str); 4] = [
    (1, "Notions"),
    (2, "Opérationnel"),
    (3, "Maîtrise"),
    (4, "Expert"),
];

/// The French label of a level (`—` for a value out of range).
#[must_use]
pub fn level_label(level: i32) -> &'static str {
    LEVELS
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("—", |(_, label)| label)
}

/// The two kinds of professional interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InterviewKind {
    /// Entretien de parcours professionnel (within year one, then every 4 years).
    Parcours,
    /// Bilan: the état des lieux récapitulatif every 8 years.
    Bilan,
}

impl InterviewKind {
    /// Both kinds, in the order forms offer them.
    pub const ALL: [Self; 2] = [Self::Parcours, Self::Bilan];

    /// The code stored in `hr_interviews.kind`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parcours => "parcours",
            Self::Bilan => "bilan",
        }
    }

    /// The French label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Parcours => "Entretien de parcours professionnel",
            Self::Bilan => "Bilan à 8 ans (état des lieux récapitulatif)",
        }
    }

    /// Reads a stored code.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "parcours" => Some(Self::Parcours),
            "bilan" => Some(Self::Bilan),
            _ => None,
        }
    }
}

/// The interview schedule of a member (from its HR settings); a period of 0 turns that
/// reminder off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub first_interview_months: u32,
    pub interview_every_years: u32,
    pub review_every_years: u32,
    pub reminder_days: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            first_interview_months: 12,
            interview_every_years: 4,
            review_every_years: 8,
            reminder_days: 60,
        }
    }
}

impl From<&hr_settings::Model> for Schedule {
    fn from(s: &hr_settings::Model) -> Self {
        let n = |v: i32| u32::try_from(v).unwrap_or(0);
        Self {
            first_interview_months: n(s.first_interview_months),
            interview_every_years: n(s.interview_every_years),
            review_every_years: n(s.review_every_years),
            reminder_days: n(s.reminder_days),
        }
    }
}

/// The next interview to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub kind: InterviewKind,
    pub due: NaiveDate,
}

fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Whole months from `from` to `to` (negative when `to` is earlier).
fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let m =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() { m - 1 } else { m }
}

/// The next professional interview of an employee who entered on `entry`, given the
/// interviews held (kind, date): the earliest of the next parcours interview and the
/// next review. The review takes precedence when due first, and also when the parcours
/// falls due within the reminder period before it: one interview then does both, by
/// the parcours' date. `None` when the schedule turns both off.
#[must_use]
pub fn next_interview(
    entry: NaiveDate,
    held: &[(InterviewKind, NaiveDate)],
    s: &Schedule,
) -> Option<Due> {
    let last = held.iter().map(|(_, d)| *d).max();
    let parcours = match last {
        None if s.first_interview_months > 0 => Some(add_months(entry, s.first_interview_months)),
        Some(d) if s.interview_every_years > 0 => {
            Some(add_months(d, s.interview_every_years.saturating_mul(12)))
        }
        _ => None,
    };
    let bilan = (s.review_every_years > 0).then(|| {
        let cycle = i64::from(s.review_every_years) * 12;
        // Each review held answers the due date nearest to it (the first at least).
        let answered = held
            .iter()
            .filter(|(k, _)| *k == InterviewKind::Bilan)
            .map(|(_, d)| ((months_between(entry, *d) + cycle / 2) / cycle).max(1))
            .max()
            .unwrap_or(0);
        let months = (answered + 1).saturating_mul(cycle);
        add_months(entry, u32::try_from(months).unwrap_or(u32::MAX))
    });
    match (parcours, bilan) {
        // The parcours interview comes first, well before the review.
        (Some(p), Some(b)) if (b - p).num_days() > i64::from(s.reminder_days) => Some(Due {
            kind: InterviewKind::Parcours,
            due: p,
        }),
        // The review comes first, or so soon after the parcours that one interview
        // does both: held by the earlier date.
        (Some(p), Some(b)) => Some(Due {
            kind: InterviewKind::Bilan,
            due: p.min(b),
        }),
        (None, Some(b)) => Some(Due {
            kind: InterviewKind::Bilan,
            due: b,
        }),
        (Some(p), None) => Some(Due {
            kind: InterviewKind::Parcours,
            due: p,
        }),
        (None, None) => None,
    }
}

/// Where a due date (or a certificate's expiry) stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The date is past (a certificate: expired).
    Overdue,
    /// Within the reminder period, today included.
    DueSoon,
    Ok,
}

impl Status {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::DueSoon => "due_soon",
            Self::Ok => "ok",
        }
    }
}

/// `overdue` when `due` is before today, `due_soon` when it falls within
/// `reminder_days` from today, `ok` otherwise.
#[must_use]
pub fn status(due: NaiveDate, today: NaiveDate, reminder_days: u32) -> Status {
    if due < today {
        Status::Overdue
    } else if (due - today).num_days() <= i64::from(reminder_days) {
        Status::DueSoon
    } else {
        Status::Ok
    }
}

/// A certificate's state: `expiré` (overdue), `expire bientôt` (within the reminder
/// period) or valid.
#[must_use]
pub fn certificate_status(expiry: NaiveDate, today: NaiveDate, reminder_days: u32) -> Status {
    status(expiry, today, reminder_days)
}

/// The French words for a certificate's state.
#[must_use]
pub fn certificate_label(s: Status) -> &'static str {
    match s {
        Status::Overdue => "expiré",
        Status::DueSoon => "expire bientôt",
        Status::Ok => "valide",
    }
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

/// Whether an employee is still in post on `today`.
#[must_use]
pub fn in_post(e: &hr_employees::Model, today: NaiveDate) -> bool {
    e.exit_date.is_none_or(|d| d > today)
}

/// The trainings whose certificate is current: for each employee and certificate name
/// (accents and case ignored), the one with the latest expiry.
#[must_use]
pub fn current_certificates(trainings: &[hr_trainings::Model]) -> Vec<&hr_trainings::Model> {
    let mut latest: HashMap<(Uuid, String), &hr_trainings::Model> = HashMap::new();
    for t in trainings {
        let (Some(name), Some(expiry)) = (&t.certificate, t.certificate_expiry) else {
            continue;
        };
        let key = (t.employee_id, normalize(name));
        match latest.get(&key) {
            Some(seen) if seen.certificate_expiry >= Some(expiry) => {}
            _ => {
                latest.insert(key, t);
            }
        }
    }
    let mut out: Vec<_> = latest.into_values().collect();
    out.sort_by_key(|t| (t.certificate_expiry, t.employee_id));
    out
}

// ---------------------------------------------------------------------------------
// Inputs and their validation

/// A skill of the catalogue, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SkillInput {
    pub name: String,
    pub category: String,
}

/// An employee's level in a skill, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LevelInput {
    pub skill_id: String,
    pub level: String,
    /// `AAAA-MM-JJ` or `JJ/MM/AAAA`.
    pub assessed_on: String,
}

/// A training record, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TrainingInput {
    pub title: String,
    pub provider: String,
    pub start_date: String,
    pub end_date: String,
    /// Hours, `14` or `10,5`.
    pub hours: String,
    pub certificate: String,
    pub certificate_expiry: String,
}

/// An interview held, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct InterviewInput {
    /// `parcours` or `bilan`.
    pub kind: String,
    pub held_on: String,
    pub notes: String,
}

fn optional(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn too_long(raw: &str, max: usize) -> bool {
    raw.chars().count() > max
}

/// A validated training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTraining {
    pub title: String,
    pub provider: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub hours: Option<Decimal>,
    pub certificate: Option<String>,
    pub certificate_expiry: Option<NaiveDate>,
}

impl SkillInput {
    /// The name is required (100 characters at most), the category optional (60).
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self) -> Result<(String, Option<String>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new(
                "name",
                "Le nom de la compétence est obligatoire.",
            ));
        } else if too_long(&name, 100) {
            errors.push(FieldError::new(
                "name",
                "Le nom de la compétence fait 100 caractères au plus.",
            ));
        }
        let category = optional(&self.category);
        if category.as_deref().is_some_and(|c| too_long(c, 60)) {
            errors.push(FieldError::new(
                "category",
                "La catégorie fait 60 caractères au plus.",
            ));
        }
        if errors.is_empty() {
            Ok((name, category))
        } else {
            Err(errors)
        }
    }
}

impl LevelInput {
    /// A skill chosen, a level from 1 to 4, an assessment date not after today.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self, today: NaiveDate) -> Result<(Uuid, i32, NaiveDate), Vec<FieldError>> {
        let mut errors = Vec::new();
        let skill = Uuid::parse_str(self.skill_id.trim()).ok();
        if skill.is_none() {
            errors.push(FieldError::new(
                "skill_id",
                "Choisissez une compétence du catalogue.",
            ));
        }
        let level = self
            .level
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|l| (1..=4).contains(l));
        if level.is_none() {
            errors.push(FieldError::new(
                "level",
                "Choisissez un niveau de 1 (notions) à 4 (expert).",
            ));
        }
        let on = parse_date(&self.assessed_on);
        match on {
            None => errors.push(FieldError::new(
                "assessed_on",
                "La date d’évaluation est obligatoire (JJ/MM/AAAA).",
            )),
            Some(d) if d > today => errors.push(FieldError::new(
                "assessed_on",
                "La date d’évaluation ne peut pas être dans le futur.",
            )),
            Some(_) => {}
        }
        match (skill, level, on) {
            (Some(s), Some(l), Some(d)) if errors.is_empty() => Ok((s, l, d)),
            _ => Err(errors),
        }
    }
}

impl TrainingInput {
    /// A title and a start date are required; the end is not before the start; hours
    /// are a positive number; an expiry needs the certificate's name and comes after
    /// the start.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self) -> Result<ValidTraining, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = self.title.trim().to_string();
        if title.is_empty() {
            errors.push(FieldError::new(
                "title",
                "L’intitulé de la formation est obligatoire.",
            ));
        } else if too_long(&title, 200) {
            errors.push(FieldError::new(
                "title",
                "L’intitulé fait 200 caractères au plus.",
            ));
        }
        let provider = optional(&self.provider);
        if provider.as_deref().is_some_and(|p| too_long(p, 200)) {
            errors.push(FieldError::new(
                "provider",
                "L’organisme fait 200 caractères au plus.",
            ));
        }
        let start = parse_date(&self.start_date);
        if start.is_none() {
            errors.push(FieldError::new(
                "start_date",
                "La date de début est obligatoire (JJ/MM/AAAA).",
            ));
        }
        let end = match optional(&self.end_date) {
            None => None,
            Some(raw) => match parse_date(&raw) {
                None => {
                    errors.push(FieldError::new(
                        "end_date",
                        format!("Date de fin « {raw} » invalide (JJ/MM/AAAA)."),
                    ));
                    None
                }
                Some(d) if start.is_some_and(|s| d < s) => {
                    errors.push(FieldError::new(
                        "end_date",
                        "La date de fin ne peut précéder la date de début.",
                    ));
                    None
                }
                Some(d) => Some(d),
            },
        };
        let hours = match optional(&self.hours) {
            None => None,
            Some(raw) => {
                let h =
                    parse_hours(&raw).filter(|h| *h > Decimal::ZERO && *h <= Decimal::from(10_000));
                if h.is_none() {
                    errors.push(FieldError::new(
                        "hours",
                        "La durée est un nombre d’heures positif (par exemple 14 ou 10,5).",
                    ));
                }
                h.map(|h| h.normalize())
            }
        };
        let certificate = optional(&self.certificate);
        if certificate.as_deref().is_some_and(|c| too_long(c, 120)) {
            errors.push(FieldError::new(
                "certificate",
                "Le nom du certificat fait 120 caractères au plus.",
            ));
        }
        let expiry = match optional(&self.certificate_expiry) {
            None => None,
            Some(raw) => match parse_date(&raw) {
                None => {
                    errors.push(FieldError::new(
                        "certificate_expiry",
                        format!("Date d’échéance « {raw} » invalide (JJ/MM/AAAA)."),
                    ));
                    None
                }
                Some(d) if start.is_some_and(|s| d <= s) => {
                    errors.push(FieldError::new(
                        "certificate_expiry",
                        "L’échéance du certificat vient après le début de la formation.",
                    ));
                    None
                }
                Some(d) => Some(d),
            },
        };
        if expiry.is_some() && certificate.is_none() {
            errors.push(FieldError::new(
                "certificate",
                "Indiquez le certificat ou l’habilitation dont c’est l’échéance.",
            ));
        }
        match start {
            Some(start_date) if errors.is_empty() => Ok(ValidTraining {
                title,
                provider,
                start_date,
                end_date: end,
                hours,
                certificate,
                certificate_expiry: expiry,
            }),
            _ => Err(errors),
        }
    }
}

impl InterviewInput {
    /// A kind, a date not after today nor before the employee's entry, notes of 4 000
    /// characters at most.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(
        &self,
        entry: NaiveDate,
        today: NaiveDate,
    ) -> Result<(InterviewKind, NaiveDate, Option<String>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = InterviewKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(FieldError::new("kind", "Choisissez le type d’entretien."));
        }
        let held = parse_date(&self.held_on);
        match held {
            None => errors.push(FieldError::new(
                "held_on",
                "La date de l’entretien est obligatoire (JJ/MM/AAAA).",
            )),
            Some(d) if d > today => errors.push(FieldError::new(
                "held_on",
                "Enregistrez l’entretien une fois qu’il a eu lieu : la date ne peut pas être dans le futur.",
            )),
            Some(d) if d < entry => errors.push(FieldError::new(
                "held_on",
                format!(
                    "L’entretien ne peut précéder l’entrée du salarié ({}).",
                    fr_date(entry)
                ),
            )),
            Some(_) => {}
        }
        let notes = optional(&self.notes);
        if notes.as_deref().is_some_and(|n| too_long(n, 4000)) {
            errors.push(FieldError::new(
                "notes",
                "Les notes font 4 000 caractères au plus.",
            ));
        }
        match (kind, held) {
            (Some(k), Some(d)) if errors.is_empty() => Ok((k, d, notes)),
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------------------------
// Service

/// The member's schedule (its HR settings, or the defaults).
///
/// # Errors
/// Database errors.
pub async fn schedule<C: ConnectionTrait>(db: &C, scope: &Scope) -> AppResult<Schedule> {
    Ok(Schedule::from(
        &crate::ledger::settings(db, scope.tenant()).await?,
    ))
}

/// The member's skill catalogue, by category then name.
///
/// # Errors
/// Database errors.
pub async fn catalogue<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<Vec<hr_skills::Model>> {
    let mut rows = hr_skills::Entity::find_in(scope.tenant()).all(db).await?;
    rows.sort_by_cached_key(|s| {
        (
            s.category.is_none(),
            s.category.as_deref().map(normalize),
            normalize(&s.name),
        )
    });
    Ok(rows)
}

/// Adds a skill to the member's catalogue (audited). A name already there (accents and
/// case aside) is refused.
///
/// # Errors
/// 422 with the field and a French message; database errors.
pub async fn add_skill<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    input: &SkillInput,
) -> AppResult<hr_skills::Model> {
    let (name, category) = input.validate().map_err(AppError::Validation)?;
    let taken = || {
        AppError::field(
            "name",
            format!("La compétence « {name} » est déjà au catalogue."),
        )
    };
    let key = normalize(&name);
    if catalogue(db, scope)
        .await?
        .iter()
        .any(|s| normalize(&s.name) == key)
    {
        return Err(taken());
    }
    let txn = begin_write(db).await?;
    let row = hr_skills::Entity::insert_in(
        scope.tenant(),
        hr_skills::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            name: Set(name.clone()),
            category: Set(category),
            created_at: Set(Utc::now()),
        },
        &txn,
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        &scope.actor(),
        Some(scope.member_id()),
        "hr_skill",
        &row.id.to_string(),
        "create",
        serde_json::json!({"name": row.name, "category": row.category}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Sets an employee's level in a skill: a new assessment replaces the previous one
/// (deleted and inserted in one transaction, audited with the previous level).
///
/// # Errors
/// 404 for an employee not the member's; 422 with the field and a French message;
/// database errors.
pub async fn set_level<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &LevelInput,
) -> AppResult<hr_employee_skills::Model> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let (skill_id, level, assessed_on) = input
        .validate(paris_today())
        .map_err(AppError::Validation)?;
    let skill = hr_skills::Entity::find_in(scope.tenant())
        .filter(hr_skills::Column::Id.eq(skill_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("skill_id", "Choisissez une compétence du catalogue."))?;
    let txn = begin_write(db).await?;
    let previous = hr_employee_skills::Entity::find_in(scope.tenant())
        .filter(hr_employee_skills::Column::EmployeeId.eq(e.id))
        .filter(hr_employee_skills::Column::SkillId.eq(skill.id))
        .one(&txn)
        .await?;
    if let Some(p) = &previous {
        hr_employee_skills::Entity::delete_in(scope.tenant())
            .filter(hr_employee_skills::Column::Id.eq(p.id))
            .exec(&txn)
            .await?;
    }
    let row = hr_employee_skills::Entity::insert_in(
        scope.tenant(),
        hr_employee_skills::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            employee_id: Set(e.id),
            skill_id: Set(skill.id),
            level: Set(level),
            assessed_on: Set(assessed_on),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        &scope.actor(),
        Some(scope.member_id()),
        "employee_skill",
        &e.id.to_string(),
        "assess",
        serde_json::json!({
            "matricule": e.matricule, "skill": skill.name, "level": level,
            "previous_level": previous.map(|p| p.level), "assessed_on": assessed_on,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Records a training of an employee (audited).
///
/// # Errors
/// 404 for an employee not the member's; 422 with the field and a French message;
/// database errors.
pub async fn add_training<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &TrainingInput,
) -> AppResult<hr_trainings::Model> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let t = input.validate().map_err(AppError::Validation)?;
    let txn = begin_write(db).await?;
    let row = hr_trainings::Entity::insert_in(
        scope.tenant(),
        hr_trainings::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            employee_id: Set(e.id),
            title: Set(t.title),
            provider: Set(t.provider),
            start_date: Set(t.start_date),
            end_date: Set(t.end_date),
            hours: Set(t.hours.map(|h| h.to_string())),
            certificate: Set(t.certificate),
            certificate_expiry: Set(t.certificate_expiry),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        &scope.actor(),
        Some(scope.member_id()),
        "training",
        &row.id.to_string(),
        "create",
        serde_json::json!({
            "matricule": e.matricule, "title": row.title, "start_date": row.start_date,
            "certificate": row.certificate, "certificate_expiry": row.certificate_expiry,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Records an interview held (audited, without its notes).
///
/// # Errors
/// 404 for an employee not the member's; 422 with the field and a French message;
/// database errors.
pub async fn record_interview<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &InterviewInput,
) -> AppResult<hr_interviews::Model> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let (kind, held_on, notes) = input
        .validate(e.entry_date, paris_today())
        .map_err(AppError::Validation)?;
    let txn = begin_write(db).await?;
    let row = hr_interviews::Entity::insert_in(
        scope.tenant(),
        hr_interviews::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            employee_id: Set(e.id),
            kind: Set(kind.as_str().to_string()),
            held_on: Set(held_on),
            notes: Set(notes),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        &scope.actor(),
        Some(scope.member_id()),
        "interview",
        &row.id.to_string(),
        "create",
        serde_json::json!({"matricule": e.matricule, "kind": row.kind, "held_on": row.held_on}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// What a reminder is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Subject {
    Interview(InterviewKind),
    Certificate {
        certificate: String,
        training: String,
    },
}

/// An interview to hold or a certificate to renew, overdue or soon due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub employee_id: Uuid,
    /// `DURAND Camille`
    pub employee: String,
    pub subject: Subject,
    pub due: NaiveDate,
    pub status: Status,
}

/// One employee's line in the overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmployeeSummary {
    pub employee_id: Uuid,
    pub employee: String,
    pub matricule: String,
    pub skills: usize,
    pub trainings: usize,
    pub last_interview: Option<NaiveDate>,
    pub next: Option<Due>,
    pub next_status: Option<Status>,
}

/// The member's GPEC overview: what is due, and each employee in post.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overview {
    /// Overdue first, then by date.
    pub reminders: Vec<Reminder>,
    /// By name.
    pub employees: Vec<EmployeeSummary>,
    /// How many employees are assessed in each skill.
    pub assessed: HashMap<Uuid, usize>,
    pub reminder_days: u32,
}

fn name_of(e: &hr_employees::Model) -> String {
    format!("{} {}", e.last_name, e.first_name)
}

/// Builds the overview from plain rows (employees who have left are left out, and a
/// due date after an employee's exit is not reminded).
#[must_use]
pub fn overview_of(
    employees: &[hr_employees::Model],
    interviews: &[hr_interviews::Model],
    trainings: &[hr_trainings::Model],
    levels: &[hr_employee_skills::Model],
    s: &Schedule,
    today: NaiveDate,
) -> Overview {
    let mut held: HashMap<Uuid, Vec<(InterviewKind, NaiveDate)>> = HashMap::new();
    for i in interviews {
        if let Some(k) = InterviewKind::parse(&i.kind) {
            held.entry(i.employee_id).or_default().push((k, i.held_on));
        }
    }
    let mut trained: HashMap<Uuid, usize> = HashMap::new();
    for t in trainings {
        *trained.entry(t.employee_id).or_default() += 1;
    }
    let mut skilled: HashMap<Uuid, usize> = HashMap::new();
    let mut assessed: HashMap<Uuid, usize> = HashMap::new();
    let active: HashMap<Uuid, &hr_employees::Model> = employees
        .iter()
        .filter(|e| in_post(e, today))
        .map(|e| (e.id, e))
        .collect();
    for l in levels {
        if active.contains_key(&l.employee_id) {
            *skilled.entry(l.employee_id).or_default() += 1;
            *assessed.entry(l.skill_id).or_default() += 1;
        }
    }
    let before_exit = |e: &hr_employees::Model, d: NaiveDate| e.exit_date.is_none_or(|x| d <= x);
    let mut out = Overview {
        assessed,
        reminder_days: s.reminder_days,
        ..Overview::default()
    };
    let mut people: Vec<&hr_employees::Model> = active.values().copied().collect();
    people.sort_by_cached_key(|e| (normalize(&e.last_name), normalize(&e.first_name), e.id));
    for e in people {
        let h = held.get(&e.id).map_or(&[][..], Vec::as_slice);
        let next = next_interview(e.entry_date, h, s).filter(|d| before_exit(e, d.due));
        let next_status = next.map(|d| status(d.due, today, s.reminder_days));
        if let (Some(d), Some(st)) = (next, next_status)
            && st != Status::Ok
        {
            out.reminders.push(Reminder {
                employee_id: e.id,
                employee: name_of(e),
                subject: Subject::Interview(d.kind),
                due: d.due,
                status: st,
            });
        }
        out.employees.push(EmployeeSummary {
            employee_id: e.id,
            employee: name_of(e),
            matricule: e.matricule.clone(),
            skills: skilled.get(&e.id).copied().unwrap_or(0),
            trainings: trained.get(&e.id).copied().unwrap_or(0),
            last_interview: h.iter().map(|(_, d)| *d).max(),
            next,
            next_status,
        });
    }
    for t in current_certificates(trainings) {
        let (Some(e), Some(expiry)) = (active.get(&t.employee_id), t.certificate_expiry) else {
            continue;
        };
        let st = certificate_status(expiry, today, s.reminder_days);
        if st != Status::Ok && before_exit(e, expiry) {
            out.reminders.push(Reminder {
                employee_id: e.id,
                employee: name_of(e),
                subject: Subject::Certificate {
                    certificate: t.certificate.clone().unwrap_or_default(),
                    training: t.title.clone(),
                },
                due: expiry,
                status: st,
            });
        }
    }
    out.reminders.sort_by(|a, b| {
        (a.status != Status::Overdue, a.due, &a.employee).cmp(&(
            b.status != Status::Overdue,
            b.due,
            &b.employee,
        ))
    });
    out
}

/// The member's overview on `today`: interviews and certificates overdue or due within
/// the reminder period, and each employee in post.
///
/// # Errors
/// Database errors.
pub async fn overview<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
) -> AppResult<Overview> {
    overview_for(db, scope.tenant(), today).await
}

/// The same for a background task of one member (the monthly reminder e-mail).
///
/// # Errors
/// Database errors.
pub async fn overview_for<C: ConnectionTrait>(
    db: &C,
    m: Tenant,
    today: NaiveDate,
) -> AppResult<Overview> {
    let employees = hr_employees::Entity::find_in(m).all(db).await?;
    let interviews = hr_interviews::Entity::find_in(m).all(db).await?;
    let trainings = hr_trainings::Entity::find_in(m).all(db).await?;
    let levels = hr_employee_skills::Entity::find_in(m).all(db).await?;
    let s = Schedule::from(&crate::ledger::settings(db, m).await?);
    Ok(overview_of(
        &employees,
        &interviews,
        &trainings,
        &levels,
        &s,
        today,
    ))
}

/// The interviews and certificates overdue or due soon (the "à prévoir" list).
///
/// # Errors
/// Database errors.
pub async fn due_list<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
) -> AppResult<Vec<Reminder>> {
    Ok(overview(db, scope, today).await?.reminders)
}

/// One employee's skills file.
#[derive(Debug, Clone)]
pub struct EmployeeFile {
    pub employee: hr_employees::Model,
    /// Each assessed skill with its level, by category then name.
    pub levels: Vec<(hr_skills::Model, hr_employee_skills::Model)>,
    /// Newest first.
    pub trainings: Vec<hr_trainings::Model>,
    /// Newest first.
    pub interviews: Vec<hr_interviews::Model>,
    /// The trainings whose certificate is current (renewals supersede older ones).
    pub current_certificates: Vec<Uuid>,
    pub next: Option<Due>,
    pub schedule: Schedule,
}

/// One employee's levels, trainings, interviews and next interview (404 for another
/// member's employee).
///
/// # Errors
/// 404; database errors.
pub async fn employee_file<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
) -> AppResult<EmployeeFile> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let m = scope.tenant();
    let skills = catalogue(db, scope).await?;
    let assessed = hr_employee_skills::Entity::find_in(m)
        .filter(hr_employee_skills::Column::EmployeeId.eq(e.id))
        .all(db)
        .await?;
    let levels = skills
        .into_iter()
        .filter_map(|s| {
            let l = assessed.iter().find(|l| l.skill_id == s.id)?.clone();
            Some((s, l))
        })
        .collect();
    let trainings = hr_trainings::Entity::find_in(m)
        .filter(hr_trainings::Column::EmployeeId.eq(e.id))
        .order_by_desc(hr_trainings::Column::StartDate)
        .order_by_desc(hr_trainings::Column::CreatedAt)
        .all(db)
        .await?;
    let interviews = hr_interviews::Entity::find_in(m)
        .filter(hr_interviews::Column::EmployeeId.eq(e.id))
        .order_by_desc(hr_interviews::Column::HeldOn)
        .order_by_desc(hr_interviews::Column::CreatedAt)
        .all(db)
        .await?;
    let s = schedule(db, scope).await?;
    let held: Vec<(InterviewKind, NaiveDate)> = interviews
        .iter()
        .filter_map(|i| InterviewKind::parse(&i.kind).map(|k| (k, i.held_on)))
        .collect();
    let next =
        next_interview(e.entry_date, &held, &s).filter(|d| e.exit_date.is_none_or(|x| d.due <= x));
    let current = current_certificates(&trainings)
        .into_iter()
        .map(|t| t.id)
        .collect();
    Ok(EmployeeFile {
        employee: e,
        levels,
        trainings,
        interviews,
        current_certificates: current,
        next,
        schedule: s,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const P: InterviewKind = InterviewKind::Parcours;
    const B: InterviewKind = InterviewKind::Bilan;

    fn due(kind: InterviewKind, on: NaiveDate) -> Option<Due> {
        Some(Due { kind, due: on })
    }

    #[test]
    fn first_interview_within_the_first_year() {
        let s = Schedule::default();
        assert_eq!(
            next_interview(d(2025, 3, 1), &[], &s),
            due(P, d(2026, 3, 1))
        );
        // End of month: 31 January + 12 months.
        assert_eq!(
            next_interview(d(2024, 1, 31), &[], &s),
            due(P, d(2025, 1, 31))
        );
        // 29 February + 12 months → 28 February.
        assert_eq!(
            next_interview(d(2024, 2, 29), &[], &s),
            due(P, d(2025, 2, 28))
        );
    }

    #[test]
    fn then_every_four_years_after_the_last_one_held() {
        let s = Schedule::default();
        let entry = d(2025, 3, 1);
        assert_eq!(
            next_interview(entry, &[(P, d(2026, 2, 10))], &s),
            due(P, d(2030, 2, 10))
        );
        // The last one counts, whatever the order given.
        assert_eq!(
            next_interview(entry, &[(P, d(2028, 1, 15)), (P, d(2026, 2, 10))], &s),
            due(P, d(2032, 1, 15))
        );
    }

    #[test]
    fn the_review_every_eight_years_takes_precedence_when_due_first() {
        let s = Schedule::default();
        let entry = d(2025, 3, 1);
        // Parcours 2026-02-10 and 2030-02-10: the next parcours would be 2034-02-10,
        // the review is due 2033-03-01 first.
        let held = [(P, d(2026, 2, 10)), (P, d(2030, 2, 10))];
        assert_eq!(next_interview(entry, &held, &s), due(B, d(2033, 3, 1)));
        // Held a little early, it answers that due date: then a parcours 4 years on,
        // and the next review at 16 years.
        let held = [(P, d(2026, 2, 10)), (P, d(2030, 2, 10)), (B, d(2033, 2, 1))];
        assert_eq!(next_interview(entry, &held, &s), due(P, d(2037, 2, 1)));
        let held = [
            (P, d(2026, 2, 10)),
            (P, d(2030, 2, 10)),
            (B, d(2033, 2, 1)),
            (P, d(2037, 2, 1)),
        ];
        // The parcours (2041-02-01) falls due a month before the 16-year review
        // (2041-03-01): one interview does both, by the parcours' date.
        assert_eq!(next_interview(entry, &held, &s), due(B, d(2041, 2, 1)));
        let held = [
            (P, d(2026, 2, 10)),
            (P, d(2030, 2, 10)),
            (B, d(2033, 2, 1)),
            (P, d(2036, 6, 1)),
        ];
        assert_eq!(next_interview(entry, &held, &s), due(P, d(2040, 6, 1)));
        let held = [
            (P, d(2026, 2, 10)),
            (P, d(2030, 2, 10)),
            (B, d(2033, 2, 1)),
            (P, d(2036, 6, 1)),
            (P, d(2040, 6, 1)),
        ];
        assert_eq!(next_interview(entry, &held, &s), due(B, d(2041, 3, 1)));
        // Held late, it still answers the 8-year date.
        let held = [(P, d(2026, 2, 10)), (B, d(2034, 1, 5))];
        assert_eq!(next_interview(entry, &held, &s), due(P, d(2038, 1, 5)));
        // Same day: the review.
        let s2 = Schedule {
            first_interview_months: 96,
            ..s
        };
        assert_eq!(next_interview(entry, &[], &s2), due(B, d(2033, 3, 1)));
    }

    #[test]
    fn a_configured_schedule_and_reminders_turned_off() {
        let s = Schedule {
            first_interview_months: 6,
            interview_every_years: 2,
            review_every_years: 6,
            reminder_days: 30,
        };
        let entry = d(2025, 3, 1);
        assert_eq!(next_interview(entry, &[], &s), due(P, d(2025, 9, 1)));
        assert_eq!(
            next_interview(entry, &[(P, d(2025, 8, 20))], &s),
            due(P, d(2027, 8, 20))
        );
        let off = Schedule {
            first_interview_months: 0,
            interview_every_years: 0,
            review_every_years: 0,
            reminder_days: 60,
        };
        assert_eq!(next_interview(entry, &[], &off), None);
        let only_review = Schedule {
            first_interview_months: 0,
            interview_every_years: 0,
            ..Schedule::default()
        };
        assert_eq!(
            next_interview(entry, &[], &only_review),
            due(B, d(2033, 3, 1))
        );
    }

    #[test]
    fn settings_map_to_a_schedule() {
        let m = hr_settings::Model {
            member_id: 1,
            alsace_moselle: false,
            first_interview_months: 12,
            interview_every_years: 4,
            review_every_years: 8,
            reminder_days: 60,
            updated_at: Utc::now(),
        };
        assert_eq!(Schedule::from(&m), Schedule::default());
        let neg = hr_settings::Model {
            reminder_days: -5,
            ..m
        };
        assert_eq!(Schedule::from(&neg).reminder_days, 0);
    }

    #[test]
    fn status_of_a_due_date() {
        let today = d(2026, 3, 1);
        assert_eq!(status(d(2026, 2, 28), today, 60), Status::Overdue);
        assert_eq!(status(today, today, 60), Status::DueSoon);
        assert_eq!(status(d(2026, 4, 30), today, 60), Status::DueSoon);
        assert_eq!(status(d(2026, 5, 1), today, 60), Status::Ok);
        assert_eq!(Status::DueSoon.as_str(), "due_soon");
        // Certificates: expired, expiring within 60 days, valid.
        assert_eq!(
            certificate_label(certificate_status(d(2026, 2, 1), today, 60)),
            "expiré"
        );
        assert_eq!(
            certificate_label(certificate_status(d(2026, 3, 31), today, 60)),
            "expire bientôt"
        );
        assert_eq!(
            certificate_label(certificate_status(d(2027, 3, 1), today, 60)),
            "valide"
        );
    }

    #[test]
    fn time_left_in_words() {
        let today = d(2026, 3, 1);
        assert_eq!(time_left(today, today), "aujourd’hui");
        assert_eq!(time_left(d(2026, 3, 2), today), "demain");
        assert_eq!(time_left(d(2026, 3, 4), today), "dans 3 jours");
        assert_eq!(time_left(d(2026, 2, 28), today), "en retard d’un jour");
        assert_eq!(time_left(d(2026, 2, 27), today), "en retard de 2 jours");
        assert_eq!(time_left(d(2026, 7, 1), today), "dans 4 mois");
        assert_eq!(time_left(d(2030, 2, 10), today), "dans 3 ans");
        assert_eq!(time_left(d(2025, 2, 1), today), "en retard de 13 mois");
        assert_eq!(time_left(d(2024, 2, 1), today), "en retard de 2 ans");
    }

    fn employee(id: u128, entry: NaiveDate, exit: Option<NaiveDate>) -> hr_employees::Model {
        hr_employees::Model {
            member_id: 1,
            id: Uuid::from_u128(id),
            matricule: format!("M{id}"),
            first_name: "Camille".into(),
            last_name: format!("NOM{id}"),
            sex: "F".into(),
            birth_date: d(1984, 12, 3),
            nationality: "française".into(),
            nir: String::new(),
            establishment_id: None,
            entry_date: entry,
            exit_date: exit,
            email: None,
            address: None,
            phone: None,
            permit_type: None,
            permit_number: None,
            permit_expiry: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn training(id: u128, employee: u128, cert: &str, expiry: NaiveDate) -> hr_trainings::Model {
        hr_trainings::Model {
            member_id: 1,
            id: Uuid::from_u128(id),
            employee_id: Uuid::from_u128(employee),
            title: format!("Formation {id}"),
            provider: None,
            start_date: d(2024, 1, 10),
            end_date: None,
            hours: Some("14".into()),
            certificate: Some(cert.into()),
            certificate_expiry: Some(expiry),
            created_by: "test".into(),
            created_at: Utc::now(),
        }
    }

    fn interview(employee: u128, kind: &str, on: NaiveDate) -> hr_interviews::Model {
        hr_interviews::Model {
            member_id: 1,
            id: new_id(),
            employee_id: Uuid::from_u128(employee),
            kind: kind.into(),
            held_on: on,
            notes: None,
            created_by: "test".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn overview_lists_what_is_due_and_leaves_out_those_who_left() {
        let today = d(2026, 4, 1);
        let employees = [
            // Hired 13 months ago, no interview: overdue.
            employee(1, d(2025, 3, 1), None),
            // Interview held: next in 2030, fine; certificate expiring in 30 days.
            employee(2, d(2025, 3, 1), None),
            // Left: nothing reminded, not listed.
            employee(3, d(2020, 1, 1), Some(d(2026, 1, 31))),
            // Leaves in ten days: the interview due after the exit is not reminded.
            employee(4, d(2025, 5, 1), Some(d(2026, 4, 11))),
        ];
        let interviews = [interview(2, "parcours", d(2026, 2, 10))];
        let trainings = [
            training(10, 2, "SST", d(2026, 5, 1)),
            // The same certificate renewed later (case and accents aside): the older
            // one is superseded.
            training(11, 1, "Habilitation électrique", d(2026, 3, 1)),
            training(12, 1, "habilitation electrique", d(2029, 3, 1)),
            training(13, 3, "SST", d(2026, 2, 1)),
        ];
        let o = overview_of(
            &employees,
            &interviews,
            &trainings,
            &[],
            &Schedule::default(),
            today,
        );
        let names: Vec<&str> = o.employees.iter().map(|e| e.employee.as_str()).collect();
        assert_eq!(names, ["NOM1 Camille", "NOM2 Camille", "NOM4 Camille"]);
        assert_eq!(o.reminders.len(), 2, "{:?}", o.reminders);
        assert_eq!(o.reminders[0].employee_id, Uuid::from_u128(1));
        assert_eq!(o.reminders[0].subject, Subject::Interview(P));
        assert_eq!(o.reminders[0].due, d(2026, 3, 1));
        assert_eq!(o.reminders[0].status, Status::Overdue);
        assert_eq!(o.reminders[1].employee_id, Uuid::from_u128(2));
        assert_eq!(
            o.reminders[1].subject,
            Subject::Certificate {
                certificate: "SST".into(),
                training: "Formation 10".into()
            }
        );
        assert_eq!(o.reminders[1].status, Status::DueSoon);
        let second = &o.employees[1];
        assert_eq!(second.next, due(P, d(2030, 2, 10)));
        assert_eq!(second.next_status, Some(Status::Ok));
        assert_eq!(second.last_interview, Some(d(2026, 2, 10)));
        assert_eq!(second.trainings, 1);
        assert_eq!(o.employees[2].next, None);
    }

    #[test]
    fn inputs_are_validated_in_french() {
        let today = d(2026, 4, 1);
        let e = SkillInput::default().validate().unwrap_err();
        assert_eq!(e[0].field, "name");
        assert!(
            SkillInput {
                name: " Bientraitance ".into(),
                category: String::new()
            }
            .validate()
            .unwrap()
                == ("Bientraitance".to_string(), None)
        );
        let e = LevelInput {
            skill_id: "x".into(),
            level: "5".into(),
            assessed_on: "2026-05-01".into(),
        }
        .validate(today)
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["skill_id", "level", "assessed_on"]);
        let e = TrainingInput {
            title: "SST".into(),
            start_date: "10/01/2026".into(),
            end_date: "09/01/2026".into(),
            hours: "-3".into(),
            certificate_expiry: "10/01/2028".into(),
            ..TrainingInput::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["end_date", "hours", "certificate"]);
        let t = TrainingInput {
            title: "Sauveteur secouriste du travail".into(),
            start_date: "2026-01-10".into(),
            end_date: "11/01/2026".into(),
            hours: "14,0".into(),
            certificate: "SST".into(),
            certificate_expiry: "2028-01-11".into(),
            ..TrainingInput::default()
        }
        .validate()
        .unwrap();
        assert_eq!(t.hours, Some(Decimal::from(14)));
        assert_eq!(t.certificate_expiry, Some(d(2028, 1, 11)));
        let e = InterviewInput {
            kind: "autre".into(),
            held_on: "2025-01-01".into(),
            notes: String::new(),
        }
        .validate(d(2025, 3, 1), today)
        .unwrap_err();
        assert_eq!(e[0].field, "kind");
        assert!(e[1].message.contains("01/03/2025"));
        assert!(
            InterviewInput {
                kind: "bilan".into(),
                held_on: "2026-05-01".into(),
                notes: String::new()
            }
            .validate(d(2025, 3, 1), today)
            .is_err()
        );
    }
}
