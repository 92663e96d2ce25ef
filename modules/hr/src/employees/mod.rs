//! Employees: creation with every field validated, the list (NIR masked), the record
//! (full NIR, each view written to the audit log). Every query is scoped by the member.
use chrono::{NaiveDate, Utc};
use mutualis_core::{
    audit,
    entities::establishments,
    error::{AppError, AppResult, FieldError, is_unique_violation},
    ids::new_id,
    keyset::{self, Page},
    limits::{Check, Dates, Text},
    scope::Scope,
    tenant::{MemberOwned, Tenant},
    time::fr_date,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QueryTrait, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{entities::hr_employees, nir::Nir};

mod edit;
pub use edit::*;

/// The JSON body or form to create an employee. Never carries a member id.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct EmployeeInput {
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub matricule: String,
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub first_name: String,
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub last_name: String,
    /// `F` or `M`.
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub sex: String,
    /// `YYYY-MM-DD` (or `DD/MM/YYYY`).
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub birth_date: String,
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub nationality: String,
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub nir: String,
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub entry_date: String,
    /// The establishment's NIC (last 5 digits of its SIRET); empty for none.
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub establishment: String,
    /// Optional: links a staff account with the same e-mail to this record (own leave).
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub email: String,
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub address: String,
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub phone: String,
    /// Work permit of a foreign worker (register): type, number, expiry.
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub permit_type: String,
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub permit_number: String,
    #[serde(
        default,
        deserialize_with = "mutualis_core::api::schema::null_as_empty"
    )]
    pub permit_expiry: String,
}

/// One employee of a member; 404 when the id is not that member's. Every HR service
/// looks employees up through it.
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<hr_employees::Model> {
    hr_employees::Entity::find_in(tenant)
        .filter(hr_employees::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A validated employee (before storage).
#[derive(Debug, Clone)]
pub struct ValidEmployee {
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub nationality: String,
    pub nir: Nir,
    pub entry_date: NaiveDate,
    pub establishment_nic: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub permit_type: Option<String>,
    pub permit_number: Option<String>,
    pub permit_expiry: Option<NaiveDate>,
}

impl EmployeeInput {
    /// Validates every field, collecting all errors; the NIR must agree with the sex
    /// and the birth year and month.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self) -> Result<ValidEmployee, Vec<FieldError>> {
        self.validate_at(mutualis_core::time::paris_today())
    }

    /// The same, with dates checked against `today`.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate_at(&self, today: NaiveDate) -> Result<ValidEmployee, Vec<FieldError>> {
        let mut c = Check::at(today);
        let matricule = c.text(
            "matricule",
            "Le matricule",
            &self.matricule,
            Text::Code,
            "Le matricule est obligatoire (20 caractères au plus).",
        );
        let first_name = c.text(
            "first_name",
            "Le prénom",
            &self.first_name,
            Text::Name,
            "Le prénom est obligatoire.",
        );
        let last_name = c.text(
            "last_name",
            "Le nom",
            &self.last_name,
            Text::Name,
            "Le nom est obligatoire.",
        );
        let sex = match self.sex.trim().to_uppercase().as_str() {
            "F" => Some("F"),
            "M" | "H" => Some("M"),
            _ => {
                c.error("sex", "Le sexe est F ou M (registre du personnel).");
                None
            }
        };
        let birth_date = c.date(
            "birth_date",
            "La date de naissance",
            &self.birth_date,
            Dates::Birth,
            "La date de naissance est obligatoire.",
        );
        let nationality = c.text(
            "nationality",
            "La nationalité",
            &self.nationality,
            Text::Name,
            "La nationalité est obligatoire (registre du personnel).",
        );
        let nir = Nir::parse(&self.nir).map_err(|m| c.error("nir", m)).ok();
        if let (Some(n), Some(s), Some(b)) = (&nir, sex, birth_date) {
            let digit = &n.as_str()[..1];
            let sex_ok = matches!((s, digit), ("M", "1" | "3" | "7") | ("F", "2" | "4" | "8"));
            if !sex_ok {
                c.error(
                    "nir",
                    "Le premier chiffre du NIR ne correspond pas au sexe indiqué.",
                );
            }
            let yy = &n.as_str()[1..3];
            if yy != b.format("%y").to_string() {
                c.error(
                    "nir",
                    "L’année de naissance du NIR ne correspond pas à la date de naissance.",
                );
            }
        }
        let entry_date = c.date(
            "entry_date",
            "La date d’entrée",
            &self.entry_date,
            Dates::Hiring,
            "La date d’entrée est obligatoire.",
        );
        if let (Some(b), Some(e)) = (birth_date, entry_date)
            && b.checked_add_months(chrono::Months::new(12 * MIN_AGE_AT_ENTRY))
                .is_none_or(|adult| e < adult)
        {
            c.error(
                "entry_date",
                format!(
                    "La date d’entrée précède les {MIN_AGE_AT_ENTRY} ans du salarié (né le {}) : \
                     vérifiez les deux dates.",
                    fr_date(b)
                ),
            );
        }
        let nic = self.establishment.trim();
        let establishment_nic = if nic.is_empty() {
            None
        } else if nic.len() == 5 && nic.chars().all(|c| c.is_ascii_digit()) {
            Some(nic.to_string())
        } else {
            c.error(
                "establishment",
                "L’établissement se désigne par son NIC (5 derniers chiffres du SIRET).",
            );
            None
        };
        let email = if self.email.trim().is_empty() {
            None
        } else {
            mutualis_core::member::email(&self.email)
                .map_err(|m| c.error("email", m))
                .ok()
        };
        let address = c.optional_text("address", "L’adresse", &self.address, Text::Short);
        let phone = c.optional_text("phone", "Le téléphone", &self.phone, Text::Name);
        let permit_type = c.optional_text(
            "permit_type",
            "Le type de titre",
            &self.permit_type,
            Text::Title,
        );
        let permit_number = c.optional_text(
            "permit_number",
            "Le numéro du titre",
            &self.permit_number,
            Text::Name,
        );
        let permit_expiry = c.optional_date(
            "permit_expiry",
            "L’expiration du titre de travail",
            &self.permit_expiry,
            Dates::Expiry,
        );
        if permit_number.is_some() && permit_type.is_none() && !c.has_error("permit_type") {
            c.error(
                "permit_type",
                "Indiquez le type du titre de travail (carte de séjour, autorisation de travail…).",
            );
        }
        c.finish(|| {
            Some(ValidEmployee {
                matricule,
                first_name,
                last_name,
                sex: sex?.to_string(),
                birth_date: birth_date?,
                nationality,
                nir: nir?,
                entry_date: entry_date?,
                establishment_nic,
                email,
                address,
                phone,
                permit_type,
                permit_number,
                permit_expiry,
            })
        })
    }
}

/// The youngest age at which an entry is plausible (French law: 16, 14 for holiday
/// work or an apprenticeship after the 3e).
pub const MIN_AGE_AT_ENTRY: u32 = 14;

/// The member's establishment whose NIC is `nic`.
///
/// # Errors
/// 422 on `establishment` when the member has none with that NIC; database errors.
async fn establishment_id<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    nic: Option<&str>,
) -> AppResult<Option<Uuid>> {
    let Some(nic) = nic else { return Ok(None) };
    Ok(Some(
        establishments::Entity::find_in(tenant)
            .filter(establishments::Column::Nic.eq(nic))
            .one(db)
            .await?
            .ok_or_else(|| {
                AppError::field(
                    "establishment",
                    format!("Aucun établissement de l’association n’a le NIC {nic}."),
                )
            })?
            .id,
    ))
}

/// The NIC of the employee's establishment, when attached to one.
///
/// # Errors
/// Database errors.
pub async fn nic_of<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    e: &hr_employees::Model,
) -> AppResult<Option<String>> {
    let Some(sid) = e.establishment_id else {
        return Ok(None);
    };
    Ok(establishments::Entity::find_in(tenant)
        .filter(establishments::Column::Id.eq(sid))
        .one(db)
        .await?
        .map(|s| s.nic))
}

fn matricule_taken(e: sea_orm::DbErr) -> AppError {
    if is_unique_violation(&e) {
        AppError::field(
            "matricule",
            "Ce matricule est déjà attribué à un autre salarié de l’association.",
        )
    } else {
        e.into()
    }
}

/// Creates an employee of the scope's member and audits it (without the NIR).
///
/// # Errors
/// 422 with every invalid field (a taken matricule, an unknown establishment); database
/// errors.
pub async fn create<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    input: &EmployeeInput,
) -> AppResult<hr_employees::Model> {
    let v = input.validate().map_err(AppError::Validation)?;
    let establishment_id =
        establishment_id(db, scope.tenant(), v.establishment_nic.as_deref()).await?;
    let now = Utc::now();
    // The record and its audit row commit together.
    let w = scope.write(db).await?;
    let row = hr_employees::Entity::insert_in(
        scope.tenant(),
        hr_employees::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            matricule: Set(v.matricule),
            first_name: Set(v.first_name),
            last_name: Set(v.last_name.to_uppercase()),
            sex: Set(v.sex),
            birth_date: Set(v.birth_date),
            nationality: Set(v.nationality),
            nir: Set(v.nir.as_str().to_string()),
            establishment_id: Set(establishment_id),
            entry_date: Set(v.entry_date),
            exit_date: Set(None),
            email: Set(v.email),
            address: Set(v.address),
            phone: Set(v.phone),
            permit_type: Set(v.permit_type),
            permit_number: Set(v.permit_number),
            permit_expiry: Set(v.permit_expiry),
            created_at: Set(now),
            updated_at: Set(now),
        },
        w.txn(),
    )
    .await
    .map_err(matricule_taken)?;
    w.audit(
        "employee",
        &row.id.to_string(),
        "create",
        serde_json::json!({"matricule": row.matricule}),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// The member's employees, by name.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<Vec<hr_employees::Model>> {
    list_in(db, scope.tenant()).await
}

/// The member's employees by name, for a tenant handle (a task's, or the load test's
/// bare handler: `src/bin/load_bare.rs`).
///
/// # Errors
/// Database errors.
pub async fn list_in<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<hr_employees::Model>> {
    Ok(hr_employees::Entity::find_in(tenant)
        .order_by_asc(hr_employees::Column::LastName)
        .order_by_asc(hr_employees::Column::FirstName)
        .order_by_asc(hr_employees::Column::Id)
        .all(db)
        .await?)
}

/// One page of the member's employees by name: keyset on (last name, first name, id),
/// read as one range of `idx_hr_employees_name` (`(last_name, first_name, id) > (…)`, a
/// row comparison both engines seek to). Gives the rows and the next page's cursor.
///
/// # Errors
/// 422 for a cursor that is not this list's; database errors.
pub async fn list_page<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    page: &Page,
) -> AppResult<(Vec<hr_employees::Model>, Option<String>)> {
    let rows = page_select(scope.tenant(), page)?.all(db).await?;
    Ok(keyset::finish(rows, page, |e| {
        vec![e.last_name.clone(), e.first_name.clone(), e.id.to_string()]
    }))
}

/// The statement of [`list_page`] (for the query plans checked by the tests).
///
/// # Errors
/// 422 for a cursor that is not this list's.
pub fn page_statement(
    backend: sea_orm::DbBackend,
    tenant: Tenant,
    page: &Page,
) -> AppResult<sea_orm::Statement> {
    Ok(page_select(tenant, page)?.build(backend))
}

fn page_select(tenant: Tenant, page: &Page) -> AppResult<sea_orm::Select<hr_employees::Entity>> {
    use hr_employees::Column as Col;
    let after = match page.after.as_deref() {
        Some([last, first, id]) => Some(vec![
            last.as_str().into(),
            first.as_str().into(),
            keyset::uuid_of(id)?.into(),
        ]),
        _ => None,
    };
    Ok(keyset::seek(
        hr_employees::Entity::find_in(tenant),
        &[Col::LastName, Col::FirstName, Col::Id],
        false,
        after,
        page.limit,
    ))
}

/// One employee's record with the full NIR: the view is written to the audit log.
///
/// # Errors
/// 404 when the employee is not the member's; database errors.
pub async fn record<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<hr_employees::Model> {
    let e = get(db, scope.tenant(), id).await?;
    audit::record(
        db,
        &scope.actor(),
        Some(scope.member_id()),
        "employee",
        &e.id.to_string(),
        "read_nir",
        serde_json::json!({"matricule": e.matricule}),
    )
    .await?;
    Ok(e)
}

/// The member's employee whose e-mail is `email` (a staff member's own record).
///
/// # Errors
/// Database errors.
pub async fn by_email<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    email: &str,
) -> AppResult<Option<hr_employees::Model>> {
    Ok(hr_employees::Entity::find_in(scope.tenant())
        .filter(hr_employees::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// Records an employee's exit: the exit date on the record, and every contract still
/// running then ends that day (a new version, the history kept). Audited.
///
/// # Errors
/// 422 for a date before the entry; 404; database errors.
pub async fn record_exit<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    exit: &str,
    reason: &str,
) -> AppResult<hr_employees::Model> {
    let e = get(db, scope.tenant(), id).await?;
    let mut c = Check::new();
    let day = c.date(
        "exit_date",
        "La date de sortie",
        exit,
        Dates::ContractEnd,
        "La date de sortie est obligatoire.",
    );
    c.not_before(
        "exit_date",
        day,
        Some(e.entry_date),
        "La date de sortie précède la date d’entrée.",
    );
    let reason = c.text(
        "reason",
        "Le motif",
        reason,
        Text::Short,
        "Indiquez le motif de la sortie (fin de CDD, démission, licenciement, retraite…).",
    );
    let day = c.finish(|| day).map_err(AppError::Validation)?;
    let reason = reason.as_str();
    let w = scope.write(db).await?;
    let contracts = crate::contracts::by_employee_for(w.txn(), scope.tenant())
        .await?
        .remove(&id)
        .unwrap_or_default();
    for c in &contracts {
        let Some(last) = c.latest() else { continue };
        if last.start_date > day || last.end_date.is_some_and(|end| end <= day) {
            continue;
        }
        let mut terms = crate::contracts::Terms::of(last);
        terms.end_date = Some(day);
        crate::contracts::insert_next(
            w.txn(),
            scope.tenant(),
            last,
            day.max(last.valid_from),
            Some(format!("Sortie du salarié : {reason}")),
            &terms,
            &scope.actor().label,
        )
        .await?;
    }
    let mut a: hr_employees::ActiveModel = e.into();
    a.exit_date = Set(Some(day));
    a.updated_at = Set(Utc::now());
    let e = hr_employees::Entity::update_in(scope.tenant(), a, w.txn()).await?;
    w.audit(
        "employee",
        &e.id.to_string(),
        "exit",
        serde_json::json!({"matricule": e.matricule, "exit": day, "reason": reason}),
    )
    .await?;
    w.commit().await?;
    Ok(e)
}
