//! HR pages: employees and their records (contracts, leave), the leave overview with
//! the director's approvals and the accrual runs, the personnel register, imports, the
//! staff member's own leave, and the cooperative's point values — one file per
//! resource; this one holds the routes and the helpers they share.
use std::collections::HashMap;

use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, Query, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use axum_extra::extract::CookieJar;
use loco_rs::{
    app::AppContext,
    controller::{
        Routes,
        views::{ViewEngine, engines::TeraView},
    },
};
use mutualis_core::{
    error::AppError,
    member,
    scope::{CoopAccess, MemberAccess, Scope},
    time::{Month, fr_date, fr_datetime, fr_decimal, fr_money, paris_today},
    web::{
        error::PageError,
        forms::{Done, WebForm, check_csrf, form_reply},
        page::{Page, XLSX, download, redirect_with_flash},
        table::{Column, SortValue, TableQuery},
        views::{self, month_label},
    },
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    api::{self, read_upload},
    contracts::{self, AGREEMENTS, Contract, ContractInput, KINDS},
    employees::{self, EmployeeInput},
    entities::{hr_employees, hr_leave_requests},
    import, leave,
    leave::{days, fr_days},
    ledger, nir,
    register::{self, RegisterQuery},
    register_docs,
};

type View = ViewEngine<TeraView>;

mod contract_pages;
mod employee_edit;
mod employee_pages;
mod import_pages;
mod leave_pages;
mod my_pages;
mod point_pages;
mod register_pages;

use contract_pages::*;
use employee_edit::*;
use employee_pages::*;
use import_pages::*;
use leave_pages::*;
use my_pages::*;
use point_pages::*;
use register_pages::*;

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/hr", get(home))
        .add("/m/{slug}/hr/employees", post(create))
        .add("/m/{slug}/hr/employees/{id}", get(record))
        .add(
            "/m/{slug}/hr/employees/{id}/edit",
            get(edit_employee_form).post(update_employee),
        )
        .add("/m/{slug}/hr/employees/{id}/contracts", post(new_contract))
        .add("/m/{slug}/hr/employees/{id}/leave/adjust", post(adjust))
        .add("/m/{slug}/hr/employees/{id}/exit", post(record_exit))
        .add("/m/{slug}/hr/settings", post(save_settings))
        .add(
            "/m/{slug}/hr/contracts/{id}/amend",
            get(amend_form).post(amend),
        )
        .add("/m/{slug}/hr/leave", get(leave_page))
        .add("/m/{slug}/hr/leave/requests", post(new_request))
        .add("/m/{slug}/hr/leave/requests/{id}/decide", post(decide))
        .add(
            "/m/{slug}/hr/leave/requests/{id}/cancel",
            post(cancel_request),
        )
        .add("/m/{slug}/hr/me/leave/{id}/cancel", post(cancel_mine))
        .add("/m/{slug}/hr/leave/accruals", post(run_accruals))
        .add("/m/{slug}/hr/register", get(register_page))
        .add("/m/{slug}/hr/register.pdf", get(register_pdf))
        .add("/m/{slug}/hr/register.xlsx", get(register_xlsx))
        .add(
            "/m/{slug}/hr/imports",
            get(imports_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(api::MAX_UPLOAD)),
        )
        .add("/m/{slug}/hr/imports/template.xlsx", get(template))
        .add("/m/{slug}/hr/imports/{id}", get(import_page))
        .add("/m/{slug}/hr/imports/{id}/confirm", post(confirm_import))
        .add("/m/{slug}/hr/me", get(my_leave))
        .add("/m/{slug}/hr/me/leave", post(my_request))
        .add(
            "/coop/hr/point-values",
            get(point_values).post(add_point_value),
        )
}

/// The HR section's tabs the user may open.
pub(crate) async fn tabs(scope: &Scope, current: &str) -> Result<Vec<Value>, PageError> {
    let slug = &scope.member().slug;
    let mut out = Vec::new();
    for (key, label, href, obj) in [
        (
            "employees",
            "Salariés",
            format!("/m/{slug}/hr"),
            "hr.employees",
        ),
        (
            "leave",
            "Congés et absences",
            format!("/m/{slug}/hr/leave"),
            "hr.leave",
        ),
        (
            "register",
            "Registre du personnel",
            format!("/m/{slug}/hr/register"),
            "hr.register",
        ),
        (
            "skills",
            "Compétences et formation",
            format!("/m/{slug}/hr/skills"),
            "hr.skills",
        ),
        (
            "imports",
            "Import",
            format!("/m/{slug}/hr/imports"),
            "hr.imports",
        ),
    ] {
        if scope.can(obj, "read").await? {
            out.push(json!({"label": label, "href": href, "current": key == current}));
        }
    }
    Ok(out)
}

fn hr_page(page: Page, m: &mutualis_core::entities::members::Model) -> Page {
    page.crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Ressources humaines", &format!("/m/{}/hr", m.slug))
}

fn options<const N: usize>(list: &[(&str, &str); N]) -> Vec<Value> {
    list.iter()
        .map(|(v, l)| json!({"value": v, "label": l}))
        .collect()
}

fn leave_options(approval_only: bool) -> Vec<Value> {
    leave::TYPES
        .iter()
        .filter(|t| !approval_only || t.approval)
        .map(|t| json!({"value": t.code, "label": t.label}))
        .collect()
}

fn leave_label(code: &str) -> &'static str {
    leave::leave_type(code).map_or("Absence", |t| t.label)
}

fn status_badge(status: &str) -> Value {
    let (label, kind) = match status {
        "pending" => ("En attente", "warn"),
        "approved" => ("Approuvée", "ok"),
        "refused" => ("Refusée", "danger"),
        _ => ("Annulée", "muted"),
    };
    json!({"label": label, "kind": kind})
}

/// The HR settings form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub alsace_moselle: String,
    pub first_interview_months: String,
    pub interview_every_years: String,
    pub review_every_years: String,
    pub reminder_days: String,
}

/// `POST /m/{slug}/hr/settings` (director): calendar and interview schedule.
pub async fn save_settings(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    form: WebForm<SettingsForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.settings", "write").await?;
    let back = format!("/m/{}/hr/leave#parametres", scope.member().slug);
    let f = &form.value;
    let num = |raw: &str, range: std::ops::RangeInclusive<i32>| {
        raw.trim().parse::<i32>().ok().filter(|v| range.contains(v))
    };
    let (Some(first), Some(every), Some(review), Some(reminder)) = (
        num(&f.first_interview_months, 1..=60),
        num(&f.interview_every_years, 0..=10),
        num(&f.review_every_years, 0..=20),
        num(&f.reminder_days, 0..=365),
    ) else {
        return Ok(redirect_with_flash(
            &back,
            "error",
            "Paramètres non enregistrés : le premier entretien entre 1 et 60 mois, les entretiens tous les 0 à 10 ans, le bilan tous les 0 à 20 ans, le rappel 0 à 365 jours avant.",
        ));
    };
    let mut s = ledger::settings(&ctx.db, scope.tenant()).await?;
    s.alsace_moselle = matches!(f.alsace_moselle.as_str(), "on" | "true" | "1");
    s.first_interview_months = first;
    s.interview_every_years = every;
    s.review_every_years = review;
    s.reminder_days = reminder;
    ledger::save_settings(&ctx.db, &scope, &s).await?;
    Ok(redirect_with_flash(
        &back,
        "success",
        "Paramètres RH enregistrés.",
    ))
}
