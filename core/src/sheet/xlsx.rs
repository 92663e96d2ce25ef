//! xlsx/xlsm: the zip pre-pass, then calamine's streaming cell reader over the first
//! sheet (shared strings are borrowed, never copied into each cell).
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use super::{
    Limits, Rows, SheetError, Table,
    archive::{self, MAX_SMALL_PART, PartRule},
    excel_date, float_text, iso_date,
};

fn unreadable(e: &XlsxError) -> SheetError {
    tracing::info!(error = %e, "unreadable xlsx");
    SheetError::Unreadable
}

/// What the pre-pass checks in each part of an xlsx.
fn rule(name: &str) -> PartRule {
    let lower = name.to_ascii_lowercase();
    let shared = lower == "xl/sharedstrings.xml";
    PartRule {
        xml: lower.ends_with(".xml") || lower.ends_with(".rels"),
        span: if shared {
            Some(b"si")
        } else if lower.starts_with("xl/worksheets/") {
            Some(b"c")
        } else {
            None
        },
        max_size: matches!(
            lower.as_str(),
            "xl/workbook.xml" | "xl/styles.xml" | "xl/_rels/workbook.xml.rels"
        )
        .then_some(MAX_SMALL_PART),
        count: shared,
    }
}

/// A cell's text as the import reads it: dates as `YYYY-MM-DD`, booleans « oui/non »,
/// whole numbers without `.0`. Borrowed when the cell holds text.
fn text<'a>(v: &'a DataRef<'_>) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow::{Borrowed, Owned};
    match v {
        DataRef::Empty | DataRef::Error(_) => Borrowed(""),
        DataRef::String(s) => Borrowed(s.as_str()),
        DataRef::SharedString(s) => Borrowed(s),
        DataRef::Int(i) => Owned(i.to_string()),
        DataRef::Float(f) => Owned(float_text(*f)),
        DataRef::Bool(b) => Borrowed(if *b { "oui" } else { "non" }),
        DataRef::DateTime(d) => {
            Owned(excel_date(d.as_f64()).map_or_else(String::new, |d| d.to_string()))
        }
        DataRef::DateTimeIso(s) => Borrowed(iso_date(s)),
        DataRef::DurationIso(s) => Borrowed(s.as_str()),
    }
}

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Rows, SheetError> {
    // An encrypted workbook is a compound file, not a zip.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(SheetError::Unreadable);
    }
    let found = archive::prepass(bytes, limits, rule)?;
    if found.counted > limits.shared_strings {
        return Err(SheetError::SharedStrings {
            limit: limits.shared_strings,
        });
    }
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let name = wb
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(SheetError::NoSheet)?;
    let mut cells = match wb.worksheet_cells_reader(&name) {
        Ok(r) => r,
        Err(XlsxError::NotAWorksheet(_) | XlsxError::WorksheetNotFound(_)) => {
            return Err(SheetError::NoSheet);
        }
        Err(e) => return Err(unreadable(&e)),
    };
    let mut table = Table::new(limits, found.total);
    // The declared extent first (absent: A1), so a far cell is refused before any is read.
    let end = cells.dimensions().end;
    table.check_position(end.0 as usize + 1, end.1 as usize)?;
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
        let (r, c) = cell.get_position();
        let v = cell.get_value();
        if matches!(v, DataRef::Empty) {
            continue;
        }
        let (row, column) = (r as usize + 1, c as usize);
        table.check_position(row, column)?;
        table.put(row, column, &text(v))?;
    }
    Ok(table.finish())
}
