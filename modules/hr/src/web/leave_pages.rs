//! HR pages: the leave overview, requests, the director's decisions, accrual runs and
//! cancellations.
#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn request_view(
    r: &hr_leave_requests::Model,
    names: Option<&HashMap<Uuid, String>>,
) -> Value {
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
pub(super) fn last_month() -> Month {
    Month::of(chrono::Utc::now()).prev()
}

pub(super) async fn leave_overview(
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
    let settings = ledger::settings(&ctx.db, scope.tenant()).await?;
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

pub(super) fn request_input(f: &RequestForm) -> ledger::RequestInput {
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
    let slug = &scope.member().slug;
    form_reply(
        result,
        |r| {
            Done::new(
                format!("/m/{slug}/hr/leave"),
                if r.status == "pending" {
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
            )
        },
        |errors| {
            leave_overview(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
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
    match ledger::run_accruals(&ctx.db, scope.tenant(), month, &scope.actor()).await {
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
