//! The skills overview page: the catalogue, what is due (interviews, certificates) and adding a skill.
use super::*;

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

pub(super) async fn overview_page_with(
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

pub(super) fn schedule_text(s: &skills::Schedule) -> String {
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
    let slug = &scope.member().slug;
    form_reply(
        skills::add_skill(&ctx.db, &scope, &form.value).await,
        |s| {
            Done::new(
                format!("/m/{slug}/hr/skills#catalogue"),
                format!("Compétence « {} » ajoutée au catalogue.", s.name),
            )
        },
        |errors| {
            overview_page(
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
