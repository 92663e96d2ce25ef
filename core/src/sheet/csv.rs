//! CSV (UTF-8, `;`, tab or `,` — the most frequent on the first line): csv-core reads each
//! field into a buffer of the cell limit, so no field is ever held whole beyond it.
use csv_core::{ReadFieldResult, ReaderBuilder};

use super::{Limits, Rows, SheetError, Table, cell_name};

fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Rows, SheetError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(body).map_err(|_| SheetError::CsvEncoding)?;
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b';');
    let mut reader = ReaderBuilder::new().delimiter(delimiter).build();
    // A field of `cell_chars` characters takes at most 4 bytes each in UTF-8.
    let mut out = vec![0u8; limits.cell_chars.saturating_mul(4).saturating_add(1)];
    let mut table = Table::new(limits, bytes.len() as u64);
    let (mut input, mut row, mut column) = (body, 1usize, 0usize);
    let (mut len, mut overflow) = (0usize, None::<usize>);
    loop {
        let (res, read, written) = reader.read_field(input, &mut out[len..]);
        input = &input[read..];
        len += written;
        match res {
            ReadFieldResult::InputEmpty => {}
            ReadFieldResult::OutputFull => {
                // Too long whatever it holds: count it, keep nothing.
                overflow = Some(overflow.unwrap_or(0) + chars(&out[..len]));
                len = 0;
            }
            ReadFieldResult::Field { record_end } => {
                if let Some(before) = overflow.take() {
                    return Err(SheetError::CellTooLong {
                        cell: cell_name(row, column),
                        chars: before + chars(&out[..len]),
                        limit: limits.cell_chars,
                    });
                }
                let field =
                    std::str::from_utf8(&out[..len]).map_err(|_| SheetError::CsvEncoding)?;
                table.put(row, column, field)?;
                len = 0;
                column += 1;
                if record_end {
                    row += 1;
                    column = 0;
                }
            }
            ReadFieldResult::End => break,
        }
    }
    Ok(table.finish())
}
