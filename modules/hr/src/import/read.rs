//! Reading an uploaded file (xlsx, xls, ods or CSV) into rows of text, and finding the columns by their titles.
use super::*;

pub(super) fn file_error(message: impl Into<String>) -> AppError {
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
pub(super) fn header_map(
    rows: &[(usize, Vec<String>)],
) -> AppResult<(usize, HashMap<&'static str, usize>)> {
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
