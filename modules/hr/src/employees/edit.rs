//! Editing an employee's record: identity, contact, establishment, work permit — the same
//! checks as its creation, plus what the record already carries (an entry date after a
//! contract's start or an absence would contradict them). Audited with the fields that
//! changed, never the NIR's value.
use super::*;

/// The record's fields as the edit form shows them (the creation form's shape).
#[must_use]
pub fn input_of(e: &hr_employees::Model, nic: Option<String>) -> EmployeeInput {
    let opt_date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    EmployeeInput {
        matricule: e.matricule.clone(),
        first_name: e.first_name.clone(),
        last_name: e.last_name.clone(),
        sex: e.sex.clone(),
        birth_date: e.birth_date.to_string(),
        nationality: e.nationality.clone(),
        nir: e.nir.clone(),
        entry_date: e.entry_date.to_string(),
        establishment: nic.unwrap_or_default(),
        email: e.email.clone().unwrap_or_default(),
        address: e.address.clone().unwrap_or_default(),
        phone: e.phone.clone().unwrap_or_default(),
        permit_type: e.permit_type.clone().unwrap_or_default(),
        permit_number: e.permit_number.clone().unwrap_or_default(),
        permit_expiry: opt_date(e.permit_expiry),
    }
}

/// The names of the fields whose stored value differs between `a` and `b`.
fn changed_fields(a: &hr_employees::Model, b: &hr_employees::Model) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut cmp = |name: &'static str, same: bool| {
        if !same {
            out.push(name);
        }
    };
    cmp("matricule", a.matricule == b.matricule);
    cmp("first_name", a.first_name == b.first_name);
    cmp("last_name", a.last_name == b.last_name);
    cmp("sex", a.sex == b.sex);
    cmp("birth_date", a.birth_date == b.birth_date);
    cmp("nationality", a.nationality == b.nationality);
    cmp("nir", a.nir == b.nir);
    cmp("entry_date", a.entry_date == b.entry_date);
    cmp("establishment", a.establishment_id == b.establishment_id);
    cmp("email", a.email == b.email);
    cmp("address", a.address == b.address);
    cmp("phone", a.phone == b.phone);
    cmp("permit_type", a.permit_type == b.permit_type);
    cmp("permit_number", a.permit_number == b.permit_number);
    cmp("permit_expiry", a.permit_expiry == b.permit_expiry);
    out
}

/// Edits an employee of the scope's member. The entry date may be corrected only while no
/// contract nor absence starts before it, and stays before the exit.
///
/// # Errors
/// 422 with every invalid field (a taken matricule, an unknown establishment, an entry
/// contradicting the contracts or absences); 404; database errors.
pub async fn update<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: &EmployeeInput,
) -> AppResult<hr_employees::Model> {
    let e = get(db, scope.tenant(), id).await?;
    let v = input.validate().map_err(AppError::Validation)?;
    let establishment_id =
        establishment_id(db, scope.tenant(), v.establishment_nic.as_deref()).await?;
    if v.entry_date != e.entry_date {
        entry_fits(db, scope.tenant(), &e, v.entry_date).await?;
    }
    let w = scope.write(db).await?;
    let mut a: hr_employees::ActiveModel = e.clone().into();
    a.matricule = Set(v.matricule);
    a.first_name = Set(v.first_name);
    a.last_name = Set(v.last_name.to_uppercase());
    a.sex = Set(v.sex);
    a.birth_date = Set(v.birth_date);
    a.nationality = Set(v.nationality);
    a.nir = Set(v.nir.as_str().to_string());
    a.establishment_id = Set(establishment_id);
    a.entry_date = Set(v.entry_date);
    a.email = Set(v.email);
    a.address = Set(v.address);
    a.phone = Set(v.phone);
    a.permit_type = Set(v.permit_type);
    a.permit_number = Set(v.permit_number);
    a.permit_expiry = Set(v.permit_expiry);
    a.updated_at = Set(Utc::now());
    let row = hr_employees::Entity::update_in(scope.tenant(), a, w.txn())
        .await
        .map_err(|err| match err {
            AppError::Db(db_err) => matricule_taken(db_err),
            other => other,
        })?;
    let fields = changed_fields(&e, &row);
    if fields.is_empty() {
        return Ok(row);
    }
    w.audit(
        "employee",
        &row.id.to_string(),
        "update",
        serde_json::json!({"matricule": row.matricule, "fields": fields}),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// Refuses an entry date after the exit, or after the start of a contract or an absence
/// already recorded.
async fn entry_fits<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    e: &hr_employees::Model,
    entry: NaiveDate,
) -> AppResult<()> {
    if e.exit_date.is_some_and(|exit| entry > exit) {
        return Err(AppError::field(
            "entry_date",
            "La date d’entrée suit la date de sortie.",
        ));
    }
    use crate::entities::hr_contracts;
    let first_contract = hr_contracts::Entity::find_in(tenant)
        .filter(hr_contracts::Column::EmployeeId.eq(e.id))
        .filter(hr_contracts::Column::StartDate.lt(entry))
        .order_by_asc(hr_contracts::Column::StartDate)
        .one(db)
        .await?;
    if let Some(start) = first_contract.map(|c| c.start_date) {
        return Err(AppError::field(
            "entry_date",
            format!(
                "Un contrat commence le {} : la date d’entrée ne peut pas être postérieure.",
                fr_date(start)
            ),
        ));
    }
    let first_absence = crate::entities::hr_leave_requests::Entity::find_in(tenant)
        .filter(crate::entities::hr_leave_requests::Column::EmployeeId.eq(e.id))
        .filter(crate::entities::hr_leave_requests::Column::StartDate.lt(entry))
        .order_by_asc(crate::entities::hr_leave_requests::Column::StartDate)
        .one(db)
        .await?;
    if let Some(r) = first_absence {
        return Err(AppError::field(
            "entry_date",
            format!(
                "Une absence commence le {} : la date d’entrée ne peut pas être postérieure.",
                fr_date(r.start_date)
            ),
        ));
    }
    Ok(())
}
