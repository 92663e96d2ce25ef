//! HR pages: employees and their records (contracts, leave), the leave overview with
//! the director's approvals and the accrual runs, the personnel register, imports, the
//! staff member's own leave, and the cooperative's point values.
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
        forms::{WebForm, check_csrf},
        page::{Page, XLSX, download, redirect_with_flash},
        views::{self, errors_map, month_label},
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

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/hr", get(home))
        .add("/m/{slug}/hr/employees", post(create))
        .add("/m/{slug}/hr/employees/{id}", get(record))
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

async fn home_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    form: &EmployeeInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let establishments = member::establishments(&ctx.db, m.id).await?;
    let contracts = contracts::all_by_employee(&ctx.db, scope).await?;
    let today = paris_today();
    let rows: Vec<Value> = employees::list(&ctx.db, scope)
        .await?
        .iter()
        .map(|e| {
            let site = e
                .establishment_id
                .and_then(|id| establishments.iter().find(|s| s.id == id))
                .map(|s| s.name.clone());
            let current = contracts
                .get(&e.id)
                .and_then(|cs| cs.iter().rev().find(|c| c.active_on(today)))
                .and_then(|c| c.at(today));
            json!({
                "id": e.id.to_string(), "matricule": e.matricule, "name": format!("{} {}", e.last_name, e.first_name),
                "nir": nir::masked(&e.nir), "entry": fr_date(e.entry_date), "entry_sort": e.entry_date.to_string(), "site": site,
                "contract": current.map(|v| format!("{} — {}", contracts::kind_label(&v.kind), v.position)),
                "left": e.exit_date.is_some_and(|x| x < today),
            })
        })
        .collect();
    let sites: Vec<Value> = establishments
        .iter()
        .map(|s| json!({"value": s.nic, "label": format!("{} (NIC {})", s.name, s.nic)}))
        .collect();
    let path = format!("/m/{}/hr", m.slug);
    Page::for_scope(ctx, scope, &format!("Salariés — {}", m.name), &path)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Ressources humaines", "")
        .render_with_status(
            v,
            jar,
            "hr/employees.html",
            json!({
                "member": views::member(m), "rows": rows, "form": form, "errors": errors, "sites": sites,
                "can_edit": scope.can("hr.employees", "write").await?, "tabs": tabs(scope, "employees").await?,
            }),
            status,
        )
}

/// `GET /m/{slug}/hr`: the member's employees (NIR masked).
pub async fn home(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "read").await?;
    home_page(
        &ctx,
        &v,
        &jar,
        &scope,
        &EmployeeInput::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/hr/employees`
pub async fn create(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<EmployeeInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "write").await?;
    match employees::create(&ctx.db, &scope, &form.value).await {
        Ok(e) => Ok(redirect_with_flash(
            &format!("/m/{}/hr/employees/{}#contrats", scope.member().slug, e.id),
            "success",
            &format!(
                "Salarié {} {} enregistré. Ajoutez maintenant son contrat.",
                e.first_name, e.last_name
            ),
        )),
        Err(AppError::Validation(errs)) => {
            home_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                errors_map(errs),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn version_view(v: &crate::entities::hr_contracts::Model) -> Value {
    let hours = contracts::parse_hours(&v.weekly_hours).unwrap_or_default();
    json!({
        "version": v.version, "valid_from": fr_date(v.valid_from), "kind": contracts::kind_label(&v.kind),
        "start": fr_date(v.start_date), "end": v.end_date.map(fr_date), "cdd_reason": v.cdd_reason,
        "trial_end": v.trial_end.map(fr_date), "hours": fr_decimal(hours), "time": contracts::time_label(hours),
        "agreement": contracts::agreement_label(&v.agreement), "position": v.position,
        "qualification": v.qualification, "coefficient": v.coefficient, "step": v.step,
        "quarterly_leave": v.quarterly_leave, "reason": v.reason, "created_by": v.created_by,
        "created_at": fr_datetime(v.created_at),
    })
}

async fn contract_view(ctx: &AppContext, c: &Contract) -> Result<Value, PageError> {
    let today = paris_today();
    let Some(latest) = c.latest() else {
        return Ok(json!(null));
    };
    let current = c.at(today).unwrap_or(latest);
    let point = contracts::point_value_at(&ctx.db, &current.agreement, today).await?;
    let basis = contracts::pay_basis(current, point).map(|p| {
        json!({
            "coefficient": fr_decimal(p.coefficient), "point": fr_money(p.point),
            "full_time": fr_money(p.full_time), "ratio": fr_decimal((p.ratio * Decimal::from(100)).round_dp(1)),
            "amount": fr_money(p.amount),
        })
    });
    let (status, kind) = if c.active_on(today) {
        ("En cours", "ok")
    } else if latest.start_date > today {
        ("À venir", "warn")
    } else {
        ("Terminé", "muted")
    };
    Ok(json!({
        "id": latest.contract_id.to_string(), "status": status, "status_kind": kind,
        "current": version_view(current),
        "versions": c.versions.iter().rev().map(version_view).collect::<Vec<_>>(),
        "basis": basis, "point_missing": current.agreement == "CCN66" && point.is_none(),
    }))
}

fn balances_view(entries: &[crate::entities::hr_leave_entries::Model]) -> Vec<Value> {
    ledger::balances_of(entries)
        .iter()
        .map(|b| {
            json!({
                "type": leave_label(&b.leave_type), "period": b.period, "accrued": fr_decimal(b.accrued),
                "taken": fr_decimal(b.taken), "adjusted": fr_decimal(b.adjusted), "expired": fr_decimal(b.expired),
                "carried": fr_decimal(b.carried), "balance": fr_decimal(b.balance), "negative": b.balance < Decimal::ZERO,
            })
        })
        .collect()
}

fn entries_view(entries: &[crate::entities::hr_leave_entries::Model]) -> Vec<Value> {
    entries
        .iter()
        .rev()
        .map(|e| {
            let d = days(e.days_micros);
            json!({
                "date": fr_date(e.effective_date), "type": leave_label(&e.leave_type), "kind": leave::kind_label(&e.kind),
                "days": format!("{}{}", if d > Decimal::ZERO { "+" } else { "" }, fr_decimal(d)),
                "period": e.period, "note": e.note, "by": e.created_by,
            })
        })
        .collect()
}

struct RecordForms {
    contract: ContractInput,
    contract_errors: Value,
    adjust: AdjustForm,
    adjust_errors: Value,
}

impl Default for RecordForms {
    fn default() -> Self {
        Self {
            contract: ContractInput {
                weekly_hours: "35".to_string(),
                ..Default::default()
            },
            contract_errors: json!({}),
            adjust: AdjustForm::default(),
            adjust_errors: json!({}),
        }
    }
}

async fn record_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    id: Uuid,
    forms: RecordForms,
    status: StatusCode,
) -> Result<Response, PageError> {
    let e = employees::record(&ctx.db, scope, id).await?;
    let m = scope.member();
    let site = match e.establishment_id {
        Some(sid) => member::establishments(&ctx.db, m.id)
            .await?
            .into_iter()
            .find(|s| s.id == sid)
            .map(|s| format!("{} (NIC {})", s.name, s.nic)),
        None => None,
    };
    let mut cs = Vec::new();
    for c in contracts::of_employee(&ctx.db, scope, id)
        .await?
        .iter()
        .rev()
    {
        cs.push(contract_view(ctx, c).await?);
    }
    let can_leave = scope.can("hr.leave", "read").await?;
    let entries = if can_leave {
        ledger::entries(&ctx.db, scope, id).await?
    } else {
        Vec::new()
    };
    let requests: Vec<Value> = if can_leave {
        ledger::requests(&ctx.db, scope, Some(id))
            .await?
            .iter()
            .map(|r| request_view(r, None))
            .collect()
    } else {
        Vec::new()
    };
    let title = format!("{} {}", e.first_name, e.last_name);
    hr_page(
        Page::for_scope(ctx, scope, &title, &format!("/m/{}/hr", m.slug)).await?,
        m,
    )
    .crumb(&title, "")
    .render_with_status(
        v,
        jar,
        "hr/employee.html",
        json!({
            "member": views::member(m), "id": e.id.to_string(),
            "e": {
                "matricule": e.matricule, "first_name": e.first_name, "last_name": e.last_name,
                "sex": if e.sex == "F" { "Femme" } else { "Homme" }, "birth_date": fr_date(e.birth_date),
                "nationality": e.nationality, "nir": nir::format(&e.nir), "entry": fr_date(e.entry_date),
                "exit": e.exit_date.map(fr_date), "site": site,
                "permit": e.permit_type.as_ref().map(|t| format!("{t} {}", e.permit_number.clone().unwrap_or_default())),
                "permit_expiry": e.permit_expiry.map(fr_date), "email": e.email, "phone": e.phone, "address": e.address,
            },
            "contracts": cs, "form": forms.contract, "errors": forms.contract_errors,
            "kinds": options(&KINDS), "agreements": options(&AGREEMENTS),
            "can_contract": scope.can("hr.contracts", "write").await?,
            "can_leave": can_leave, "can_adjust": scope.can("hr.leave", "write").await?,
            "balances": balances_view(&entries), "entries": entries_view(&entries), "requests": requests,
            "adjust": forms.adjust, "adjust_errors": forms.adjust_errors,
            "balance_types": leave::TYPES.iter().filter(|t| t.balance).map(|t| json!({"value": t.code, "label": t.label})).collect::<Vec<_>>(),
            "can_skills": scope.can("hr.skills", "read").await?,
        }),
        status,
    )
}

/// `GET /m/{slug}/hr/employees/{id}`: the record, with the full NIR (audited), the
/// contracts with their history, and the leave balances.
pub async fn record(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "read").await?;
    record_page(
        &ctx,
        &v,
        &jar,
        &scope,
        id,
        RecordForms::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/hr/employees/{id}/contracts`
pub async fn new_contract(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<ContractInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.contracts", "write").await?;
    match contracts::create(&ctx.db, &scope, id, &form.value).await {
        Ok(c) => Ok(redirect_with_flash(
            &format!("/m/{}/hr/employees/{id}#contrats", scope.member().slug),
            "success",
            &format!(
                "Contrat {} enregistré à compter du {}.",
                contracts::kind_label(&c.kind),
                fr_date(c.start_date)
            ),
        )),
        Err(AppError::Validation(errs)) => {
            let forms = RecordForms {
                contract: form.value,
                contract_errors: errors_map(errs),
                ..Default::default()
            };
            record_page(
                &ctx,
                &v,
                &jar,
                &scope,
                id,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn amend_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    contract_id: Uuid,
    failed: Option<(ContractInput, Value)>,
) -> Result<Response, PageError> {
    let (c, e) = contracts::one(&ctx.db, scope, contract_id).await?;
    let latest = c.latest().ok_or(AppError::NotFound)?;
    let (form, errors, status) = match failed {
        Some((form, errors)) => (form, errors, StatusCode::UNPROCESSABLE_ENTITY),
        None => (
            ContractInput::from_version(latest),
            json!({}),
            StatusCode::OK,
        ),
    };
    let m = scope.member();
    let name = format!("{} {}", e.first_name, e.last_name);
    hr_page(
        Page::for_scope(ctx, scope, &format!("Avenant — {name}"), &format!("/m/{}/hr", m.slug))
            .await?,
        m,
    )
    .crumb(&name, &format!("/m/{}/hr/employees/{}", m.slug, e.id))
    .crumb("Avenant", "")
    .render_with_status(
        v,
        jar,
        "hr/amend.html",
        json!({
            "member": views::member(m), "name": name, "employee_id": e.id.to_string(),
            "contract_id": contract_id.to_string(), "current": version_view(latest),
            "form": form, "errors": errors, "kinds": options(&KINDS), "agreements": options(&AGREEMENTS),
        }),
        status,
    )
}

/// `GET /m/{slug}/hr/contracts/{id}/amend`: the amendment form, prefilled.
pub async fn amend_form(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.contracts", "write").await?;
    amend_page(&ctx, &v, &jar, &scope, id, None).await
}

/// `POST /m/{slug}/hr/contracts/{id}/amend`
pub async fn amend(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<ContractInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.contracts", "write").await?;
    match contracts::amend(&ctx.db, &scope, id, &form.value).await {
        Ok(c) => Ok(redirect_with_flash(
            &format!(
                "/m/{}/hr/employees/{}#contrats",
                scope.member().slug,
                c.employee_id
            ),
            "success",
            &format!(
                "Avenant enregistré : version {} en vigueur à compter du {}.",
                c.version,
                fr_date(c.valid_from)
            ),
        )),
        Err(AppError::Validation(errs)) => {
            amend_page(
                &ctx,
                &v,
                &jar,
                &scope,
                id,
                Some((form.value, errors_map(errs))),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The adjustment form.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct AdjustForm {
    pub leave_type: String,
    pub quantity: String,
    pub note: String,
}

/// `POST /m/{slug}/hr/employees/{id}/leave/adjust`
pub async fn adjust(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<AdjustForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.leave", "write").await?;
    let f = &form.value;
    match ledger::adjust(&ctx.db, &scope, id, &f.leave_type, &f.quantity, &f.note).await {
        Ok(e) => Ok(redirect_with_flash(
            &format!("/m/{}/hr/employees/{id}#conges", scope.member().slug),
            "success",
            &format!(
                "Ajustement de {} enregistré ({}).",
                fr_days(days(e.days_micros)),
                leave_label(&e.leave_type)
            ),
        )),
        Err(AppError::Validation(errs)) => {
            let forms = RecordForms {
                adjust: form.value,
                adjust_errors: errors_map(errs),
                ..Default::default()
            };
            record_page(
                &ctx,
                &v,
                &jar,
                &scope,
                id,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn request_view(r: &hr_leave_requests::Model, names: Option<&HashMap<Uuid, String>>) -> Value {
    json!({
        "id": r.id.to_string(), "employee_id": r.employee_id.to_string(),
        "employee": names.and_then(|n| n.get(&r.employee_id).cloned()).unwrap_or_default(),
        "type": leave_label(&r.leave_type), "start": fr_date(r.start_date), "end": fr_date(r.end_date),
        "start_sort": r.start_date.to_string(), "days": fr_days(days(r.days_micros)), "status": status_badge(&r.status),
        "pending": r.status == "pending", "approved": r.status == "approved", "comment": r.comment, "requested_by": r.requested_by,
        "decided_by": r.decided_by, "decided_at": r.decided_at.map(fr_datetime), "decision_note": r.decision_note,
    })
}

/// The leave request form.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RequestForm {
    pub employee_id: String,
    pub leave_type: String,
    pub start_date: String,
    pub end_date: String,
    pub comment: String,
}

/// The month a run is offered for: the last finished one.
fn last_month() -> Month {
    Month::of(chrono::Utc::now()).prev()
}

async fn leave_overview(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    form: &RequestForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let all = employees::list(&ctx.db, scope).await?;
    let today = paris_today();
    let names: HashMap<Uuid, String> = all
        .iter()
        .map(|e| (e.id, format!("{} {}", e.last_name, e.first_name)))
        .collect();
    let totals = ledger::totals(&ctx.db, scope).await?;
    let balance_types: Vec<&leave::LeaveType> = leave::TYPES.iter().filter(|t| t.balance).collect();
    let balances: Vec<Value> = all
        .iter()
        .filter(|e| e.exit_date.is_none_or(|x| x >= today))
        .map(|e| {
            let cells: Vec<Value> = balance_types
                .iter()
                .map(|t| {
                    let b = totals.get(&(e.id, t.code.to_string())).copied().unwrap_or_default();
                    json!({"value": fr_decimal(b), "negative": b < Decimal::ZERO})
                })
                .collect();
            json!({"id": e.id.to_string(), "name": names.get(&e.id), "matricule": e.matricule, "cells": cells})
        })
        .collect();
    let requests = ledger::requests(&ctx.db, scope, None).await?;
    let pending: Vec<Value> = requests
        .iter()
        .filter(|r| r.status == "pending")
        .map(|r| request_view(r, Some(&names)))
        .collect();
    let recent: Vec<Value> = requests
        .iter()
        .filter(|r| r.status != "pending")
        .take(100)
        .map(|r| request_view(r, Some(&names)))
        .collect();
    let runs: Vec<Value> = ledger::runs(&ctx.db, scope)
        .await?
        .iter()
        .take(12)
        .map(|r| {
            json!({
                "month": Month::parse(&r.month).map(month_label).unwrap_or_else(|_| r.month.clone()),
                "ok": r.status == "ok", "employees": r.employees, "entries": r.entries,
                "message": r.message, "by": r.started_by, "at": fr_datetime(r.started_at),
            })
        })
        .collect();
    let staff: Vec<Value> = all
        .iter()
        .filter(|e| e.exit_date.is_none_or(|x| x >= today))
        .map(|e| json!({"value": e.id.to_string(), "label": format!("{} ({})", names.get(&e.id).cloned().unwrap_or_default(), e.matricule)}))
        .collect();
    let settings = ledger::settings(&ctx.db, m.id).await?;
    let notices: Vec<Value> = ledger::return_notices(&ctx.db, scope, today)
        .await?
        .iter()
        .map(|n| {
            json!({
                "employee_id": n.employee_id.to_string(),
                "employee": names.get(&n.employee_id).cloned().unwrap_or_default(),
                "back_on": fr_date(n.back_on), "deadline": fr_date(n.deadline),
                "left": crate::skills::time_left(n.deadline, today),
            })
        })
        .collect();
    let path = format!("/m/{}/hr/leave", m.slug);
    let month = last_month();
    hr_page(
        Page::for_scope(
            ctx,
            scope,
            &format!("Congés et absences — {}", m.name),
            &path,
        )
        .await?,
        m,
    )
    .crumb("Congés et absences", "")
    .render_with_status(
        v,
        jar,
        "hr/leave.html",
        json!({
            "member": views::member(m), "tabs": tabs(scope, "leave").await?,
            "types": balance_types.iter().map(|t| t.label).collect::<Vec<_>>(),
            "balances": balances, "pending": pending, "recent": recent, "runs": runs,
            "form": form, "errors": errors, "staff": staff, "leave_types": leave_options(false),
            "can_request": scope.can("hr.leave", "write").await?,
            "can_approve": scope.can("hr.leave_approve", "write").await?,
            "month": month.to_string(), "month_label": month_label(month),
            "alsace_moselle": settings.alsace_moselle, "notices": notices,
            "settings": {
                "alsace_moselle": settings.alsace_moselle, "first_interview_months": settings.first_interview_months.to_string(),
                "interview_every_years": settings.interview_every_years.to_string(), "review_every_years": settings.review_every_years.to_string(),
                "reminder_days": settings.reminder_days.to_string(),
            },
            "can_settings": scope.can("hr.settings", "write").await?,
        }),
        status,
    )
}

/// `GET /m/{slug}/hr/leave`: balances, requests waiting for the director, accrual runs.
pub async fn leave_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.leave", "read").await?;
    leave_overview(
        &ctx,
        &v,
        &jar,
        &scope,
        &RequestForm::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

fn request_input(f: &RequestForm) -> ledger::RequestInput {
    ledger::RequestInput {
        leave_type: f.leave_type.clone(),
        start_date: f.start_date.clone(),
        end_date: f.end_date.clone(),
        comment: f.comment.clone(),
    }
}

/// `POST /m/{slug}/hr/leave/requests`: a request for an employee (or an absence).
pub async fn new_request(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<RequestForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.leave", "write").await?;
    let result = match Uuid::parse_str(form.value.employee_id.trim()) {
        Ok(eid) => ledger::request(&ctx.db, &scope, eid, &request_input(&form.value), false).await,
        Err(_) => Err(AppError::field("employee_id", "Choisissez le salarié.")),
    };
    match result {
        Ok(r) => Ok(redirect_with_flash(
            &format!("/m/{}/hr/leave", scope.member().slug),
            "success",
            &if r.status == "pending" {
                format!(
                    "Demande de {} enregistrée ({}) : elle attend la décision de la direction.",
                    leave_label(&r.leave_type).to_lowercase(),
                    fr_days(days(r.days_micros))
                )
            } else {
                format!(
                    "{} enregistré du {} au {}.",
                    leave_label(&r.leave_type),
                    fr_date(r.start_date),
                    fr_date(r.end_date)
                )
            },
        )),
        Err(AppError::Validation(errs)) => {
            leave_overview(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                errors_map(errs),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The director's decision.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    pub decision: String,
    pub note: String,
}

/// `POST /m/{slug}/hr/leave/requests/{id}/decide` (`decision=approve|refuse`).
pub async fn decide(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<DecisionForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.leave_approve", "write").await?;
    let approve = form.value.decision == "approve";
    let back = format!("/m/{}/hr/leave", scope.member().slug);
    match ledger::decide(&ctx.db, &scope, id, approve, &form.value.note).await {
        Ok(r) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Demande {} : {} du {} au {} ({}).",
                if approve { "approuvée" } else { "refusée" },
                leave_label(&r.leave_type),
                fr_date(r.start_date),
                fr_date(r.end_date),
                fr_days(days(r.days_micros))
            ),
        )),
        Err(AppError::Conflict(msg)) => Ok(redirect_with_flash(&back, "error", &msg)),
        Err(e) => Err(e.into()),
    }
}

/// The month of an accrual run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MonthForm {
    pub month: String,
}

/// `POST /m/{slug}/hr/leave/accruals`: runs a finished month's accrual (idempotent).
pub async fn run_accruals(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    form: WebForm<MonthForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.leave", "write").await?;
    let back = format!("/m/{}/hr/leave#acquisitions", scope.member().slug);
    let month = match Month::parse(&form.value.month) {
        Ok(m) => m,
        Err(e) => return Ok(redirect_with_flash(&back, "error", &e.message())),
    };
    match ledger::run_accruals(&ctx.db, scope.member_id(), month, &scope.actor()).await {
        Ok(r) if r.entries == 0 => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Acquisitions de {} déjà à jour : aucun mouvement ajouté.",
                month_label(month)
            ),
        )),
        Ok(r) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Acquisitions de {} : {} mouvement{} pour {} salarié{}.",
                month_label(month),
                r.entries,
                if r.entries > 1 { "s" } else { "" },
                r.employees,
                if r.employees > 1 { "s" } else { "" }
            ),
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            Ok(redirect_with_flash(&back, "error", &e.message()))
        }
        Err(e) => Ok(redirect_with_flash(
            &back,
            "error",
            &format!(
                "Le calcul des acquisitions de {} a échoué ; rien n’a été enregistré. {}",
                month_label(month),
                e.message()
            ),
        )),
    }
}

/// `GET /m/{slug}/hr/register?date=&establishment=`
pub async fn register_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Query(q): Query<RegisterQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.register", "read").await?;
    let m = scope.member();
    let (r, error) = match register::for_query(&ctx.db, &scope, &q).await {
        Ok(r) => (r, None),
        Err(AppError::Validation(e)) => (
            register::for_query(&ctx.db, &scope, &RegisterQuery::default()).await?,
            e.first().map(|e| e.message.clone()),
        ),
        Err(e) => return Err(e.into()),
    };
    let sites: Vec<Value> = member::establishments(&ctx.db, m.id)
        .await?
        .iter()
        .map(|s| json!({"value": s.nic, "label": format!("{} (NIC {})", s.name, s.nic)}))
        .collect();
    let lines: Vec<Value> = r
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "n": i + 1, "matricule": l.matricule, "name": format!("{} {}", l.last_name, l.first_name),
                "nationality": l.nationality, "birth": fr_date(l.birth_date), "sex": if l.sex == "F" { "F" } else { "H" },
                "job": l.job, "qualification": l.qualification, "entry": fr_date(l.entry_date),
                "exit": l.exit_date.map(fr_date), "permit": l.permit, "mentions": l.mentions.join(" · "),
                "without_contract": l.without_contract,
            })
        })
        .collect();
    let query = format!(
        "date={}{}",
        r.at,
        q.establishment
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| format!("&establishment={}", s.trim()))
            .unwrap_or_default()
    );
    hr_page(
        Page::for_scope(
            &ctx,
            &scope,
            &format!("Registre unique du personnel — {}", m.name),
            &format!("/m/{}/hr", m.slug),
        )
        .await?,
        m,
    )
    .crumb("Registre du personnel", "")
    .render(
        &v,
        &jar,
        "hr/register.html",
        json!({
            "member": views::member(m), "tabs": tabs(&scope, "register").await?, "lines": lines,
            "date": r.at.to_string(), "date_fr": fr_date(r.at), "sites": sites,
            "establishment": q.establishment.clone().unwrap_or_default(), "query": query,
            "error": error, "headers": register_docs::HEADERS,
        }),
    )
}

async fn register_file(
    ctx: &AppContext,
    access: MemberAccess,
    q: &RegisterQuery,
    pdf: bool,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.register", "read").await?;
    let r = register::for_query(&ctx.db, &scope, q).await?;
    let (content_type, name, bytes) = register::file(&r, &scope.member().slug, pdf)?;
    Ok(download(content_type, &name, bytes))
}

/// `GET /m/{slug}/hr/register.pdf?date=`
pub async fn register_pdf(
    State(ctx): State<AppContext>,
    Query(q): Query<RegisterQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    register_file(&ctx, access, &q, true).await
}

/// `GET /m/{slug}/hr/register.xlsx?date=`
pub async fn register_xlsx(
    State(ctx): State<AppContext>,
    Query(q): Query<RegisterQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    register_file(&ctx, access, &q, false).await
}

async fn imports_list(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let rows: Vec<Value> = import::list(&ctx.db, scope)
        .await?
        .iter()
        .map(|i| {
            json!({
                "id": i.id.to_string(), "file": i.filename, "at": fr_datetime(i.created_at), "by": i.created_by,
                "rows": i.rows, "valid": i.valid, "invalid": i.rows - i.valid,
                "status": if i.status == "confirmed" { json!({"label": "Importé", "kind": "ok"}) } else { json!({"label": "À confirmer", "kind": "warn"}) },
                "imported": i.imported,
            })
        })
        .collect();
    hr_page(
        Page::for_scope(
            ctx,
            scope,
            &format!("Import de salariés — {}", m.name),
            &format!("/m/{}/hr", m.slug),
        )
        .await?,
        m,
    )
    .crumb("Import", "")
    .render_with_status(
        v,
        jar,
        "hr/imports.html",
        json!({
            "member": views::member(m), "tabs": tabs(scope, "imports").await?, "rows": rows,
            "error": error, "can_import": scope.can("hr.imports", "write").await?,
            "max_rows": fr_decimal(Decimal::from(import::MAX_ROWS)),
        }),
        status,
    )
}

/// `GET /m/{slug}/hr/imports`
pub async fn imports_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.imports", "read").await?;
    imports_list(&ctx, &v, &jar, &scope, None, StatusCode::OK).await
}

/// `POST /m/{slug}/hr/imports` (multipart `file` + `csrf`): stages the file, then shows
/// its report.
pub async fn upload(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    mp: Multipart,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.imports", "write").await?;
    let path = format!("/m/{}/hr/imports", scope.member().slug);
    let upload = read_upload(mp).await;
    let (name, bytes, fields) = match upload {
        Ok(u) => u,
        Err(AppError::Validation(e)) => {
            return imports_list(
                &ctx,
                &v,
                &jar,
                &scope,
                e.first().map(|e| e.message.clone()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    check_csrf(scope.identity(), token, &path)?;
    match import::stage(&ctx.db, &scope, &name, &bytes).await {
        Ok(i) => Ok(redirect_with_flash(
            &format!("{path}/{}", i.id),
            "success",
            &format!(
                "Fichier lu : {} ligne{}, {} valide{}. Vérifiez le rapport puis confirmez.",
                i.rows,
                if i.rows > 1 { "s" } else { "" },
                i.valid,
                if i.valid > 1 { "s" } else { "" }
            ),
        )),
        Err(AppError::Validation(e)) => {
            imports_list(
                &ctx,
                &v,
                &jar,
                &scope,
                e.first().map(|e| e.message.clone()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /m/{slug}/hr/imports/{id}`: the per-row report and the confirmation.
pub async fn import_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.imports", "read").await?;
    let i = import::get(&ctx.db, &scope, id).await?;
    let errors = import::errors_of(&i);
    let bad_rows = errors
        .iter()
        .map(|e| e.row)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let m = scope.member();
    hr_page(
        Page::for_scope(
            &ctx,
            &scope,
            &format!("Import « {} »", i.filename),
            &format!("/m/{}/hr", m.slug),
        )
        .await?,
        m,
    )
    .crumb("Import", &format!("/m/{}/hr/imports", m.slug))
    .crumb(&i.filename, "")
    .render(
        &v,
        &jar,
        "hr/import.html",
        json!({
            "member": views::member(m), "id": i.id.to_string(), "file": i.filename, "rows": i.rows,
            "valid": i.valid, "bad_rows": bad_rows, "errors": errors.iter().take(1000).collect::<Vec<_>>(),
            "more_errors": errors.len().saturating_sub(1000), "staged": i.status == "staged",
            "imported": i.imported, "confirmed_at": i.confirmed_at.map(fr_datetime),
            "can_import": scope.can("hr.imports", "write").await?,
        }),
    )
}

/// The confirmation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    pub strict: String,
}

/// `POST /m/{slug}/hr/imports/{id}/confirm`
pub async fn confirm_import(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.imports", "write").await?;
    let back = format!("/m/{}/hr/imports/{id}", scope.member().slug);
    let strict = matches!(form.value.strict.as_str(), "on" | "true" | "1");
    match import::confirm(&ctx.db, &scope, id, strict).await {
        Ok(i) => Ok(redirect_with_flash(
            &format!("/m/{}/hr", scope.member().slug),
            "success",
            &format!(
                "Import confirmé : {} salarié{} et leur contrat enregistrés.",
                i.imported.unwrap_or(0),
                if i.imported.unwrap_or(0) > 1 { "s" } else { "" }
            ),
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            Ok(redirect_with_flash(&back, "error", &e.message()))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /m/{slug}/hr/imports/template.xlsx`
pub async fn template(access: MemberAccess) -> Result<Response, PageError> {
    access.authorize("hr.imports", "read").await?;
    Ok(download(
        XLSX,
        "modele-import-salaries.xlsx",
        import::template_xlsx()?,
    ))
}

/// The employee record of the signed-in user in this member (matched on the e-mail).
async fn own_employee(
    ctx: &AppContext,
    scope: &Scope,
) -> Result<Option<hr_employees::Model>, PageError> {
    Ok(employees::by_email(&ctx.db, scope, &scope.user().email).await?)
}

async fn my_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    form: &RequestForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let me = own_employee(ctx, scope).await?;
    let (balances, requests) = match &me {
        Some(e) => {
            let entries = ledger::entries(&ctx.db, scope, e.id).await?;
            let reqs: Vec<Value> = ledger::requests(&ctx.db, scope, Some(e.id))
                .await?
                .iter()
                .map(|r| request_view(r, None))
                .collect();
            (balances_view(&entries), reqs)
        }
        None => (Vec::new(), Vec::new()),
    };
    Page::for_scope(
        ctx,
        scope,
        &format!("Mes congés — {}", m.name),
        &format!("/m/{}/hr/me", m.slug),
    )
    .await?
    .crumb(&m.name, &format!("/m/{}", m.slug))
    .crumb("Mes congés", "")
    .render_with_status(
        v,
        jar,
        "hr/me.html",
        json!({
            "member": views::member(m), "found": me.is_some(), "balances": balances, "requests": requests,
            "form": form, "errors": errors, "leave_types": leave_options(true),
        }),
        status,
    )
}

/// `GET /m/{slug}/hr/me`: a staff member's own balances and requests.
pub async fn my_leave(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.own_leave", "read").await?;
    my_page(
        &ctx,
        &v,
        &jar,
        &scope,
        &RequestForm::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/hr/me/leave`: a staff member asks for leave for themselves.
pub async fn my_request(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<RequestForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.own_leave", "write").await?;
    let me = own_employee(&ctx, &scope)
        .await?
        .ok_or(AppError::NotFound)?;
    match ledger::request(&ctx.db, &scope, me.id, &request_input(&form.value), true).await {
        Ok(r) => Ok(redirect_with_flash(
            &format!("/m/{}/hr/me", scope.member().slug),
            "success",
            &format!(
                "Demande envoyée : {} du {} au {} ({}). La direction vous répondra ici.",
                leave_label(&r.leave_type),
                fr_date(r.start_date),
                fr_date(r.end_date),
                fr_days(days(r.days_micros))
            ),
        )),
        Err(AppError::Validation(errs)) => {
            my_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                errors_map(errs),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The point value form.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PointForm {
    pub agreement: String,
    pub valid_from: String,
    pub value: String,
    pub source: String,
}

async fn points_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &mutualis_core::scope::CoopScope,
    form: &PointForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let today = paris_today();
    let all = contracts::point_values(&ctx.db).await?;
    let rows: Vec<Value> = all
        .iter()
        .map(|p| {
            let current = all
                .iter()
                .filter(|x| x.agreement == p.agreement && x.valid_from <= today)
                .max_by_key(|x| x.valid_from)
                .is_some_and(|x| x.id == p.id);
            json!({
                "agreement": contracts::agreement_label(&p.agreement), "from": fr_date(p.valid_from),
                "value": p.value.parse::<Decimal>().map(fr_money).unwrap_or_else(|_| p.value.clone()),
                "source": p.source, "current": current, "future": p.valid_from > today,
            })
        })
        .collect();
    Page::for_coop(ctx, scope, "Valeurs du point des conventions", "/coop/hr/point-values")
        .await?
        .crumb("Coopérative", "/coop")
        .crumb("Valeurs du point", "")
        .render_with_status(
            v,
            jar,
            "hr/point_values.html",
            json!({
                "rows": rows, "form": form, "errors": errors,
                "agreements": [{"value": "CCN66", "label": "CCN 66"}, {"value": "CCN51", "label": "CCN 51"}],
                "can_edit": scope.can("hr.point_values", "write").await?,
            }),
            status,
        )
}

/// `GET /coop/hr/point-values`: the dated point values of the collective agreements.
pub async fn point_values(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.point_values", "read").await?;
    points_page(
        &ctx,
        &v,
        &jar,
        &scope,
        &PointForm::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /coop/hr/point-values`
pub async fn add_point_value(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: CoopAccess,
    form: WebForm<PointForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.point_values", "write").await?;
    let f = &form.value;
    match contracts::add_point_value(
        &ctx.db,
        &scope.actor(),
        &f.agreement,
        &f.valid_from,
        &f.value,
        &f.source,
    )
    .await
    {
        Ok(p) => Ok(redirect_with_flash(
            "/coop/hr/point-values",
            "success",
            &format!(
                "Valeur du point {} enregistrée à compter du {}.",
                contracts::agreement_label(&p.agreement),
                fr_date(p.valid_from)
            ),
        )),
        Err(AppError::Validation(errs)) => {
            points_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                errors_map(errs),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The exit form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExitForm {
    pub exit_date: String,
    pub reason: String,
}

/// `POST /m/{slug}/hr/employees/{id}/exit`: records the exit and ends running contracts.
pub async fn record_exit(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<ExitForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "write").await?;
    let back = format!("/m/{}/hr/employees/{id}#sortie", scope.member().slug);
    match employees::record_exit(
        &ctx.db,
        &scope,
        id,
        &form.value.exit_date,
        &form.value.reason,
    )
    .await
    {
        Ok(e) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Sortie enregistrée au {} ; le salarié reste au registre du personnel cinq ans.",
                e.exit_date.map(fr_date).unwrap_or_default()
            ),
        )),
        Err(e @ AppError::Validation(_)) => Ok(redirect_with_flash(&back, "error", &e.message())),
        Err(e) => Err(e.into()),
    }
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
    let mut s = ledger::settings(&ctx.db, scope.member_id()).await?;
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

/// `POST /m/{slug}/hr/leave/requests/{id}/cancel` (HR): cancels a request, giving an
/// approved leave back to the balance.
pub async fn cancel_request(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    _form: WebForm<mutualis_core::web::forms::EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.leave", "write").await?;
    let back = format!("/m/{}/hr/leave", scope.member().slug);
    match ledger::cancel(&ctx.db, &scope, id, None).await {
        Ok(r) => Ok(redirect_with_flash(
            &format!(
                "/m/{}/hr/employees/{}#conges",
                scope.member().slug,
                r.employee_id
            ),
            "success",
            &format!(
                "{} du {} au {} annulé{}.",
                leave_label(&r.leave_type),
                fr_date(r.start_date),
                fr_date(r.end_date),
                if leave::leave_type(&r.leave_type).is_some_and(|t| t.balance) {
                    " ; les jours sont rendus au compteur"
                } else {
                    ""
                }
            ),
        )),
        Err(AppError::Conflict(msg)) => Ok(redirect_with_flash(&back, "error", &msg)),
        Err(e) => Err(e.into()),
    }
}

/// `POST /m/{slug}/hr/me/leave/{id}/cancel`: a staff member withdraws a pending request.
pub async fn cancel_mine(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    _form: WebForm<mutualis_core::web::forms::EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.own_leave", "write").await?;
    let me = own_employee(&ctx, &scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let back = format!("/m/{}/hr/me", scope.member().slug);
    match ledger::cancel(&ctx.db, &scope, id, Some(me.id)).await {
        Ok(_) => Ok(redirect_with_flash(&back, "success", "Demande retirée.")),
        Err(AppError::Conflict(msg)) => Ok(redirect_with_flash(&back, "error", &msg)),
        Err(e) => Err(e.into()),
    }
}
