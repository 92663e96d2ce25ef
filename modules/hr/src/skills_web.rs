//! Skills and training pages: the member's overview (what is due, each employee, the
//! skill catalogue) and one employee's levels, trainings and professional interviews.
use crate::positions::RequirementInput;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use axum_extra::extract::CookieJar;
use chrono::NaiveDate;
use loco_rs::{
    app::AppContext,
    controller::{
        Routes,
        views::{ViewEngine, engines::TeraView},
    },
};
use mutualis_core::{
    error::AppError,
    scope::{MemberAccess, Scope},
    time::{fr_date, fr_decimal, paris_today},
    web::{
        error::PageError,
        forms::WebForm,
        page::{Page, redirect_with_flash},
        views::{self, errors_map},
    },
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::skills::{
    self, Due, InterviewInput, InterviewKind, LEVELS, LevelInput, SkillInput, Status, Subject,
    TrainingInput, level_label, time_left,
};

type View = ViewEngine<TeraView>;

/// The authorization object of every skills page.
const OBJ: &str = "hr.skills";

/// The pages' routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/hr/skills", get(overview).post(add_skill))
        .add("/m/{slug}/hr/skills/positions", post(set_requirement))
        .add(
            "/m/{slug}/hr/skills/positions/{id}/delete",
            post(remove_requirement),
        )
        .add(
            "/m/{slug}/hr/employees/{id}/skills",
            get(employee).post(set_level),
        )
        .add(
            "/m/{slug}/hr/employees/{id}/skills/trainings",
            post(add_training),
        )
        .add(
            "/m/{slug}/hr/employees/{id}/skills/interviews",
            post(record_interview),
        )
}

/// An interview's badge: `En retard` (danger), `Bientôt` (warn), `À jour` (ok).
fn interview_badge(s: Status) -> Value {
    let (label, kind) = match s {
        Status::Overdue => ("En retard", "danger"),
        Status::DueSoon => ("Bientôt", "warn"),
        Status::Ok => ("À jour", "ok"),
    };
    json!({"label": label, "kind": kind})
}

/// A certificate's badge: `Expiré` (danger), `Expire bientôt` (warn), `Valide` (ok).
fn certificate_badge(s: Status) -> Value {
    let kind = match s {
        Status::Overdue => "danger",
        Status::DueSoon => "warn",
        Status::Ok => "ok",
    };
    let label = skills::certificate_label(s);
    let mut chars = label.chars();
    let label: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    json!({"label": label, "kind": kind})
}

fn next_view(next: Option<Due>, today: NaiveDate, reminder_days: u32) -> Value {
    next.map_or(Value::Null, |d| {
        json!({
            "label": d.kind.label(), "due": fr_date(d.due), "left": time_left(d.due, today),
            "badge": interview_badge(skills::status(d.due, today, reminder_days)),
        })
    })
}

fn hours_label(raw: Option<&str>) -> Option<String> {
    raw.and_then(|h| h.parse::<Decimal>().ok())
        .map(|h| format!("{} h", fr_decimal(h)))
}

async fn overview_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    form: &SkillInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    overview_page_with(
        ctx,
        v,
        jar,
        scope,
        (form, errors),
        (&RequirementInput::default(), json!({})),
        status,
    )
    .await
}

async fn overview_page_with(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    (form, errors): (&SkillInput, Value),
    req_form: (&RequirementInput, Value),
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let today = paris_today();
    let o = skills::overview(&ctx.db, scope, today).await?;
    let reminders: Vec<Value> = o
        .reminders
        .iter()
        .map(|r| {
            let (what, detail, badge) = match &r.subject {
                Subject::Interview(k) => (k.label().to_string(), None, interview_badge(r.status)),
                Subject::Certificate {
                    certificate,
                    training,
                } => (
                    format!("Renouveler : {certificate}"),
                    Some(format!("Formation « {training} »")),
                    certificate_badge(r.status),
                ),
            };
            json!({
                "employee_id": r.employee_id.to_string(), "employee": r.employee, "what": what,
                "detail": detail, "due": fr_date(r.due), "left": time_left(r.due, today),
                "badge": badge,
            })
        })
        .collect();
    let employees: Vec<Value> = o
        .employees
        .iter()
        .map(|e| {
            json!({
                "id": e.employee_id.to_string(), "name": e.employee, "matricule": e.matricule,
                "skills": e.skills, "trainings": e.trainings,
                "last": e.last_interview.map(fr_date),
                "next": next_view(e.next, today, o.reminder_days),
            })
        })
        .collect();
    let cat = skills::catalogue(&ctx.db, scope).await?;
    let catalogue: Vec<Value> = cat
        .iter()
        .map(|s| {
            json!({
                "name": s.name, "category": s.category,
                "assessed": o.assessed.get(&s.id).copied().unwrap_or(0),
            })
        })
        .collect();
    let sched = skills::schedule(&ctx.db, scope).await?;
    let requirements: Vec<Value> = crate::positions::requirements(&ctx.db, scope)
        .await?
        .iter()
        .map(|r| {
            json!({
                "id": r.id.to_string(), "position": r.position,
                "skill": cat.iter().find(|c| c.id == r.skill_id).map(|c| c.name.clone()).unwrap_or_default(),
                "level": format!("{} — {}", r.level, level_label(r.level)),
            })
        })
        .collect();
    let positions: Vec<Value> = crate::positions::positions(&ctx.db, scope)
        .await?
        .iter()
        .map(|p| json!({"value": p, "label": p}))
        .collect();
    let skill_options: Vec<Value> = cat
        .iter()
        .map(|c| json!({"value": c.id.to_string(), "label": c.name}))
        .collect();
    let level_options: Vec<Value> = LEVELS
        .iter()
        .map(|(l, label)| json!({"value": l.to_string(), "label": format!("{l} — {label}")}))
        .collect();
    Page::for_scope(
        ctx,
        scope,
        &format!("Compétences et formation — {}", m.name),
        &format!("/m/{}/hr/skills", m.slug),
    )
    .await?
    .crumb(&m.name, &format!("/m/{}", m.slug))
    .crumb("Ressources humaines", &format!("/m/{}/hr", m.slug))
    .crumb("Compétences et formation", "")
    .render_with_status(
        v,
        jar,
        "hr/skills.html",
        json!({
            "member": views::member(m), "tabs": crate::web::tabs(scope, "skills").await?, "reminders": reminders,
            "employees": employees, "catalogue": catalogue, "form": form, "errors": errors,
            "reminder_days": o.reminder_days, "schedule": schedule_text(&sched),
            "can_edit": scope.can(OBJ, "write").await?,
            "requirements": requirements, "positions": positions, "skill_options": skill_options,
            "level_options": level_options, "req_form": req_form.0, "req_errors": req_form.1,
        }),
        status,
    )
}

fn schedule_text(s: &skills::Schedule) -> String {
    let mut parts = Vec::new();
    if s.first_interview_months > 0 {
        parts.push(format!(
            "un premier entretien de parcours professionnel dans les {} mois suivant l’entrée",
            s.first_interview_months
        ));
    }
    if s.interview_every_years > 0 {
        parts.push(format!(
            "puis tous les {} ans après le dernier entretien",
            s.interview_every_years
        ));
    }
    if s.review_every_years > 0 {
        parts.push(format!(
            "un bilan récapitulatif tous les {} ans d’ancienneté",
            s.review_every_years
        ));
    }
    if parts.is_empty() {
        "Aucun rappel d’entretien n’est programmé.".to_string()
    } else {
        let mut text = parts.join(", ");
        if let Some(first) = text.get(..1) {
            text = format!(
                "{}{}",
                first.to_uppercase(),
                text.get(1..).unwrap_or_default()
            );
        }
        format!(
            "{text} ; rappel {} jours avant l’échéance.",
            s.reminder_days
        )
    }
}

/// `GET /m/{slug}/hr/skills`: interviews and certificates to plan, each employee in
/// post, the skill catalogue.
pub async fn overview(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "read").await?;
    overview_page(
        &ctx,
        &v,
        &jar,
        &scope,
        &SkillInput::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/hr/skills`: adds a skill to the catalogue.
pub async fn add_skill(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<SkillInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "write").await?;
    match skills::add_skill(&ctx.db, &scope, &form.value).await {
        Ok(s) => Ok(redirect_with_flash(
            &format!("/m/{}/hr/skills#catalogue", scope.member().slug),
            "success",
            &format!("Compétence « {} » ajoutée au catalogue.", s.name),
        )),
        Err(AppError::Validation(errs)) => {
            overview_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                errors_map(errs),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The forms of the employee page, with the values typed and the errors of the one
/// that was sent.
#[derive(Default)]
struct Forms {
    level: LevelInput,
    level_errors: Option<Value>,
    training: TrainingInput,
    training_errors: Option<Value>,
    interview: InterviewInput,
    interview_errors: Option<Value>,
}

impl Forms {
    fn fresh(today: NaiveDate) -> Self {
        let iso = today.format("%Y-%m-%d").to_string();
        Self {
            level: LevelInput {
                assessed_on: iso.clone(),
                ..LevelInput::default()
            },
            interview: InterviewInput {
                held_on: iso,
                ..InterviewInput::default()
            },
            ..Self::default()
        }
    }
}

async fn employee_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    id: Uuid,
    mut forms: Forms,
    status: StatusCode,
) -> Result<Response, PageError> {
    let f = skills::employee_file(&ctx.db, scope, id).await?;
    // The interview form offers the kind due next.
    if forms.interview.kind.is_empty()
        && let Some(next) = f.next
    {
        forms.interview.kind = next.kind.as_str().to_string();
    }
    let m = scope.member();
    let today = paris_today();
    let e = &f.employee;
    let name = format!("{} {}", e.first_name, e.last_name);
    let levels: Vec<Value> = f
        .levels
        .iter()
        .map(|(s, l)| {
            json!({
                "skill": s.name, "category": s.category, "level": l.level,
                "label": level_label(l.level), "assessed_on": fr_date(l.assessed_on),
                "by": l.created_by,
            })
        })
        .collect();
    let reminder_days = f.schedule.reminder_days;
    let trainings: Vec<Value> = f
        .trainings
        .iter()
        .map(|t| {
            let period = match t.end_date {
                Some(end) if end != t.start_date => {
                    format!("du {} au {}", fr_date(t.start_date), fr_date(end))
                }
                _ => format!("le {}", fr_date(t.start_date)),
            };
            let current = f.current_certificates.contains(&t.id);
            let badge = match t.certificate_expiry {
                Some(x) if current => {
                    certificate_badge(skills::certificate_status(x, today, reminder_days))
                }
                Some(_) => json!({"label": "Renouvelé", "kind": "muted"}),
                None => Value::Null,
            };
            json!({
                "title": t.title, "provider": t.provider, "period": period,
                "hours": hours_label(t.hours.as_deref()), "certificate": t.certificate,
                "expiry": t.certificate_expiry.map(fr_date),
                "left": t.certificate_expiry.filter(|_| current).map(|x| time_left(x, today)),
                "badge": badge,
            })
        })
        .collect();
    let interviews: Vec<Value> = f
        .interviews
        .iter()
        .map(|i| {
            json!({
                "kind": InterviewKind::parse(&i.kind).map_or("Entretien", InterviewKind::label),
                "held_on": fr_date(i.held_on), "notes": i.notes, "by": i.created_by,
            })
        })
        .collect();
    let skill_options: Vec<Value> = skills::catalogue(&ctx.db, scope)
        .await?
        .iter()
        .map(|s| {
            let label = s
                .category
                .as_ref()
                .map_or_else(|| s.name.clone(), |c| format!("{} ({c})", s.name));
            json!({"value": s.id.to_string(), "label": label})
        })
        .collect();
    let level_options: Vec<Value> = LEVELS
        .iter()
        .map(|(l, label)| json!({"value": l.to_string(), "label": format!("{l} — {label}")}))
        .collect();
    let (position, gaps) = crate::positions::employee_gaps(&ctx.db, scope, id).await?;
    let names: std::collections::HashMap<String, String> = skill_options
        .iter()
        .filter_map(|o| {
            Some((
                o["value"].as_str()?.to_string(),
                o["label"].as_str()?.to_string(),
            ))
        })
        .collect();
    let gaps: Vec<Value> = gaps
        .iter()
        .map(|g| {
            json!({
                "skill": names.get(&g.skill_id.to_string()).cloned().unwrap_or_default(),
                "required": format!("{} — {}", g.required, level_label(g.required)),
                "assessed": g.assessed.map(|l| format!("{l} — {}", level_label(l))),
                "short": g.short(),
            })
        })
        .collect();
    let kind_options: Vec<Value> = InterviewKind::ALL
        .iter()
        .map(|k| json!({"value": k.as_str(), "label": k.label()}))
        .collect();
    let left = e.exit_date.filter(|x| *x <= today).map(fr_date);
    let base = format!("/m/{}/hr", m.slug);
    Page::for_scope(
        ctx,
        scope,
        &format!("{name} — compétences et formation"),
        &format!("{base}/skills"),
    )
    .await?
    .crumb(&m.name, &format!("/m/{}", m.slug))
    .crumb("Ressources humaines", &base)
    .crumb("Compétences et formation", &format!("{base}/skills"))
    .crumb(&name, "")
    .render_with_status(
        v,
        jar,
        "hr/skills_employee.html",
        json!({
            "member": views::member(m), "tabs": crate::web::tabs(scope, "skills").await?, "id": e.id.to_string(),
            "e": {
                "name": name, "matricule": e.matricule, "entry": fr_date(e.entry_date),
                "exit": e.exit_date.map(fr_date), "left": left,
            },
            "next": next_view(f.next, today, reminder_days),
            "schedule": schedule_text(&f.schedule),
            "levels": levels, "trainings": trainings, "interviews": interviews,
            "position": position, "gaps": gaps,
            "skill_options": skill_options, "level_options": level_options,
            "kind_options": kind_options,
            "level_form": forms.level, "level_errors": forms.level_errors.unwrap_or_else(|| json!({})),
            "training_form": forms.training,
            "training_errors": forms.training_errors.unwrap_or_else(|| json!({})),
            "interview_form": forms.interview,
            "interview_errors": forms.interview_errors.unwrap_or_else(|| json!({})),
            "can_edit": scope.can(OBJ, "write").await?,
            "can_record": scope.can("hr.employees", "read").await?,
        }),
        status,
    )
}

/// `GET /m/{slug}/hr/employees/{id}/skills`: the employee's levels, trainings and
/// interviews, with the forms to add each.
pub async fn employee(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "read").await?;
    employee_page(
        &ctx,
        &v,
        &jar,
        &scope,
        id,
        Forms::fresh(paris_today()),
        StatusCode::OK,
    )
    .await
}

/// Back to the employee's page, at `anchor`, with a flash message.
fn done(scope: &Scope, id: Uuid, anchor: &str, message: &str) -> Response {
    redirect_with_flash(
        &format!(
            "/m/{}/hr/employees/{id}/skills#{anchor}",
            scope.member().slug
        ),
        "success",
        message,
    )
}

/// `POST /m/{slug}/hr/employees/{id}/skills`: sets the employee's level in a skill (a
/// new assessment replaces the previous one).
pub async fn set_level(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<LevelInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "write").await?;
    match skills::set_level(&ctx.db, &scope, id, &form.value).await {
        Ok(l) => Ok(done(
            &scope,
            id,
            "competences",
            &format!(
                "Niveau enregistré : {} — {}.",
                l.level,
                level_label(l.level)
            ),
        )),
        Err(AppError::Validation(errs)) => {
            let forms = Forms {
                level: form.value,
                level_errors: Some(errors_map(errs)),
                ..Forms::fresh(paris_today())
            };
            employee_page(
                &ctx,
                &v,
                &jar,
                &scope,
                id,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /m/{slug}/hr/employees/{id}/skills/trainings`: records a training.
pub async fn add_training(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<TrainingInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "write").await?;
    match skills::add_training(&ctx.db, &scope, id, &form.value).await {
        Ok(t) => Ok(done(
            &scope,
            id,
            "formations",
            &format!("Formation « {} » enregistrée.", t.title),
        )),
        Err(AppError::Validation(errs)) => {
            let forms = Forms {
                training: form.value,
                training_errors: Some(errors_map(errs)),
                ..Forms::fresh(paris_today())
            };
            employee_page(
                &ctx,
                &v,
                &jar,
                &scope,
                id,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /m/{slug}/hr/employees/{id}/skills/interviews`: records an interview held.
pub async fn record_interview(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<InterviewInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "write").await?;
    match skills::record_interview(&ctx.db, &scope, id, &form.value).await {
        Ok(i) => Ok(done(
            &scope,
            id,
            "entretiens",
            &format!(
                "{} du {} enregistré.",
                InterviewKind::parse(&i.kind).map_or("Entretien", InterviewKind::label),
                fr_date(i.held_on)
            ),
        )),
        Err(AppError::Validation(errs)) => {
            let forms = Forms {
                interview: form.value,
                interview_errors: Some(errors_map(errs)),
                ..Forms::fresh(paris_today())
            };
            employee_page(
                &ctx,
                &v,
                &jar,
                &scope,
                id,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /m/{slug}/hr/skills/positions`: the level a position requires in a skill.
pub async fn set_requirement(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<RequirementInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "write").await?;
    match crate::positions::set_requirement(&ctx.db, &scope, &form.value).await {
        Ok(r) => Ok(redirect_with_flash(
            &format!("/m/{}/hr/skills#emplois", scope.member().slug),
            "success",
            &format!("Compétence attendue pour « {} » enregistrée.", r.position),
        )),
        Err(AppError::Validation(errs)) => {
            overview_page_with(
                &ctx,
                &v,
                &jar,
                &scope,
                (&SkillInput::default(), json!({})),
                (&form.value, mutualis_core::web::views::errors_map(errs)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /m/{slug}/hr/skills/positions/{id}/delete`
pub async fn remove_requirement(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    _form: WebForm<mutualis_core::web::forms::EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "write").await?;
    crate::positions::remove_requirement(&ctx.db, &scope, id).await?;
    Ok(redirect_with_flash(
        &format!("/m/{}/hr/skills#emplois", scope.member().slug),
        "success",
        "Compétence attendue retirée.",
    ))
}
