//! HR pages: a new contract and its amendments (new versions).
#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn version_view(v: &crate::entities::hr_contracts::Model) -> Value {
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

pub(super) async fn contract_view(ctx: &AppContext, c: &Contract) -> Result<Value, PageError> {
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
    let result = contracts::create(&ctx.db, &scope, id, &form.value).await;
    let slug = &scope.member().slug;
    form_reply(
        result,
        |c| {
            Done::new(
                format!("/m/{slug}/hr/employees/{id}#contrats"),
                format!(
                    "Contrat {} enregistré à compter du {}.",
                    contracts::kind_label(&c.kind),
                    fr_date(c.start_date)
                ),
            )
        },
        |errors| {
            let forms = RecordForms {
                contract: form.value,
                contract_errors: errors,
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
        },
    )
    .await
}

pub(super) async fn amend_page(
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
    let result = contracts::amend(&ctx.db, &scope, id, &form.value).await;
    let slug = &scope.member().slug;
    form_reply(
        result,
        |c| {
            Done::new(
                format!("/m/{slug}/hr/employees/{}#contrats", c.employee_id),
                format!(
                    "Avenant enregistré : version {} en vigueur à compter du {}.",
                    c.version,
                    fr_date(c.valid_from)
                ),
            )
        },
        |errors| amend_page(&ctx, &v, &jar, &scope, id, Some((form.value, errors))),
    )
    .await
}
