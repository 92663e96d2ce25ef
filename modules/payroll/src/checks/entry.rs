//! One line read at entry — typed on a page, posted to the API, or a row of an import —
//! before it is stored: the code is the catalogue's, the matricule an employee's, the
//! quantity and the amount read per unit, the dates present where needed and in order.
//! Each error is a French message under its field (422); an import reports them per row.
//!
//! | unit | quantity | |
//! |---|---|---|
//! | days | to the half-day (0.5), at most 31, at most the days from start to end | absences need both dates |
//! | hours | to the quarter of an hour (0.25), at most 300 | |
//! | euros | 1 (blank reads as 1) | the amount is required: euros and cents, at most 100 M€ |
//! | count | a whole number, at most 100 | |
//! | km | to the tenth, at most 20,000 | |
//!
//! Values are positive; an amendment line (one correcting an earlier month) may be
//! negative to take back what that month paid, never zero. A rate, where given: positive,
//! at most 4 decimals (a mileage scale's 0.636), at most 10,000. A sick leave says whether
//! it is a first stop or an extension.
use chrono::NaiveDate;
use mutualis_core::{
    error::FieldError,
    limits::{Check, Dates, Text},
    money::{MAX_EUROS, parse_decimal},
    time::fr_date,
};
use rust_decimal::Decimal;

use crate::domain::{CodeDef, Kind, Unit, code_def};

/// A line as typed, every value as text (blank when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryInput {
    pub matricule: String,
    pub code: String,
    pub quantity: String,
    pub rate: String,
    pub amount: String,
    /// `JJ/MM/AAAA` or `AAAA-MM-JJ`.
    pub start: String,
    pub end: String,
    /// Sick leave: first stop (true) or extension (false).
    pub first_stop: Option<bool>,
    pub certificate: bool,
    pub reference: String,
    pub comment: String,
}

/// A line read and found valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub matricule: String,
    pub def: &'static CodeDef,
    /// 1 for an amount code.
    pub quantity: Decimal,
    pub rate: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// Set for sick codes only.
    pub first_stop: Option<bool>,
    pub certificate: bool,
    pub reference: Option<String>,
    pub comment: Option<String>,
}

/// How a unit's quantity is read: the largest value and the step it moves by.
struct Grain {
    max: Decimal,
    step: Decimal,
    step_text: &'static str,
}

fn grain(unit: Unit) -> Grain {
    let (max, step, step_text) = match unit {
        Unit::Days => (
            31,
            Decimal::new(5, 1),
            "une valeur à la demi-journée près (0,5) est attendue",
        ),
        Unit::Hours => (
            300,
            Decimal::new(25, 2),
            "une valeur au quart d’heure près (0,25) est attendue",
        ),
        Unit::Euros => (1, Decimal::ONE, "1"),
        Unit::Count => (100, Decimal::ONE, "un nombre entier est attendu"),
        Unit::Km => (
            20_000,
            Decimal::new(1, 1),
            "une valeur au dixième près est attendue",
        ),
    };
    Grain {
        max: Decimal::from(max),
        step,
        step_text,
    }
}

/// Reads a code of the catalogue (case and spaces ignored).
///
/// # Errors
/// The French message for the `code` field.
pub fn parse_code(raw: &str) -> Result<&'static CodeDef, String> {
    let code = raw.trim().to_uppercase();
    if code.is_empty() {
        return Err("Le code de l’élément est obligatoire (MAL, CP, HS25, PRIME_EXCEP…).".into());
    }
    code_def(&code).ok_or_else(|| {
        let shown: String = raw.trim().chars().take(30).collect();
        format!("Code « {shown} » inconnu du catalogue des éléments variables (MAL, CP, HS25, PRIME_EXCEP…).")
    })
}

/// Reads a quantity of `unit` (French or plain writing). `signed` allows a negative
/// value (an amendment line); zero is never a quantity.
///
/// # Errors
/// The French message for the `quantity` field.
pub fn parse_quantity(unit: Unit, raw: &str, signed: bool) -> Result<Decimal, String> {
    let g = grain(unit);
    if unit == Unit::Euros {
        return match raw.trim() {
            "" | "1" => Ok(Decimal::ONE),
            _ => Err(
                "Pour un élément en euros, la quantité est 1 : la valeur va dans le montant."
                    .into(),
            ),
        };
    }
    if raw.trim().is_empty() {
        return Err(format!("La quantité est obligatoire ({}).", unit.code()));
    }
    let q = parse_decimal(raw, 4, g.max).map_err(|m| {
        if m.contains("décimales") {
            format!("Quantité : {}.", g.step_text)
        } else {
            format!("Quantité : {m}")
        }
    })?;
    if q.is_zero() || (q < Decimal::ZERO && !signed) {
        return Err(if signed {
            "Quantité : une valeur non nulle est attendue.".into()
        } else {
            "Quantité : une valeur positive est attendue.".into()
        });
    }
    if !(q % g.step).is_zero() {
        return Err(format!("Quantité : {}.", g.step_text));
    }
    Ok(q)
}

/// Reads an amount in euros, to the cent, at most 100 M€ in magnitude. `signed` as for
/// [`parse_quantity`]; zero is refused.
///
/// # Errors
/// The French message for the `amount` field.
pub fn parse_amount(raw: &str, signed: bool) -> Result<Decimal, String> {
    let a = parse_decimal(raw, 2, MAX_EUROS).map_err(|m| {
        if m.contains("décimales") {
            "Montant : au centime près (2 décimales au plus).".to_string()
        } else {
            format!("Montant : {m}")
        }
    })?;
    if a.is_zero() || (a < Decimal::ZERO && !signed) {
        return Err(if signed {
            "Montant : une valeur non nulle est attendue.".into()
        } else {
            "Montant : un montant positif est attendu.".into()
        });
    }
    Ok(a)
}

/// Reads a rate: positive, at most 4 decimals, at most 10,000.
///
/// # Errors
/// The French message for the `rate` field.
pub fn parse_rate(raw: &str) -> Result<Decimal, String> {
    let r = parse_decimal(raw, 4, Decimal::from(10_000)).map_err(|m| format!("Taux : {m}"))?;
    if r <= Decimal::ZERO {
        return Err("Taux : une valeur positive est attendue.".into());
    }
    Ok(r)
}

/// Checks one line at entry, dates seen from today (Europe/Paris). `amendment`: the
/// line corrects an earlier month. `is_employee`: whether a matricule is one of the
/// member's employees.
///
/// # Errors
/// One `FieldError` per invalid field, in the order of the form.
pub fn validate_entry(
    input: &EntryInput,
    amendment: bool,
    is_employee: impl Fn(&str) -> bool,
) -> Result<Entry, Vec<FieldError>> {
    validate_entry_at(
        input,
        amendment,
        is_employee,
        mutualis_core::time::paris_today(),
    )
}

/// [`validate_entry`] with dates seen from `today`.
///
/// # Errors
/// One `FieldError` per invalid field, in the order of the form.
pub fn validate_entry_at(
    input: &EntryInput,
    amendment: bool,
    is_employee: impl Fn(&str) -> bool,
    today: NaiveDate,
) -> Result<Entry, Vec<FieldError>> {
    let mut c = Check::at(today);
    let matricule = c.text(
        "matricule",
        "Le matricule",
        &input.matricule,
        Text::Code,
        "Le matricule du salarié est obligatoire.",
    );
    if !c.has_error("matricule") && !is_employee(&matricule) {
        c.error(
            "matricule",
            format!(
                "Matricule « {matricule} » inconnu : aucun salarié de l’association ne le porte."
            ),
        );
    }
    let def = parse_code(&input.code).map_err(|m| c.error("code", m)).ok();
    let quantity = def.and_then(|d| {
        parse_quantity(d.unit, &input.quantity, amendment)
            .map_err(|m| c.error("quantity", m))
            .ok()
    });
    let rate = (!input.rate.trim().is_empty())
        .then(|| parse_rate(&input.rate).map_err(|m| c.error("rate", m)).ok())
        .flatten();
    let amount = if input.amount.trim().is_empty() {
        if def.is_some_and(|d| d.unit == Unit::Euros) {
            c.error(
                "amount",
                "Le montant est obligatoire pour un élément en euros.",
            );
        }
        None
    } else {
        parse_amount(&input.amount, amendment)
            .map_err(|m| c.error("amount", m))
            .ok()
    };
    let absence = def.is_some_and(|d| d.kind == Kind::Absence);
    let start = if absence {
        c.date(
            "start",
            "Le début",
            &input.start,
            Dates::Absence,
            "La date de début de l’absence est obligatoire.",
        )
    } else {
        c.optional_date("start", "La date", &input.start, Dates::Absence)
    };
    let end = if absence {
        c.date(
            "end",
            "La fin",
            &input.end,
            Dates::Absence,
            "La date de fin de l’absence est obligatoire (la veille de la reprise).",
        )
    } else {
        c.optional_date("end", "La fin", &input.end, Dates::Absence)
    };
    if !absence && end.is_some() && input.start.trim().is_empty() {
        c.error(
            "start",
            "La date de début est obligatoire quand une date de fin est saisie.",
        );
    }
    c.not_before(
        "end",
        end,
        start,
        "La date de fin précède la date de début.",
    );
    if let (Some(s), Some(e), Some(q), Some(d)) = (start, end, quantity, def)
        && d.unit == Unit::Days
        && e >= s
    {
        let days = Decimal::from((e - s).num_days() + 1);
        if q.abs() > days {
            c.error(
                "quantity",
                format!(
                    "Quantité : {} jours pour une absence de {} jours calendaires (du {} au {}).",
                    mutualis_core::time::fr_decimal(q.abs()),
                    days,
                    fr_date(s),
                    fr_date(e)
                ),
            );
        }
    }
    let sick = def.is_some_and(|d| d.sick);
    if sick && input.first_stop.is_none() {
        c.error(
            "first_stop",
            "Précisez s’il s’agit d’un arrêt initial ou d’une prolongation.",
        );
    }
    let reference = c.optional_text("reference", "La référence", &input.reference, Text::Title);
    let comment = c.optional_text("comment", "Le commentaire", &input.comment, Text::Note);
    c.finish(|| {
        Some(Entry {
            matricule,
            def: def?,
            quantity: quantity?,
            rate,
            amount,
            start,
            end,
            first_stop: if sick { input.first_stop } else { None },
            certificate: sick && input.certificate,
            reference,
            comment,
        })
    })
}

#[cfg(test)]
#[path = "entry_tests.rs"]
mod tests;
