//! Reading an uploaded spreadsheet (xlsx/xlsm, ods, csv) into rows of text with bounded
//! memory: every limit is checked before or while the cells are read, never after a
//! whole sheet has been expanded, and a refusal names the limit (and the cell when
//! known) in French.
//!
//! - **xlsx/xlsm**: the zip is first walked and every entry decompressed into a counting
//!   sink (declared sizes can lie), stopping at [`Limits::uncompressed`]; the XML parts
//!   are checked for overlong runs of text and the shared strings counted; then
//!   calamine streams the first sheet's cells (`worksheet_cells_reader`), the declared
//!   `<dimension>` checked first — no dense grid is ever built.
//! - **ods**: the same zip pre-pass, then our own streaming reader of `content.xml`'s
//!   first table (calamine expands every table of the file, repeats included, into dense
//!   grids before anything can be checked).
//! - **csv**: csv-core reads each field into a buffer of the cell limit.
//! - **xls** (BIFF8) is refused, asking for .xlsx: calamine parses every sheet of an
//!   .xls into a dense grid at once and copies a shared string into every cell using
//!   it, and bounding that would need our own BIFF parser.
//!
//! Rows come with their number as the spreadsheet shows it; rows without any text are
//! left out and each row ends at its last non-empty cell. What the rows hold in memory
//! is bounded by [`Limits::expansion`] times the file's decompressed size, so a sparse
//! or finely cut sheet cannot grow out of proportion to its bytes.
use rust_decimal::Decimal;

use crate::time::fr_decimal;

mod archive;
mod csv;
mod ods;
mod xlsx;

#[cfg(any(test, feature = "testkit"))]
pub mod bombs;
#[cfg(test)]
mod tests;

/// The rows read: (row number as the sheet shows it, its cells' text).
pub type Rows = Vec<(usize, Vec<String>)>;

/// What one file may hold. The defaults fit a 200,000-row import of ~20 columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The last row number a cell may be on (titles included).
    pub rows: usize,
    /// The number of columns (256: A to IV).
    pub columns: usize,
    /// Characters in one cell.
    pub cell_chars: usize,
    /// Bytes of the archive's entries once decompressed, all together (xlsx, ods).
    pub uncompressed: u64,
    /// Bytes of text of all the cells read together.
    pub text: usize,
    /// Cells of the rows read, the empty ones before a row's last value included.
    pub cells: usize,
    /// Distinct texts of an xlsx (its shared strings, all read before any cell).
    pub shared_strings: usize,
    /// The rows read may take at most this many times the file's (decompressed) size
    /// in memory — 32 bytes a row, 24 a cell, plus the text — with 1 MiB allowed to any
    /// file: a sparse sheet (a value far to the right on each row) or a CSV of
    /// one-letter cells expands far more than its bytes.
    pub expansion: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            rows: 200_000,
            columns: 256,
            cell_chars: 5_000,
            // A 100,000-employee xlsx of the import template's 18 columns decompresses to
            // 56 MiB (tests/upload_memory.rs), so HR's 200,000 rows fit with room.
            uncompressed: 160 * 1024 * 1024,
            text: 48 * 1024 * 1024,
            cells: 4_000_000,
            shared_strings: 1_000_000,
            expansion: 8,
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    /// Neither .xlsx, .xlsm, .ods nor .csv.
    Format,
    /// An .xls (Excel 97–2003) file.
    Xls,
    /// Not a readable workbook (damaged, protected, not a spreadsheet).
    Unreadable,
    /// The workbook has no sheet, or its first one is not a table.
    NoSheet,
    /// The archive's entries decompress to more than the limit.
    Uncompressed { limit: u64 },
    /// An archive of more entries than any spreadsheet has.
    Entries { count: u64 },
    /// A run of XML text or one tag longer than [`MAX_TOKEN`] bytes.
    Markup { part: String },
    /// A part calamine reads whole (workbook, styles) larger than its limit.
    PartSize { part: String, limit: u64 },
    /// More shared strings than the limit.
    SharedStrings { limit: usize },
    /// A value on a row past the limit.
    Rows { row: usize, limit: usize },
    /// A value in a column past the limit.
    Columns { column: usize, limit: usize },
    /// A cell longer than the limit.
    CellTooLong {
        cell: String,
        chars: usize,
        limit: usize,
    },
    /// More text than the limit, all cells together.
    Text { limit: usize },
    /// More cells than the limit.
    Cells { limit: usize },
    /// Rows that would take more memory than [`Limits::expansion`] times the file.
    Sparse { factor: usize },
    /// A CSV file not in UTF-8.
    CsvEncoding,
}

/// The longest run of XML text, or the longest tag, an xlsx or ods part may hold: a cell
/// of [`Limits::cell_chars`] characters escaped is far shorter; parsers buffer one such
/// run at a time.
pub const MAX_TOKEN: usize = 1024 * 1024;

fn n(v: impl Into<Decimal>) -> String {
    fr_decimal(v.into())
}

fn mb(bytes: u64) -> String {
    n(bytes / (1024 * 1024))
}

impl SheetError {
    /// The message shown to the user, in French.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::Format => "Format non reconnu : envoyez un fichier .xlsx, .ods ou .csv.".into(),
            Self::Xls => "Les classeurs .xls (Excel 97–2003) ne sont pas acceptés : enregistrez le fichier au format .xlsx (Fichier › Enregistrer sous) puis envoyez-le.".into(),
            Self::Unreadable => "Le fichier n’a pas pu être lu comme un classeur (.xlsx, .ods). Est-il endommagé ou protégé par un mot de passe ?".into(),
            Self::NoSheet => "La première feuille du classeur est absente ou n’est pas un tableau.".into(),
            Self::Uncompressed { limit } => format!(
                "Le fichier décompressé dépasse {} Mo, le plus qu’un import lit : enlevez les feuilles, images ou lignes en trop.",
                mb(*limit)
            ),
            Self::Entries { count } => format!(
                "Le fichier compressé annonce {} éléments : ce n’est pas un classeur ordinaire.",
                n(*count)
            ),
            Self::Markup { part } => format!(
                "L’élément « {part} » du classeur contient un bloc de plus de {} Mo d’un seul tenant : ce n’est pas un classeur ordinaire.",
                mb(MAX_TOKEN as u64)
            ),
            Self::PartSize { part, limit } => format!(
                "L’élément « {part} » du classeur dépasse {} Mo : ce n’est pas un classeur ordinaire.",
                mb(*limit)
            ),
            Self::SharedStrings { limit } => format!(
                "Le classeur contient plus de {} textes différents, le plus qu’un import lit.",
                n(*limit as u64)
            ),
            Self::Rows { row, limit } => format!(
                "Plus de {} lignes : la ligne {} est remplie. Enlevez les lignes en trop (lignes vides mises en forme comprises) ou découpez le fichier.",
                n(*limit as u64),
                n(*row as u64)
            ),
            Self::Columns { column, limit } => format!(
                "Colonne {} : au-delà de la colonne {}, la dernière qu’un import lit. Enlevez les colonnes en trop (cellules vides mises en forme comprises).",
                column_name(*column),
                column_name(limit.saturating_sub(1))
            ),
            Self::CellTooLong { cell, chars, limit } => format!(
                "Cellule {cell} : {} caractères, au plus {}.",
                n(*chars as u64),
                n(*limit as u64)
            ),
            Self::Text { limit } => format!(
                "Le texte de toutes les cellules dépasse {} Mo, le plus qu’un import lit : découpez le fichier.",
                mb(*limit as u64)
            ),
            Self::Cells { limit } => format!(
                "Plus de {} cellules à lire : découpez le fichier ou enlevez les colonnes inutiles.",
                n(*limit as u64)
            ),
            Self::Sparse { factor } => format!(
                "Le tableau prendrait en mémoire plus de {factor} fois la taille du fichier : trop de cellules vides ou très courtes (colonnes vides, valeurs isolées loin à droite). Enlevez-les puis déposez le fichier à nouveau."
            ),
            Self::CsvEncoding => "Le fichier CSV doit être encodé en UTF-8.".into(),
        }
    }
}

impl std::fmt::Display for SheetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for SheetError {}

/// The column's letters: 0 → `A`, 255 → `IV`, 999 → `ALL`.
#[must_use]
pub fn column_name(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + u8::try_from(r).unwrap_or(0));
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The cell's reference: (row number, column index) → `C12`.
#[must_use]
pub fn cell_name(row: usize, column: usize) -> String {
    format!("{}{row}", column_name(column))
}

/// Reads the first sheet (or the CSV) of `filename` into rows of text, refusing the file
/// at the first limit passed.
///
/// # Errors
/// The limit passed, an unknown format, an unreadable file.
pub fn read_rows(filename: &str, bytes: &[u8], limits: &Limits) -> Result<Rows, SheetError> {
    let lower = filename.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        csv::read(bytes, limits)
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        xlsx::read(bytes, limits)
    } else if lower.ends_with(".ods") {
        ods::read(bytes, limits)
    } else if lower.ends_with(".xls") {
        Err(SheetError::Xls)
    } else {
        Err(SheetError::Format)
    }
}

/// The rows being read, with the running totals the limits bound.
struct Table<'l> {
    limits: &'l Limits,
    rows: Rows,
    cells: usize,
    text: usize,
    unordered: bool,
    /// What the rows may take in memory (see [`Limits::expansion`]).
    budget: usize,
}

/// What a row costs besides its cells, and a cell besides its text.
const ROW_BYTES: usize = std::mem::size_of::<(usize, Vec<String>)>();
const CELL_BYTES: usize = std::mem::size_of::<String>();

impl<'l> Table<'l> {
    /// `size`: the file's size, decompressed.
    fn new(limits: &'l Limits, size: u64) -> Self {
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        Self {
            limits,
            rows: Vec::new(),
            cells: 0,
            text: 0,
            unordered: false,
            budget: limits.expansion.saturating_mul(size).max(1024 * 1024),
        }
    }

    /// Whether the rows, grown by `rows` rows, `cells` cells and `text` bytes, stay
    /// within the budget.
    fn check_budget(&self, rows: usize, cells: usize, text: usize) -> Result<(), SheetError> {
        let held = (self.rows.len().saturating_add(rows))
            .saturating_mul(ROW_BYTES)
            .saturating_add(self.cells.saturating_add(cells).saturating_mul(CELL_BYTES))
            .saturating_add(self.text.saturating_add(text));
        if held > self.budget {
            return Err(SheetError::Sparse {
                factor: self.limits.expansion,
            });
        }
        Ok(())
    }

    /// Checks a position before its value is read: `row` numbered from 1, `column` from 0.
    fn check_position(&self, row: usize, column: usize) -> Result<(), SheetError> {
        if row > self.limits.rows {
            return Err(SheetError::Rows {
                row,
                limit: self.limits.rows,
            });
        }
        if column >= self.limits.columns {
            return Err(SheetError::Columns {
                column,
                limit: self.limits.columns,
            });
        }
        Ok(())
    }

    /// Checks a cell's length in characters.
    fn check_length(&self, row: usize, column: usize, chars: usize) -> Result<(), SheetError> {
        if chars > self.limits.cell_chars {
            return Err(SheetError::CellTooLong {
                cell: cell_name(row, column),
                chars,
                limit: self.limits.cell_chars,
            });
        }
        Ok(())
    }

    /// Whether `extra` more bytes of text and `cells` more cells still fit.
    fn check_totals(&self, extra_text: usize, extra_cells: usize) -> Result<(), SheetError> {
        if self.text.saturating_add(extra_text) > self.limits.text {
            return Err(SheetError::Text {
                limit: self.limits.text,
            });
        }
        if self.cells.saturating_add(extra_cells) > self.limits.cells {
            return Err(SheetError::Cells {
                limit: self.limits.cells,
            });
        }
        Ok(())
    }

    /// Stores a cell's text (trimmed here; nothing is stored for an empty one).
    fn put(&mut self, row: usize, column: usize, text: &str) -> Result<(), SheetError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        self.check_position(row, column)?;
        self.check_length(row, column, text.chars().count())?;
        let same_row = self.rows.last().is_some_and(|(r, _)| *r == row);
        let width = if same_row {
            self.rows.last().map_or(0, |(_, c)| c.len())
        } else {
            0
        };
        self.check_budget(
            usize::from(!same_row),
            (column + 1).saturating_sub(width),
            text.len(),
        )?;
        if !same_row {
            if self.rows.last().is_some_and(|(r, _)| *r > row) {
                self.unordered = true;
            }
            // The previous row is complete: no spare capacity kept (24 bytes a cell), and
            // the next one is sized like it.
            let width = self.rows.last_mut().map_or(0, |(_, cells)| {
                cells.shrink_to_fit();
                cells.len()
            });
            self.rows.push((row, Vec::with_capacity(width)));
        }
        let Some((_, cells)) = self.rows.last_mut() else {
            return Ok(());
        };
        let added = (column + 1).saturating_sub(cells.len());
        let replaced = cells.get(column).map_or(0, String::len);
        if self.text.saturating_add(text.len()) > self.limits.text {
            return Err(SheetError::Text {
                limit: self.limits.text,
            });
        }
        if self.cells.saturating_add(added) > self.limits.cells {
            return Err(SheetError::Cells {
                limit: self.limits.cells,
            });
        }
        self.text = self.text + text.len() - replaced;
        self.cells += added;
        if added > 0 {
            cells.resize(column + 1, String::new());
        }
        cells[column] = text.to_string();
        Ok(())
    }

    /// Adds `copies` more copies of the last row, numbered after it (ods repeats).
    fn repeat_last(&mut self, copies: usize) -> Result<(), SheetError> {
        let Some((row, cells)) = self.rows.last() else {
            return Ok(());
        };
        let (row, width) = (*row, cells.len());
        let text: usize = cells.iter().map(String::len).sum();
        let last = row.saturating_add(copies);
        if last > self.limits.rows {
            return Err(SheetError::Rows {
                row: self.limits.rows + 1,
                limit: self.limits.rows,
            });
        }
        self.check_totals(text.saturating_mul(copies), width.saturating_mul(copies))?;
        self.check_budget(
            copies,
            width.saturating_mul(copies),
            text.saturating_mul(copies),
        )?;
        let cells = cells.clone();
        for i in 1..=copies {
            self.rows.push((row + i, cells.clone()));
        }
        self.text += text * copies;
        self.cells += width * copies;
        Ok(())
    }

    fn finish(mut self) -> Rows {
        if let Some((_, cells)) = self.rows.last_mut() {
            cells.shrink_to_fit();
        }
        if self.unordered {
            self.rows.sort_by_key(|(r, _)| *r);
            let mut merged: Rows = Vec::with_capacity(self.rows.len());
            for (row, cells) in self.rows {
                match merged.last_mut() {
                    Some((r, into)) if *r == row => {
                        if into.len() < cells.len() {
                            into.resize(cells.len(), String::new());
                        }
                        for (i, c) in cells.into_iter().enumerate() {
                            if !c.is_empty() {
                                into[i] = c;
                            }
                        }
                    }
                    _ => merged.push((row, cells)),
                }
            }
            return merged;
        }
        self.rows
    }
}

/// A number as the import reads it: whole numbers without `.0`.
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// An ISO date-time as a date: its first 10 characters.
fn iso_date(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

/// An Excel serial day as a date (day 0 is 1899-12-30, the 1900 leap-year bug
/// included).
fn excel_date(serial: f64) -> Option<chrono::NaiveDate> {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "bounded above: at most 2,958,465 days"
    )]
    let days = serial.floor() as i64;
    base.checked_add_signed(chrono::Duration::days(days))
}
