//! Spreadsheet import of employees and their contracts (xlsx, xls, ods through calamine;
//! csv through the csv crate): upload → staging with a per-row report (row number as
//! the spreadsheet shows it, column title, French message) → confirm, which imports
//! every valid row in one transaction, or nothing in strict mode when a row is wrong.
use std::{
    collections::{HashMap, HashSet},
    io::Cursor,
};

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::{Duration, NaiveDate, Utc};
use mutualis_core::{
    audit,
    db::begin_write,
    entities::establishments,
    error::{AppError, AppResult},
    ids::new_id,
    scope::Scope,
    tenant::{MemberOwned, Tenant},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    contracts::{ContractInput, normalize},
    employees::{EmployeeInput, ValidEmployee},
    entities::{hr_employees, hr_imports},
};

/// The columns of the template: field code and title. Files are matched on the titles,
/// ignoring case, accents, spaces and punctuation; their order does not matter.
pub const COLUMNS: [(&str, &str); 18] = [
    ("matricule", "Matricule"),
    ("last_name", "Nom"),
    ("first_name", "Prénom"),
    ("sex", "Sexe"),
    ("birth_date", "Date de naissance"),
    ("nationality", "Nationalité"),
    ("nir", "NIR"),
    ("entry_date", "Date d’entrée"),
    ("establishment", "Établissement (NIC)"),
    ("kind", "Type de contrat"),
    ("end_date", "Date de fin"),
    ("cdd_reason", "Motif du CDD"),
    ("weekly_hours", "Heures hebdomadaires"),
    ("agreement", "Convention collective"),
    ("position", "Emploi"),
    ("qualification", "Qualification"),
    ("coefficient", "Coefficient"),
    ("step", "Échelon"),
];

/// Columns a file must have: the person. The contract's columns may be absent — the
/// staff list alone is what most members import first; such employees are "sans
/// contrat" until one is recorded.
const REQUIRED: [&str; 8] = [
    "matricule",
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "nationality",
    "nir",
    "entry_date",
];

/// The contract's columns: a row with none of them filled imports the employee alone.
const CONTRACT_FIELDS: [&str; 9] = [
    "kind",
    "end_date",
    "cdd_reason",
    "weekly_hours",
    "agreement",
    "position",
    "qualification",
    "coefficient",
    "step",
];

/// The most rows one file may carry.
pub const MAX_ROWS: usize = 200_000;

fn title(field: &str) -> &'static str {
    match field {
        "start_date" => "Date d’entrée",
        _ => COLUMNS
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, t)| t),
    }
}

/// One problem of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The row number as the spreadsheet shows it (the titles are row 1); 0 for the file.
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// A valid row, staged until confirmed: its cells in the order of `COLUMNS` (compact
/// to store; validated again at the confirmation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StagedRow {
    pub row: usize,
    pub cells: Vec<String>,
}

impl StagedRow {
    fn cell(&self, field: &str) -> String {
        COLUMNS
            .iter()
            .position(|(f, _)| *f == field)
            .and_then(|i| self.cells.get(i))
            .cloned()
            .unwrap_or_default()
    }

    /// Whether the row fills any of the contract's columns.
    #[must_use]
    pub fn has_contract(&self) -> bool {
        CONTRACT_FIELDS
            .iter()
            .any(|f| !self.cell(f).trim().is_empty())
    }

    /// The employee and, when the row fills any contract column, the contract it
    /// describes.
    #[must_use]
    pub fn inputs(&self) -> (EmployeeInput, Option<ContractInput>) {
        let c = |f: &str| self.cell(f);
        let employee = EmployeeInput {
            matricule: c("matricule"),
            first_name: c("first_name"),
            last_name: c("last_name"),
            sex: c("sex"),
            birth_date: c("birth_date"),
            nationality: c("nationality"),
            nir: c("nir"),
            entry_date: c("entry_date"),
            establishment: c("establishment"),
            ..Default::default()
        };
        let contract = ContractInput {
            kind: c("kind"),
            start_date: c("entry_date"),
            end_date: c("end_date"),
            cdd_reason: c("cdd_reason"),
            weekly_hours: c("weekly_hours"),
            agreement: c("agreement"),
            position: c("position"),
            qualification: c("qualification"),
            coefficient: c("coefficient"),
            step: c("step"),
            quarterly_leave: if normalize(&c("agreement")).contains("66") {
                "on".to_string()
            } else {
                String::new()
            },
            ..Default::default()
        };
        (employee, self.has_contract().then_some(contract))
    }
}

/// What the staging found.
#[derive(Debug, Clone, Default)]
pub struct Staging {
    pub rows: usize,
    pub valid: Vec<StagedRow>,
    pub errors: Vec<RowError>,
}

fn file_error(message: impl Into<String>) -> AppError {
    AppError::Validation(vec![mutualis_core::error::FieldError::new("file", message)])
}

/// Excel's day 0 (with its 1900 leap-year bug already accounted for).
fn excel_date(serial: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "bounded above: at most 2,958,465 days"
    )]
    let days = serial.floor() as i64;
    base.checked_add_signed(Duration::days(days))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()).map_or_else(String::new, |d| d.to_string()),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
    }
}

/// Reads the first sheet (or the CSV) into rows of text, with each row's number as the
/// spreadsheet shows it.
///
/// # Errors
/// 422 naming the file when it cannot be read.
pub fn read_rows(filename: &str, bytes: &[u8]) -> AppResult<Vec<(usize, Vec<String>)>> {
    let lower = filename.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        return read_csv(bytes);
    }
    if !(lower.ends_with(".xlsx")
        || lower.ends_with(".xls")
        || lower.ends_with(".ods")
        || lower.ends_with(".xlsm"))
    {
        return Err(file_error(
            "Format non reconnu : envoyez un fichier .xlsx, .xls, .ods ou .csv.",
        ));
    }
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        tracing::info!(error = %e, "unreadable spreadsheet");
        file_error("Le fichier n’a pas pu être lu comme un classeur (.xlsx, .xls, .ods). Est-il endommagé ou protégé par un mot de passe ?")
    })?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| file_error("Le classeur ne contient aucune feuille."))?
        .map_err(|_| file_error("La première feuille du classeur est illisible."))?;
    let first = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let mut out = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let mut cells: Vec<String> = vec![String::new(); first_col];
        cells.extend(row.iter().map(cell_text));
        out.push((first + i + 1, cells));
    }
    Ok(out)
}

fn read_csv(bytes: &[u8]) -> AppResult<Vec<(usize, Vec<String>)>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| file_error("Le fichier CSV doit être encodé en UTF-8."))?;
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b';');
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| file_error(format!("Ligne {} du CSV illisible : {e}", i + 1)))?;
        out.push((i + 1, rec.iter().map(|s| s.trim().to_string()).collect()));
    }
    Ok(out)
}

/// Finds the title row (the first non-empty one) and maps each known column to its
/// position.
fn header_map(rows: &[(usize, Vec<String>)]) -> AppResult<(usize, HashMap<&'static str, usize>)> {
    let (idx, (_, titles)) = rows
        .iter()
        .enumerate()
        .find(|(_, (_, cells))| cells.iter().any(|c| !c.is_empty()))
        .ok_or_else(|| file_error("Le fichier est vide."))?;
    let mut map = HashMap::new();
    for (pos, t) in titles.iter().enumerate() {
        let n = normalize(t);
        if let Some((field, _)) = COLUMNS
            .iter()
            .find(|(f, title)| normalize(title) == n || normalize(f) == n)
        {
            map.entry(*field).or_insert(pos);
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|f| !map.contains_key(*f))
        .map(|f| title(f))
        .collect();
    if !missing.is_empty() {
        return Err(file_error(format!(
            "Colonne{} absente{} de la ligne de titres : {}. Téléchargez le modèle pour voir les colonnes attendues.",
            if missing.len() > 1 { "s" } else { "" },
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        )));
    }
    Ok((idx, map))
}

/// Validates every row. `existing` holds the member's matricules; `nics` its
/// establishments' NICs.
#[must_use]
pub fn stage_rows(
    rows: &[(usize, Vec<String>)],
    header: (usize, &HashMap<&'static str, usize>),
    existing: &HashSet<String>,
    nics: &HashSet<String>,
) -> Staging {
    let (title_idx, map) = header;
    let mut st = Staging::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let get = |cells: &[String], f: &str| -> String {
        map.get(f)
            .and_then(|&i| cells.get(i))
            .cloned()
            .unwrap_or_default()
    };
    for (row, cells) in rows.iter().skip(title_idx + 1) {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        st.rows += 1;
        let staged = StagedRow {
            row: *row,
            cells: COLUMNS.iter().map(|(f, _)| get(cells, f)).collect(),
        };
        let (employee, contract) = staged.inputs();
        let before = st.errors.len();
        let mut push = |field: &str, message: String| {
            st.errors.push(RowError {
                row: *row,
                column: title(field).to_string(),
                message,
            });
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
        if st.errors.len() == before {
            st.valid.push(staged);
        }
    }
    st
}

async fn member_sets<C: ConnectionTrait>(
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
    let st = stage_rows(&rows, (idx, &map), &existing, &nic_set);
    let payload = serde_json::to_string(&st.valid).map_err(|e| AppError::Unexpected(e.into()))?;
    let errors = serde_json::to_string(&st.errors).map_err(|e| AppError::Unexpected(e.into()))?;
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
            rows: Set(i64::try_from(st.rows).unwrap_or(i64::MAX)),
            valid: Set(i64::try_from(st.valid.len()).unwrap_or(i64::MAX)),
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
        let lines: HashSet<usize> = errors.iter().map(|e| e.row).collect();
        return Err(AppError::field(
            "strict",
            format!(
                "Mode strict : {} ligne{} en erreur, rien n’a été importé. Corrigez le fichier et déposez-le à nouveau.",
                lines.len(),
                if lines.len() > 1 { "s" } else { "" }
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

/// The template: the titles, two example rows and a sheet explaining each column.
///
/// # Errors
/// Unexpected writer errors.
pub fn template_xlsx() -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Unexpected(anyhow::anyhow!(e));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#DCE6F0");
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name("Salariés").map_err(err)?;
    for (i, (_, t)) in COLUMNS.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        ws.write_string_with_format(0, col, *t, &bold)
            .map_err(err)?;
        ws.set_column_width(col, 16).map_err(err)?;
        ws.set_column_format(col, &text).map_err(err)?;
    }
    let examples = [
        [
            "S0001",
            "MARTIN",
            "Claire",
            "F",
            "14/03/1984",
            "française",
            "2 84 03 75 112 345 93",
            "01/09/2021",
            "",
            "CDI",
            "",
            "",
            "35",
            "CCN 66",
            "Éducatrice spécialisée",
            "Éducatrice spécialisée",
            "434",
            "5",
        ],
        [
            "S0002",
            "DIALLO",
            "Moussa",
            "M",
            "02/11/1996",
            "sénégalaise",
            "1 96 11 99 216 048 92",
            "04/01/2026",
            "",
            "CDD",
            "30/06/2026",
            "Remplacement de Mme Petit (congé maternité)",
            "24,5",
            "CCN 66",
            "Moniteur éducateur",
            "",
            "411",
            "1",
        ],
    ];
    for (r, ex) in examples.iter().enumerate() {
        for (c, v) in ex.iter().enumerate() {
            ws.write_string(
                u32::try_from(r + 1).unwrap_or(1),
                u16::try_from(c).unwrap_or(0),
                *v,
            )
            .map_err(err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    let help = wb.add_worksheet();
    help.set_name("Mode d’emploi").map_err(err)?;
    help.write_string_with_format(0, 0, "Colonne", &bold)
        .map_err(err)?;
    help.write_string_with_format(0, 1, "Ce qu’elle contient", &bold)
        .map_err(err)?;
    help.set_column_width(0, 24).map_err(err)?;
    help.set_column_width(1, 100).map_err(err)?;
    let notes = [
        "Obligatoire, 20 caractères au plus, unique dans l’association.",
        "Obligatoire (nom de naissance ou d’usage).",
        "Obligatoire.",
        "F ou M (H accepté).",
        "Obligatoire, JJ/MM/AAAA (ou cellule date).",
        "Obligatoire (registre du personnel).",
        "Obligatoire : 13 chiffres + clé ; 2A/2B pour la Corse ; doit concorder avec le sexe et l’année de naissance.",
        "Obligatoire : début du contrat, JJ/MM/AAAA.",
        "Facultatif : NIC de l’établissement (5 derniers chiffres du SIRET).",
        "CDI, CDD, Apprentissage ou Contrat aidé.",
        "Obligatoire pour un CDD, JJ/MM/AAAA.",
        "Obligatoire pour un CDD.",
        "Obligatoire : 35 pour un temps plein, 24,5 pour 70 %…",
        "CCN 66, CCN 51 ou Autre.",
        "Obligatoire : l’emploi occupé.",
        "Facultatif.",
        "Obligatoire pour la CCN 66 (entier).",
        "Facultatif (entier).",
    ];
    for (i, ((_, t), n)) in COLUMNS.iter().zip(notes).enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(1);
        help.write_string(r, 0, *t).map_err(err)?;
        help.write_string(r, 1, n).map_err(err)?;
    }
    help.write_string(
        20,
        0,
        "Les lignes en erreur sont signalées avec leur numéro et leur colonne ; rien n’est enregistré avant votre confirmation.",
    )
    .map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn row(n: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (n, cells.iter().map(|s| (*s).to_string()).collect())
    }

    fn titles() -> (usize, Vec<String>) {
        (1, COLUMNS.iter().map(|(_, t)| (*t).to_string()).collect())
    }

    const GOOD: [&str; 18] = [
        "S1",
        "MARTIN",
        "Claire",
        "F",
        "14/03/1984",
        "française",
        "284037511234593",
        "2021-09-01",
        "",
        "CDI",
        "",
        "",
        "35",
        "CCN 66",
        "Éducatrice",
        "",
        "434",
        "5",
    ];

    #[test]
    fn titles_match_without_case_or_accents_and_rows_are_reported_by_number() {
        let mut t = titles();
        t.1[7] = "date d'entree".into();
        let mut bad = GOOD;
        bad[0] = "S2";
        bad[6] = "284037511234594";
        bad[9] = "CDD";
        let mut dup = GOOD;
        dup[3] = "X";
        let rows = vec![t, row(2, &GOOD), row(3, &bad), row(4, &[]), row(5, &dup)];
        let (idx, map) = header_map(&rows).unwrap();
        let st = stage_rows(&rows, (idx, &map), &HashSet::new(), &HashSet::new());
        assert_eq!(st.rows, 3);
        assert_eq!(st.valid.len(), 1);
        let got: Vec<(usize, &str)> = st
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "NIR"),
                (3, "Date de fin"),
                (3, "Motif du CDD"),
                (5, "Sexe"),
                (5, "Matricule")
            ]
        );
        assert!(st.errors[4].message.contains("déjà ligne 2"));
    }

    #[test]
    fn a_missing_column_is_named() {
        let mut t = titles();
        t.1.retain(|c| c != "NIR");
        let err = header_map(&[t]).unwrap_err();
        let AppError::Validation(e) = err else {
            panic!()
        };
        assert!(e[0].message.contains("NIR"), "{}", e[0].message);
    }

    #[test]
    fn a_staff_list_without_contract_columns_is_valid() {
        let fields = REQUIRED.len();
        let t = (
            1,
            COLUMNS[..fields]
                .iter()
                .map(|(_, t)| (*t).to_string())
                .collect(),
        );
        assert!(COLUMNS[..fields].iter().all(|(f, _)| REQUIRED.contains(f)));
        let rows = vec![t, row(2, &GOOD[..fields])];
        let (idx, map) = header_map(&rows).unwrap();
        let st = stage_rows(&rows, (idx, &map), &HashSet::new(), &HashSet::new());
        assert_eq!(st.errors, vec![]);
        assert_eq!(st.valid.len(), 1);
        assert!(
            st.valid[0].inputs().1.is_none(),
            "no contract without its columns"
        );
    }

    #[test]
    fn a_row_filling_part_of_a_contract_is_checked_as_one() {
        let rows = vec![titles(), {
            let mut r = GOOD;
            r[9..].iter_mut().for_each(|c| *c = "");
            r[14] = "Éducatrice";
            row(2, &r)
        }];
        let (idx, map) = header_map(&rows).unwrap();
        let st = stage_rows(&rows, (idx, &map), &HashSet::new(), &HashSet::new());
        let cols: Vec<&str> = st.errors.iter().map(|e| e.column.as_str()).collect();
        assert!(cols.contains(&"Type de contrat"), "{cols:?}");
        assert!(st.valid.is_empty());
    }

    #[test]
    fn csv_with_semicolons_and_bom_is_read() {
        let bytes = "\u{feff}Matricule;Nom\nS1;MARTIN\n".as_bytes();
        let rows = read_rows("salaries.csv", bytes).unwrap();
        assert_eq!(rows[1], (2, vec!["S1".to_string(), "MARTIN".to_string()]));
    }

    #[test]
    fn the_template_reads_back_as_a_valid_file() {
        let bytes = template_xlsx().unwrap();
        let rows = read_rows("modele.xlsx", &bytes).unwrap();
        let (idx, map) = header_map(&rows).unwrap();
        let st = stage_rows(&rows, (idx, &map), &HashSet::new(), &HashSet::new());
        assert_eq!(st.errors, vec![]);
        assert_eq!(st.valid.len(), 2);
    }
}
