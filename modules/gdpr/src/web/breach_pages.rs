//! GDPR pages: breaches — the short declaration any user of the member makes, the
//! register of breaches, one breach's file with the CNIL's 72 hours and the decision.
#[allow(clippy::wildcard_imports)]
use super::*;
use crate::{
    breaches::{self, BreachDeclaration, BreachDetails, NotificationInput, list_of},
    entities::gdpr_breaches,
    rules::breach_deadline,
};

fn natures_json(selected: &[String]) -> Vec<Value> {
    checks(&codes::BREACH_NATURES, selected)
}

/// A local Paris time as a `datetime-local` input wants it.
fn local_input(at: chrono::DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn declare_page(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    form: &BreachDeclaration,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let data = json!({
        "form": form, "errors": errors, "natures": natures_json(&form.nature),
        "now": local_input(Utc::now()),
    });
    member_page(
        ctx,
        v,
        jar,
        scope,
        (
            "Signaler une violation de données",
            &format!("{base}/breaches/new"),
            &[("Signaler une violation", "")],
        ),
        ("gdpr/breach_new.html", data),
        status,
    )
    .await
}

/// `GET /m/{slug}/gdpr/breaches/new`: the short form any user of the member may fill.
pub async fn new_breach(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.breach_report", "create").await?;
    declare_page(
        &ctx,
        (&v, &jar),
        &scope,
        &BreachDeclaration::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/gdpr/breaches/new`
pub async fn declare_breach(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<BreachDeclaration>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.breach_report", "create").await?;
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let b = breaches::declare(&w, &scope.actor().label, &form.value, Utc::now()).await?;
        w.commit().await?;
        Ok(b)
    }
    .await;
    let slug = scope.member().slug.clone();
    // The declarant may not read the register of breaches: back to the member's home.
    let reader = scope.can("gdpr.breaches", "read").await?;
    form_reply(
        result,
        |b| {
            let to = if reader {
                format!("/m/{slug}/gdpr/breaches/{}", b.id)
            } else {
                format!("/m/{slug}")
            };
            Done::new(
                to,
                format!(
                    "Violation signalée. Le DPO et la direction sont prévenus : la CNIL doit être notifiée avant le {} si elle présente un risque.",
                    fr_datetime(breach_deadline(b.aware_at))
                ),
            )
        },
        |errors| {
            declare_page(
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

fn clock(b: &gdpr_breaches::Model, now: chrono::DateTime<Utc>) -> Value {
    let due = breach_deadline(b.aware_at);
    let (label, kind) = match b.decision.as_deref() {
        Some("notify") => ("CNIL notifiée", "ok"),
        Some(_) => ("Non notifiée (motivé)", "muted"),
        None if due < now => ("72 h dépassées", "danger"),
        None => ("En cours", "warn"),
    };
    json!({
        "due": fr_datetime(due),
        "left": if b.decision.is_none() { time_left_until(due, now) } else { String::new() },
        "overdue": b.decision.is_none() && due < now,
        "badge": {"label": label, "kind": kind},
    })
}

/// `GET /m/{slug}/gdpr/breaches`: the register of breaches (DPO, director).
pub async fn breaches_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.breaches", "read").await?;
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let now = Utc::now();
    let rows: Vec<Value> = breaches::list(&ctx.db, scope.tenant())
        .await?
        .iter()
        .map(|b| {
            json!({
                "href": format!("{base}/breaches/{}", b.id),
                "discovered": fr_datetime(b.discovered_at), "aware": fr_datetime(b.aware_at),
                "natures": labels(&codes::BREACH_NATURES, &list_of(&b.natures)),
                "description": b.description.chars().take(120).collect::<String>(),
                "clock": clock(b, now),
            })
        })
        .collect();
    let data = json!({"tabs": tabs(&scope, "/breaches").await?, "rows": rows, "base": base});
    member_page(
        &ctx,
        &v,
        &jar,
        &scope,
        (
            "Registre des violations",
            &format!("{base}/breaches"),
            &[("RGPD", &base), ("Violations", "")],
        ),
        ("gdpr/breaches.html", data),
        StatusCode::OK,
    )
    .await
}

/// The completion form, pre-filled from the breach.
fn details_of(b: &gdpr_breaches::Model) -> BreachDetails {
    BreachDetails {
        ongoing: b.ongoing,
        origin: b.origin.clone().unwrap_or_default(),
        cause: b.cause.clone().unwrap_or_default(),
        data_categories: list_of(&b.data_categories),
        person_categories: list_of(&b.person_categories),
        persons_count: b.persons_count.map(|n| n.to_string()).unwrap_or_default(),
        records_count: b.records_count.map(|n| n.to_string()).unwrap_or_default(),
        consequences: b.consequences.clone().unwrap_or_default(),
        severity: b.severity.map(|n| n.to_string()).unwrap_or_default(),
        measures_taken: b.measures_taken.clone().unwrap_or_default(),
        measures_planned: b.measures_planned.clone().unwrap_or_default(),
        persons_informed: b.persons_informed.clone().unwrap_or_default(),
        persons_exemption: b.persons_exemption.clone().unwrap_or_default(),
        ars_reported_at: b.ars_reported_at.map(local_input).unwrap_or_default(),
    }
}

fn notification_of(b: &gdpr_breaches::Model) -> NotificationInput {
    NotificationInput {
        decision: b.decision.clone().unwrap_or_default(),
        reason: b.decision_reason.clone().unwrap_or_default(),
        notified_at: b.notified_at.map(local_input).unwrap_or_default(),
        reference: b.notification_reference.clone().unwrap_or_default(),
        kind: b.notification_kind.clone().unwrap_or_default(),
        late_reason: b.late_reason.clone().unwrap_or_default(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn breach_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    b: &gdpr_breaches::Model,
    details: &BreachDetails,
    notification: &NotificationInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let now = Utc::now();
    let data = json!({
        "b": {
            "id": b.id, "discovered": fr_datetime(b.discovered_at), "aware": fr_datetime(b.aware_at),
            "natures": labels(&codes::BREACH_NATURES, &list_of(&b.natures)),
            "description": b.description, "declared_by": b.declared_by,
            "declared": fr_datetime(b.created_at),
            "notified_at": b.notified_at.map(fr_datetime),
            "reference": b.notification_reference,
            "decision": b.decision, "reason": b.decision_reason, "late_reason": b.late_reason,
        },
        "clock": clock(b, now),
        "details": details, "notification": notification, "errors": errors,
        "data_categories": checks(&codes::DATA_CATEGORIES, &details.data_categories),
        "person_categories": checks(&codes::PERSON_CATEGORIES, &details.person_categories),
        "severities": [
            {"value": "1", "label": "1 — négligeable"}, {"value": "2", "label": "2 — limitée"},
            {"value": "3", "label": "3 — importante"}, {"value": "4", "label": "4 — maximale"},
        ],
        "informed": [
            {"value": "yes", "label": "Oui, les personnes ont été informées"},
            {"value": "later", "label": "Elles le seront"},
            {"value": "no", "label": "Non (exception de l’article 34.3)"},
        ],
        "decisions": [
            {"value": "notify", "label": "Notifier la CNIL"},
            {"value": "not_notify", "label": "Ne pas notifier (risque improbable)"},
        ],
        "kinds": [
            {"value": "initial", "label": "Notification initiale"},
            {"value": "complementary", "label": "Notification complémentaire"},
        ],
        "can_write": scope.can("gdpr.breaches", "write").await?,
        "base": base,
    });
    member_page(
        ctx,
        v,
        jar,
        scope,
        (
            &format!("Violation du {}", fr_datetime(b.discovered_at)),
            &format!("{base}/breaches/{}", b.id),
            &[
                ("RGPD", &base),
                ("Violations", &format!("{base}/breaches")),
                ("Violation", ""),
            ],
        ),
        ("gdpr/breach.html", data),
        status,
    )
    .await
}

/// `GET /m/{slug}/gdpr/breaches/{id}`
pub async fn breach_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.breaches", "read").await?;
    let b = breaches::get(&ctx.db, scope.tenant(), id).await?;
    breach_view(
        &ctx,
        (&v, &jar),
        &scope,
        &b,
        &details_of(&b),
        &notification_of(&b),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/gdpr/breaches/{id}`: the file completed.
pub async fn complete_breach(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<BreachDetails>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.breaches", "write").await?;
    let b = breaches::get(&ctx.db, scope.tenant(), id).await?;
    let shown = notification_of(&b);
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let b = breaches::complete(&w, id, &form.value, Utc::now()).await?;
        w.commit().await?;
        Ok(b)
    }
    .await;
    let to = format!("/m/{}/gdpr/breaches/{id}", scope.member().slug);
    form_reply(
        result,
        |_| Done::new(to.clone(), "Fiche de la violation enregistrée."),
        |errors| {
            breach_view(
                &ctx,
                (&v, &jar),
                &scope,
                &b,
                &form.value,
                &shown,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `POST /m/{slug}/gdpr/breaches/{id}/notification`: the decision, and the notification.
pub async fn breach_notification(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<NotificationInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.breaches", "write").await?;
    let b = breaches::get(&ctx.db, scope.tenant(), id).await?;
    let shown = details_of(&b);
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let b = breaches::decide(&w, id, &form.value, Utc::now()).await?;
        w.commit().await?;
        Ok(b)
    }
    .await;
    let to = format!("/m/{}/gdpr/breaches/{id}", scope.member().slug);
    form_reply(
        result,
        |b| {
            Done::new(
                to.clone(),
                if b.decision.as_deref() == Some("notify") {
                    "Notification à la CNIL enregistrée."
                } else {
                    "Décision de ne pas notifier enregistrée, avec son motif."
                },
            )
        },
        |errors| {
            breach_view(
                &ctx,
                (&v, &jar),
                &scope,
                &b,
                &shown,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
