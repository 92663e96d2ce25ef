//! GDPR pages: processors (the member's, and the cooperative's services run for it),
//! DPIAs with their four sign-offs, and the DPO's time.
#[allow(clippy::wildcard_imports)]
use super::*;
use crate::{
    activities,
    dpias::{self, DpiaInput, SignInput, SignOff},
    processors::{self, ProcessorInput, TimeInput},
};

async fn processors_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    form: &ProcessorInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let today = paris_today();
    let rows: Vec<Value> = processors::list(&ctx.db, scope.tenant())
        .await?
        .iter()
        .map(|p| {
            json!({
                "name": p.name, "service": p.service, "country": p.country,
                "art28": p.art28_clauses, "own_register": p.own_register,
                "document": p.contract_document, "dpo_contact": p.dpo_contact,
                "expires": p.expires_on.map(due_day),
                "soon": p.expires_on.is_some_and(|d| (d - today).num_days() <= 60),
            })
        })
        .collect();
    let coop: Vec<Value> = processors::coop_services(&ctx.db, scope.access().active_modules())
        .await?
        .iter()
        .map(|s| json!({"name": s.name, "purposes": s.purposes, "subprocessors": s.subprocessors, "security": s.security}))
        .collect();
    let data = json!({
        "tabs": tabs(scope, "/processors").await?, "rows": rows, "coop": coop,
        "form": form, "errors": errors,
        "can_write": scope.can("gdpr.processors", "write").await?, "base": base,
    });
    member_page(
        ctx,
        v,
        jar,
        scope,
        (
            "Sous-traitants",
            &format!("{base}/processors"),
            &[("RGPD", &base), ("Sous-traitants", "")],
        ),
        ("gdpr/processors.html", data),
        status,
    )
    .await
}

/// `GET /m/{slug}/gdpr/processors`
pub async fn processors_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.processors", "read").await?;
    let form = ProcessorInput {
        country: "France".to_string(),
        art28_clauses: true,
        ..ProcessorInput::default()
    };
    processors_view(&ctx, (&v, &jar), &scope, &form, json!({}), StatusCode::OK).await
}

/// `POST /m/{slug}/gdpr/processors` (the DPO)
pub async fn create_processor(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<ProcessorInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.processors", "write").await?;
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let p = processors::create(&w, &scope.actor().label, &form.value).await?;
        w.commit().await?;
        Ok(p)
    }
    .await;
    let to = format!("/m/{}/gdpr/processors", scope.member().slug);
    form_reply(
        result,
        |p| {
            Done::new(
                to.clone(),
                format!("Sous-traitant « {} » enregistré.", p.name),
            )
        },
        |errors| {
            processors_view(
                &ctx,
                (&v, &jar),
                &scope,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

fn signoff(
    label: &str,
    which: &str,
    text: Option<&String>,
    by: Option<&String>,
    at: Option<chrono::DateTime<Utc>>,
) -> Value {
    json!({
        "label": label, "which": which, "text": text, "by": by,
        "at": at.map(fr_datetime), "done": at.is_some(),
    })
}

async fn dpias_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    form: &DpiaInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let acts = activities::list(&ctx.db, scope.tenant()).await?;
    let name_of = |id: Uuid| {
        acts.iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let mut may = std::collections::HashMap::new();
    for s in [
        SignOff::Author,
        SignOff::Dpo,
        SignOff::Representative,
        SignOff::Controller,
    ] {
        may.insert(s.label(), scope.can(s.object(), "write").await?);
    }
    let rows: Vec<Value> = dpias::list(&ctx.db, scope.tenant())
        .await?
        .iter()
        .map(|d| {
            let steps = [
                signoff(
                    SignOff::Author.label(),
                    "author",
                    d.author_name.as_ref(),
                    d.author_name.as_ref(),
                    d.author_signed_at,
                ),
                signoff(
                    SignOff::Dpo.label(),
                    "dpo",
                    d.dpo_opinion.as_ref(),
                    d.dpo_signed_by.as_ref(),
                    d.dpo_signed_at,
                ),
                signoff(
                    SignOff::Representative.label(),
                    "representative",
                    d.representative_opinion.as_ref(),
                    d.representative_signed_by.as_ref(),
                    d.representative_signed_at,
                ),
                signoff(
                    SignOff::Controller.label(),
                    "controller",
                    d.controller_decision.as_ref(),
                    d.controller_signed_by.as_ref(),
                    d.controller_signed_at,
                ),
            ];
            let steps: Vec<Value> = steps
                .into_iter()
                .map(|mut s| {
                    let label = s["label"].as_str().unwrap_or_default().to_string();
                    s["may"] = json!(may.get(label.as_str()).copied().unwrap_or(false));
                    s
                })
                .collect();
            json!({
                "id": d.id, "title": d.title, "summary": d.summary,
                "activity": name_of(d.activity_id),
                "activity_href": format!("{base}/activities/{}", d.activity_id),
                "missing": dpias::missing(d).len(), "steps": steps,
                "consultation": d.consultation_sent_on.map(fr_date),
            })
        })
        .collect();
    let options: Vec<Value> = acts
        .iter()
        .filter(|a| a.status != "archived")
        .map(|a| json!({"value": a.id, "label": if a.dpia_required { format!("{} (AIPD requise)", a.name) } else { a.name.clone() }}))
        .collect();
    let data = json!({
        "tabs": tabs(scope, "/dpias").await?, "rows": rows, "activities": options,
        "form": {"activity_id": form.activity_id.map(|i| i.to_string()).unwrap_or_default(), "title": form.title, "summary": form.summary},
        "errors": errors, "can_write": scope.can("gdpr.dpias", "write").await?, "base": base,
    });
    member_page(
        ctx,
        v,
        jar,
        scope,
        (
            "Analyses d’impact (AIPD)",
            &format!("{base}/dpias"),
            &[("RGPD", &base), ("AIPD", "")],
        ),
        ("gdpr/dpias.html", data),
        status,
    )
    .await
}

/// `GET /m/{slug}/gdpr/dpias`
pub async fn dpias_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.dpias", "read").await?;
    dpias_view(
        &ctx,
        (&v, &jar),
        &scope,
        &DpiaInput::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// The DPIA form as posted (the activity as text: an empty choice is an error, not a
/// malformed form).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DpiaForm {
    pub activity_id: String,
    pub title: String,
    pub summary: String,
}

/// `POST /m/{slug}/gdpr/dpias`
pub async fn create_dpia(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<DpiaForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.dpias", "write").await?;
    let input = DpiaInput {
        activity_id: form.value.activity_id.trim().parse().ok(),
        title: form.value.title.clone(),
        summary: form.value.summary.clone(),
    };
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let d = dpias::create(&w, &scope.actor().label, &input).await?;
        w.commit().await?;
        Ok(d)
    }
    .await;
    let to = format!("/m/{}/gdpr/dpias", scope.member().slug);
    form_reply(
        result,
        |d| {
            Done::new(
                to.clone(),
                format!("AIPD « {} » ouverte : quatre visas à recueillir.", d.title),
            )
        },
        |errors| {
            dpias_view(
                &ctx,
                (&v, &jar),
                &scope,
                &input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `POST /m/{slug}/gdpr/dpias/{id}/sign/{which}`: one sign-off, by whom casbin allows.
pub async fn sign_dpia(
    State(ctx): State<AppContext>,
    Path((_slug, id, which)): Path<(String, Uuid, String)>,
    access: MemberAccess,
    form: WebForm<SignInput>,
) -> Result<Response, PageError> {
    let which = SignOff::parse(&which).ok_or(AppError::NotFound)?;
    let scope = access.authorize(which.object(), "write").await?;
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let d = dpias::sign(
            &w,
            &scope.actor().label,
            id,
            which,
            &form.value,
            paris_today(),
        )
        .await?;
        w.commit().await?;
        Ok(d)
    }
    .await;
    let to = format!("/m/{}/gdpr/dpias#aipd-{id}", scope.member().slug);
    action_reply(result, &to, |_| format!("{} enregistré.", which.label()))
}

async fn time_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    form: &TimeInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let entries = processors::time_entries(&ctx.db, scope.tenant()).await?;
    let hours = |minutes: i64| {
        mutualis_core::time::fr_decimal(
            (rust_decimal::Decimal::from(minutes) / rust_decimal::Decimal::from(60)).normalize(),
        )
    };
    let month = mutualis_core::time::Month::of(Utc::now());
    let this_month: i64 = entries
        .iter()
        .filter(|e| e.day >= month.first_day())
        .map(|e| e.minutes)
        .sum();
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| json!({"date": fr_date(e.day), "hours": hours(e.minutes), "note": e.note, "by": e.recorded_by}))
        .collect();
    let data = json!({
        "tabs": tabs(scope, "/time").await?, "rows": rows, "form": form, "errors": errors,
        "month": mutualis_core::web::views::month_label(month), "month_hours": hours(this_month),
        "can_write": scope.can("gdpr.time", "write").await?, "today": paris_today().to_string(),
    });
    member_page(
        ctx,
        v,
        jar,
        scope,
        (
            "Temps du DPO",
            &format!("{base}/time"),
            &[("RGPD", &base), ("Temps du DPO", "")],
        ),
        ("gdpr/time.html", data),
        status,
    )
    .await
}

/// `GET /m/{slug}/gdpr/time`
pub async fn time_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.time", "read").await?;
    let form = TimeInput {
        date: paris_today().to_string(),
        ..TimeInput::default()
    };
    time_view(&ctx, (&v, &jar), &scope, &form, json!({}), StatusCode::OK).await
}

/// `POST /m/{slug}/gdpr/time`: the DPO's time, metered (`gdpr.dpo_hours`).
pub async fn log_time(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<TimeInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.time", "write").await?;
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let t = processors::log_time(
            &w,
            scope.user().id,
            &scope.actor().label,
            &form.value,
            paris_today(),
        )
        .await?;
        w.commit().await?;
        Ok(t)
    }
    .await;
    let to = format!("/m/{}/gdpr/time", scope.member().slug);
    form_reply(
        result,
        |t| {
            Done::new(
                to.clone(),
                format!("Temps enregistré pour le {}.", fr_date(t.day)),
            )
        },
        |errors| {
            time_view(
                &ctx,
                (&v, &jar),
                &scope,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
