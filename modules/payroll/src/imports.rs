//! Spreadsheet imports of a period's variable elements (xlsx, ods, csv through
//! core::sheet's bounded reader): the column titles mapped to our fields (the member's
//! own titles saved once), every row checked as a typed line would be, the report row by
//! row and column, the valid rows staged until the confirmation writes them in one
//! transaction. The same file (its content's SHA-256) imported again adds nothing.
use std::collections::BTreeMap;

use chrono::Utc;
use mutualis_core::{
    error::{AppError, AppResult},
    ids::new_id,
    sheet::{Limits, read_rows},
    tenant::{MemberOwned, Tenant},
    time::{Month, paris_today},
    write::Write,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, sea_query::OnConflict};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    domain::Source,
    entities::{payroll_import_maps, payroll_imports},
    lines::{self, LineInput},
    periods,
};

/// The fields a column may fill, with the titles recognised without a mapping.
pub const FIELDS: [(&str, &str, &[&str]); 11] = [
    (
        "matricule",
        "Matricule",
        &["matricule", "mat", "n° salarie", "numero salarie"],
    ),
    (
        "code",
        "Code",
        &["code", "code element", "rubrique", "code rubrique"],
    ),
    (
        "quantity",
        "Quantité",
        &["quantite", "qte", "nombre", "heures", "jours", "nb"],
    ),
    (
        "amount",
        "Montant",
        &["montant", "montant (€)", "montant eur", "somme"],
    ),
    ("rate", "Taux", &["taux", "bareme"]),
    (
        "start_date",
        "Date de début",
        &["date de debut", "debut", "du", "date debut", "date"],
    ),
    (
        "end_date",
        "Date de fin",
        &["date de fin", "fin", "au", "date fin"],
    ),
    (
        "first_stop",
        "Premier arrêt",
        &["premier arret", "1er arret"],
    ),
    (
        "certificate",
        "Certificat reçu",
        &["certificat", "certificat recu", "justificatif"],
    ),
    (
        "concerns",
        "Période concernée",
        &["periode concernee", "periode rectifiee"],
    ),
    (
        "comment",
        "Commentaire",
        &["commentaire", "observation", "remarque"],
    ),
];

/// Lower case, accents and extra spaces removed: how titles are compared.
#[must_use]
pub fn normalize(title: &str) -> String {
    let folded: String = title
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            '’' => '\'',
            c => c,
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One refused cell or row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = PayrollRowError)]
pub struct RowError {
    /// The row as the spreadsheet shows it.
    pub row: usize,
    /// The column's title in the file (or the field's French name).
    pub column: String,
    pub message: String,
}

/// The member's own titles (normalized) and the field each fills.
///
/// # Errors
/// Database errors.
pub async fn mapping<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<BTreeMap<String, String>> {
    Ok(payroll_import_maps::Entity::find_in(tenant)
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.title, m.field))
        .collect())
}

/// Saves that the member's column `title` fills `field` (for its next files).
///
/// # Errors
/// 422 on an unknown field or an empty title; database errors.
pub async fn set_mapping(w: &Write<'_>, title: &str, field: &str) -> AppResult<()> {
    let title = normalize(title);
    if title.is_empty() || title.chars().count() > 100 {
        return Err(AppError::field(
            "title",
            "Le titre de colonne est obligatoire (100 caractères au plus).",
        ));
    }
    if !FIELDS.iter().any(|(f, _, _)| *f == field) {
        return Err(AppError::field("field", "Champ inconnu."));
    }
    payroll_import_maps::Entity::insert_stmt_in(
        w.tenant(),
        payroll_import_maps::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            title: Set(title.clone()),
            field: Set(field.to_string()),
        },
    )
    .on_conflict(
        OnConflict::columns([
            payroll_import_maps::Column::MemberId,
            payroll_import_maps::Column::Title,
        ])
        .update_column(payroll_import_maps::Column::Field)
        .to_owned(),
    )
    .exec_without_returning(w.txn())
    .await?;
    w.audit(
        "payroll_import_map",
        &title,
        "update",
        serde_json::json!({"title": title, "field": field}),
    )
    .await?;
    Ok(())
}

/// The outcome of an upload.
#[derive(Debug, Clone)]
pub struct Staged {
    pub import: payroll_imports::Model,
    pub errors: Vec<RowError>,
    /// The same file was already imported (nothing staged).
    pub already_imported: bool,
}

fn file_error(message: impl Into<String>) -> AppError {
    AppError::field("file", message)
}

fn truthy(raw: &str) -> bool {
    matches!(
        normalize(raw).as_str(),
        "oui" | "o" | "x" | "1" | "true" | "vrai" | "yes"
    )
}

/// Reads, checks and stages a file for `month` (open).
///
/// # Errors
/// 422 naming the file when it cannot be read or lacks its columns; 409 on a locked
/// period; database errors.
pub async fn upload(
    w: &Write<'_>,
    by: &str,
    month: Month,
    filename: &str,
    bytes: &[u8],
) -> AppResult<Staged> {
    let st = periods::status_of(w.txn(), w.tenant(), month).await?;
    if !periods::is_open(&st) {
        return Err(periods::locked(month, &st));
    }
    let sha = hex::encode(Sha256::digest(bytes));
    // The same content again: the import already made (or still staged) answers.
    if let Some(done) = payroll_imports::Entity::find_in(w.tenant())
        .filter(payroll_imports::Column::Sha256.eq(sha.clone()))
        .filter(payroll_imports::Column::Status.is_in(["confirmed", "staged"]))
        .order_by_desc(payroll_imports::Column::CreatedAt)
        .one(w.txn())
        .await?
        .filter(|d| d.status == "confirmed" || d.period == month.to_string())
    {
        let errors = serde_json::from_str(&done.report).unwrap_or_default();
        let already_imported = done.status == "confirmed";
        return Ok(Staged {
            import: done,
            errors,
            already_imported,
        });
    }
    let rows =
        read_rows(filename, bytes, &Limits::default()).map_err(|e| file_error(e.message()))?;
    let mut it = rows.into_iter();
    let Some((_, titles)) = it.next() else {
        return Err(file_error("Le fichier est vide."));
    };
    let own = mapping(w.txn(), w.tenant()).await?;
    let mut cols: BTreeMap<&'static str, (usize, String)> = BTreeMap::new();
    for (i, t) in titles.iter().enumerate() {
        let n = normalize(t);
        let field = own.get(&n).map(String::as_str).or_else(|| {
            FIELDS
                .iter()
                .find(|(f, label, known)| {
                    normalize(label) == n || *f == n || known.contains(&n.as_str())
                })
                .map(|(f, _, _)| *f)
        });
        if let Some(f) = field.and_then(|f| FIELDS.iter().find(|(x, _, _)| *x == f)) {
            cols.entry(f.0).or_insert((i, t.trim().to_string()));
        }
    }
    let missing: Vec<&str> = ["matricule", "code"]
        .iter()
        .filter(|f| !cols.contains_key(*f))
        .map(|f| FIELDS.iter().find(|(x, _, _)| x == f).map_or(*f, |x| x.1))
        .collect();
    if !missing.is_empty() {
        return Err(file_error(format!(
            "Colonne{s} absente{s} de la ligne de titres : {}. Nommez-la ainsi, ou associez votre titre au champ dans les réglages de l’import.",
            missing.join(", "),
            s = if missing.len() > 1 { "s" } else { "" },
        )));
    }
    let employees = lines::employees_by_matricule(w.txn(), w.tenant()).await?;
    let cell = |row: &[String], field: &str| -> String {
        cols.get(field)
            .and_then(|(i, _)| row.get(*i))
            .cloned()
            .unwrap_or_default()
    };
    let column_of = |field: &str| -> String {
        cols.get(field).map_or_else(
            || {
                FIELDS
                    .iter()
                    .find(|(x, _, _)| *x == field)
                    .map_or(field, |x| x.1)
                    .to_string()
            },
            |(_, t)| t.clone(),
        )
    };
    let (mut staged, mut errors, mut count) = (Vec::new(), Vec::new(), 0usize);
    for (row_no, row) in it {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        count += 1;
        let input = LineInput {
            matricule: cell(&row, "matricule"),
            code: cell(&row, "code"),
            quantity: cell(&row, "quantity"),
            amount: cell(&row, "amount"),
            rate: cell(&row, "rate"),
            start_date: cell(&row, "start_date"),
            end_date: cell(&row, "end_date"),
            first_stop: cols
                .contains_key("first_stop")
                .then(|| truthy(&cell(&row, "first_stop"))),
            certificate: truthy(&cell(&row, "certificate")),
            concerns: cell(&row, "concerns"),
            comment: cell(&row, "comment"),
        };
        match lines::validate(&input, month, &employees) {
            Ok(_) => staged.push(input),
            Err(errs) => {
                for e in errs {
                    let field = e
                        .field
                        .split(['[', '.'])
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    if errors.len() < 1_000 {
                        errors.push(RowError {
                            row: row_no,
                            column: column_of(&field),
                            message: e.message,
                        });
                    }
                }
            }
        }
    }
    let import = payroll_imports::Entity::insert_in(
        w.tenant(),
        payroll_imports::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            period: Set(month.to_string()),
            filename: Set(filename.chars().take(200).collect()),
            sha256: Set(sha),
            rows: Set(i64::try_from(count).unwrap_or(i64::MAX)),
            valid: Set(i64::try_from(staged.len()).unwrap_or(i64::MAX)),
            report: Set(serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into())),
            staged: Set(serde_json::to_string(&staged).unwrap_or_else(|_| "[]".into())),
            status: Set("staged".to_string()),
            imported: Set(0),
            created_by: Set(by.to_string()),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "payroll_import",
        &import.id.to_string(),
        "stage",
        serde_json::json!({"period": import.period, "file": import.filename, "rows": import.rows, "valid": import.valid}),
    )
    .await?;
    Ok(Staged {
        import,
        errors,
        already_imported: false,
    })
}

/// One of the member's imports.
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<payroll_imports::Model> {
    payroll_imports::Entity::find_in(tenant)
        .filter(payroll_imports::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The period's imports, newest first.
///
/// # Errors
/// Database errors.
pub async fn of_period<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
) -> AppResult<Vec<payroll_imports::Model>> {
    Ok(payroll_imports::Entity::find_in(tenant)
        .filter(payroll_imports::Column::Period.eq(month.to_string()))
        .order_by_desc(payroll_imports::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Writes the staged rows of an import into its period, all in the write's transaction
/// (checked again: a row that became invalid since makes nothing written).
///
/// # Errors
/// 409 when already confirmed, on another period or a locked one; 422 when a staged row
/// no longer validates; 404; database errors.
pub async fn confirm(w: &Write<'_>, by: &str, month: Month, id: Uuid) -> AppResult<usize> {
    let import = get(w.txn(), w.tenant(), id).await?;
    if import.period != month.to_string() {
        return Err(AppError::NotFound);
    }
    if import.status != "staged" {
        return Err(AppError::Conflict(
            "Cet import a déjà été confirmé.".to_string(),
        ));
    }
    let st = periods::status_of(w.txn(), w.tenant(), month).await?;
    if !periods::is_open(&st) {
        return Err(periods::locked(month, &st));
    }
    let staged: Vec<LineInput> = serde_json::from_str(&import.staged).unwrap_or_default();
    let employees = lines::employees_by_matricule(w.txn(), w.tenant()).await?;
    let period = periods::get_or_create(w, month).await?;
    let late = paris_today() > period.cutoff_on;
    let valid = staged
        .iter()
        .map(|input| lines::validate(input, month, &employees))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            AppError::Conflict(
                "Les salariés ont changé depuis le dépôt : déposez le fichier à nouveau."
                    .to_string(),
            )
        })?;
    // Multi-row statements (500 lines each), in the write's transaction.
    lines::insert_many(
        w,
        by,
        &period,
        &valid,
        Source::Import,
        Some(format!("import:{id}")),
        late,
    )
    .await?;
    let n = staged.len();
    let mut m: payroll_imports::ActiveModel = import.into();
    m.status = Set("confirmed".to_string());
    m.imported = Set(i64::try_from(n).unwrap_or(i64::MAX));
    m.staged = Set("[]".to_string());
    payroll_imports::Entity::update_in(w.tenant(), m, w.txn()).await?;
    w.audit(
        "payroll_import",
        &id.to_string(),
        "confirm",
        serde_json::json!({"period": month.to_string(), "imported": n}),
    )
    .await?;
    Ok(n)
}
