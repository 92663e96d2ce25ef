//! Reading an uploaded file (xlsx, ods or CSV, through `mutualis_core::sheet`) into rows
//! of text, and finding the columns by their titles.
use super::*;

pub(super) fn file_error(message: impl Into<String>) -> AppError {
    AppError::Validation(vec![mutualis_core::error::FieldError::new("file", message)])
}

/// What an import file may hold: core's defaults, with the titles' row on top of
/// [`MAX_ROWS`].
#[must_use]
pub fn limits() -> Limits {
    Limits {
        rows: MAX_ROWS + 1,
        ..Limits::default()
    }
}

/// Reads the first sheet (or the CSV) into rows of text, with each row's number as the
/// spreadsheet shows it, through core's bounded reader (rows without text left out).
///
/// # Errors
/// 422 naming the file's problem (a limit passed, the cell when known) when it cannot
/// be read.
pub fn read_rows(filename: &str, bytes: &[u8]) -> AppResult<Vec<(usize, Vec<String>)>> {
    sheet::read_rows(filename, bytes, &limits()).map_err(|e| file_error(e.message()))
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
