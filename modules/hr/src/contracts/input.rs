//! A contract version's terms as typed (form, API, spreadsheet) and their validation (French messages per field).
use super::*;

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

/// A required field read by `parse`: its French message when missing, and when
/// unreadable (`unknown` gets the value as typed).
pub(super) fn required<T>(
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

/// Parses hours (or a point value) written `35`, `17,5` or `17.5`: a plain decimal of
/// at most 4 decimals up to 10,000 (callers bound it further); never `1e2`.
#[must_use]
pub fn parse_hours(raw: &str) -> Option<Decimal> {
    mutualis_core::money::parse_decimal(raw, 4, Decimal::from(10_000)).ok()
}

impl ContractInput {
    /// Validates the terms, collecting every error: a CDD needs its end date and its
    /// reason; hours are between 0 and 48; a CCN 66 contract needs its coefficient.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self) -> Result<Terms, Vec<FieldError>> {
        self.validate_at(mutualis_core::time::paris_today())
    }

    /// The same, with dates checked against `today`.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate_at(&self, today: NaiveDate) -> Result<Terms, Vec<FieldError>> {
        let mut c = Check::at(today);
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
        let start_date = c.date(
            "start_date",
            "La date de début",
            &self.start_date,
            Dates::Hiring,
            "La date de début du contrat est obligatoire.",
        );
        let end_date = c.optional_date(
            "end_date",
            "La date de fin",
            &self.end_date,
            Dates::ContractEnd,
        );
        let cdd_reason = c.optional_text("cdd_reason", "Le motif", &self.cdd_reason, Text::Short);
        if kind == Some("CDD") {
            if self.end_date.trim().is_empty() {
                errors.push(FieldError::new(
                    "end_date",
                    "Un CDD a une date de fin (ou une durée minimale) : elle est obligatoire.",
                ));
            }
            if cdd_reason.is_none() && !c.has_error("cdd_reason") {
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
        let trial_end = c.optional_date(
            "trial_end",
            "La fin de période d’essai",
            &self.trial_end,
            Dates::ContractEnd,
        );
        c.not_before(
            "trial_end",
            trial_end,
            start_date,
            "La période d’essai finit avant le début du contrat.",
        );
        if let (Some(t), Some(e)) = (trial_end, end_date)
            && t > e
        {
            c.error(
                "trial_end",
                "La période d’essai finit après la fin du contrat.",
            );
        }
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
        let position = c.text(
            "position",
            "L’emploi",
            &self.position,
            Text::Title,
            "L’emploi occupé est obligatoire (registre du personnel).",
        );
        let qualification = c.optional_text(
            "qualification",
            "La qualification",
            &self.qualification,
            Text::Title,
        );
        let agency = c.optional_text("agency", "L’agence d’intérim", &self.agency, Text::Title);
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
        errors.extend(c.into_errors());
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
                    qualification,
                    coefficient,
                    step,
                    quarterly_leave: quarterly_leave && agreement == "CCN66",
                    agency,
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
