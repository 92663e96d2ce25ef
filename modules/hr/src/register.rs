//! The registre unique du personnel (L1221-13, D1221-23) at any date: every employee
//! hired on or before that date, in order of entry; those who left stay listed five
//! years after their exit. The job, the qualification and the mentions come from the
//! contract in force on that date (or the last one before the exit).
use chrono::{Months, NaiveDate};
use loco_rs::app::AppContext;
use mutualis_core::{
    entities::members,
    error::{AppError, AppResult},
    member,
    module::{BoxFut, Clear, ExportFile, Keep, Retention},
    scope::Scope,
    tenant::{MemberOwned, Tenant},
    time::{fr_datetime, paris_today},
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    contracts::{self, Contract, parse_hours, time_label},
    entities::hr_employees,
    register_docs::{NO_CONTRACT, Register, RegisterLine},
};

/// How long an employee stays in the register after the exit.
pub const KEPT_MONTHS_AFTER_EXIT: u32 = 60;

/// Whether an employee belongs in the register on `at`.
#[must_use]
pub fn listed(entry: NaiveDate, exit: Option<NaiveDate>, at: NaiveDate) -> bool {
    entry <= at
        && exit.is_none_or(|x| {
            x > at
                || x.checked_add_months(Months::new(KEPT_MONTHS_AFTER_EXIT))
                    .is_none_or(|kept| kept >= at)
        })
}

/// The D1221-23 mentions of a contract version.
#[must_use]
pub fn mentions(v: &crate::entities::hr_contracts::Model) -> Vec<String> {
    let mut out = Vec::new();
    match v.kind.as_str() {
        "CDD" => out.push("CDD".to_string()),
        "APPRENTISSAGE" => out.push("Apprenti".to_string()),
        "CONTRAT_AIDE" => out.push("Contrat aidé".to_string()),
        "INTERIM" => out.push(match &v.agency {
            Some(a) => format!("Intérimaire — agence {a}"),
            None => "Intérimaire".to_string(),
        }),
        _ => {}
    }
    if let Some(h) = parse_hours(&v.weekly_hours) {
        let t = time_label(h);
        if t != "Temps plein" {
            out.push(t);
        }
    }
    out
}

fn line(e: &hr_employees::Model, cs: &[Contract], at: NaiveDate) -> RegisterLine {
    let exit = e.exit_date.filter(|x| *x <= at);
    let day = exit.unwrap_or(at);
    // The contract in force on that day, else the latest one started before it.
    let version = cs
        .iter()
        .filter(|c| c.active_on(day))
        .find_map(|c| c.at(day))
        .or_else(|| {
            cs.iter()
                .filter_map(|c| c.at(day))
                .max_by_key(|v| v.start_date)
        });
    RegisterLine {
        matricule: e.matricule.clone(),
        last_name: e.last_name.clone(),
        first_name: e.first_name.clone(),
        nationality: e.nationality.clone(),
        birth_date: e.birth_date,
        sex: e.sex.clone(),
        job: version.map(|v| v.position.clone()).unwrap_or_default(),
        qualification: version
            .and_then(|v| v.qualification.clone())
            .unwrap_or_default(),
        entry_date: e.entry_date,
        exit_date: exit,
        permit: match (&e.permit_type, &e.permit_number) {
            (Some(t), Some(n)) => Some(format!("{t} n° {n}")),
            (Some(t), None) => Some(t.clone()),
            _ => None,
        },
        mentions: version.map_or_else(|| vec![NO_CONTRACT.to_string()], mentions),
        without_contract: version.is_none(),
    }
}

/// The register of the scope's member on `at`, optionally for one establishment.
///
/// # Errors
/// Database errors.
pub async fn at<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    at: NaiveDate,
    establishment: Option<Uuid>,
) -> AppResult<Register> {
    at_for(db, scope.member(), scope.tenant(), at, establishment).await
}

/// The same for a member's tenant outside a request (its export on departure).
///
/// # Errors
/// Database errors.
pub async fn at_for<C: ConnectionTrait>(
    db: &C,
    m: &members::Model,
    tenant: Tenant,
    at: NaiveDate,
    establishment: Option<Uuid>,
) -> AppResult<Register> {
    let mut q =
        hr_employees::Entity::find_in(tenant).filter(hr_employees::Column::EntryDate.lte(at));
    if let Some(site) = establishment {
        q = q.filter(hr_employees::Column::EstablishmentId.eq(site));
    }
    let mut employees: Vec<_> = q
        .all(db)
        .await?
        .into_iter()
        .filter(|e| listed(e.entry_date, e.exit_date, at))
        .collect();
    employees.sort_by(|a, b| (a.entry_date, &a.matricule).cmp(&(b.entry_date, &b.matricule)));
    let contracts = contracts::by_employee_for(db, tenant).await?;
    let site = match establishment {
        Some(id) => member::establishments(db, m.id)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| format!("{} — SIRET {}", s.name, s.siret)),
        None => None,
    };
    Ok(Register {
        member_name: m.name.clone(),
        member_siren: m.siren.clone(),
        establishment: site,
        at,
        generated_at: fr_datetime(mutualis_core::time::now()).replacen(' ', " à ", 1),
        lines: employees
            .iter()
            .map(|e| line(e, contracts.get(&e.id).map_or(&[], Vec::as_slice), at))
            .collect(),
    })
}

/// The register of today, PDF and XLSX, for the member's export on departure
/// (`ModuleDef::exports`); nothing when the member never had an employee.
pub fn exports(ctx: &AppContext, tenant: Tenant) -> BoxFut<'_, AppResult<Vec<ExportFile>>> {
    Box::pin(async move {
        let Some(m) = member::find_by_id(&ctx.db, tenant.member_id()).await? else {
            return Ok(Vec::new());
        };
        let r = at_for(&ctx.db, &m, tenant, today(), None).await?;
        if r.lines.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for pdf in [true, false] {
            let (_, name, bytes) = file(&r, &m.slug, pdf)?;
            out.push(ExportFile { path: name, bytes });
        }
        Ok(out)
    })
}

/// The register's fields an employee keeps (D1221-23): everything else of the
/// employee row is emptied on the kept rows.
const NOT_IN_REGISTER: &[Clear] = &[
    Clear::Empty("nir"),
    Clear::Null("email"),
    Clear::Null("address"),
    Clear::Null("phone"),
];

/// What HR keeps of a departing member: the personnel register's entries (the
/// employee and its contracts) five years after the employee's exit, and nothing else.
pub const RETENTION: &[Retention] = &[
    Retention::new(
        "hr_employees",
        Keep::YearsAfter {
            column: "exit_date",
            years: 5,
            when_empty: true,
        },
        "Registre unique du personnel : les salariés présents ou sortis depuis moins de 5 ans restent inscrits (art. R1221-26 du Code du travail) ; seules les mentions du registre sont gardées (NIR, e-mail, adresse et téléphone effacés).",
    )
    .clearing(NOT_IN_REGISTER),
    Retention::new(
        "hr_contracts",
        Keep::WithParent {
            column: "employee_id",
            parent: "hr_employees",
        },
        "Registre unique du personnel : emploi, qualification, dates et nature des contrats des salariés inscrits (art. L1221-13, D1221-23 du Code du travail).",
    ),
];

/// The register's query: a date (today by default) and an establishment (NIC).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterQuery {
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub establishment: Option<String>,
}

/// The register for a query of the page or the API.
///
/// # Errors
/// 422 on an invalid date or an unknown establishment; database errors.
pub async fn for_query<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    q: &RegisterQuery,
) -> AppResult<Register> {
    let day = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => today(),
        Some(d) => contracts::parse_date(d).ok_or_else(|| {
            AppError::field(
                "date",
                format!("Date « {d} » invalide : AAAA-MM-JJ ou JJ/MM/AAAA."),
            )
        })?,
    };
    let site = match q
        .establishment
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(nic) => Some(
            member::establishments(db, scope.member_id())
                .await?
                .into_iter()
                .find(|s| s.nic == nic || s.id.to_string() == nic)
                .ok_or_else(|| {
                    AppError::field(
                        "establishment",
                        format!("Aucun établissement de l’association n’a le NIC {nic}."),
                    )
                })?
                .id,
        ),
    };
    at(db, scope, day, site).await
}

/// The register as a file: (content type, file name, bytes), PDF or XLSX.
///
/// # Errors
/// Rendering errors.
pub fn file(r: &Register, slug: &str, pdf: bool) -> AppResult<(&'static str, String, Vec<u8>)> {
    let name = format!("registre-du-personnel-{slug}-{}", r.at);
    if pdf {
        let bytes = crate::register_docs::register_pdf(r)
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e.to_string())))?;
        Ok(("application/pdf", format!("{name}.pdf"), bytes))
    } else {
        Ok((
            mutualis_core::web::page::XLSX,
            format!("{name}.xlsx"),
            crate::register_docs::register_xlsx(r)?,
        ))
    }
}

/// Today in Paris (the register's default date).
#[must_use]
pub fn today() -> NaiveDate {
    paris_today()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn leavers_stay_five_years() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let entry = d(2015, 1, 5);
        assert!(!listed(entry, None, d(2014, 12, 31)));
        assert!(listed(entry, None, d(2015, 1, 5)));
        let exit = Some(d(2020, 6, 30));
        assert!(listed(entry, exit, d(2025, 6, 30)));
        assert!(!listed(entry, exit, d(2025, 7, 1)));
    }
}
