//! A member's IT support: the month's interventions with the total billing uses, the
//! recap PDF, and the member's IT contact (its form for the IT staff).
#[allow(clippy::wildcard_imports)]
use super::*;

/// One intervention as the member's page shows it.
pub(super) fn row_view(r: &it_interventions::Model, closed: &[Month]) -> Value {
    let (status, kind) = status_badge(&r.status);
    json!({
        "id": r.id.to_string(), "date": fr_date(r.day), "category": category_label(&r.category),
        "description": r.description, "ticket": r.ticket, "contact": r.contact,
        "mode": if r.remote { "À distance" } else { "Sur site" },
        "duration": fr_minutes(r.minutes), "hours": fr_hours(hours(r.minutes)),
        "status": status, "kind": kind, "open": r.status != "resolved",
        "resolved_at": r.resolved_at.map(fr_datetime),
        "frozen": interventions::frozen(r, closed),
    })
}

/// `GET /m/{slug}/it?period=`: the month's interventions, their total and the hours
/// billing counts, the recap, the member's IT contact.
pub async fn member_home(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Query(q): Query<PeriodQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.interventions", "read").await?;
    let m = scope.member();
    let month = q.month()?;
    let rows = interventions::of_month(&ctx.db, scope.tenant(), month).await?;
    let billed =
        desk::billed_hours(&ctx.db, &scope.services().meters, scope.tenant(), month).await?;
    let closed = metering::closed_periods(&ctx.db).await?;
    let total = hours(rows.iter().map(|r| r.minutes).sum());
    let outside = billed - total;
    let contact = desk::contact(&ctx.db, scope.tenant()).await?.map(|c| {
        json!({"name": c.name, "email": c.email, "phone": c.phone, "updated_at": fr_datetime(c.updated_at)})
    });
    let base = format!("/m/{}/it", m.slug);
    Page::for_scope(
        &ctx,
        &scope,
        &format!("Support informatique — {}", m.name),
        &base,
    )
    .await?
    .crumb(&m.name, &format!("/m/{}", m.slug))
    .crumb("Support informatique", "")
    .render(
        &v,
        &jar,
        "it/member.html",
        json!({
            "member": views::member(m), "base": base,
            "period": month.to_string(), "period_label": month_label(month),
            "prev": month.prev().to_string(), "next": month.next().to_string(),
            "closed": closed.contains(&month),
            "rows": rows.iter().map(|r| row_view(r, &closed)).collect::<Vec<_>>(),
            "open": rows.iter().filter(|r| r.status != "resolved").count(),
            "total": fr_hours(total), "billed": fr_hours(billed),
            "meter_label": crate::SUPPORT_HOURS.label,
            "outside": (outside != Decimal::ZERO).then(|| fr_hours(outside)),
            "contact": contact,
            "can_write": scope.can("it.interventions", "write").await?,
            "can_contact": scope.can("it.contact", "write").await?,
        }),
    )
}

/// `GET /m/{slug}/it/recap.pdf?period=`: the month's recap (interventions, total, the
/// hours billed).
pub async fn recap(
    State(ctx): State<AppContext>,
    Query(q): Query<PeriodQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.interventions", "read").await?;
    let m = scope.member();
    let month = q.month()?;
    let rows = interventions::of_month(&ctx.db, scope.tenant(), month).await?;
    let billed =
        desk::billed_hours(&ctx.db, &scope.services().meters, scope.tenant(), month).await?;
    let pdf = desk::recap_pdf(&m.name, month, &rows, billed)?;
    Ok(download(
        "application/pdf",
        &format!("support-informatique-{}-{month}.pdf", m.slug),
        pdf,
    ))
}

async fn contact_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    form: &ContactInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let base = format!("/m/{}/it", m.slug);
    Page::for_scope(
        ctx,
        scope,
        &format!("Contact informatique — {}", m.name),
        &base,
    )
    .await?
    .crumb(&m.name, &format!("/m/{}", m.slug))
    .crumb("Support informatique", &base)
    .crumb("Contact informatique", "")
    .render_with_status(
        v,
        jar,
        "it/contact.html",
        json!({"member": views::member(m), "base": base, "form": form, "errors": errors}),
        status,
    )
}

/// `GET /m/{slug}/it/contact` (the IT staff): whom to call at the member.
pub async fn contact_form(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.contact", "write").await?;
    let form = desk::contact(&ctx.db, scope.tenant())
        .await?
        .map(|c| ContactInput {
            name: c.name,
            email: c.email.unwrap_or_default(),
            phone: c.phone.unwrap_or_default(),
        })
        .unwrap_or_default();
    contact_page(&ctx, &v, &jar, &scope, &form, json!({}), StatusCode::OK).await
}

/// `POST /m/{slug}/it/contact`
pub async fn save_contact(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<ContactInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.contact", "write").await?;
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let row = desk::save_contact(&w, &form.value).await?;
        w.commit().await?;
        Ok(row)
    }
    .await;
    let base = format!("/m/{}/it", scope.member().slug);
    form_reply(
        result,
        |c| {
            Done::new(
                &base,
                format!("Contact informatique enregistré : {}.", c.name),
            )
        },
        |errors| {
            contact_page(
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
