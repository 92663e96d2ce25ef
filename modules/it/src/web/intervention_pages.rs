//! The IT staff's forms: record an intervention, edit it, resolve it, delete it (refused,
//! in French, for a resolved one of a closed billing period).
#[allow(clippy::wildcard_imports)]
use super::*;

/// The intervention form as posted (every field a string; `remote` is `true`/`false`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct InterventionForm {
    pub date: String,
    pub minutes: String,
    pub ticket: String,
    pub category: String,
    pub remote: String,
    pub description: String,
    pub contact: String,
    pub status: String,
}

impl InterventionForm {
    fn input(&self) -> InterventionInput {
        InterventionInput {
            date: self.date.clone(),
            minutes: self.minutes.clone(),
            ticket: self.ticket.clone(),
            category: self.category.clone(),
            remote: self.remote.trim() != "false",
            description: self.description.clone(),
            contact: self.contact.clone(),
            status: self.status.clone(),
        }
    }

    fn of(i: &InterventionInput) -> Self {
        Self {
            date: i.date.clone(),
            minutes: i.minutes.clone(),
            ticket: i.ticket.clone(),
            category: i.category.clone(),
            remote: i.remote.to_string(),
            description: i.description.clone(),
            contact: i.contact.clone(),
            status: if i.status.is_empty() {
                "open".to_string()
            } else {
                i.status.clone()
            },
        }
    }
}

/// The form page: `id` is `None` for a new intervention.
#[expect(clippy::too_many_arguments, reason = "the page and its form state")]
async fn form_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    id: Option<Uuid>,
    form: &InterventionForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let base = format!("/m/{}/it", m.slug);
    let step = interventions::rounding(&ctx.db).await?;
    let title = if id.is_some() {
        "Modifier l’intervention"
    } else {
        "Nouvelle intervention"
    };
    let back = form
        .date
        .get(..7)
        .and_then(|p| Month::parse(p).ok())
        .map_or_else(|| base.clone(), |p| format!("{base}?period={p}"));
    Page::for_scope(ctx, scope, &format!("{title} — {}", m.name), &base)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Support informatique", &back)
        .crumb(title, "")
        .render_with_status(
            v,
            jar,
            "it/intervention.html",
            json!({
                "member": views::member(m), "base": base, "back": back, "title": title,
                "action": id.map_or_else(|| format!("{base}/interventions"), |id| format!("{base}/interventions/{id}")),
                "editing": id.is_some(), "form": form, "errors": errors,
                "categories": category_options(),
                "modes": [{"value": "true", "label": "À distance"}, {"value": "false", "label": "Sur site"}],
                "statuses": [{"value": "open", "label": "En cours"}, {"value": "resolved", "label": "Résolue"}],
                "step_hint": format!("Arrondie {} à l’enregistrement.", step_label(step)),
                "today": mutualis_core::time::paris_today().to_string(),
            }),
            status,
        )
}

/// The flash after a save: the duration as typed and as counted.
fn saved(slug: &str, typed: &str, r: &it_interventions::Model, what: &str) -> Done {
    let counted = fr_minutes(r.minutes);
    let rounded = match typed.trim().parse::<i64>() {
        Ok(t) if t != r.minutes => format!(" ({t} min saisies, arrondies)"),
        _ => String::new(),
    };
    let period =
        Month::parse(&r.day.to_string()[..7]).map_or_else(|_| String::new(), |p| p.to_string());
    Done::new(
        format!("/m/{slug}/it?period={period}"),
        format!(
            "Intervention du {} {what} ; durée comptée : {counted}{rounded}.",
            fr_date(r.day)
        ),
    )
}

/// `GET /m/{slug}/it/interventions` (the IT staff): the new intervention form.
pub async fn new_intervention(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.interventions", "write").await?;
    let contact = desk::contact(&ctx.db, scope.tenant()).await?;
    let form = InterventionForm {
        date: mutualis_core::time::paris_today().to_string(),
        remote: "true".to_string(),
        status: "open".to_string(),
        contact: contact.map(|c| c.name).unwrap_or_default(),
        ..Default::default()
    };
    form_page(
        &ctx,
        &v,
        &jar,
        &scope,
        None,
        &form,
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/it/interventions` (the IT staff): recorded and counted.
pub async fn create_intervention(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<InterventionForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.interventions", "write").await?;
    let input = form.value.input();
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let r = interventions::create(&w, &scope.actor().label, &input).await?;
        w.commit().await?;
        Ok(r)
    }
    .await;
    let slug = scope.member().slug.clone();
    form_reply(
        result,
        |r| saved(&slug, &form.value.minutes, r, "enregistrée"),
        |errors| {
            form_page(
                &ctx,
                &v,
                &jar,
                &scope,
                None,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `GET /m/{slug}/it/interventions/{id}` (the IT staff): the edit form.
pub async fn edit_intervention(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.interventions", "write").await?;
    let row = interventions::get(&ctx.db, scope.tenant(), id).await?;
    let form = InterventionForm::of(&interventions::input_of(&row));
    form_page(
        &ctx,
        &v,
        &jar,
        &scope,
        Some(id),
        &form,
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/it/interventions/{id}` (the IT staff): the difference is counted.
pub async fn update_intervention(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<InterventionForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.interventions", "write").await?;
    let input = form.value.input();
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let r = interventions::update(&w, id, &input).await?;
        w.commit().await?;
        Ok(r)
    }
    .await;
    let slug = scope.member().slug.clone();
    if let Err(mutualis_core::error::AppError::Conflict(message)) = &result {
        return Ok(redirect_with_flash(
            &format!("/m/{slug}/it"),
            "error",
            message,
        ));
    }
    form_reply(
        result,
        |r| saved(&slug, &form.value.minutes, r, "modifiée"),
        |errors| {
            form_page(
                &ctx,
                &v,
                &jar,
                &scope,
                Some(id),
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// Where to go back after a button: the intervention's month.
fn month_of(slug: &str, r: &it_interventions::Model) -> String {
    format!("/m/{slug}/it?period={}", &r.day.to_string()[..7])
}

/// `POST /m/{slug}/it/interventions/{id}/resolve` (the IT staff).
pub async fn resolve_intervention(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    _form: WebForm<EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.interventions", "write").await?;
    let slug = scope.member().slug.clone();
    let w = scope.write(&ctx.db).await?;
    match interventions::resolve(&w, id).await {
        Ok(r) => {
            w.commit().await?;
            Ok(redirect_with_flash(
                &month_of(&slug, &r),
                "success",
                &format!("Intervention du {} marquée résolue.", fr_date(r.day)),
            ))
        }
        Err(mutualis_core::error::AppError::Conflict(m)) => {
            Ok(redirect_with_flash(&format!("/m/{slug}/it"), "error", &m))
        }
        Err(mutualis_core::error::AppError::Validation(errs)) => Ok(redirect_with_flash(
            &format!("/m/{slug}/it/interventions/{id}"),
            "error",
            &format!(
                "L’intervention ne peut être résolue en l’état : {} Corrigez-la d’abord.",
                errs.iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /m/{slug}/it/interventions/{id}/delete` (the IT staff; confirmed in the page):
/// its hours are taken back.
pub async fn delete_intervention(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    _form: WebForm<EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("it.interventions", "write").await?;
    let slug = scope.member().slug.clone();
    let row = interventions::get(&ctx.db, scope.tenant(), id).await?;
    let w = scope.write(&ctx.db).await?;
    match interventions::delete(&w, id).await {
        Ok(()) => {
            w.commit().await?;
            Ok(redirect_with_flash(
                &month_of(&slug, &row),
                "success",
                &format!(
                    "Intervention du {} supprimée ; sa durée ({}) n’est plus comptée.",
                    fr_date(row.day),
                    fr_minutes(row.minutes)
                ),
            ))
        }
        Err(mutualis_core::error::AppError::Conflict(m)) => {
            Ok(redirect_with_flash(&month_of(&slug, &row), "error", &m))
        }
        Err(e) => Err(e.into()),
    }
}
