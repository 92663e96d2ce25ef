//! Confirming a staged import: every employee and contract written in one transaction, in batches of multi-row inserts.
use super::*;

const BATCH: usize = 500;

/// Imports the staged valid rows in one transaction. In strict mode, a file with any
/// invalid row imports nothing. Rows that became invalid since the staging (a
/// matricule taken meanwhile) make the whole confirmation fail: nothing is written.
///
/// # Errors
/// 409 when already confirmed; 422 in strict mode with errors, or when rows conflict
/// now; database errors (nothing written).
pub async fn confirm<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    strict: bool,
) -> AppResult<hr_imports::Model> {
    let txn = begin_write(db).await?;
    let imp = hr_imports::Entity::find_in(scope.tenant())
        .filter(hr_imports::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if imp.status != "staged" {
        return Err(AppError::Conflict(
            "Cet import a déjà été confirmé : déposez un nouveau fichier.".to_string(),
        ));
    }
    let errors = errors_of(&imp);
    if strict && !errors.is_empty() {
        // Counted from the totals: the report keeps only the first errors.
        let lines = imp.rows - imp.valid;
        return Err(AppError::field(
            "strict",
            format!(
                "Mode strict : {lines} ligne{} en erreur, rien n’a été importé. Corrigez le fichier et déposez-le à nouveau.",
                if lines > 1 { "s" } else { "" }
            ),
        ));
    }
    let staged: Vec<StagedRow> =
        serde_json::from_str(&imp.payload).map_err(|e| AppError::Unexpected(e.into()))?;
    let (existing, nics) = member_sets(&txn, scope.tenant()).await?;
    let taken: Vec<String> = staged
        .iter()
        .filter(|r| existing.contains(r.cell("matricule").trim()))
        .map(|r| format!("ligne {} ({})", r.row, r.cell("matricule").trim()))
        .take(10)
        .collect();
    if !taken.is_empty() {
        return Err(AppError::Conflict(format!(
            "Des matricules ont été attribués depuis le dépôt du fichier : {}. Rien n’a été importé ; déposez le fichier à nouveau.",
            taken.join(", ")
        )));
    }
    let by = scope.actor().label;
    let now = Utc::now();
    let mut employees: Vec<Vec<sea_orm::Value>> = Vec::with_capacity(BATCH);
    let mut contracts_rows: Vec<Vec<sea_orm::Value>> = Vec::with_capacity(BATCH);
    let mut count = 0usize;
    for r in &staged {
        let (employee, contract) = r.inputs();
        let stale = || {
            AppError::Conflict(format!(
                "La ligne {} n’est plus valide ; déposez le fichier à nouveau.",
                r.row
            ))
        };
        let e = employee.validate().map_err(|_| stale())?;
        let eid = new_id();
        employees.push(employee_row(scope.tenant(), eid, &e, &nics, now));
        if let Some(contract) = contract {
            let t = contract.validate().map_err(|_| stale())?;
            contracts_rows.push(crate::contracts::first_version_values(
                scope.tenant(),
                eid,
                &t,
                &by,
            ));
        }
        count += 1;
        if employees.len() == BATCH {
            flush(&txn, &mut employees, &mut contracts_rows).await?;
        }
    }
    flush(&txn, &mut employees, &mut contracts_rows).await?;
    let mut a: hr_imports::ActiveModel = imp.into();
    a.status = Set("confirmed".to_string());
    a.imported = Set(Some(i64::try_from(count).unwrap_or(i64::MAX)));
    a.confirmed_at = Set(Some(now));
    a.payload = Set("[]".to_string());
    let imp = hr_imports::Entity::update_in(scope.tenant(), a, &txn).await?;
    audit::record(
        &txn,
        &scope.actor(),
        Some(scope.member_id()),
        "hr_import",
        &imp.id.to_string(),
        "confirm",
        serde_json::json!({"file": imp.filename, "imported": count, "strict": strict}),
    )
    .await?;
    txn.commit().await?;
    Ok(imp)
}

/// The columns an import fills (the others stay NULL).
const EMPLOYEE_COLUMNS: [&str; 13] = [
    "member_id",
    "id",
    "matricule",
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "nationality",
    "nir",
    "establishment_id",
    "entry_date",
    "created_at",
    "updated_at",
];

/// One multi-row `INSERT` of `rows` (each as many values as `columns`). Built by hand:
/// sea-orm's `insert_many` spends more time building 500 active models and their
/// query than the database spends storing them (see docs/benchmarks.md). The values
/// are the same `sea_orm::Value`s the ORM would bind. The one raw statement of the
/// module: its rows come only from `employee_row` and `contracts::first_version_values`
/// (the contract writer's own builder), which take the `Tenant` and write its `member_id`.
#[allow(clippy::disallowed_methods)]
async fn insert_rows<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<sea_orm::Value>>,
) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let mut sql = format!(
        "INSERT INTO \"{table}\" ({}) VALUES ",
        columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut values = Vec::with_capacity(rows.len() * columns.len());
    for (r, row) in rows.into_iter().enumerate() {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    sql.push_str(&format!("${}", values.len() + c + 1));
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
        values.extend(row);
    }
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend, sql, values,
    ))
    .await?;
    Ok(())
}

async fn flush<C: ConnectionTrait>(
    db: &C,
    employees: &mut Vec<Vec<sea_orm::Value>>,
    contracts_rows: &mut Vec<Vec<sea_orm::Value>>,
) -> AppResult<()> {
    insert_rows(
        db,
        "hr_employees",
        &EMPLOYEE_COLUMNS,
        std::mem::take(employees),
    )
    .await?;
    insert_rows(
        db,
        "hr_contracts",
        &crate::contracts::version_columns(),
        std::mem::take(contracts_rows),
    )
    .await
}

fn employee_row(
    tenant: Tenant,
    id: Uuid,
    e: &ValidEmployee,
    nics: &HashMap<String, Uuid>,
    now: chrono::DateTime<Utc>,
) -> Vec<sea_orm::Value> {
    vec![
        tenant.member_id().into(),
        id.into(),
        e.matricule.clone().into(),
        e.first_name.clone().into(),
        e.last_name.to_uppercase().into(),
        e.sex.clone().into(),
        e.birth_date.into(),
        e.nationality.clone().into(),
        e.nir.as_str().to_string().into(),
        e.establishment_nic
            .as_ref()
            .and_then(|n| nics.get(n).copied())
            .into(),
        e.entry_date.into(),
        now.into(),
        now.into(),
    ]
}
