//! GDPR pages: data-subject requests — the list with each deadline, the new request,
//! one request with its extension and its answer.
#[allow(clippy::wildcard_imports)]
use super::*;
use crate::{
    activities,
    entities::gdpr_requests,
    requests::{self, AnswerInput, ExtendInput, RequestInput},
    rules,
};

fn state_badge(r: &gdpr_requests::Model) -> Value {
    let today = paris_today();
    if requests::open(r) {
        if r.due_on < today {
            json!({"label": "En retard", "kind": "danger"})
        } else {
            json!({"label": requests::state_label(&r.state), "kind": "warn"})
        }
    } else {
        json!({"label": requests::state_label(&r.state), "kind": "ok"})
    }
}

async fn list_page(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    form: &RequestInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let all = requests::list(&ctx.db, scope.tenant()).await?;
    let mut rows: Vec<&gdpr_requests::Model> = all.iter().collect();
    // Open ones first, the soonest due first; then the answered, the latest first.
    rows.sort_by(|a, b| match (requests::open(a), requests::open(b)) {
        (true, true) => a.due_on.cmp(&b.due_on),
        (false, false) => b.received_on.cmp(&a.received_on),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
    });
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "href": format!("{base}/requests/{}", r.id),
                "title": codes::request_title(&r.kind), "applicant": r.applicant,
                "received": fr_date(r.received_on), "due": due_day(r.due_on),
                "open": requests::open(r), "badge": state_badge(r),
                "answered": r.answered_on.map(fr_date),
                "medical": r.medical_file,
            })
        })
        .collect();
    let acts: Vec<Value> = activities::list(&ctx.db, scope.tenant())
        .await?
        .iter()
        .filter(|a| a.status != "archived")
        .map(
            |a| json!({"value": a.id, "label": a.name, "checked": form.activities.contains(&a.id)}),
        )
        .collect();
    let data = json!({
        "tabs": tabs(scope, "/requests").await?, "rows": rows, "form": form, "errors": errors,
        "kinds": options(&codes::REQUEST_KINDS), "activities": acts,
        "can_write": scope.can("gdpr.requests", "write").await?,
        "today": paris_today().to_string(), "base": base,
    });
    member_page(
        ctx,
        v,
        jar,
        scope,
        (
            "Demandes d’exercice des droits",
            &format!("{base}/requests"),
            &[("RGPD", &base), ("Demandes de droits", "")],
        ),
        ("gdpr/requests.html", data),
        status,
    )
    .await
}

/// `GET /m/{slug}/gdpr/requests`
pub async fn requests_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.requests", "read").await?;
    let form = RequestInput {
        received_on: paris_today().to_string(),
        ..RequestInput::default()
    };
    list_page(&ctx, (&v, &jar), &scope, &form, json!({}), StatusCode::OK).await
}

/// `POST /m/{slug}/gdpr/requests`: a request received, its deadline computed.
pub async fn create_request(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<RequestInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.requests", "write").await?;
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let r = requests::create(&w, &scope.actor().label, &form.value).await?;
        w.commit().await?;
        Ok(r)
    }
    .await;
    let base = format!("/m/{}/gdpr", scope.member().slug);
    form_reply(
        result,
        |r| {
            Done::new(
                format!("{base}/requests/{}", r.id),
                format!(
                    "{} enregistrée : réponse due au plus tard le {}.",
                    codes::request_title(&r.kind),
                    fr_date(r.due_on)
                ),
            )
        },
        |errors| {
            list_page(
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

#[allow(clippy::too_many_arguments)]
async fn request_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    r: &gdpr_requests::Model,
    extend: &ExtendInput,
    answer: &AnswerInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let today = paris_today();
    let concerned: Vec<String> = {
        let ids: Vec<Uuid> = serde_json::from_str(&r.activity_ids).unwrap_or_default();
        activities::list(&ctx.db, scope.tenant())
            .await?
            .into_iter()
            .filter(|a| ids.contains(&a.id))
            .map(|a| a.name)
            .collect()
    };
    let clock = if r.medical_file {
        "Dossier médical (CSP L1111-7) : 8 jours, 2 mois si le dossier a plus de 5 ans"
    } else if r.extension_reason.is_some() {
        "Prolongée : trois mois à compter de la réception"
    } else {
        "Un mois à compter de la réception (jour ouvré suivant si samedi, dimanche ou férié)"
    };
    let data = json!({
        "r": {
            "id": r.id, "title": codes::request_title(&r.kind), "applicant": r.applicant,
            "contact": r.applicant_contact,
            "representative": r.representative.as_deref().map(|x| match x {
                "tuteur" => "tuteur",
                "curateur" => "curateur",
                "parent" => "parent",
                "other" => "autre représentant",
                other => other,
            }),
            "identity_verified": r.identity_verified, "medical": r.medical_file,
            "older": r.file_older_than_5_years,
            "received": fr_date(r.received_on), "due": due_day(r.due_on), "clock": clock,
            "open": requests::open(r), "badge": state_badge(r),
            "extension_reason": r.extension_reason, "informed_on": r.informed_on.map(fr_date),
            "answered_on": r.answered_on.map(fr_date), "answer": r.answer,
            "channel": r.answer_channel, "created_by": r.created_by,
            "concerned": concerned,
        },
        "may_extend": requests::open(r) && r.extension_reason.is_none()
            && rules::may_extend(r.received_on, r.medical_file, today),
        "extend": extend, "answer": answer, "errors": errors,
        "can_write": scope.can("gdpr.requests", "write").await?,
        "today": today.to_string(),
    });
    member_page(
        ctx,
        v,
        jar,
        scope,
        (
            &format!("{} — {}", codes::request_title(&r.kind), r.applicant),
            &format!("{base}/requests/{}", r.id),
            &[
                ("RGPD", &base),
                ("Demandes de droits", &format!("{base}/requests")),
                ("Demande", ""),
            ],
        ),
        ("gdpr/request.html", data),
        status,
    )
    .await
}

fn blank_answer() -> AnswerInput {
    AnswerInput {
        answered_on: paris_today().to_string(),
        ..AnswerInput::default()
    }
}

fn blank_extend() -> ExtendInput {
    ExtendInput {
        informed_on: paris_today().to_string(),
        ..ExtendInput::default()
    }
}

/// `GET /m/{slug}/gdpr/requests/{id}`
pub async fn request_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.requests", "read").await?;
    let r = requests::get(&ctx.db, scope.tenant(), id).await?;
    request_view(
        &ctx,
        (&v, &jar),
        &scope,
        &r,
        &blank_extend(),
        &blank_answer(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/gdpr/requests/{id}/extend`: two more months, with the reason.
pub async fn extend_request(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<ExtendInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.requests", "write").await?;
    let r = requests::get(&ctx.db, scope.tenant(), id).await?;
    let other = blank_answer();
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let r = requests::extend(&w, id, &form.value, paris_today()).await?;
        w.commit().await?;
        Ok(r)
    }
    .await;
    let to = format!("/m/{}/gdpr/requests/{id}", scope.member().slug);
    form_reply(
        result,
        |r| {
            Done::new(
                to.clone(),
                format!(
                    "Délai prolongé : réponse due au plus tard le {}.",
                    fr_date(r.due_on)
                ),
            )
        },
        |errors| {
            request_view(
                &ctx,
                (&v, &jar),
                &scope,
                &r,
                &form.value,
                &other,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `POST /m/{slug}/gdpr/requests/{id}/answer`: the answer, which stops the clock.
pub async fn answer_request(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<AnswerInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.requests", "write").await?;
    let r = requests::get(&ctx.db, scope.tenant(), id).await?;
    let other = blank_extend();
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let r = requests::answer(&w, id, &form.value, paris_today()).await?;
        w.commit().await?;
        Ok(r)
    }
    .await;
    let to = format!("/m/{}/gdpr/requests/{id}", scope.member().slug);
    form_reply(
        result,
        |r| {
            let late = r.answered_on.is_some_and(|a| a > r.due_on);
            Done::new(
                to.clone(),
                if late {
                    "Réponse enregistrée, après l’échéance : le retard figure au registre."
                } else {
                    "Réponse enregistrée dans le délai."
                },
            )
        },
        |errors| {
            request_view(
                &ctx,
                (&v, &jar),
                &scope,
                &r,
                &other,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
