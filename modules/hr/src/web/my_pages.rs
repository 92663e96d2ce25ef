//! HR pages: the staff member's own leave and requests.
#[allow(clippy::wildcard_imports)]
use super::*;

/// The employee record of the signed-in user in this member (matched on the e-mail).
pub(super) async fn own_employee(
    ctx: &AppContext,
    scope: &Scope,
) -> Result<Option<hr_employees::Model>, PageError> {
    Ok(employees::by_email(&ctx.db, scope, &scope.user().email).await?)
}

pub(super) async fn my_page(
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
    let result = ledger::request(&ctx.db, &scope, me.id, &request_input(&form.value), true).await;
    let slug = &scope.member().slug;
    form_reply(
        result,
        |r| {
            Done::new(
                format!("/m/{slug}/hr/me"),
                format!(
                    "Demande envoyée : {} du {} au {} ({}). La direction vous répondra ici.",
                    leave_label(&r.leave_type),
                    fr_date(r.start_date),
                    fr_date(r.end_date),
                    fr_days(days(r.days_micros))
                ),
            )
        },
        |errors| {
            my_page(
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
