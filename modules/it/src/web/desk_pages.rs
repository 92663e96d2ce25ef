//! The IT staff's desk across the members they serve (`/coop/it`, its CSV) and the
//! cooperative's rounding step (`/coop/it/settings`).
#[allow(clippy::wildcard_imports)]
use super::*;

/// `GET /coop/it?period=` (the IT staff): each member served this month against the two
/// previous months, the open interventions, the members without an IT contact.
pub async fn desk_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Query(q): Query<PeriodQuery>,
    access: ServedAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(&ctx.db, "it.desk", "read").await?;
    let month = q.month()?;
    let rows = desk::rows(&ctx.db, scope.members(), month).await?;
    let open = desk::open_across(&ctx.db, scope.members()).await?;
    let sum = |f: &dyn Fn(&desk::DeskRow) -> Decimal| rows.iter().map(f).sum::<Decimal>();
    let total = sum(&|r| r.hours);
    let total1 = sum(&|r| r.previous.first().copied().unwrap_or_default());
    let total2 = sum(&|r| r.previous.get(1).copied().unwrap_or_default());
    let members: Vec<Value> = rows
        .iter()
        .map(|r| {
            let prev = r.previous.first().copied().unwrap_or_default();
            json!({
                "slug": r.member, "name": r.member_name, "hours": fr_hours(r.hours),
                "prev1": fr_hours(prev),
                "prev2": fr_hours(r.previous.get(1).copied().unwrap_or_default()),
                "up": r.hours > prev, "down": r.hours < prev,
                "interventions": r.interventions, "open": r.open, "has_contact": r.has_contact,
            })
        })
        .collect();
    let open: Vec<Value> = open
        .iter()
        .map(|o| {
            json!({
                "slug": o.member_slug, "member": o.member_name, "id": o.row.id.to_string(),
                "date": fr_date(o.row.day), "category": category_label(&o.row.category),
                "description": o.row.description, "ticket": o.row.ticket,
                "duration": fr_minutes(o.row.minutes),
                "period": o.row.day.to_string()[..7].to_string(),
            })
        })
        .collect();
    let without: Vec<Value> = rows
        .iter()
        .filter(|r| !r.has_contact)
        .map(|r| json!({"slug": r.member, "name": r.member_name}))
        .collect();
    Page::new(&ctx, scope.identity(), "Support informatique", "/coop/it")
        .await?
        .render(
            &v,
            &jar,
            "it/desk.html",
            json!({
                "period": month.to_string(), "period_label": month_label(month),
                "prev_label": month_label(month.prev()), "prev2_label": month_label(month.prev().prev()),
                "prev": month.prev().to_string(), "next": month.next().to_string(),
                "members": members, "open": open, "without": without,
                "total": fr_hours(total), "total1": fr_hours(total1), "total2": fr_hours(total2),
            }),
        )
}

/// `GET /coop/it/desk.csv?period=` (the IT staff): the desk's table.
pub async fn desk_csv(
    State(ctx): State<AppContext>,
    Query(q): Query<PeriodQuery>,
    access: ServedAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(&ctx.db, "it.desk", "read").await?;
    let month = q.month()?;
    let rows = desk::rows(&ctx.db, scope.members(), month).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("support-informatique-{month}.csv"),
        desk::csv(&rows, month),
    ))
}

/// The rounding form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SettingsForm {
    pub rounding_minutes: String,
}

async fn settings_view(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &mutualis_core::scope::CoopScope,
    form: &SettingsForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let step = interventions::rounding(&ctx.db).await?;
    Page::for_coop(
        ctx,
        scope,
        "Réglages du support informatique",
        "/coop/it/settings",
    )
    .await?
    .crumb("Coopérative", "/coop")
    .crumb("Réglages du support informatique", "")
    .render_with_status(
        v,
        jar,
        "it/settings.html",
        json!({
            "step": step, "step_label": step_label(step), "form": form, "errors": errors,
            "can_edit": scope.can("it.settings", "write").await?,
        }),
        status,
    )
}

/// `GET /coop/it/settings` (board and administration read, administration edits).
pub async fn settings_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.settings", "read").await?;
    let form = SettingsForm {
        rounding_minutes: interventions::rounding(&ctx.db).await?.to_string(),
    };
    settings_view(&ctx, &v, &jar, &scope, &form, json!({}), StatusCode::OK).await
}

/// `POST /coop/it/settings` (the cooperative's administration).
pub async fn save_settings(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: CoopAccess,
    form: WebForm<SettingsForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.settings", "write").await?;
    let result = interventions::save_rounding(
        &ctx.db,
        scope.coop(),
        &scope.actor(),
        &form.value.rounding_minutes,
    )
    .await;
    form_reply(
        result,
        |m| {
            Done::new(
                "/coop/it/settings",
                format!(
                    "Arrondi enregistré : les prochaines durées seront arrondies {}.",
                    step_label(*m)
                ),
            )
        },
        |errors| {
            settings_view(
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
