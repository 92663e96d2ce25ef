//! Payroll pages: the member's landing and its periods (transitions, findings, files),
//! the grid per establishment and each employee's entry, imports, settings, and the
//! payroll officer's board across the members served — one file per resource; this one
//! holds the routes and the helpers they share. Handlers are thin: the rules live in the
//! services the API uses.
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
    scope::{MemberAccess, Scope},
    served::ServedAccess,
    time::{Month, fr_date, fr_datetime, fr_decimal, fr_money, paris_today, time_left},
    web::{
        error::PageError,
        forms::{Done, WebForm, check_csrf, form_reply},
        page::{Page, download, redirect_with_flash},
        views::{self, month_label},
    },
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    api::{self, PeriodBody},
    domain::{CATALOGUE, Line, Severity, Unit, code_def},
    findings::{self, Shown},
    imports, lines, periods,
};

type View = ViewEngine<TeraView>;

mod board_pages;
mod entry_pages;
mod import_pages;
mod period_pages;
mod settings_pages;

use board_pages::*;
use entry_pages::*;
use import_pages::*;
use period_pages::*;
use settings_pages::*;

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    let p = "/m/{slug}/payroll/periods/{period}";
    Routes::new()
        .add("/m/{slug}/payroll", get(home))
        .add(
            "/m/{slug}/payroll/settings",
            get(settings_page).post(save_settings),
        )
        .add("/m/{slug}/payroll/settings/codes", post(save_code))
        .add("/m/{slug}/payroll/settings/titles", post(save_title))
        .add(p, get(period_page))
        .add(&format!("{p}/submit"), post(submit))
        .add(&format!("{p}/validate"), post(validate))
        .add(&format!("{p}/export"), post(export))
        .add(&format!("{p}/reopen"), post(reopen))
        .add(
            &format!("{p}/findings/{{id}}/acknowledge"),
            post(acknowledge),
        )
        .add(&format!("{p}/export.csv"), get(file_csv))
        .add(&format!("{p}/export.xlsx"), get(file_xlsx))
        .add(&format!("{p}/export-123paie.txt"), get(file_123paie))
        .add(&format!("{p}/recap.pdf"), get(file_recap))
        .add(&format!("{p}/grid"), get(grid))
        .add(&format!("{p}/employees/{{id}}"), get(employee_page))
        .add(&format!("{p}/employees/{{id}}/lines"), post(add_line))
        .add(&format!("{p}/lines/{{id}}/delete"), post(delete_line))
        .add(
            &format!("{p}/imports"),
            get(imports_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(api::MAX_UPLOAD)),
        )
        .add(&format!("{p}/imports/{{id}}"), get(import_page))
        .add(&format!("{p}/imports/{{id}}/confirm"), post(confirm_import))
        .add("/coop/payroll", get(board))
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Empty {}

/// The period of a path, as a page error (422 page) when it does not read.
fn month_of(raw: &str) -> Result<Month, PageError> {
    Ok(Month::parse(raw)?)
}

/// `/m/{slug}/payroll/periods/{YYYY-MM}`.
fn period_path(scope: &Scope, month: Month) -> String {
    format!("/m/{}/payroll/periods/{month}", scope.member().slug)
}

/// The frame's breadcrumbs down to the payroll landing.
fn payroll_page(page: Page, m: &mutualis_core::entities::members::Model) -> Page {
    page.crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Paie", &format!("/m/{}/payroll", m.slug))
}

/// A status as a badge (text and kind).
fn status_badge(status: &str) -> Value {
    let kind = match status {
        periods::status::OPEN | periods::status::REOPENED => "warn",
        periods::status::SUBMITTED => "muted",
        _ => "ok",
    };
    json!({"label": periods::status_label(status), "kind": kind, "code": status})
}

/// A period's summary as the pages show it.
fn summary_view(s: &PeriodBody, today: chrono::NaiveDate) -> Value {
    let month = Month::parse(&s.period).ok();
    let open = periods::is_open(&s.status);
    json!({
        "period": s.period, "label": month.map(month_label).unwrap_or_else(|| s.period.clone()),
        "status": status_badge(&s.status), "open": open, "lines": s.lines, "blocking": s.blocking,
        "warnings": s.warnings, "cutoff": fr_date(s.cutoff_on),
        "left": if open { time_left(s.cutoff_on, today) } else { String::new() },
        "late": open && s.cutoff_on < today,
        "validated_at": s.validated_at.map(fr_datetime), "validated_by": s.validated_by,
        "submitted_at": s.submitted_at.map(fr_datetime), "exported_at": s.exported_at.map(fr_datetime),
        "reopen_reason": s.reopen_reason,
    })
}

/// A quantity with its unit, or the amount for a euro code.
fn value_of(l: &Line) -> String {
    match code_def(&l.code).map(|d| d.unit) {
        Some(Unit::Euros) => l.amount.map(fr_money).unwrap_or_default(),
        Some(u) => format!("{} {}", fr_decimal(l.quantity), unit_label(u, l.quantity)),
        None => fr_decimal(l.quantity),
    }
}

/// A unit in French, singular or plural.
fn unit_label(u: Unit, q: Decimal) -> &'static str {
    let many = q > Decimal::ONE;
    match u {
        Unit::Days => {
            if many {
                "jours"
            } else {
                "jour"
            }
        }
        Unit::Hours => "h",
        Unit::Euros => "€",
        Unit::Count => "",
        Unit::Km => "km",
    }
}

fn source_label(l: &Line) -> &'static str {
    match l.source.code() {
        "hr" => "RH",
        "import" => "Import",
        _ => "Saisie",
    }
}

/// A line as the pages show it.
fn line_view(l: &Line, month: Month) -> Value {
    json!({
        "id": l.id.to_string(), "matricule": l.matricule, "code": l.code, "label": lines::code_label(&l.code),
        "value": value_of(l), "rate": l.rate.map(fr_decimal),
        "start": l.start.map(fr_date), "end": l.end.map(fr_date),
        "source": source_label(l), "hr": l.source.code() == "hr", "late": l.late,
        "amendment": (l.concerns != month).then(|| month_label(l.concerns)),
        "certificate": l.certificate, "first_stop": l.first_stop, "comment": l.comment,
    })
}

/// A finding as the pages show it.
fn finding_view(f: &Shown) -> Value {
    let blocking = f.severity == Severity::Blocking.code();
    json!({
        "id": f.id.to_string(), "blocking": blocking, "matricule": f.matricule, "message": f.message,
        "acknowledged": f.acknowledged, "by": f.acknowledged_by, "comment": f.comment,
        "badge": if blocking { json!({"label": "Bloquante", "kind": "danger"}) }
            else if f.acknowledged { json!({"label": "Avertissement acquitté", "kind": "ok"}) }
            else { json!({"label": "Avertissement", "kind": "warn"}) },
    })
}

/// The catalogue as select options (label and unit).
fn code_options() -> Vec<Value> {
    CATALOGUE
        .iter()
        .map(|d| json!({"value": d.code, "label": format!("{} — {} ({})", d.code, d.label, d.unit.code())}))
        .collect()
}
