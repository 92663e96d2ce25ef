//! Staging: every row validated, the report kept with the valid rows until HR confirms.
use super::*;

/// Validates every row. `existing` holds the member's matricules; `nics` its
/// establishments' NICs. The rows are consumed: each cell moves into its staged row
/// (each column maps to its own position), so the file is never held twice.
#[must_use]
pub fn stage_rows(
    rows: Vec<(usize, Vec<String>)>,
    header: (usize, &HashMap<&'static str, usize>),
    existing: &HashSet<String>,
    nics: &HashSet<String>,
) -> Staging {
    let (title_idx, map) = header;
    let mut st = Staging::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut unreported = 0usize;
    for (row, mut cells) in rows.into_iter().skip(title_idx + 1) {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        st.rows += 1;
        let staged = StagedRow {
            row,
            cells: COLUMNS
                .iter()
                .map(|(f, _)| {
                    map.get(f)
                        .and_then(|&i| cells.get_mut(i))
                        .map(std::mem::take)
                        .unwrap_or_default()
                })
                .collect(),
        };
        drop(cells);
        let row = &row;
        let (employee, contract) = staged.inputs();
        let mut bad = false;
        let mut push = |field: &str, message: String| {
            bad = true;
            // The report keeps the first errors: a file wrong on every row would
            // otherwise cost a kilobyte of report a row.
            if st.errors.len() < MAX_REPORTED {
                st.errors.push(RowError {
                    row: *row,
                    column: title(field).to_string(),
                    message,
                });
            } else {
                unreported += 1;
            }
        };
        let emp = employee.validate();
        if let Err(errs) = &emp {
            for e in errs {
                push(&e.field, e.message.clone());
            }
        }
        if let Some(Err(errs)) = contract.as_ref().map(ContractInput::validate) {
            for e in errs {
                // The entry date is already reported by the employee's check.
                if e.field != "start_date" {
                    push(&e.field, e.message);
                }
            }
        }
        let m = employee.matricule.trim().to_string();
        if !m.is_empty() {
            if let Some(first) = seen.get(&m) {
                push(
                    "matricule",
                    format!("Matricule {m} en double dans le fichier (déjà ligne {first})."),
                );
            } else {
                seen.insert(m.clone(), *row);
                if existing.contains(&m) {
                    push(
                        "matricule",
                        format!(
                            "Le matricule {m} est déjà attribué à un salarié de l’association."
                        ),
                    );
                }
            }
        }
        if let Ok(ValidEmployee {
            establishment_nic: Some(nic),
            ..
        }) = &emp
            && !nics.contains(nic)
        {
            push(
                "establishment",
                format!("Aucun établissement de l’association n’a le NIC {nic}."),
            );
        }
        if !bad {
            st.valid.push(staged);
        }
    }
    if unreported > 0 {
        st.errors.push(RowError {
            row: 0,
            column: String::new(),
            message: format!(
                "… et {} autres erreurs, non listées : le rapport garde les {} premières. Corrigez-les puis déposez le fichier à nouveau.",
                fr_decimal(Decimal::from(unreported)),
                fr_decimal(Decimal::from(MAX_REPORTED))
            ),
        });
    }
    st
}

pub(super) async fn member_sets<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<(HashSet<String>, HashMap<String, Uuid>)> {
    let existing: HashSet<String> = hr_employees::Entity::find_in(tenant)
        .select_only()
        .column(hr_employees::Column::Matricule)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let nics: HashMap<String, Uuid> = establishments::Entity::find_in(tenant)
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.nic, e.id))
        .collect();
    Ok((existing, nics))
}

/// The staged rows as JSON, written into a buffer sized for them first (no doubling of a
/// large buffer while it grows).
fn staged_json(valid: &[StagedRow]) -> AppResult<String> {
    // Per row `{"row":N,"cells":[…]}`, per cell its quotes and comma; escapes are rare.
    let size: usize = valid
        .iter()
        .map(|r| 32 + r.cells.iter().map(|c| c.len() + 3).sum::<usize>())
        .sum();
    let mut out = Vec::with_capacity(size + 2);
    serde_json::to_writer(&mut out, valid).map_err(|e| AppError::Unexpected(e.into()))?;
    String::from_utf8(out).map_err(|e| AppError::Unexpected(e.into()))
}

/// Reads, validates and stages an uploaded file.
///
/// # Errors
/// 422 when the file itself is unreadable or lacks columns; database errors.
pub async fn stage<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    filename: &str,
    bytes: &[u8],
) -> AppResult<hr_imports::Model> {
    let rows = read_rows(filename, bytes)?;
    if rows.len() > MAX_ROWS + 1 {
        return Err(file_error(format!(
            "Le fichier compte {} lignes : {MAX_ROWS} au plus par import.",
            rows.len() - 1
        )));
    }
    let (idx, map) = header_map(&rows)?;
    let (existing, nics) = member_sets(db, scope.tenant()).await?;
    let nic_set: HashSet<String> = nics.keys().cloned().collect();
    let st = stage_rows(rows, (idx, &map), &existing, &nic_set);
    let payload = staged_json(&st.valid)?;
    let errors = serde_json::to_string(&st.errors).map_err(|e| AppError::Unexpected(e.into()))?;
    // The staged rows are in `payload` now: not held during the write.
    let (rows, valid) = (st.rows, st.valid.len());
    drop(st);
    let txn = begin_write(db).await?;
    // Files staged and never confirmed are dropped after a week.
    hr_imports::Entity::delete_in(scope.tenant())
        .filter(hr_imports::Column::Status.eq("staged"))
        .filter(hr_imports::Column::CreatedAt.lt(Utc::now() - Duration::days(7)))
        .exec(&txn)
        .await?;
    let row = hr_imports::Entity::insert_in(
        scope.tenant(),
        hr_imports::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            filename: Set(filename.chars().take(200).collect()),
            status: Set("staged".to_string()),
            rows: Set(i64::try_from(rows).unwrap_or(i64::MAX)),
            valid: Set(i64::try_from(valid).unwrap_or(i64::MAX)),
            payload: Set(payload),
            errors: Set(errors),
            imported: Set(None),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
            confirmed_at: Set(None),
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        &scope.actor(),
        Some(scope.member_id()),
        "hr_import",
        &row.id.to_string(),
        "stage",
        serde_json::json!({"file": row.filename, "rows": row.rows, "valid": row.valid}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// A staged import (404 for another member's).
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<hr_imports::Model> {
    hr_imports::Entity::find_in(scope.tenant())
        .filter(hr_imports::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The report of an import.
#[must_use]
pub fn errors_of(i: &hr_imports::Model) -> Vec<RowError> {
    serde_json::from_str(&i.errors).unwrap_or_default()
}

/// The member's imports, newest first.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(db: &C, scope: &Scope) -> AppResult<Vec<hr_imports::Model>> {
    Ok(hr_imports::Entity::find_in(scope.tenant())
        .order_by_desc(hr_imports::Column::CreatedAt)
        .all(db)
        .await?)
}
