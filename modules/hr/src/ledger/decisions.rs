//! Decisions on requests (approve, refuse, cancel) and HR's manual adjustments of the ledger.
use super::*;

/// The director's decision on a pending request. Approving a type with a balance
/// writes the taking into the ledger (oldest period first).
///
/// # Errors
/// 404; 409 when already decided or the balance no longer covers it; database errors.
pub async fn decide<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    request_id: Uuid,
    approve: bool,
    note: &str,
) -> AppResult<hr_leave_requests::Model> {
    decide_for(
        db,
        scope.tenant(),
        &scope.actor(),
        request_id,
        approve,
        note,
    )
    .await
}

/// The same for a member without a request scope (the demo seed).
///
/// # Errors
/// As `decide`.
pub async fn decide_for<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: Tenant,
    actor: &Actor,
    request_id: Uuid,
    approve: bool,
    note: &str,
) -> AppResult<hr_leave_requests::Model> {
    let mut c = Check::new();
    let note = c.optional_text("note", "La note", note, Text::Note);
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    let txn = begin_write(db).await?;
    let r = hr_leave_requests::Entity::find_in(tenant)
        .filter(hr_leave_requests::Column::Id.eq(request_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.status != "pending" {
        return Err(AppError::Conflict(
            "Cette demande a déjà été traitée.".to_string(),
        ));
    }
    let t = leave::leave_type(&r.leave_type).ok_or(AppError::NotFound)?;
    let now = Utc::now();
    if approve && t.balance {
        let mine: Vec<_> = entries_for(&txn, tenant, Some(r.employee_id))
            .await?
            .into_iter()
            .filter(|e| e.leave_type == t.code)
            .collect();
        let balances = balances_of(&mine);
        let n = days(r.days_micros);
        let available: Decimal = balances.iter().map(|b| b.balance).sum();
        if n > available {
            return Err(AppError::Conflict(format!(
                "Solde insuffisant pour approuver : {} demandés, {} disponibles.",
                fr_days(n),
                fr_days(available.max(Decimal::ZERO))
            )));
        }
        for (period, d) in allocate_taking(&balances, n, &current_period(t.code, r.start_date)) {
            hr_leave_entries::Entity::insert_in(
                tenant,
                hr_leave_entries::ActiveModel {
                    member_id: Set(tenant.member_id()),
                    id: Set(new_id()),
                    employee_id: Set(r.employee_id),
                    leave_type: Set(t.code.to_string()),
                    kind: Set("taking".to_string()),
                    days_micros: Set(-micros(d)),
                    period: Set(period),
                    effective_date: Set(r.start_date),
                    source_key: Set(None),
                    request_id: Set(Some(r.id)),
                    note: Set(Some(format!(
                        "Congé du {} au {}",
                        fr_date(r.start_date),
                        fr_date(r.end_date)
                    ))),
                    created_by: Set(actor.label.clone()),
                    created_at: Set(now),
                },
                &txn,
            )
            .await?;
        }
    }
    let mut a: hr_leave_requests::ActiveModel = r.into();
    a.status = Set(if approve { "approved" } else { "refused" }.to_string());
    a.decided_by = Set(Some(actor.label.clone()));
    a.decided_at = Set(Some(now));
    a.decision_note = Set(note);
    let r = hr_leave_requests::Entity::update_in(tenant, a, &txn).await?;
    audit::record(
        &txn,
        actor,
        Some(tenant.member_id()),
        "leave_request",
        &r.id.to_string(),
        if approve { "approve" } else { "refuse" },
        serde_json::json!({"type": r.leave_type, "days": days(r.days_micros).to_string()}),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Cancels a request. A pending one simply ends; an approved one is reversed: its
/// takings are given back by new ledger movements (nothing is deleted), and an absence
/// no longer counts at the next accrual run (which books the difference). `only_own`
/// restricts it to a pending request of that employee (a staff member's own).
///
/// # Errors
/// 404; 409 when already refused or cancelled, or (for `only_own`) approved; database
/// errors.
pub async fn cancel<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    request_id: Uuid,
    only_own: Option<Uuid>,
) -> AppResult<hr_leave_requests::Model> {
    let tenant = scope.tenant();
    let actor = scope.actor();
    let w = scope.write(db).await?;
    let r = hr_leave_requests::Entity::find_in(tenant)
        .filter(hr_leave_requests::Column::Id.eq(request_id))
        .one(w.txn())
        .await?
        .filter(|r| only_own.is_none_or(|e| e == r.employee_id))
        .ok_or(AppError::NotFound)?;
    match r.status.as_str() {
        "pending" => {}
        "approved" if only_own.is_none() => {}
        "approved" => {
            return Err(AppError::Conflict(
                "Ce congé est déjà approuvé : demandez au service RH de l’annuler.".to_string(),
            ));
        }
        _ => {
            return Err(AppError::Conflict(
                "Cette demande est déjà refusée ou annulée.".to_string(),
            ));
        }
    }
    let now = Utc::now();
    let takings = hr_leave_entries::Entity::find_in(tenant)
        .filter(hr_leave_entries::Column::RequestId.eq(r.id))
        .all(w.txn())
        .await?;
    for t in &takings {
        hr_leave_entries::Entity::insert_in(
            tenant,
            hr_leave_entries::ActiveModel {
                member_id: Set(tenant.member_id()),
                id: Set(new_id()),
                employee_id: Set(t.employee_id),
                leave_type: Set(t.leave_type.clone()),
                kind: Set("taking".to_string()),
                days_micros: Set(-t.days_micros),
                period: Set(t.period.clone()),
                effective_date: Set(t.effective_date),
                source_key: Set(None),
                request_id: Set(Some(r.id)),
                note: Set(Some(format!(
                    "Annulation du congé du {} au {}",
                    fr_date(r.start_date),
                    fr_date(r.end_date)
                ))),
                created_by: Set(actor.label.clone()),
                created_at: Set(now),
            },
            w.txn(),
        )
        .await?;
    }
    let was = r.status.clone();
    let mut a: hr_leave_requests::ActiveModel = r.into();
    a.status = Set("cancelled".to_string());
    a.decided_by = Set(Some(actor.label.clone()));
    a.decided_at = Set(Some(now));
    let r = hr_leave_requests::Entity::update_in(tenant, a, w.txn()).await?;
    audit::record(
        w.txn(),
        &actor,
        Some(tenant.member_id()),
        "leave_request",
        &r.id.to_string(),
        "cancel",
        serde_json::json!({"type": r.leave_type, "was": was, "days_given_back": takings.len()}),
    )
    .await?;
    w.commit().await?;
    Ok(r)
}

/// A manual adjustment (positive or negative), with its reason.
///
/// # Errors
/// 422 on an invalid type, quantity or missing reason; 404; database errors.
pub async fn adjust<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    leave_type: &str,
    quantity: &str,
    note: &str,
) -> AppResult<hr_leave_entries::Model> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let mut errors = Vec::new();
    let t = leave::leave_type(leave_type).filter(|t| t.balance);
    if t.is_none() {
        errors.push(FieldError::new(
            "leave_type",
            "Choisissez un type de congé à solde (CP, RTT, CT66).",
        ));
    }
    let q =
        contracts::parse_hours(quantity).filter(|q| !q.is_zero() && q.abs() <= Decimal::from(60));
    if q.is_none() {
        errors.push(FieldError::new(
            "quantity",
            "Indiquez un nombre de jours, positif ou négatif (par exemple -1,5).",
        ));
    }
    let mut c = Check::new();
    let note = c.text(
        "note",
        "Le motif",
        note,
        Text::Short,
        "Le motif de l’ajustement est obligatoire (il figure dans l’historique).",
    );
    errors.extend(c.into_errors());
    let note = note.as_str();
    let (Some(t), Some(q)) = (t, q) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let today = paris_today();
    let w = scope.write(db).await?;
    let row = hr_leave_entries::Entity::insert_in(
        scope.tenant(),
        hr_leave_entries::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            employee_id: Set(employee_id),
            leave_type: Set(t.code.to_string()),
            kind: Set("adjustment".to_string()),
            days_micros: Set(micros(q)),
            period: Set(current_period(t.code, today)),
            effective_date: Set(today),
            source_key: Set(None),
            request_id: Set(None),
            note: Set(Some(note.trim().to_string())),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "leave_entry",
        &row.id.to_string(),
        "adjust",
        serde_json::json!({"matricule": e.matricule, "type": row.leave_type, "days": q.to_string()}),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}
