//! An employee's skills page: levels, trainings, interviews and the position's required skills, each with its form.
use super::*;

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

/// Back to the employee's page, at `anchor`, with a success flash.
fn done(scope: &Scope, id: Uuid, anchor: &str, message: impl Into<String>) -> Done {
    Done::new(
        format!(
            "/m/{}/hr/employees/{id}/skills#{anchor}",
            scope.member().slug
        ),
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
    form_reply(
        skills::set_level(&ctx.db, &scope, id, &form.value).await,
        |l| {
            done(
                &scope,
                id,
                "competences",
                format!(
                    "Niveau enregistré : {} — {}.",
                    l.level,
                    level_label(l.level)
                ),
            )
        },
        |errors| {
            let forms = Forms {
                level: form.value,
                level_errors: Some(errors),
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
        },
    )
    .await
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
    form_reply(
        skills::add_training(&ctx.db, &scope, id, &form.value).await,
        |t| {
            done(
                &scope,
                id,
                "formations",
                format!("Formation « {} » enregistrée.", t.title),
            )
        },
        |errors| {
            let forms = Forms {
                training: form.value,
                training_errors: Some(errors),
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
        },
    )
    .await
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
    form_reply(
        skills::record_interview(&ctx.db, &scope, id, &form.value).await,
        |i| {
            done(
                &scope,
                id,
                "entretiens",
                format!(
                    "{} du {} enregistré.",
                    InterviewKind::parse(&i.kind).map_or("Entretien", InterviewKind::label),
                    fr_date(i.held_on)
                ),
            )
        },
        |errors| {
            let forms = Forms {
                interview: form.value,
                interview_errors: Some(errors),
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
        },
    )
    .await
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
    let slug = &scope.member().slug;
    let no_skill = SkillInput::default();
    form_reply(
        crate::positions::set_requirement(&ctx.db, &scope, &form.value).await,
        |r| {
            Done::new(
                format!("/m/{slug}/hr/skills#emplois"),
                format!("Compétence attendue pour « {} » enregistrée.", r.position),
            )
        },
        |errors| {
            overview_page_with(
                &ctx,
                &v,
                &jar,
                &scope,
                (&no_skill, json!({})),
                (&form.value, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
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
