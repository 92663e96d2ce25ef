//! ods: the zip pre-pass, then our own streaming reader of `content.xml`'s first table.
//! Repeated rows and cells (`table:number-rows-repeated`, `number-columns-repeated`) are
//! checked against the limits before they are expanded, and `<text:s text:c="…"/>`
//! before its spaces are written: nothing grows past a limit.
use std::io::{BufReader, Cursor, Read};

use quick_xml::{
    Reader,
    events::{BytesStart, Event},
};
use zip::ZipArchive;

use super::{Limits, Rows, SheetError, Table, archive, cell_name, float_text, iso_date};

type Xml<'a> = Reader<BufReader<zip::read::ZipFile<'a, Cursor<&'a [u8]>>>>;

fn unreadable(e: impl std::fmt::Display) -> SheetError {
    tracing::info!(error = %e, "unreadable ods");
    SheetError::Unreadable
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Result<Option<String>, SheetError> {
    for a in e.attributes() {
        let a = a.map_err(unreadable)?;
        if a.key.as_ref() == name {
            // content.xml is UTF-8 (the ODF standard): the UTF-8 decoder.
            let v = a
                .decode_and_unescape_value(Reader::from_reader(&b""[..]).decoder())
                .map_err(unreadable)?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

/// A repeat count: absent → 1; unreadable → refused.
fn repeats(e: &BytesStart<'_>, name: &[u8]) -> Result<usize, SheetError> {
    attr(e, name)?.map_or(Ok(1), |v| v.trim().parse::<usize>().map_err(unreadable))
}

/// Whether the archive says its content is encrypted (a password-protected file).
fn encrypted(bytes: &[u8]) -> bool {
    let Ok(mut zip) = ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(entry) = zip.by_name("META-INF/manifest.xml") else {
        return false;
    };
    let mut text = Vec::new();
    if entry
        .take(archive::MAX_SMALL_PART)
        .read_to_end(&mut text)
        .is_err()
    {
        return false;
    }
    text.windows(15).any(|w| w == b"encryption-data")
}

/// The reader's place in the table.
struct Place {
    row: usize,
    row_repeat: usize,
    column: usize,
    row_filled: bool,
}

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Rows, SheetError> {
    let found = archive::prepass(bytes, limits, |name| archive::PartRule {
        xml: name.to_ascii_lowercase().ends_with(".xml"),
        ..archive::PartRule::default()
    })?;
    if encrypted(bytes) {
        return Err(SheetError::Unreadable);
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let entry = zip.by_name("content.xml").map_err(unreadable)?;
    let mut xml = Reader::from_reader(BufReader::new(entry));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut table = Table::new(limits, found.total);
    let mut buf = Vec::with_capacity(1024);
    let mut in_table = false;
    let mut at = Place {
        row: 1,
        row_repeat: 1,
        column: 0,
        row_filled: false,
    };
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(unreadable)? {
            Event::Start(e) => match e.name().as_ref() {
                b"table:table" if !in_table => in_table = true,
                b"table:table-row" if in_table => {
                    at.row_repeat = repeats(&e, b"table:number-rows-repeated")?.max(1);
                    at.column = 0;
                    at.row_filled = false;
                }
                b"table:table-cell" | b"table:covered-table-cell" if in_table => {
                    let e = e.into_owned();
                    cell(&mut xml, &e, &mut table, &mut at, limits)?;
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"table:table" if in_table => break,
                b"table:table-row" if in_table => {
                    if at.row_filled && at.row_repeat > 1 {
                        table.repeat_last(at.row_repeat - 1)?;
                    }
                    at.row = at.row.saturating_add(at.row_repeat);
                }
                _ => {}
            },
            Event::Eof => {
                if !in_table {
                    return Err(SheetError::NoSheet);
                }
                break;
            }
            _ => {}
        }
    }
    Ok(table.finish())
}

/// Reads one cell (its start tag already read) up to its end, and stores its text in
/// each column it repeats over.
fn cell(
    xml: &mut Xml<'_>,
    e: &BytesStart<'_>,
    table: &mut Table<'_>,
    at: &mut Place,
    limits: &Limits,
) -> Result<(), SheetError> {
    // A repeat of 0 is read as 1, like LibreOffice does.
    let count = repeats(e, b"table:number-columns-repeated")?.max(1);
    let (row, column) = (at.row, at.column);
    at.column = at.column.saturating_add(count);
    let value = if let Some(v) = attr(e, b"office:value")? {
        Some(float_text(v.trim().parse::<f64>().map_err(unreadable)?))
    } else if let Some(v) = attr(e, b"office:date-value")? {
        Some(iso_date(&v).to_string())
    } else if let Some(v) = attr(e, b"office:time-value")? {
        Some(v)
    } else if let Some(v) = attr(e, b"office:string-value")? {
        Some(v)
    } else {
        attr(e, b"office:boolean-value")?.map(|v| {
            if v == "true" || v == "TRUE" {
                "oui"
            } else {
                "non"
            }
            .to_string()
        })
    };
    let is_string = attr(e, b"office:value-type")?.as_deref() == Some("string");
    let text = match value {
        Some(v) => {
            skip_to_end(xml, e)?;
            v
        }
        None if is_string => cell_text(xml, e, row, column, limits)?,
        None => {
            skip_to_end(xml, e)?;
            String::new()
        }
    };
    if text.trim().is_empty() {
        return Ok(());
    }
    table.check_position(row, column.saturating_add(count - 1))?;
    for k in 0..count {
        table.put(row, column + k, &text)?;
    }
    at.row_filled = true;
    Ok(())
}

fn skip_to_end(xml: &mut Xml<'_>, e: &BytesStart<'_>) -> Result<(), SheetError> {
    let mut buf = Vec::new();
    xml.read_to_end_into(e.name(), &mut buf)
        .map_err(unreadable)?;
    Ok(())
}

/// The text content of a string cell: paragraphs joined by line breaks, `text:s`
/// spaces, annotations left out; refused as soon as it passes the cell limit.
fn cell_text(
    xml: &mut Xml<'_>,
    e: &BytesStart<'_>,
    row: usize,
    column: usize,
    limits: &Limits,
) -> Result<String, SheetError> {
    let mut s = String::new();
    let mut chars = 0usize;
    let mut first_paragraph = true;
    let mut annotation = 0usize;
    let mut buf = Vec::new();
    let too_long = |chars: usize| SheetError::CellTooLong {
        cell: cell_name(row, column),
        chars,
        limit: limits.cell_chars,
    };
    loop {
        buf.clear();
        let add: Option<std::borrow::Cow<'_, str>> =
            match xml.read_event_into(&mut buf).map_err(unreadable)? {
                Event::End(end) if end.name() == e.name() => break,
                Event::Eof => return Err(SheetError::Unreadable),
                Event::Start(t) if t.name().as_ref() == b"office:annotation" => {
                    annotation += 1;
                    None
                }
                Event::End(t) if t.name().as_ref() == b"office:annotation" => {
                    annotation = annotation.saturating_sub(1);
                    None
                }
                _ if annotation > 0 => None,
                Event::Text(t) => Some(std::borrow::Cow::Owned(
                    t.xml10_content().map_err(unreadable)?.into_owned(),
                )),
                Event::GeneralRef(r) => {
                    let name = r.decode().map_err(unreadable)?;
                    if let Some(x) = quick_xml::escape::resolve_xml_entity(&name) {
                        Some(std::borrow::Cow::Borrowed(x))
                    } else if let Some(c) = r.resolve_char_ref().map_err(unreadable)? {
                        Some(std::borrow::Cow::Owned(c.to_string()))
                    } else {
                        return Err(SheetError::Unreadable);
                    }
                }
                Event::Start(t) if t.name().as_ref() == b"text:p" => {
                    if first_paragraph {
                        first_paragraph = false;
                        None
                    } else {
                        Some(std::borrow::Cow::Borrowed("\n"))
                    }
                }
                Event::Start(t) if t.name().as_ref() == b"text:s" => {
                    let n = repeats(&t, b"text:c")?;
                    chars = chars.saturating_add(n);
                    if chars <= limits.cell_chars {
                        s.extend(std::iter::repeat_n(' ', n));
                    }
                    None
                }
                _ => None,
            };
        if let Some(add) = add {
            chars = chars.saturating_add(add.chars().count());
            if chars <= limits.cell_chars {
                s.push_str(&add);
            }
        }
    }
    // Past the limit nothing more was kept; the count went on, for the message.
    if chars > limits.cell_chars {
        return Err(too_long(chars));
    }
    Ok(s)
}
