//! Malicious and legitimate spreadsheets built by hand, for the tests of the bounded
//! reader (unit tests here, the HR import through the router, the memory test).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::io::{Cursor, Write};

use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

/// An entry's content: literal bytes, or `head`, then `chunk` `times` times, then
/// `tail` (written piece by piece: the content is never held whole).
pub enum Content<'a> {
    Bytes(&'a [u8]),
    Repeat {
        head: &'a [u8],
        chunk: &'a [u8],
        times: usize,
        tail: &'a [u8],
    },
}

/// A zip of the entries, deflated (the `mimetype` of an ods stored, as the format wants).
#[must_use]
pub fn zip_of(entries: &[(&str, Content<'_>)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        let options = if *name == "mimetype" {
            SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
        } else {
            SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(9))
        };
        zip.start_file(*name, options).unwrap();
        match content {
            Content::Bytes(b) => zip.write_all(b).unwrap(),
            Content::Repeat {
                head,
                chunk,
                times,
                tail,
            } => {
                zip.write_all(head).unwrap();
                // Write in blocks of about 64 KiB.
                let per = (64 * 1024 / chunk.len().max(1)).max(1);
                let block = chunk.repeat(per);
                let mut left = *times;
                while left >= per {
                    zip.write_all(&block).unwrap();
                    left -= per;
                }
                for _ in 0..left {
                    zip.write_all(chunk).unwrap();
                }
                zip.write_all(tail).unwrap();
            }
        }
    }
    zip.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// The start of a worksheet, up to `<sheetData>`, with the `<dimension>` given.
#[must_use]
pub fn sheet_head(dimension: Option<&str>) -> Vec<u8> {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    if let Some(d) = dimension {
        s.push_str(&format!(r#"<dimension ref="{d}"/>"#));
    }
    s.push_str("<sheetData>");
    s.into_bytes()
}

/// The end of a worksheet.
pub const SHEET_TAIL: &[u8] = b"</sheetData></worksheet>";

/// An xlsx of one sheet (`sheet`: the worksheet part) and optionally shared strings.
#[must_use]
pub fn xlsx(sheet: Content<'_>, shared: Option<Content<'_>>) -> Vec<u8> {
    let mut entries = vec![
        ("[Content_Types].xml", Content::Bytes(CONTENT_TYPES)),
        ("_rels/.rels", Content::Bytes(RELS)),
        ("xl/workbook.xml", Content::Bytes(WORKBOOK)),
        ("xl/_rels/workbook.xml.rels", Content::Bytes(WORKBOOK_RELS)),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(s) = shared {
        entries.push(("xl/sharedStrings.xml", s));
    }
    zip_of(&entries)
}

/// An xlsx whose worksheet is `rows` (the `<row>` elements) in full.
#[must_use]
pub fn xlsx_rows(dimension: Option<&str>, rows: &str) -> Vec<u8> {
    let mut sheet = sheet_head(dimension);
    sheet.extend_from_slice(rows.as_bytes());
    sheet.extend_from_slice(SHEET_TAIL);
    xlsx(Content::Bytes(&sheet), None)
}

/// A sheet of `mb` megabytes of identical rows (an 880 KB file for 200 MB).
#[must_use]
pub fn repeated_rows(mb: usize) -> Vec<u8> {
    let chunk = br#"<row><c t="inlineStr"><is><t>0123456789</t></is></c><c><v>42</v></c></row>"#;
    let head = sheet_head(None);
    xlsx(
        Content::Repeat {
            head: &head,
            chunk,
            times: mb * 1_000_000 / chunk.len(),
            tail: SHEET_TAIL,
        },
        None,
    )
}

/// 10,000 rows each pointing at one shared string of 20,480 characters.
#[must_use]
pub fn long_shared_string() -> Vec<u8> {
    let text = "x".repeat(20_480);
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>"#
    );
    let head = sheet_head(Some("A1:A10000"));
    xlsx(
        Content::Repeat {
            head: &head,
            chunk: br#"<row><c t="s"><v>0</v></c></row>"#,
            times: 10_000,
            tail: SHEET_TAIL,
        },
        Some(Content::Bytes(shared.as_bytes())),
    )
}

/// Millions of empty shared strings (each a `String` in memory before any cell is read).
#[must_use]
pub fn many_shared_strings(count: usize) -> Vec<u8> {
    let head = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;
    let sheet = xlsx_sheet_one_cell();
    xlsx(
        Content::Bytes(&sheet),
        Some(Content::Repeat {
            head,
            chunk: b"<si/>",
            times: count,
            tail: b"</sst>",
        }),
    )
}

fn xlsx_sheet_one_cell() -> Vec<u8> {
    let mut s = sheet_head(None);
    s.extend_from_slice(br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    s.extend_from_slice(SHEET_TAIL);
    s
}

/// One cell at ALL10000, with the `<dimension>` given (a lie, or none).
#[must_use]
pub fn far_cell(dimension: Option<&str>) -> Vec<u8> {
    xlsx_rows(
        dimension,
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c></row><row r="10000"><c r="ALL10000"><v>1</v></c></row>"#,
    )
}

/// A classic bomb: an entry of `mb` megabytes of zeros next to a tiny sheet.
#[must_use]
pub fn zeros_entry(mb: usize) -> Vec<u8> {
    let sheet = xlsx_sheet_one_cell();
    let zeros = [0u8; 1024];
    zip_of(&[
        ("[Content_Types].xml", Content::Bytes(CONTENT_TYPES)),
        ("_rels/.rels", Content::Bytes(RELS)),
        ("xl/workbook.xml", Content::Bytes(WORKBOOK)),
        ("xl/_rels/workbook.xml.rels", Content::Bytes(WORKBOOK_RELS)),
        ("xl/worksheets/sheet1.xml", Content::Bytes(&sheet)),
        (
            "xl/media/image1.bin",
            Content::Repeat {
                head: b"",
                chunk: &zeros,
                times: mb * 1024,
                tail: b"",
            },
        ),
    ])
}

const ODS_MANIFEST: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// An ods whose first table holds `rows` (the `<table:table-row>` elements).
#[must_use]
pub fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Feuille1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip_of(&[
        (
            "mimetype",
            Content::Bytes(b"application/vnd.oasis.opendocument.spreadsheet"),
        ),
        ("META-INF/manifest.xml", Content::Bytes(ODS_MANIFEST)),
        ("content.xml", Content::Bytes(content.as_bytes())),
    ])
}

/// A string cell of an ods.
#[must_use]
pub fn ods_cell(text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}

/// An ods of a few bytes whose repeats would expand to a billion cells.
#[must_use]
pub fn ods_repeats() -> Vec<u8> {
    ods(&format!(
        r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="200" office:value-type="float" office:value="1"/></table:table-row>"#,
        ods_cell("Nom")
    ))
}

/// An ods cell of a billion spaces, in a few bytes.
#[must_use]
pub fn ods_spaces() -> Vec<u8> {
    ods(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/>b</text:p></table:table-cell></table:table-row>"#,
    )
}

/// What a zip's entries decompress to, all together (for a CSV: its length). For
/// measurements only: nothing bounds it.
#[must_use]
pub fn uncompressed_size(bytes: &[u8]) -> u64 {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return bytes.len() as u64;
    };
    let mut total = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        total += std::io::copy(&mut entry, &mut std::io::sink()).unwrap();
    }
    total
}

/// `rows` rows holding a value in A and one in IV: a few dozen bytes of XML a row, 256
/// cells a row once read.
#[must_use]
pub fn sparse_rows(rows: usize) -> Vec<u8> {
    let mut xml = String::with_capacity(rows * 80);
    for r in 1..=rows {
        xml.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}"><v>1</v></c><c r="IV{r}"><v>2</v></c></row>"#
        ));
    }
    xlsx_rows(None, &xml)
}

/// A CSV of `rows` rows of 20 one-letter cells.
#[must_use]
pub fn short_cells_csv(rows: usize) -> Vec<u8> {
    "a;".repeat(19).add_line("a").repeat(rows).into_bytes()
}

trait AddLine {
    fn add_line(self, last: &str) -> String;
}

impl AddLine for String {
    fn add_line(mut self, last: &str) -> String {
        self.push_str(last);
        self.push('\n');
        self
    }
}
