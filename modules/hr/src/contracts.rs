//! Employment contracts as dated versions: a contract is created once (version 1, in
//! force from its start date); an amendment (avenant) inserts a new version in force
//! from its own date. Nothing is ever overwritten, so the terms at any past date and
//! the history stay visible. CCN 66 pay basis = coefficient × the point value in force
//! (dated configuration in `hr_point_values`).
use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use mutualis_core::{
    audit,
    db::begin_write,
    error::{AppError, AppResult, FieldError},
    ids::new_id,
    scope::Scope,
    tenant::{Coop, CoopOwned, MemberOwned, Tenant},
    time::fr_date,
};
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::{hr_contracts, hr_employees, hr_point_values};

/// Legal full-time weekly hours (the part-time ratio is taken against it).
pub const FULL_TIME_HOURS: Decimal = Decimal::from_parts(35, 0, 0, false, 0);

/// Contract types.
pub const KINDS: [(&str, &str); 5] = [
    ("CDI", "CDI"),
    ("CDD", "CDD"),
    ("APPRENTISSAGE", "Contrat d’apprentissage"),
    ("CONTRAT_AIDE", "Contrat aidé"),
    ("INTERIM", "Intérim (mis à disposition)"),
];

/// Collective agreements.
pub const AGREEMENTS: [(&str, &str); 3] = [
    ("CCN66", "CCN 66 (15 mars 1966)"),
    ("CCN51", "CCN 51 (FEHAP)"),
    ("OTHER", "Autre"),
];

/// The French label of a contract type.
#[must_use]
pub fn kind_label(code: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Autre", |(_, l)| l)
}

/// The French label of an agreement.
#[must_use]
pub fn agreement_label(code: &str) -> &'static str {
    AGREEMENTS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Autre", |(_, l)| l)
}

/// Reads a contract type as people write it (`CDD`, `Contrat aidé`, `apprentissage`).
#[must_use]
pub fn parse_kind(raw: &str) -> Option<&'static str> {
    let k = normalize(raw);
    match k.as_str() {
        "cdi" => Some("CDI"),
        "cdd" => Some("CDD"),
        "apprentissage" | "contratdapprentissage" | "apprenti" => Some("APPRENTISSAGE"),
        "contrataide" | "aide" | "pec" | "cui" => Some("CONTRAT_AIDE"),
        "interim" | "interimaire" => Some("INTERIM"),
        _ => None,
    }
}

/// Reads an agreement as people write it (`CCN 66`, `66`, `Autre`).
#[must_use]
pub fn parse_agreement(raw: &str) -> Option<&'static str> {
    match normalize(raw).as_str() {
        "ccn66" | "66" | "cc66" => Some("CCN66"),
        "ccn51" | "51" | "cc51" | "fehap" => Some("CCN51"),
        "autre" | "other" | "aucune" => Some("OTHER"),
        _ => None,
    }
}

/// Lower case, accents and everything but letters and digits removed.
#[must_use]
pub fn normalize(raw: &str) -> String {
    raw.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Parses a date written `AAAA-MM-JJ` or `JJ/MM/AAAA`.
#[must_use]
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .ok()
}

/// The terms of a contract version, as typed in a form, the API or a spreadsheet.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ContractInput {
    pub kind: String,
    pub start_date: String,
    pub end_date: String,
    pub cdd_reason: String,
    pub trial_end: String,
    pub weekly_hours: String,
    pub agreement: String,
    pub position: String,
    pub qualification: String,
    pub coefficient: String,
    pub step: String,
    /// `on`/`true` when the employee is entitled to CCN 66 quarterly leave.
    pub quarterly_leave: String,
    pub agency: String,
    /// For an amendment: the date from which the new terms apply.
    pub valid_from: String,
    /// For an amendment: why (shown in the history).
    pub reason: String,
}

/// Validated terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Terms {
    pub kind: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub cdd_reason: Option<String>,
    pub trial_end: Option<NaiveDate>,
    pub weekly_hours: Decimal,
    pub agreement: String,
    pub position: String,
    pub qualification: Option<String>,
    pub coefficient: Option<i32>,
    pub step: Option<i32>,
    pub quarterly_leave: bool,
    pub agency: Option<String>,
}

impl Terms {
    /// The terms a stored version holds (the start of an amendment written by code).
    #[must_use]
    pub fn of(v: &hr_contracts::Model) -> Self {
        Self {
            kind: v.kind.clone(),
            start_date: v.start_date,
            end_date: v.end_date,
            cdd_reason: v.cdd_reason.clone(),
            trial_end: v.trial_end,
            weekly_hours: v.weekly_hours.parse().unwrap_or_default(),
            agreement: v.agreement.clone(),
            position: v.position.clone(),
            qualification: v.qualification.clone(),
            coefficient: v.coefficient,
            step: v.step,
            quarterly_leave: v.quarterly_leave,
            agency: v.agency.clone(),
        }
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn opt_date(
    field: &str,
    label: &str,
    raw: &str,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        return None;
    }
    parse_date(raw).or_else(|| {
        errors.push(FieldError::new(
            field,
            format!("{label} : date « {} » invalide (JJ/MM/AAAA).", raw.trim()),
        ));
        None
    })
}

/// A required field read by `parse`: its French message when missing, and when
/// unreadable (`unknown` gets the value as typed).
fn required<T>(
    field: &str,
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
    missing: &str,
    unknown: impl Fn(&str) -> String,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let raw = raw.trim();
    let message = if raw.is_empty() {
        missing.to_string()
    } else if let Some(v) = parse(raw) {
        return Some(v);
    } else {
        unknown(raw)
    };
    errors.push(FieldError::new(field, message));
    None
}

fn opt_int(
    field: &str,
    label: &str,
    raw: &str,
    range: std::ops::RangeInclusive<i32>,
    errors: &mut Vec<FieldError>,
) -> Option<i32> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    let t = t.strip_suffix(".0").unwrap_or(t);
    match t.parse::<i32>() {
        Ok(v) if range.contains(&v) => Some(v),
        _ => {
            errors.push(FieldError::new(
                field,
                format!(
                    "{label} : « {t} » n’est pas un entier entre {} et {}.",
                    range.start(),
                    range.end()
                ),
            ));
            None
        }
    }
}

/// Parses hours written `35`, `17,5` or `17.5`.
#[must_use]
pub fn parse_hours(raw: &str) -> Option<Decimal> {
    raw.trim().replace(',', ".").parse::<Decimal>().ok()
}

impl ContractInput {
    /// Validates the terms, collecting every error: a CDD needs its end date and its
    /// reason; hours are between 0 and 48; a CCN 66 contract needs its coefficient.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self) -> Result<Terms, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = required(
            "kind",
            &self.kind,
            parse_kind,
            "Le type de contrat est obligatoire (CDI, CDD, apprentissage, contrat aidé).",
            |k| {
                format!(
                    "Type de contrat « {k} » inconnu : CDI, CDD, apprentissage ou contrat aidé."
                )
            },
            &mut errors,
        );
        let start_date = required(
            "start_date",
            &self.start_date,
            parse_date,
            "La date de début du contrat est obligatoire.",
            |d| format!("La date de début : date « {d} » invalide (JJ/MM/AAAA)."),
            &mut errors,
        );
        let end_date = opt_date("end_date", "La date de fin", &self.end_date, &mut errors);
        let cdd_reason = opt(&self.cdd_reason);
        if kind == Some("CDD") {
            if self.end_date.trim().is_empty() {
                errors.push(FieldError::new(
                    "end_date",
                    "Un CDD a une date de fin (ou une durée minimale) : elle est obligatoire.",
                ));
            }
            if cdd_reason.is_none() {
                errors.push(FieldError::new(
                    "cdd_reason",
                    "Le motif du CDD est obligatoire (remplacement, accroissement temporaire…).",
                ));
            }
        }
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            errors.push(FieldError::new(
                "end_date",
                "La date de fin précède la date de début.",
            ));
        }
        let trial_end = opt_date(
            "trial_end",
            "La fin de période d’essai",
            &self.trial_end,
            &mut errors,
        );
        let weekly_hours = match parse_hours(&self.weekly_hours) {
            Some(h) if h > Decimal::ZERO && h <= Decimal::from(48) => Some(h.normalize()),
            _ if self.weekly_hours.trim().is_empty() => {
                errors.push(FieldError::new(
                    "weekly_hours",
                    "La durée hebdomadaire est obligatoire (35 pour un temps plein).",
                ));
                None
            }
            _ => {
                errors.push(FieldError::new(
                    "weekly_hours",
                    format!(
                        "Durée hebdomadaire « {} » invalide : un nombre d’heures entre 0 et 48.",
                        self.weekly_hours.trim()
                    ),
                ));
                None
            }
        };
        let agreement = required(
            "agreement",
            &self.agreement,
            parse_agreement,
            "La convention collective est obligatoire (CCN 66, CCN 51 ou autre).",
            |a| format!("Convention « {a} » inconnue : CCN 66, CCN 51 ou Autre."),
            &mut errors,
        );
        let position = self.position.trim().to_string();
        if position.is_empty() {
            errors.push(FieldError::new(
                "position",
                "L’emploi occupé est obligatoire (registre du personnel).",
            ));
        }
        let coefficient = opt_int(
            "coefficient",
            "Le coefficient",
            &self.coefficient,
            1..=9999,
            &mut errors,
        );
        if agreement == Some("CCN66") && self.coefficient.trim().is_empty() {
            errors.push(FieldError::new(
                "coefficient",
                "Le coefficient est obligatoire pour un contrat relevant de la CCN 66.",
            ));
        }
        let step = opt_int("step", "L’échelon", &self.step, 0..=99, &mut errors);
        let quarterly_leave = matches!(
            normalize(&self.quarterly_leave).as_str(),
            "on" | "true" | "oui" | "1"
        );
        match (kind, start_date, weekly_hours, agreement) {
            (Some(kind), Some(start_date), Some(weekly_hours), Some(agreement))
                if errors.is_empty() =>
            {
                Ok(Terms {
                    kind: kind.to_string(),
                    start_date,
                    end_date,
                    cdd_reason: if kind == "CDD" { cdd_reason } else { None },
                    trial_end,
                    weekly_hours,
                    agreement: agreement.to_string(),
                    position,
                    qualification: opt(&self.qualification),
                    coefficient,
                    step,
                    quarterly_leave: quarterly_leave && agreement == "CCN66",
                    agency: opt(&self.agency),
                })
            }
            _ => Err(errors),
        }
    }

    /// The form prefilled with a version's terms (for an amendment).
    #[must_use]
    pub fn from_version(v: &hr_contracts::Model) -> Self {
        Self {
            kind: v.kind.clone(),
            start_date: v.start_date.to_string(),
            end_date: v.end_date.map(|d| d.to_string()).unwrap_or_default(),
            cdd_reason: v.cdd_reason.clone().unwrap_or_default(),
            trial_end: v.trial_end.map(|d| d.to_string()).unwrap_or_default(),
            weekly_hours: v.weekly_hours.clone(),
            agreement: v.agreement.clone(),
            position: v.position.clone(),
            qualification: v.qualification.clone().unwrap_or_default(),
            coefficient: v.coefficient.map(|c| c.to_string()).unwrap_or_default(),
            step: v.step.map(|c| c.to_string()).unwrap_or_default(),
            quarterly_leave: if v.quarterly_leave { "on" } else { "" }.to_string(),
            agency: v.agency.clone().unwrap_or_default(),
            valid_from: String::new(),
            reason: String::new(),
        }
    }
}

/// The part-time ratio against 35 hours, capped at 1 (`17.5` → `0.5`).
#[must_use]
pub fn part_time_ratio(weekly_hours: Decimal) -> Decimal {
    (weekly_hours / FULL_TIME_HOURS).min(Decimal::ONE)
}

/// `Temps partiel (50 %)` or `Temps plein`.
#[must_use]
pub fn time_label(weekly_hours: Decimal) -> String {
    let ratio = part_time_ratio(weekly_hours);
    if ratio >= Decimal::ONE {
        "Temps plein".to_string()
    } else {
        let pct = (ratio * Decimal::from(100))
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        format!("Temps partiel ({} %)", pct.to_string().replace('.', ","))
    }
}

/// One contract: its versions in order.
#[derive(Debug, Clone)]
pub struct Contract {
    pub versions: Vec<hr_contracts::Model>,
}

impl Contract {
    /// The latest version (what is known today: an amendment may have set the end).
    #[must_use]
    pub fn latest(&self) -> Option<&hr_contracts::Model> {
        self.versions.last()
    }

    /// The version in force on `day`: the latest whose `valid_from` is not after it.
    #[must_use]
    pub fn at(&self, day: NaiveDate) -> Option<&hr_contracts::Model> {
        self.versions.iter().rev().find(|v| v.valid_from <= day)
    }

    /// First and last day of the contract, as known today.
    #[must_use]
    pub fn span(&self) -> Option<(NaiveDate, Option<NaiveDate>)> {
        self.latest().map(|v| (v.start_date, v.end_date))
    }

    /// Whether the contract covers some day of `[from, to]`.
    #[must_use]
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.span()
            .is_some_and(|(s, e)| s <= to && e.is_none_or(|e| e >= from))
    }

    /// Whether the contract covers `day`.
    #[must_use]
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.overlaps(day, day)
    }
}

/// Groups versions by contract, each contract's versions by number, contracts by start.
#[must_use]
pub fn group(mut versions: Vec<hr_contracts::Model>) -> Vec<Contract> {
    versions.sort_by_key(|v| (v.contract_id, v.version));
    let mut by: BTreeMap<Uuid, Vec<hr_contracts::Model>> = BTreeMap::new();
    for v in versions {
        by.entry(v.contract_id).or_default().push(v);
    }
    let mut out: Vec<Contract> = by
        .into_values()
        .map(|versions| Contract { versions })
        .collect();
    out.sort_by_key(|c| c.versions.first().map(|v| v.start_date));
    out
}

/// Every version of the member's contracts, grouped by employee then contract.
///
/// # Errors
/// Database errors.
pub async fn all_by_employee<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<BTreeMap<Uuid, Vec<Contract>>> {
    by_employee_for(db, scope.tenant()).await
}

/// The same for a background task of one member (no request scope).
///
/// # Errors
/// Database errors.
pub async fn by_employee_for<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<BTreeMap<Uuid, Vec<Contract>>> {
    let rows = hr_contracts::Entity::find_in(tenant).all(db).await?;
    let mut by: BTreeMap<Uuid, Vec<hr_contracts::Model>> = BTreeMap::new();
    for r in rows {
        by.entry(r.employee_id).or_default().push(r);
    }
    Ok(by.into_iter().map(|(k, v)| (k, group(v))).collect())
}

/// One employee's contracts (404 when the employee is not the member's).
///
/// # Errors
/// 404; database errors.
pub async fn of_employee<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
) -> AppResult<Vec<Contract>> {
    crate::employees::get(db, scope.tenant(), employee_id).await?;
    let rows = hr_contracts::Entity::find_in(scope.tenant())
        .filter(hr_contracts::Column::EmployeeId.eq(employee_id))
        .order_by_asc(hr_contracts::Column::Version)
        .all(db)
        .await?;
    Ok(group(rows))
}

/// One contract of the member, with its employee (404 otherwise).
///
/// # Errors
/// 404; database errors.
pub async fn one<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    contract_id: Uuid,
) -> AppResult<(Contract, hr_employees::Model)> {
    let versions = hr_contracts::Entity::find_in(scope.tenant())
        .filter(hr_contracts::Column::ContractId.eq(contract_id))
        .all(db)
        .await?;
    let c = group(versions)
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let employee_id = c.latest().ok_or(AppError::NotFound)?.employee_id;
    Ok((
        c,
        crate::employees::get(db, scope.tenant(), employee_id).await?,
    ))
}

/// Where a version goes: its contract, number, first day and why.
struct Slot {
    contract_id: Uuid,
    version: i32,
    valid_from: NaiveDate,
    reason: Option<String>,
}

fn active_version(
    tenant: Tenant,
    employee_id: Uuid,
    slot: Slot,
    t: &Terms,
    by: &str,
) -> hr_contracts::ActiveModel {
    hr_contracts::ActiveModel {
        member_id: Set(tenant.member_id()),
        id: Set(new_id()),
        employee_id: Set(employee_id),
        contract_id: Set(slot.contract_id),
        version: Set(slot.version),
        valid_from: Set(slot.valid_from),
        kind: Set(t.kind.clone()),
        start_date: Set(t.start_date),
        end_date: Set(t.end_date),
        cdd_reason: Set(t.cdd_reason.clone()),
        trial_end: Set(t.trial_end),
        weekly_hours: Set(t.weekly_hours.to_string()),
        agreement: Set(t.agreement.clone()),
        position: Set(t.position.clone()),
        qualification: Set(t.qualification.clone()),
        coefficient: Set(t.coefficient),
        step: Set(t.step),
        quarterly_leave: Set(t.quarterly_leave),
        agency: Set(t.agency.clone()),
        reason: Set(slot.reason),
        created_by: Set(by.to_string()),
        created_at: Set(Utc::now()),
    }
}

/// The columns of a contract version, in the order of [`first_version_values`].
pub(crate) fn version_columns() -> Vec<&'static str> {
    use sea_orm::{IdenStatic, Iterable};
    hr_contracts::Column::iter().map(|c| c.as_str()).collect()
}

/// Version 1 of a new contract as the values of one row of a bulk insert (the import),
/// built by the same [`active_version`] as every other version.
pub(crate) fn first_version_values(
    tenant: Tenant,
    employee_id: Uuid,
    t: &Terms,
    by: &str,
) -> Vec<sea_orm::Value> {
    use sea_orm::{ActiveModelTrait, Iterable};
    let mut v = active_version(
        tenant,
        employee_id,
        Slot {
            contract_id: new_id(),
            version: 1,
            valid_from: t.start_date,
            reason: Some("Import".to_string()),
        },
        t,
        by,
    );
    hr_contracts::Column::iter()
        .map(|c| {
            v.take(c)
                .into_value()
                .unwrap_or(sea_orm::Value::String(None))
        })
        .collect()
}

/// Inserts version 1 of a new contract (no audit: the caller's transaction does it).
///
/// # Errors
/// Database errors.
pub async fn insert_new<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    employee_id: Uuid,
    t: &Terms,
    by: &str,
) -> AppResult<hr_contracts::Model> {
    Ok(hr_contracts::Entity::insert_in(
        tenant,
        active_version(
            tenant,
            employee_id,
            Slot {
                contract_id: new_id(),
                version: 1,
                valid_from: t.start_date,
                reason: None,
            },
            t,
            by,
        ),
        db,
    )
    .await?)
}

/// Inserts the next version of a contract: `terms` in force from `valid_from`, after
/// `last` (the contract's latest version). The one writer of amendments: HR's amendment,
/// an employee's exit (the contract ends on the exit day) and the demo seed go through it.
///
/// # Errors
/// Database errors.
pub async fn insert_next<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    last: &hr_contracts::Model,
    valid_from: NaiveDate,
    reason: Option<String>,
    terms: &Terms,
    by: &str,
) -> AppResult<hr_contracts::Model> {
    Ok(hr_contracts::Entity::insert_in(
        tenant,
        active_version(
            tenant,
            last.employee_id,
            Slot {
                contract_id: last.contract_id,
                version: last.version + 1,
                valid_from,
                reason,
            },
            terms,
            by,
        ),
        db,
    )
    .await?)
}

/// Creates a contract for an employee (version 1, in force from its start date).
///
/// # Errors
/// 422 on invalid terms or a start before the employee's entry; 404; database errors.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &ContractInput,
) -> AppResult<hr_contracts::Model> {
    let t = input.validate().map_err(AppError::Validation)?;
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    if t.start_date < e.entry_date {
        return Err(AppError::field(
            "start_date",
            format!(
                "Le contrat ne peut commencer avant l’entrée du salarié ({}).",
                fr_date(e.entry_date)
            ),
        ));
    }
    let txn = begin_write(db).await?;
    let row = insert_new(&txn, scope.tenant(), employee_id, &t, &scope.actor().label).await?;
    audit::record(
        &txn,
        &scope.actor(),
        Some(scope.member_id()),
        "contract",
        &row.contract_id.to_string(),
        "create",
        serde_json::json!({"matricule": e.matricule, "kind": row.kind, "start": row.start_date}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Amends a contract: a new version in force from `valid_from`, after the latest one's.
///
/// # Errors
/// 422 on invalid terms or date; 404 for a contract not the member's; database errors.
pub async fn amend<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    contract_id: Uuid,
    input: &ContractInput,
) -> AppResult<hr_contracts::Model> {
    let mut errors = Vec::new();
    let t = input.validate();
    let valid_from = required(
        "valid_from",
        &input.valid_from,
        parse_date,
        "La date d’effet de l’avenant est obligatoire.",
        |d| format!("La date d’effet : date « {d} » invalide (JJ/MM/AAAA)."),
        &mut errors,
    );
    let reason = opt(&input.reason);
    if reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "Indiquez l’objet de l’avenant (il figure dans l’historique).",
        ));
    }
    let t = match t {
        Ok(t) if errors.is_empty() => t,
        Ok(_) => return Err(AppError::Validation(errors)),
        Err(mut e) => {
            e.extend(errors);
            return Err(AppError::Validation(e));
        }
    };
    let Some(valid_from) = valid_from else {
        return Err(AppError::Validation(errors));
    };
    let versions = hr_contracts::Entity::find_in(scope.tenant())
        .filter(hr_contracts::Column::ContractId.eq(contract_id))
        .order_by_asc(hr_contracts::Column::Version)
        .all(db)
        .await?;
    let last = versions.last().ok_or(AppError::NotFound)?;
    if valid_from <= last.valid_from {
        return Err(AppError::field(
            "valid_from",
            format!(
                "L’avenant doit prendre effet après la version en vigueur (depuis le {}).",
                fr_date(last.valid_from)
            ),
        ));
    }
    if t.end_date.is_some_and(|e| valid_from > e) {
        return Err(AppError::field(
            "valid_from",
            "L’avenant prend effet après la fin du contrat.",
        ));
    }
    let txn = begin_write(db).await?;
    let row = insert_next(
        &txn,
        scope.tenant(),
        last,
        valid_from,
        reason,
        &t,
        &scope.actor().label,
    )
    .await?;
    audit::record(
        &txn,
        &scope.actor(),
        Some(scope.member_id()),
        "contract",
        &contract_id.to_string(),
        "amend",
        serde_json::json!({"version": row.version, "valid_from": row.valid_from}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The point value of an agreement in force on `day` (latest `valid_from` not after it).
///
/// # Errors
/// Database errors.
pub async fn point_value_at<C: ConnectionTrait>(
    db: &C,
    agreement: &str,
    day: NaiveDate,
) -> AppResult<Option<Decimal>> {
    let v = hr_point_values::Entity::find_shared()
        .filter(hr_point_values::Column::Agreement.eq(agreement))
        .filter(hr_point_values::Column::ValidFrom.lte(day))
        .order_by_desc(hr_point_values::Column::ValidFrom)
        .one(db)
        .await?;
    Ok(v.and_then(|v| v.value.parse::<Decimal>().ok()))
}

/// Every dated point value, newest first.
///
/// # Errors
/// Database errors.
pub async fn point_values<C: ConnectionTrait>(db: &C) -> AppResult<Vec<hr_point_values::Model>> {
    Ok(hr_point_values::Entity::find_shared()
        .order_by_asc(hr_point_values::Column::Agreement)
        .order_by_desc(hr_point_values::Column::ValidFrom)
        .all(db)
        .await?)
}

/// Adds a dated point value (cooperative configuration; an existing date is refused).
///
/// # Errors
/// 422 on an invalid value or date, or a date already set; database errors.
pub async fn add_point_value<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    coop: Coop,
    actor: &audit::Actor,
    agreement: &str,
    valid_from: &str,
    value: &str,
    source: &str,
) -> AppResult<hr_point_values::Model> {
    let mut errors = Vec::new();
    let agreement = parse_agreement(agreement).filter(|a| *a != "OTHER");
    if agreement.is_none() {
        errors.push(FieldError::new(
            "agreement",
            "Choisissez la convention (CCN 66 ou CCN 51).",
        ));
    }
    let day = parse_date(valid_from);
    if day.is_none() {
        errors.push(FieldError::new(
            "valid_from",
            "La date d’effet est obligatoire (JJ/MM/AAAA).",
        ));
    }
    let v = parse_hours(value).filter(|v| *v > Decimal::ZERO && *v < Decimal::from(100));
    if v.is_none() {
        errors.push(FieldError::new(
            "value",
            "La valeur du point est un montant en euros, par exemple 3,96.",
        ));
    }
    let (Some(agreement), Some(day), Some(v)) = (agreement, day, v) else {
        return Err(AppError::Validation(errors));
    };
    let txn = begin_write(db).await?;
    let exists = hr_point_values::Entity::find_shared()
        .filter(hr_point_values::Column::Agreement.eq(agreement))
        .filter(hr_point_values::Column::ValidFrom.eq(day))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::field(
            "valid_from",
            format!(
                "Une valeur du point est déjà fixée au {} : une valeur ne se modifie pas, ajoutez-en une nouvelle à une autre date.",
                fr_date(day)
            ),
        ));
    }
    let row = hr_point_values::Entity::insert_coop(
        coop,
        hr_point_values::ActiveModel {
            agreement: Set(agreement.to_string()),
            valid_from: Set(day),
            value: Set(v.normalize().to_string()),
            source: Set(opt(source)),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        None,
        "point_value",
        &row.id.to_string(),
        "create",
        serde_json::json!({"agreement": row.agreement, "valid_from": row.valid_from, "value": row.value}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The monthly pay basis of a CCN 66 version: coefficient × point value × part-time
/// ratio, to the cent. `None` when it does not apply or the point value is unknown.
#[must_use]
pub fn pay_basis(v: &hr_contracts::Model, point_value: Option<Decimal>) -> Option<PayBasis> {
    if v.agreement != "CCN66" {
        return None;
    }
    let coefficient = Decimal::from(v.coefficient?);
    let point = point_value?;
    let hours = parse_hours(&v.weekly_hours)?;
    let full =
        (coefficient * point).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let ratio = part_time_ratio(hours);
    let amount = (coefficient * point * ratio)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Some(PayBasis {
        coefficient,
        point,
        full_time: full,
        ratio,
        amount,
    })
}

/// The CCN 66 pay basis of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayBasis {
    pub coefficient: Decimal,
    pub point: Decimal,
    pub full_time: Decimal,
    pub ratio: Decimal,
    pub amount: Decimal,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn input() -> ContractInput {
        ContractInput {
            kind: "CDI".into(),
            start_date: "01/09/2024".into(),
            weekly_hours: "35".into(),
            agreement: "CCN 66".into(),
            position: "Éducateur spécialisé".into(),
            coefficient: "434".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_cdd_needs_its_end_and_reason() {
        let mut i = input();
        i.kind = "cdd".into();
        let errs = i.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["end_date", "cdd_reason"]);
        i.end_date = "2024-08-31".into();
        i.cdd_reason = "Remplacement de Mme X".into();
        let errs = i.validate().unwrap_err();
        assert_eq!(errs[0].message, "La date de fin précède la date de début.");
        i.end_date = "2025-02-28".into();
        let t = i.validate().unwrap();
        assert_eq!(t.kind, "CDD");
        assert_eq!(t.end_date, NaiveDate::from_ymd_opt(2025, 2, 28));
    }

    #[test]
    fn ccn66_needs_a_coefficient_and_hours_are_bounded() {
        let mut i = input();
        i.coefficient = String::new();
        i.weekly_hours = "52".into();
        let errs = i.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["weekly_hours", "coefficient"]);
        i.agreement = "Autre".into();
        i.weekly_hours = "17,5".into();
        let t = i.validate().unwrap();
        assert_eq!(t.weekly_hours.to_string(), "17.5");
        assert_eq!(time_label(t.weekly_hours), "Temps partiel (50 %)");
        assert_eq!(time_label(Decimal::from(35)), "Temps plein");
        assert_eq!(time_label(Decimal::from(28)), "Temps partiel (80 %)");
    }

    fn version(
        n: i32,
        from: (i32, u32, u32),
        hours: &str,
        end: Option<NaiveDate>,
    ) -> hr_contracts::Model {
        hr_contracts::Model {
            member_id: 1,
            id: new_id(),
            employee_id: Uuid::nil(),
            contract_id: Uuid::nil(),
            version: n,
            valid_from: NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap(),
            kind: "CDI".into(),
            start_date: NaiveDate::from_ymd_opt(2024, 9, 1).unwrap(),
            end_date: end,
            cdd_reason: None,
            trial_end: None,
            weekly_hours: hours.into(),
            agreement: "CCN66".into(),
            position: "Éducateur".into(),
            qualification: None,
            coefficient: Some(434),
            step: Some(3),
            quarterly_leave: true,
            agency: None,
            reason: None,
            created_by: "t".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn the_version_in_force_is_the_latest_started() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let c = group(vec![
            version(2, (2025, 3, 1), "28", None),
            version(1, (2024, 9, 1), "35", None),
            version(3, (2026, 1, 1), "28", Some(d(2026, 6, 30))),
        ]);
        assert_eq!(c.len(), 1);
        let c = &c[0];
        assert_eq!(c.at(d(2024, 8, 31)), None);
        assert_eq!(c.at(d(2025, 2, 28)).unwrap().weekly_hours, "35");
        assert_eq!(c.at(d(2025, 3, 1)).unwrap().weekly_hours, "28");
        assert_eq!(c.at(d(2026, 2, 1)).unwrap().version, 3);
        assert!(c.active_on(d(2026, 6, 30)));
        assert!(!c.active_on(d(2026, 7, 1)));
        assert!(c.overlaps(d(2026, 6, 1), d(2026, 6, 30)));
    }

    #[test]
    fn ccn66_pay_basis_is_coefficient_times_point_times_ratio() {
        let v = version(1, (2024, 9, 1), "28", None);
        let p = pay_basis(&v, Some(Decimal::new(396, 2))).unwrap();
        // 434 × 3.96 = 1718.64; × 0.8 = 1374.912 → 1374.91
        assert_eq!(p.full_time, Decimal::new(171_864, 2));
        assert_eq!(p.amount, Decimal::new(137_491, 2));
        assert_eq!(pay_basis(&v, None), None);
    }
}
