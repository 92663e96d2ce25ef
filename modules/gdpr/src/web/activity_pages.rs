//! GDPR pages: the register (the member's activities, the exports at a date) and one
//! activity (form, page, status changes, the template's proposed update).
#[allow(clippy::wildcard_imports)]
use super::*;
use crate::{
    activities::{self, ActivityFields, ActivityInput, Retention},
    breaches, requests,
};

/// The activity form as posted: the input's fields, the retention table as columns.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ActivityForm {
    pub name: String,
    pub purposes: String,
    pub role: String,
    pub controller: String,
    pub service: String,
    pub legal_bases: Vec<String>,
    pub art9_condition: String,
    pub nir_basis: String,
    pub data_categories: Vec<String>,
    pub person_categories: Vec<String>,
    pub persons_estimate: String,
    pub recipients: String,
    pub transfers: String,
    pub ret_category: Vec<String>,
    pub ret_active: Vec<String>,
    pub ret_intermediate: Vec<String>,
    pub ret_fate: Vec<String>,
    pub ret_criterion: Vec<String>,
    pub security_measures: String,
    pub software: String,
    pub hosting: String,
    pub hds_host: bool,
    pub dpia_criteria: Vec<String>,
    pub dpia_override: String,
    pub dpia_override_reason: String,
    pub finess: String,
    pub notes: String,
}

fn at(v: &[String], i: usize) -> String {
    v.get(i).map(|s| s.trim().to_string()).unwrap_or_default()
}

impl ActivityForm {
    /// The input the services validate (blank retention rows dropped).
    #[must_use]
    pub fn to_input(&self) -> ActivityInput {
        let rows = self.ret_category.len().max(self.ret_active.len());
        let retention = (0..rows)
            .map(|i| Retention {
                category: at(&self.ret_category, i),
                active: at(&self.ret_active, i),
                intermediate: at(&self.ret_intermediate, i),
                final_fate: at(&self.ret_fate, i),
                criterion: at(&self.ret_criterion, i),
            })
            .filter(|r| {
                !(r.category.is_empty()
                    && r.active.is_empty()
                    && r.intermediate.is_empty()
                    && r.criterion.is_empty())
            })
            .collect();
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        ActivityInput {
            name: self.name.clone(),
            purposes: self.purposes.clone(),
            role: self.role.clone(),
            controller: self.controller.clone(),
            service: self.service.clone(),
            legal_bases: self.legal_bases.clone(),
            art9_condition: opt(&self.art9_condition),
            nir_basis: self.nir_basis.clone(),
            data_categories: self.data_categories.clone(),
            person_categories: self.person_categories.clone(),
            persons_estimate: self.persons_estimate.clone(),
            recipients: self.recipients.clone(),
            transfers: self.transfers.clone(),
            retention,
            security_measures: self.security_measures.clone(),
            software: self.software.clone(),
            hosting: self.hosting.clone(),
            hds_host: self.hds_host,
            dpia_criteria: self.dpia_criteria.clone(),
            dpia_override: opt(&self.dpia_override),
            dpia_override_reason: self.dpia_override_reason.clone(),
            finess: self.finess.clone(),
            notes: self.notes.clone(),
        }
    }

    /// The form of stored fields (an edit, a template).
    #[must_use]
    pub fn of(i: &ActivityInput) -> Self {
        let col = |f: fn(&Retention) -> &String| i.retention.iter().map(|r| f(r).clone()).collect();
        Self {
            name: i.name.clone(),
            purposes: i.purposes.clone(),
            role: i.role.clone(),
            controller: i.controller.clone(),
            service: i.service.clone(),
            legal_bases: i.legal_bases.clone(),
            art9_condition: i.art9_condition.clone().unwrap_or_default(),
            nir_basis: i.nir_basis.clone(),
            data_categories: i.data_categories.clone(),
            person_categories: i.person_categories.clone(),
            persons_estimate: i.persons_estimate.clone(),
            recipients: i.recipients.clone(),
            transfers: i.transfers.clone(),
            ret_category: col(|r| &r.category),
            ret_active: col(|r| &r.active),
            ret_intermediate: col(|r| &r.intermediate),
            ret_fate: col(|r| &r.final_fate),
            ret_criterion: col(|r| &r.criterion),
            security_measures: i.security_measures.clone(),
            software: i.software.clone(),
            hosting: i.hosting.clone(),
            hds_host: i.hds_host,
            dpia_criteria: i.dpia_criteria.clone(),
            dpia_override: i.dpia_override.clone().unwrap_or_default(),
            dpia_override_reason: i.dpia_override_reason.clone(),
            finess: i.finess.clone(),
            notes: i.notes.clone(),
        }
    }
}

/// What the form template needs beside the values: the code lists, the retention rows
/// (the stored ones and two blank).
pub(super) fn form_context(form: &ActivityForm, errors: &Value) -> Value {
    let input = form.to_input();
    let mut rows: Vec<Value> = input
        .retention
        .iter()
        .map(|r| json!({"category": r.category, "active": r.active, "intermediate": r.intermediate, "final_fate": r.final_fate, "criterion": r.criterion}))
        .collect();
    for _ in 0..2 {
        rows.push(json!({"category": "", "active": "", "intermediate": "", "final_fate": "", "criterion": ""}));
    }
    json!({
        "form": form,
        "errors": errors,
        "retention": rows,
        "roles": options(&codes::ROLES),
        "art9": options(&codes::ART9_CONDITIONS),
        "fates": options(&codes::FINAL_FATES),
        "data_options": options(&codes::DATA_CATEGORIES),
        "legal_bases": checks(&codes::LEGAL_BASES, &form.legal_bases),
        "data_categories": checks(&codes::DATA_CATEGORIES, &form.data_categories),
        "person_categories": checks(&codes::PERSON_CATEGORIES, &form.person_categories),
        "dpia_criteria": checks(&codes::DPIA_CRITERIA, &form.dpia_criteria),
        "overrides": [
            {"value": "required", "label": "AIPD requise malgré les critères"},
            {"value": "not_required", "label": "AIPD non requise malgré les critères"},
        ],
    })
}

fn badge(status: &str) -> Value {
    let kind = match status {
        "checked" => "ok",
        "completed" => "warn",
        "archived" => "muted",
        _ => "danger",
    };
    json!({"label": activities::status_label(status), "kind": kind})
}

/// `GET /m/{slug}/gdpr`: the register, what runs for this member, the exports.
pub async fn register_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.home", "read").await?;
    let t = scope.tenant();
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let mut rows = Vec::new();
    if scope.can("gdpr.activities", "read").await? {
        for a in activities::list(&ctx.db, t).await? {
            let update = activities::pending_update(&ctx.db, &a).await?.is_some();
            rows.push(json!({
                "href": format!("{base}/activities/{}", a.id), "name": a.name,
                "status": badge(&a.status), "dpia": a.dpia_required,
                "version": a.version, "template": a.template_id.is_some(), "update": update,
                "updated": fr_date(a.updated_at.with_timezone(&chrono_tz::Europe::Paris).date_naive()),
            }));
        }
    }
    let mut clocks = Vec::new();
    let now = Utc::now();
    if scope.can("gdpr.requests", "read").await? {
        for r in requests::list(&ctx.db, t)
            .await?
            .iter()
            .filter(|r| requests::open(r))
        {
            let d = due_day(r.due_on);
            clocks.push((
                r.due_on
                    .and_hms_opt(23, 59, 0)
                    .map(|x| x.and_utc())
                    .unwrap_or(now),
                json!({
                    "href": format!("{base}/requests/{}", r.id),
                    "title": format!("{} — {}", codes::request_title(&r.kind), r.applicant),
                    "due": d["date"], "left": d["left"], "overdue": d["overdue"],
                }),
            ));
        }
    }
    if scope.can("gdpr.breaches", "read").await? {
        for b in breaches::list(&ctx.db, t)
            .await?
            .iter()
            .filter(|b| breaches::clock_running(b))
        {
            let due = crate::rules::breach_deadline(b.aware_at);
            clocks.push((due, json!({
                "href": format!("{base}/breaches/{}", b.id),
                "title": format!("Violation du {}", fr_datetime(b.discovered_at)),
                "due": fr_datetime(due), "left": time_left_until(due, now), "overdue": due < now,
            })));
        }
    }
    clocks.sort_by_key(|(due, _)| *due);
    let clocks: Vec<Value> = clocks.into_iter().map(|(_, v)| v).collect();
    let data = json!({
        "tabs": tabs(&scope, "").await?,
        "rows": rows, "clocks": clocks,
        "can_write": scope.can("gdpr.activities", "write").await?,
        "can_export": scope.can("gdpr.register", "read").await?,
        "today": paris_today().to_string(),
    });
    member_page(
        &ctx,
        &v,
        &jar,
        &scope,
        ("Registre des traitements", &base, &[("RGPD", "")]),
        ("gdpr/register.html", data),
        StatusCode::OK,
    )
    .await
}

async fn form_page(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    editing: Option<&crate::entities::gdpr_activities::Model>,
    form: &ActivityForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let mut data = form_context(form, &errors);
    let (title, action, path) = match editing {
        Some(a) => (
            format!("Modifier « {} »", a.name),
            format!("{base}/activities/{}/edit", a.id),
            format!("{base}/activities/{}/edit", a.id),
        ),
        None => (
            "Nouveau traitement".to_string(),
            format!("{base}/activities/new"),
            format!("{base}/activities/new"),
        ),
    };
    data["action"] = json!(action);
    data["checked"] = json!(editing.is_some_and(|a| a.status == "checked"));
    member_page(
        ctx,
        v,
        jar,
        scope,
        (&title, &path, &[("RGPD", &base), ("Traitement", "")]),
        ("gdpr/activity_form.html", data),
        status,
    )
    .await
}

/// `GET /m/{slug}/gdpr/activities/new`
pub async fn new_activity(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let form = ActivityForm {
        role: "controller".to_string(),
        ..ActivityForm::default()
    };
    form_page(
        &ctx,
        (&v, &jar),
        &scope,
        None,
        &form,
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/gdpr/activities/new`: a draft.
pub async fn create_activity(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<ActivityForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let input = form.value.to_input();
    let result = async {
        let valid = input.validate().map_err(AppError::Validation)?;
        let w = scope.write(&ctx.db).await?;
        let a = activities::insert(&w, &scope.actor().label, &valid, None).await?;
        w.commit().await?;
        Ok(a)
    }
    .await;
    let base = format!("/m/{}/gdpr", scope.member().slug);
    form_reply(
        result,
        |a| {
            Done::new(
                format!("{base}/activities/{}", a.id),
                format!("Traitement « {} » enregistré (brouillon).", a.name),
            )
        },
        |errors| {
            form_page(
                &ctx,
                (&v, &jar),
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

/// `GET /m/{slug}/gdpr/activities/{id}/edit`
pub async fn edit_activity(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let a = activities::get(&ctx.db, scope.tenant(), id).await?;
    let form = ActivityForm::of(&ActivityFields::parse(&a.fields).to_input());
    let form = ActivityForm {
        dpia_override: a.dpia_override.clone().unwrap_or_default(),
        dpia_override_reason: a.dpia_override_reason.clone().unwrap_or_default(),
        ..form
    };
    form_page(
        &ctx,
        (&v, &jar),
        &scope,
        Some(&a),
        &form,
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/gdpr/activities/{id}/edit`: a checked activity goes back to completed.
pub async fn update_activity(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<ActivityForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let a = activities::get(&ctx.db, scope.tenant(), id).await?;
    let input = form.value.to_input();
    let result = async {
        let w = scope.write(&ctx.db).await?;
        let a = activities::update(&w, &scope.actor().label, id, &input).await?;
        w.commit().await?;
        Ok(a)
    }
    .await;
    let base = format!("/m/{}/gdpr", scope.member().slug);
    form_reply(
        result,
        |a| {
            let back = if a.status == "completed" && a.checked_at.is_some() {
                " Il redevient « complété » : le DPO le vérifiera à nouveau."
            } else {
                ""
            };
            Done::new(
                format!("{base}/activities/{}", a.id),
                format!("Traitement « {} » modifié.{back}", a.name),
            )
        },
        |errors| {
            form_page(
                &ctx,
                (&v, &jar),
                &scope,
                Some(&a),
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// A stored field's value as the page shows it.
fn shown_value(field: &str, v: &Value) -> String {
    let list = |l: &[Code]| {
        let codes: Vec<String> = v
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        labels(l, &codes)
    };
    let s = match field {
        "legal_bases" => list(&codes::LEGAL_BASES),
        "data_categories" => list(&codes::DATA_CATEGORIES),
        "person_categories" => list(&codes::PERSON_CATEGORIES),
        "dpia_criteria" => list(&codes::DPIA_CRITERIA),
        "role" => codes::label(&codes::ROLES, v.as_str().unwrap_or_default()).to_string(),
        "retention" => v
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|r| {
                        let g = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
                        let cat = g("category");
                        let cat = codes::DATA_CATEGORIES
                            .iter()
                            .find(|(c, _)| *c == cat)
                            .map_or(cat, |(_, l)| *l);
                        format!(
                            "{cat} : {} ; archive {} ; {}",
                            g("active"),
                            g("intermediate"),
                            codes::label(&codes::FINAL_FATES, g("final_fate"))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
            .unwrap_or_default(),
        _ => match v {
            Value::Null => String::new(),
            Value::Bool(true) => "Oui".to_string(),
            Value::Bool(false) => "Non".to_string(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    };
    if s.trim().is_empty() {
        "—".to_string()
    } else {
        s
    }
}

/// `GET /m/{slug}/gdpr/activities/{id}`: the record, its status, the DPO's check, the
/// template's proposed update.
pub async fn activity_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.activities", "read").await?;
    let a = activities::get(&ctx.db, scope.tenant(), id).await?;
    let fields = ActivityFields::parse(&a.fields);
    let map = fields.to_map();
    let shown: Vec<Value> = codes::FIELDS
        .iter()
        .filter(|(k, _)| {
            !matches!(
                *k,
                "name" | "status" | "dpia_override" | "dpia_override_reason"
            )
        })
        .map(|(k, label)| {
            let v = map.get(*k).cloned().unwrap_or(Value::Null);
            json!({"label": label, "value": shown_value(k, &v)})
        })
        .collect();
    let update = activities::pending_update(&ctx.db, &a).await?.map(|u| {
        json!({
            "from": u.from_version, "to": u.to_version,
            "changes": u.changes.iter().map(|c| json!({
                "field": codes::label(&codes::FIELDS, &c.field),
                "before": shown_value(&c.field, &c.before),
                "after": shown_value(&c.field, &c.after),
                "member": shown_value(&c.field, &c.member_value),
                "own": c.member_value != c.before,
            })).collect::<Vec<_>>(),
        })
    });
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let dpia = match a.dpia_override.as_deref() {
        Some("required") => "Requise (décision contraire aux critères)",
        Some("not_required") => "Non requise (décision contraire aux critères)",
        _ if a.dpia_required => "Requise (deux critères ou plus)",
        _ => "Non requise",
    };
    let data = json!({
        "a": {
            "id": a.id, "name": a.name, "status": badge(&a.status), "raw_status": a.status,
            "version": a.version, "dpia": dpia, "dpia_required": a.dpia_required,
            "override_reason": a.dpia_override_reason,
            "recommendations": a.recommendations, "checked_by": a.checked_by,
            "checked_at": a.checked_at.map(fr_datetime),
            "template_version": a.template_version,
            "created": fr_datetime(a.created_at), "created_by": a.created_by,
            "updated": fr_datetime(a.updated_at),
        },
        "fields": shown, "update": update, "base": base,
        "can_write": scope.can("gdpr.activities", "write").await?,
        "can_check": scope.can("gdpr.checks", "write").await?,
        "can_export": scope.can("gdpr.register", "read").await?,
    });
    member_page(
        &ctx,
        &v,
        &jar,
        &scope,
        (
            &a.name,
            &format!("{base}/activities/{}", a.id),
            &[("RGPD", &base), ("Traitement", "")],
        ),
        ("gdpr/activity.html", data),
        StatusCode::OK,
    )
    .await
}

/// The answer to a button: back to `to` with a flash — the success message, or the
/// refusal in French (a conflict, the fields missing); other errors give the error page.
pub(super) fn action_reply<T>(
    result: AppResult<T>,
    to: &str,
    done: impl FnOnce(&T) -> String,
) -> Result<Response, PageError> {
    match result {
        Ok(v) => Ok(redirect_with_flash(to, "success", &done(&v))),
        Err(AppError::Conflict(m) | AppError::BadRequest(m)) => {
            Ok(redirect_with_flash(to, "error", &m))
        }
        Err(AppError::Validation(errs)) => {
            let msgs: Vec<String> = errs.into_iter().map(|e| e.message).collect();
            Ok(redirect_with_flash(to, "error", &msgs.join(" ")))
        }
        Err(e) => Err(e.into()),
    }
}

/// The check form's body.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckForm {
    pub recommendations: String,
}

macro_rules! activity_action {
    ($name:ident, $obj:literal, $form:ty, ($w:ident, $by:ident, $id:ident, $f:ident) => $call:expr, $msg:expr) => {
        pub async fn $name(
            State(ctx): State<AppContext>,
            Path((_slug, id)): Path<(String, Uuid)>,
            access: MemberAccess,
            form: WebForm<$form>,
        ) -> Result<Response, PageError> {
            let scope = access.authorize($obj, "write").await?;
            let by = scope.actor().label;
            let result = async {
                let w = scope.write(&ctx.db).await?;
                let a = {
                    let $w = &w;
                    let $by = by.as_str();
                    let $id = id;
                    let $f = &form.value;
                    $call.await?
                };
                w.commit().await?;
                Ok(a)
            }
            .await;
            let to = format!("/m/{}/gdpr/activities/{id}", scope.member().slug);
            action_reply(result, &to, $msg)
        }
    };
}

activity_action!(
    complete_activity,
    "gdpr.activities",
    EmptyForm,
    (w, by, id, _f) => activities::complete(w, by, id),
    |a: &crate::entities::gdpr_activities::Model| format!(
        "« {} » est complété : le DPO peut le vérifier.",
        a.name
    )
);
activity_action!(
    check_activity,
    "gdpr.checks",
    CheckForm,
    (w, by, id, f) => activities::check(w, by, id, &f.recommendations),
    |a: &crate::entities::gdpr_activities::Model| format!(
        "« {} » est vérifié par le DPO.",
        a.name
    )
);
activity_action!(
    archive_activity,
    "gdpr.activities",
    EmptyForm,
    (w, by, id, _f) => activities::archive(w, by, id),
    |a: &crate::entities::gdpr_activities::Model| format!(
        "« {} » est archivé : il reste dans l’historique du registre.",
        a.name
    )
);
activity_action!(
    accept_update,
    "gdpr.activities",
    EmptyForm,
    (w, by, id, _f) => activities::accept_update(w, by, id),
    |a: &crate::entities::gdpr_activities::Model| format!(
        "Mise à jour du modèle acceptée pour « {} » : vos propres modifications sont conservées.",
        a.name
    )
);
activity_action!(
    reject_update,
    "gdpr.activities",
    EmptyForm,
    (w, by, id, _f) => activities::reject_update(w, by, id),
    |a: &crate::entities::gdpr_activities::Model| format!(
        "Mise à jour du modèle refusée pour « {} ».",
        a.name
    )
);
