//! Leave requests: the member's list, a request (own or for an employee) and how a taking is spread over the periods.
use super::*;

/// A leave request as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RequestInput {
    pub leave_type: String,
    pub start_date: String,
    pub end_date: String,
    pub comment: String,
}

/// The longest absence one request or sick note covers (a year); a longer one is
/// recorded as extensions.
pub const MAX_ABSENCE_DAYS: i64 = 366;

/// The member's requests (optionally one employee's), newest first.
///
/// # Errors
/// Database errors.
pub async fn requests<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Option<Uuid>,
) -> AppResult<Vec<hr_leave_requests::Model>> {
    let mut q = hr_leave_requests::Entity::find_in(scope.tenant());
    if let Some(e) = employee_id {
        q = q.filter(hr_leave_requests::Column::EmployeeId.eq(e));
    }
    Ok(q.order_by_desc(hr_leave_requests::Column::StartDate)
        .all(db)
        .await?)
}

/// Creates a request (pending approval) or records an absence that needs none (a sick
/// note): days counted as the type requires, overlapping absences refused, and the
/// balance checked for types that have one.
///
/// # Errors
/// 422 with the field and a French message; 404; database errors.
pub async fn request<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &RequestInput,
    self_service: bool,
) -> AppResult<hr_leave_requests::Model> {
    request_for(
        db,
        scope.tenant(),
        &scope.actor(),
        employee_id,
        input,
        self_service,
    )
    .await
}

/// The same for a member without a request scope (the demo seed).
///
/// # Errors
/// As `request`.
pub async fn request_for<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: Tenant,
    actor: &Actor,
    employee_id: Uuid,
    input: &RequestInput,
    self_service: bool,
) -> AppResult<hr_leave_requests::Model> {
    let e = crate::employees::get(db, tenant, employee_id).await?;
    let mut c = Check::new();
    let t = leave::leave_type(input.leave_type.trim());
    if t.is_none() {
        c.error("leave_type", "Choisissez le type d’absence.");
    }
    let start = c.date(
        "start_date",
        "La date de début",
        &input.start_date,
        Dates::Absence,
        "La date de début est obligatoire (JJ/MM/AAAA).",
    );
    let end = c.date(
        "end_date",
        "La date de fin",
        &input.end_date,
        Dates::Absence,
        "La date de fin est obligatoire (JJ/MM/AAAA).",
    );
    if let (Some(s), Some(e)) = (start, end)
        && (e - s).num_days() >= MAX_ABSENCE_DAYS
    {
        c.error(
            "end_date",
            format!(
                "Une absence couvre au plus {MAX_ABSENCE_DAYS} jours : enregistrez la suite \
                 comme une prolongation."
            ),
        );
    }
    let comment = c.optional_text("comment", "Le commentaire", &input.comment, Text::Note);
    let (t, start, end) = c
        .finish(|| Some((t?, start?, end?)))
        .map_err(AppError::Validation)?;
    if self_service && !t.approval {
        return Err(AppError::field(
            "leave_type",
            "Un arrêt de travail est enregistré par le service RH, sur justificatif.",
        ));
    }
    if end < start {
        return Err(AppError::field(
            "end_date",
            "La date de fin précède la date de début.",
        ));
    }
    if start < e.entry_date {
        return Err(AppError::field(
            "start_date",
            format!(
                "L’absence commence avant l’entrée du salarié ({}).",
                fr_date(e.entry_date)
            ),
        ));
    }
    let s = settings(db, tenant).await?;
    let n = Decimal::from(leave::count_days(t, start, end, s.alsace_moselle));
    if n.is_zero() {
        return Err(AppError::field(
            "end_date",
            "Cette période ne compte aucun jour à décompter (dimanches et jours fériés).",
        ));
    }
    let overlapping = hr_leave_requests::Entity::find_in(tenant)
        .filter(hr_leave_requests::Column::EmployeeId.eq(employee_id))
        .filter(hr_leave_requests::Column::Status.is_in(["pending", "approved"]))
        .filter(hr_leave_requests::Column::StartDate.lte(end))
        .filter(hr_leave_requests::Column::EndDate.gte(start))
        .one(db)
        .await?;
    if let Some(o) = overlapping {
        return Err(AppError::field(
            "start_date",
            format!(
                "Une autre absence couvre déjà une partie de cette période ({} du {} au {}).",
                leave::leave_type(&o.leave_type).map_or("absence", |t| t.label),
                fr_date(o.start_date),
                fr_date(o.end_date)
            ),
        ));
    }
    if t.balance {
        let available: Decimal = entries_for(db, tenant, Some(employee_id))
            .await?
            .iter()
            .filter(|x| x.leave_type == t.code)
            .map(|x| days(x.days_micros))
            .sum();
        let pending: Decimal = hr_leave_requests::Entity::find_in(tenant)
            .filter(hr_leave_requests::Column::EmployeeId.eq(employee_id))
            .all(db)
            .await?
            .iter()
            .filter(|r| r.status == "pending" && r.leave_type == t.code)
            .map(|r| days(r.days_micros))
            .sum();
        if n > available - pending {
            return Err(AppError::field(
                "end_date",
                format!(
                    "Solde insuffisant : {} demandés, {} disponibles{}.",
                    fr_days(n),
                    fr_days((available - pending).max(Decimal::ZERO)),
                    if pending.is_zero() {
                        String::new()
                    } else {
                        format!(" ({} déjà demandés en attente)", fr_days(pending))
                    }
                ),
            ));
        }
    }
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let recorded = !t.approval;
    let row = hr_leave_requests::Entity::insert_in(
        tenant,
        hr_leave_requests::ActiveModel {
            member_id: Set(tenant.member_id()),
            id: Set(new_id()),
            employee_id: Set(employee_id),
            leave_type: Set(t.code.to_string()),
            start_date: Set(start),
            end_date: Set(end),
            days_micros: Set(micros(n)),
            status: Set(if recorded { "approved" } else { "pending" }.to_string()),
            comment: Set(comment),
            requested_by: Set(actor.label.clone()),
            decided_by: Set(recorded.then(|| actor.label.clone())),
            decided_at: Set(recorded.then_some(now)),
            decision_note: Set(
                recorded.then(|| "Absence enregistrée par le service RH".to_string())
            ),
            created_at: Set(now),
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Some(tenant.member_id()),
        "leave_request",
        &row.id.to_string(),
        if recorded { "record" } else { "request" },
        serde_json::json!({"matricule": e.matricule, "type": row.leave_type, "start": row.start_date, "end": row.end_date}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Takes `n` days from the balances, oldest period first; what no period covers is
/// taken from `fallback` (the current period: anticipated leave).
#[must_use]
pub fn allocate_taking(balances: &[Balance], n: Decimal, fallback: &str) -> Vec<(String, Decimal)> {
    let mut left = n;
    let mut out = Vec::new();
    for b in balances {
        if left <= Decimal::ZERO {
            break;
        }
        if b.balance > Decimal::ZERO {
            let take = b.balance.min(left);
            out.push((b.period.clone(), take));
            left -= take;
        }
    }
    if left > Decimal::ZERO {
        match out.iter_mut().find(|(p, _)| p == fallback) {
            Some((_, d)) => *d += left,
            None => out.push((fallback.to_string(), left)),
        }
    }
    out
}

pub(super) fn current_period(leave_type: &str, day: NaiveDate) -> String {
    match leave_type {
        "CT66" => leave::quarter_label(day.year(), calendar::quarter(day.month())),
        "RTT" => day.year().to_string(),
        _ => cp_period(day),
    }
}
