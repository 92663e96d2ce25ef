//! The generic layout as a spreadsheet: the same columns and rows as the generic CSV,
//! numbers as numbers, dates as dates, the header row frozen with a filter.
use std::collections::BTreeMap;

use chrono::Datelike;
use mutualis_core::error::{AppError, AppResult};
use rust_decimal::prelude::ToPrimitive;

use crate::domain::{EmployeeFacts, Line};

use super::{Cell, ExportContext, Field, GENERIC_COLUMNS, table};

/// Column widths, in characters, in the order of [`GENERIC_COLUMNS`].
const WIDTHS: [f64; 15] = [
    12.0, 9.0, 11.0, 14.0, 9.0, 12.0, 34.0, 11.0, 11.0, 8.0, 9.0, 8.0, 11.0, 8.0, 28.0,
];

/// The generic export as an XLSX: one sheet `EVP AAAA-MM`, the generic header row
/// (frozen, filtered), one row per line; quantities, rates and amounts as numbers,
/// dates as dates, matricules, NICs and periods as text (their leading zeros kept).
///
/// # Errors
/// Unexpected writer errors.
pub fn xlsx(
    ctx: &ExportContext,
    lines: &[Line],
    employees: &BTreeMap<String, EmployeeFacts>,
    code_map: &BTreeMap<String, String>,
) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};
    let err = |e: XlsxError| AppError::Unexpected(anyhow::anyhow!(e.to_string()));
    let too_many = || AppError::Unexpected(anyhow::anyhow!("export trop long pour un classeur"));

    let rows = table(
        ctx,
        &GENERIC_COLUMNS,
        false,
        ("oui", "non"),
        lines,
        employees,
        code_map,
    );
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00ED_F2F7))
        .set_border_bottom(FormatBorder::Medium);
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let amount = Format::new().set_num_format("0.00");
    let number = Format::new().set_num_format("General");

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(format!("EVP {}", ctx.period)).map_err(err)?;
    for (c, f) in (0u16..).zip(GENERIC_COLUMNS) {
        ws.write_string_with_format(0, c, f.name(), &header)
            .map_err(err)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| too_many())?;
        for ((c, field), cell) in (0u16..).zip(GENERIC_COLUMNS).zip(row) {
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    ws.write_string(r, c, t).map_err(err)?;
                }
                Cell::Number(n) => {
                    let format = if field == Field::Montant {
                        &amount
                    } else {
                        &number
                    };
                    let v = n.to_f64().unwrap_or_default();
                    ws.write_number_with_format(r, c, v, format).map_err(err)?;
                }
                Cell::Date(d) => {
                    let excel = match (
                        u16::try_from(d.year()),
                        u8::try_from(d.month()),
                        u8::try_from(d.day()),
                    ) {
                        (Ok(y), Ok(m), Ok(day)) => ExcelDateTime::from_ymd(y, m, day).ok(),
                        _ => None,
                    };
                    match excel {
                        Some(x) => ws.write_datetime_with_format(r, c, &x, &date),
                        None => ws.write_string(r, c, d.format("%d/%m/%Y").to_string()),
                    }
                    .map_err(err)?;
                }
            }
        }
    }
    for (c, w) in (0u16..).zip(WIDTHS) {
        ws.set_column_width(c, w).map_err(err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    let last_row = u32::try_from(rows.len()).map_err(|_| too_many())?;
    let last_col = u16::try_from(GENERIC_COLUMNS.len() - 1).map_err(|_| too_many())?;
    ws.autofilter(0, 0, last_row, last_col).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}
