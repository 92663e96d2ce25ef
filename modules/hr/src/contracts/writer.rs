//! The one writer of contract versions: version 1 of a new contract, the next version of an amendment or an exit, and the audited services that use them.
use super::*;

/// Where a version goes: its contract, number, first day and why.
struct Slot {
    contract_id: Uuid,
    version: i32,
    valid_from: NaiveDate,
    reason: Option<String>,
}

fn active_version(
    tenant: Tenant,
    employee_id: Uuid,
    slot: Slot,
    t: &Terms,
    by: &str,
) -> hr_contracts::ActiveModel {
    hr_contracts::ActiveModel {
        member_id: Set(tenant.member_id()),
        id: Set(new_id()),
        employee_id: Set(employee_id),
        contract_id: Set(slot.contract_id),
        version: Set(slot.version),
        valid_from: Set(slot.valid_from),
        kind: Set(t.kind.clone()),
        start_date: Set(t.start_date),
        end_date: Set(t.end_date),
        cdd_reason: Set(t.cdd_reason.clone()),
        trial_end: Set(t.trial_end),
        weekly_hours: Set(t.weekly_hours.to_string()),
        agreement: Set(t.agreement.clone()),
        position: Set(t.position.clone()),
        qualification: Set(t.qualification.clone()),
        coefficient: Set(t.coefficient),
        step: Set(t.step),
        quarterly_leave: Set(t.quarterly_leave),
        agency: Set(t.agency.clone()),
        reason: Set(slot.reason),
        created_by: Set(by.to_string()),
        created_at: Set(Utc::now()),
    }
}

/// The columns of a contract version, in the order of [`first_version_values`].
pub(crate) fn version_columns() -> Vec<&'static str> {
    use sea_orm::{IdenStatic, Iterable};
    hr_contracts::Column::iter().map(|c| c.as_str()).collect()
}

/// Version 1 of a new contract as the values of one row of a bulk insert (the import),
/// built by the same [`active_version`] as every other version.
pub(crate) fn first_version_values(
    tenant: Tenant,
    employee_id: Uuid,
    t: &Terms,
    by: &str,
) -> Vec<sea_orm::Value> {
    use sea_orm::{ActiveModelTrait, Iterable};
    let mut v = active_version(
        tenant,
        employee_id,
        Slot {
            contract_id: new_id(),
            version: 1,
            valid_from: t.start_date,
            reason: Some("Import".to_string()),
        },
        t,
        by,
    );
    hr_contracts::Column::iter()
        .map(|c| {
            v.take(c)
                .into_value()
                .unwrap_or(sea_orm::Value::String(None))
        })
        .collect()
}

/// Inserts version 1 of a new contract (no audit: the caller's transaction does it).
///
/// # Errors
/// Database errors.
pub async fn insert_new<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    employee_id: Uuid,
    t: &Terms,
    by: &str,
) -> AppResult<hr_contracts::Model> {
    Ok(hr_contracts::Entity::insert_in(
        tenant,
        active_version(
            tenant,
            employee_id,
            Slot {
                contract_id: new_id(),
                version: 1,
                valid_from: t.start_date,
                reason: None,
            },
            t,
            by,
        ),
        db,
    )
    .await?)
}

/// Inserts the next version of a contract: `terms` in force from `valid_from`, after
/// `last` (the contract's latest version). The one writer of amendments: HR's amendment,
/// an employee's exit (the contract ends on the exit day) and the demo seed go through it.
///
/// # Errors
/// Database errors.
pub async fn insert_next<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    last: &hr_contracts::Model,
    valid_from: NaiveDate,
    reason: Option<String>,
    terms: &Terms,
    by: &str,
) -> AppResult<hr_contracts::Model> {
    Ok(hr_contracts::Entity::insert_in(
        tenant,
        active_version(
            tenant,
            last.employee_id,
            Slot {
                contract_id: last.contract_id,
                version: last.version + 1,
                valid_from,
                reason,
            },
            terms,
            by,
        ),
        db,
    )
    .await?)
}

/// Creates a contract for an employee (version 1, in force from its start date).
///
/// # Errors
/// 422 on invalid terms or a start before the employee's entry; 404; database errors.
pub async fn create<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &ContractInput,
) -> AppResult<hr_contracts::Model> {
    let t = input.validate().map_err(AppError::Validation)?;
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    if t.start_date < e.entry_date {
        return Err(AppError::field(
            "start_date",
            format!(
                "Le contrat ne peut commencer avant l’entrée du salarié ({}).",
                fr_date(e.entry_date)
            ),
        ));
    }
    let w = scope.write(db).await?;
    let row = insert_new(
        w.txn(),
        scope.tenant(),
        employee_id,
        &t,
        &scope.actor().label,
    )
    .await?;
    w.audit(
        "contract",
        &row.contract_id.to_string(),
        "create",
        serde_json::json!({"matricule": e.matricule, "kind": row.kind, "start": row.start_date}),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// Amends a contract: a new version in force from `valid_from`, after the latest one's.
///
/// # Errors
/// 422 on invalid terms or date; 404 for a contract not the member's; database errors.
pub async fn amend<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    contract_id: Uuid,
    input: &ContractInput,
) -> AppResult<hr_contracts::Model> {
    let t = input.validate();
    let mut c = Check::new();
    let valid_from = c.date(
        "valid_from",
        "La date d’effet",
        &input.valid_from,
        Dates::Hiring,
        "La date d’effet de l’avenant est obligatoire.",
    );
    let reason = Some(c.text(
        "reason",
        "L’objet de l’avenant",
        &input.reason,
        Text::Short,
        "Indiquez l’objet de l’avenant (il figure dans l’historique).",
    ));
    let errors = c.into_errors();
    let t = match t {
        Ok(t) if errors.is_empty() => t,
        Ok(_) => return Err(AppError::Validation(errors)),
        Err(mut e) => {
            e.extend(errors);
            return Err(AppError::Validation(e));
        }
    };
    let Some(valid_from) = valid_from else {
        return Err(AppError::Validation(errors));
    };
    let versions = hr_contracts::Entity::find_in(scope.tenant())
        .filter(hr_contracts::Column::ContractId.eq(contract_id))
        .order_by_asc(hr_contracts::Column::Version)
        .all(db)
        .await?;
    let last = versions.last().ok_or(AppError::NotFound)?;
    if valid_from <= last.valid_from {
        return Err(AppError::field(
            "valid_from",
            format!(
                "L’avenant doit prendre effet après la version en vigueur (depuis le {}).",
                fr_date(last.valid_from)
            ),
        ));
    }
    if t.end_date.is_some_and(|e| valid_from > e) {
        return Err(AppError::field(
            "valid_from",
            "L’avenant prend effet après la fin du contrat.",
        ));
    }
    let w = scope.write(db).await?;
    let row = insert_next(
        w.txn(),
        scope.tenant(),
        last,
        valid_from,
        reason,
        &t,
        &scope.actor().label,
    )
    .await?;
    w.audit(
        "contract",
        &contract_id.to_string(),
        "amend",
        serde_json::json!({"version": row.version, "valid_from": row.valid_from}),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}
