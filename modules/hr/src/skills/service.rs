//! Skills services: the catalogue, levels, trainings, interviews (each in one audited transaction) and the overview and due lists.
use super::*;

// Service

/// The member's schedule (its HR settings, or the defaults).
///
/// # Errors
/// Database errors.
pub async fn schedule<C: ConnectionTrait>(db: &C, scope: &Scope) -> AppResult<Schedule> {
    Ok(Schedule::from(
        &crate::ledger::settings(db, scope.tenant()).await?,
    ))
}

/// The member's skill catalogue, by category then name.
///
/// # Errors
/// Database errors.
pub async fn catalogue<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<Vec<hr_skills::Model>> {
    let mut rows = hr_skills::Entity::find_in(scope.tenant()).all(db).await?;
    rows.sort_by_cached_key(|s| {
        (
            s.category.is_none(),
            s.category.as_deref().map(normalize),
            normalize(&s.name),
        )
    });
    Ok(rows)
}

/// Adds a skill to the member's catalogue (audited). A name already there (accents and
/// case aside) is refused.
///
/// # Errors
/// 422 with the field and a French message; database errors.
pub async fn add_skill<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    input: &SkillInput,
) -> AppResult<hr_skills::Model> {
    let (name, category) = input.validate().map_err(AppError::Validation)?;
    let taken = || {
        AppError::field(
            "name",
            format!("La compétence « {name} » est déjà au catalogue."),
        )
    };
    let key = normalize(&name);
    if catalogue(db, scope)
        .await?
        .iter()
        .any(|s| normalize(&s.name) == key)
    {
        return Err(taken());
    }
    let w = scope.write(db).await?;
    let row = hr_skills::Entity::insert_in(
        scope.tenant(),
        hr_skills::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            name: Set(name.clone()),
            category: Set(category),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    w.audit(
        "hr_skill",
        &row.id.to_string(),
        "create",
        serde_json::json!({"name": row.name, "category": row.category}),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// Sets an employee's level in a skill: a new assessment replaces the previous one
/// (deleted and inserted in one transaction, audited with the previous level).
///
/// # Errors
/// 404 for an employee not the member's; 422 with the field and a French message;
/// database errors.
pub async fn set_level<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &LevelInput,
) -> AppResult<hr_employee_skills::Model> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let (skill_id, level, assessed_on) = input
        .validate(paris_today())
        .map_err(AppError::Validation)?;
    let skill = hr_skills::Entity::find_in(scope.tenant())
        .filter(hr_skills::Column::Id.eq(skill_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("skill_id", "Choisissez une compétence du catalogue."))?;
    let w = scope.write(db).await?;
    let previous = hr_employee_skills::Entity::find_in(scope.tenant())
        .filter(hr_employee_skills::Column::EmployeeId.eq(e.id))
        .filter(hr_employee_skills::Column::SkillId.eq(skill.id))
        .one(w.txn())
        .await?;
    if let Some(p) = &previous {
        hr_employee_skills::Entity::delete_in(scope.tenant())
            .filter(hr_employee_skills::Column::Id.eq(p.id))
            .exec(w.txn())
            .await?;
    }
    let row = hr_employee_skills::Entity::insert_in(
        scope.tenant(),
        hr_employee_skills::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            employee_id: Set(e.id),
            skill_id: Set(skill.id),
            level: Set(level),
            assessed_on: Set(assessed_on),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "employee_skill",
        &e.id.to_string(),
        "assess",
        serde_json::json!({
            "matricule": e.matricule, "skill": skill.name, "level": level,
            "previous_level": previous.map(|p| p.level), "assessed_on": assessed_on,
        }),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// Records a training of an employee (audited).
///
/// # Errors
/// 404 for an employee not the member's; 422 with the field and a French message;
/// database errors.
pub async fn add_training<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &TrainingInput,
) -> AppResult<hr_trainings::Model> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let t = input.validate().map_err(AppError::Validation)?;
    let w = scope.write(db).await?;
    let row = hr_trainings::Entity::insert_in(
        scope.tenant(),
        hr_trainings::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            employee_id: Set(e.id),
            title: Set(t.title),
            provider: Set(t.provider),
            start_date: Set(t.start_date),
            end_date: Set(t.end_date),
            hours: Set(t.hours.map(|h| h.to_string())),
            certificate: Set(t.certificate),
            certificate_expiry: Set(t.certificate_expiry),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "training",
        &row.id.to_string(),
        "create",
        serde_json::json!({
            "matricule": e.matricule, "title": row.title, "start_date": row.start_date,
            "certificate": row.certificate, "certificate_expiry": row.certificate_expiry,
        }),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// Records an interview held (audited, without its notes).
///
/// # Errors
/// 404 for an employee not the member's; 422 with the field and a French message;
/// database errors.
pub async fn record_interview<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &InterviewInput,
) -> AppResult<hr_interviews::Model> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let (kind, held_on, notes) = input
        .validate(e.entry_date, paris_today())
        .map_err(AppError::Validation)?;
    let w = scope.write(db).await?;
    let row = hr_interviews::Entity::insert_in(
        scope.tenant(),
        hr_interviews::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            employee_id: Set(e.id),
            kind: Set(kind.as_str().to_string()),
            held_on: Set(held_on),
            notes: Set(notes),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "interview",
        &row.id.to_string(),
        "create",
        serde_json::json!({"matricule": e.matricule, "kind": row.kind, "held_on": row.held_on}),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// What a reminder is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Subject {
    Interview(InterviewKind),
    Certificate {
        certificate: String,
        training: String,
    },
}

/// An interview to hold or a certificate to renew, overdue or soon due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub employee_id: Uuid,
    /// `DURAND Camille`
    pub employee: String,
    pub subject: Subject,
    pub due: NaiveDate,
    pub status: Status,
}

/// One employee's line in the overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmployeeSummary {
    pub employee_id: Uuid,
    pub employee: String,
    pub matricule: String,
    pub skills: usize,
    pub trainings: usize,
    pub last_interview: Option<NaiveDate>,
    pub next: Option<Due>,
    pub next_status: Option<Status>,
}

/// The member's GPEC overview: what is due, and each employee in post.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overview {
    /// Overdue first, then by date.
    pub reminders: Vec<Reminder>,
    /// By name.
    pub employees: Vec<EmployeeSummary>,
    /// How many employees are assessed in each skill.
    pub assessed: HashMap<Uuid, usize>,
    pub reminder_days: u32,
}

fn name_of(e: &hr_employees::Model) -> String {
    format!("{} {}", e.last_name, e.first_name)
}

/// Builds the overview from plain rows (employees who have left are left out, and a
/// due date after an employee's exit is not reminded).
#[must_use]
pub fn overview_of(
    employees: &[hr_employees::Model],
    interviews: &[hr_interviews::Model],
    trainings: &[hr_trainings::Model],
    levels: &[hr_employee_skills::Model],
    s: &Schedule,
    today: NaiveDate,
) -> Overview {
    let mut held: HashMap<Uuid, Vec<(InterviewKind, NaiveDate)>> = HashMap::new();
    for i in interviews {
        if let Some(k) = InterviewKind::parse(&i.kind) {
            held.entry(i.employee_id).or_default().push((k, i.held_on));
        }
    }
    let mut trained: HashMap<Uuid, usize> = HashMap::new();
    for t in trainings {
        *trained.entry(t.employee_id).or_default() += 1;
    }
    let mut skilled: HashMap<Uuid, usize> = HashMap::new();
    let mut assessed: HashMap<Uuid, usize> = HashMap::new();
    let active: HashMap<Uuid, &hr_employees::Model> = employees
        .iter()
        .filter(|e| in_post(e, today))
        .map(|e| (e.id, e))
        .collect();
    for l in levels {
        if active.contains_key(&l.employee_id) {
            *skilled.entry(l.employee_id).or_default() += 1;
            *assessed.entry(l.skill_id).or_default() += 1;
        }
    }
    let before_exit = |e: &hr_employees::Model, d: NaiveDate| e.exit_date.is_none_or(|x| d <= x);
    let mut out = Overview {
        assessed,
        reminder_days: s.reminder_days,
        ..Overview::default()
    };
    let mut people: Vec<&hr_employees::Model> = active.values().copied().collect();
    people.sort_by_cached_key(|e| (normalize(&e.last_name), normalize(&e.first_name), e.id));
    for e in people {
        let h = held.get(&e.id).map_or(&[][..], Vec::as_slice);
        let next = next_interview(e.entry_date, h, s).filter(|d| before_exit(e, d.due));
        let next_status = next.map(|d| status(d.due, today, s.reminder_days));
        if let (Some(d), Some(st)) = (next, next_status)
            && st != Status::Ok
        {
            out.reminders.push(Reminder {
                employee_id: e.id,
                employee: name_of(e),
                subject: Subject::Interview(d.kind),
                due: d.due,
                status: st,
            });
        }
        out.employees.push(EmployeeSummary {
            employee_id: e.id,
            employee: name_of(e),
            matricule: e.matricule.clone(),
            skills: skilled.get(&e.id).copied().unwrap_or(0),
            trainings: trained.get(&e.id).copied().unwrap_or(0),
            last_interview: h.iter().map(|(_, d)| *d).max(),
            next,
            next_status,
        });
    }
    for t in current_certificates(trainings) {
        let (Some(e), Some(expiry)) = (active.get(&t.employee_id), t.certificate_expiry) else {
            continue;
        };
        let st = certificate_status(expiry, today, s.reminder_days);
        if st != Status::Ok && before_exit(e, expiry) {
            out.reminders.push(Reminder {
                employee_id: e.id,
                employee: name_of(e),
                subject: Subject::Certificate {
                    certificate: t.certificate.clone().unwrap_or_default(),
                    training: t.title.clone(),
                },
                due: expiry,
                status: st,
            });
        }
    }
    out.reminders.sort_by(|a, b| {
        (a.status != Status::Overdue, a.due, &a.employee).cmp(&(
            b.status != Status::Overdue,
            b.due,
            &b.employee,
        ))
    });
    out
}

/// The member's overview on `today`: interviews and certificates overdue or due within
/// the reminder period, and each employee in post.
///
/// # Errors
/// Database errors.
pub async fn overview<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
) -> AppResult<Overview> {
    overview_for(db, scope.tenant(), today).await
}

/// The same for a background task of one member (the monthly reminder e-mail).
///
/// # Errors
/// Database errors.
pub async fn overview_for<C: ConnectionTrait>(
    db: &C,
    m: Tenant,
    today: NaiveDate,
) -> AppResult<Overview> {
    let employees = hr_employees::Entity::find_in(m).all(db).await?;
    let interviews = hr_interviews::Entity::find_in(m).all(db).await?;
    let trainings = hr_trainings::Entity::find_in(m).all(db).await?;
    let levels = hr_employee_skills::Entity::find_in(m).all(db).await?;
    let s = Schedule::from(&crate::ledger::settings(db, m).await?);
    Ok(overview_of(
        &employees,
        &interviews,
        &trainings,
        &levels,
        &s,
        today,
    ))
}

/// The interviews and certificates overdue or due soon (the "à prévoir" list).
///
/// # Errors
/// Database errors.
pub async fn due_list<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
) -> AppResult<Vec<Reminder>> {
    Ok(overview(db, scope, today).await?.reminders)
}

/// One employee's skills file.
#[derive(Debug, Clone)]
pub struct EmployeeFile {
    pub employee: hr_employees::Model,
    /// Each assessed skill with its level, by category then name.
    pub levels: Vec<(hr_skills::Model, hr_employee_skills::Model)>,
    /// Newest first.
    pub trainings: Vec<hr_trainings::Model>,
    /// Newest first.
    pub interviews: Vec<hr_interviews::Model>,
    /// The trainings whose certificate is current (renewals supersede older ones).
    pub current_certificates: Vec<Uuid>,
    pub next: Option<Due>,
    pub schedule: Schedule,
}

/// One employee's levels, trainings, interviews and next interview (404 for another
/// member's employee).
///
/// # Errors
/// 404; database errors.
pub async fn employee_file<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
) -> AppResult<EmployeeFile> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let m = scope.tenant();
    let skills = catalogue(db, scope).await?;
    let assessed = hr_employee_skills::Entity::find_in(m)
        .filter(hr_employee_skills::Column::EmployeeId.eq(e.id))
        .all(db)
        .await?;
    let levels = skills
        .into_iter()
        .filter_map(|s| {
            let l = assessed.iter().find(|l| l.skill_id == s.id)?.clone();
            Some((s, l))
        })
        .collect();
    let trainings = hr_trainings::Entity::find_in(m)
        .filter(hr_trainings::Column::EmployeeId.eq(e.id))
        .order_by_desc(hr_trainings::Column::StartDate)
        .order_by_desc(hr_trainings::Column::CreatedAt)
        .all(db)
        .await?;
    let interviews = hr_interviews::Entity::find_in(m)
        .filter(hr_interviews::Column::EmployeeId.eq(e.id))
        .order_by_desc(hr_interviews::Column::HeldOn)
        .order_by_desc(hr_interviews::Column::CreatedAt)
        .all(db)
        .await?;
    let s = schedule(db, scope).await?;
    let held: Vec<(InterviewKind, NaiveDate)> = interviews
        .iter()
        .filter_map(|i| InterviewKind::parse(&i.kind).map(|k| (k, i.held_on)))
        .collect();
    let next =
        next_interview(e.entry_date, &held, &s).filter(|d| e.exit_date.is_none_or(|x| d.due <= x));
    let current = current_certificates(&trainings)
        .into_iter()
        .map(|t| t.id)
        .collect();
    Ok(EmployeeFile {
        employee: e,
        levels,
        trainings,
        interviews,
        current_certificates: current,
        next,
        schedule: s,
    })
}
