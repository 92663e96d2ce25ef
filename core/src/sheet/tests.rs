#![allow(clippy::unwrap_used, clippy::expect_used)]
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::{bombs::*, *};

fn rows(name: &str, bytes: &[u8]) -> Rows {
    read_rows(name, bytes, &Limits::default()).unwrap()
}

fn refused(name: &str, bytes: &[u8]) -> SheetError {
    read_rows(name, bytes, &Limits::default()).unwrap_err()
}

fn strs(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn columns_are_named_as_the_sheet_shows_them() {
    assert_eq!(
        [
            column_name(0),
            column_name(25),
            column_name(26),
            column_name(255),
            column_name(999)
        ],
        ["A", "Z", "AA", "IV", "ALL"]
    );
    assert_eq!(cell_name(12, 2), "C12");
}

#[test]
fn an_xlsx_reads_as_the_import_expects() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    ws.write_string(0, 0, "Nom").unwrap();
    ws.write_string(0, 2, "Né le").unwrap();
    ws.write_string(2, 0, "  Martin ").unwrap();
    ws.write_number(2, 1, 35.0).unwrap();
    ws.write_datetime_with_format(2, 2, ExcelDateTime::from_ymd(1984, 3, 14).unwrap(), &date)
        .unwrap();
    ws.write_number(2, 3, 24.5).unwrap();
    ws.write_boolean(2, 4, true).unwrap();
    ws.write_string(4, 1, "   ").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    assert_eq!(
        rows("a.XLSX", &bytes),
        vec![
            (1, strs(&["Nom", "", "Né le"])),
            (3, strs(&["Martin", "35", "1984-03-14", "24.5", "oui"])),
        ]
    );
}

#[test]
fn a_csv_reads_fields_trimmed_with_its_record_numbers() {
    let file = "\u{feff}Nom;Prénom;Ville\n Martin ;\"Claire; A\";\n\nDubois;Léo;Lyon;\n";
    let old: Vec<(usize, Vec<String>)> = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(b';')
        .from_reader(file.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .enumerate()
        .map(|(i, r)| {
            (
                i + 1,
                r.unwrap().iter().map(|s| s.trim().to_string()).collect(),
            )
        })
        .collect();
    let got = rows("x.csv", file.as_bytes());
    assert_eq!(
        got,
        vec![
            (1, strs(&["Nom", "Prénom", "Ville"])),
            (2, strs(&["Martin", "Claire; A"])),
            (3, strs(&["Dubois", "Léo", "Lyon"])),
        ]
    );
    // The same numbers as the csv crate's records, which the import used before.
    assert_eq!(
        got.iter().map(|r| r.0).collect::<Vec<_>>(),
        old.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    assert_eq!(refused("x.csv", b"a;\xff\n"), SheetError::CsvEncoding);
}

#[test]
fn an_ods_reads_values_repeats_and_paragraphs() {
    let file = ods(&format!(
        r#"<table:table-row>{}{}</table:table-row><table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="1000"/></table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="35"/><table:table-cell office:value-type="date" office:date-value="1984-03-14T00:00:00"/><table:table-cell office:value-type="boolean" office:boolean-value="false"/><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2"/>b</text:p><text:p>c &amp; d</text:p><office:annotation><text:p>note</text:p></office:annotation></table:table-cell></table:table-row>"#,
        ods_cell("Nom"),
        ods_cell("Heures")
    ));
    let row = strs(&["35", "35", "1984-03-14", "non", "a  b\nc & d"]);
    assert_eq!(
        rows("a.ods", &file),
        vec![(1, strs(&["Nom", "Heures"])), (5, row.clone()), (6, row)]
    );
}

#[test]
fn xls_and_unknown_formats_are_refused_with_what_to_send() {
    assert_eq!(refused("a.xls", b"\xD0\xCF\x11\xE0"), SheetError::Xls);
    assert!(SheetError::Xls.message().contains(".xlsx"));
    assert_eq!(refused("a.png", b"\x89PNG"), SheetError::Format);
    assert_eq!(
        refused("a.xlsx", b"PK\x03\x04 not a zip"),
        SheetError::Unreadable
    );
}

#[test]
fn a_repeated_sheet_of_200_mb_is_refused_at_the_decompressed_limit() {
    let file = repeated_rows(200);
    assert!(file.len() < 2_000_000, "{}", file.len());
    let e = refused("a.xlsx", &file);
    assert_eq!(
        e,
        SheetError::Uncompressed {
            limit: 160 * 1024 * 1024
        }
    );
    assert_eq!(
        e.message(),
        "Le fichier décompressé dépasse 160 Mo, le plus qu’un import lit : enlevez les feuilles, images ou lignes en trop."
    );
}

#[test]
fn a_classic_zip_bomb_entry_is_refused() {
    let file = zeros_entry(200);
    assert!(file.len() < 1_000_000, "{}", file.len());
    assert!(matches!(
        refused("a.xlsx", &file),
        SheetError::Uncompressed { .. }
    ));
}

#[test]
fn a_long_shared_string_is_refused_naming_the_first_cell() {
    let e = refused("a.xlsx", &long_shared_string());
    assert_eq!(
        e.message(),
        "Cellule A1 : 20\u{202f}480 caractères, au plus 5\u{202f}000."
    );
}

#[test]
fn millions_of_shared_strings_are_refused_before_calamine_reads_them() {
    let e = refused("a.xlsx", &many_shared_strings(1_500_000));
    assert_eq!(e, SheetError::SharedStrings { limit: 1_000_000 });
}

#[test]
fn a_far_cell_is_refused_whatever_the_dimension_says() {
    for dim in [None, Some("A1"), Some("A1:ALL10000")] {
        let e = refused("a.xlsx", &far_cell(dim));
        assert_eq!(
            e,
            SheetError::Columns {
                column: 999,
                limit: 256
            },
            "{dim:?}"
        );
        assert!(
            e.message()
                .starts_with("Colonne ALL : au-delà de la colonne IV"),
            "{}",
            e.message()
        );
    }
    let e = refused("a.xlsx", &xlsx_rows(Some("A1:B300000"), ""));
    assert!(
        e.message()
            .starts_with("Plus de 200\u{202f}000 lignes : la ligne 300\u{202f}000"),
        "{}",
        e.message()
    );
}

#[test]
fn markup_a_parser_would_buffer_whole_is_refused() {
    let doctype = xlsx_rows(None, r#"<!DOCTYPE x [<!ENTITY a "b">]><row/>"#);
    assert!(matches!(
        refused("a.xlsx", &doctype),
        SheetError::Markup { .. }
    ));
    // One inline string of 3 MB made of short rich-text runs: each run is small.
    let runs = "<r><t>abcdefghij</t></r>".repeat(130_000);
    let rich = xlsx_rows(
        None,
        &format!(r#"<row><c t="inlineStr"><is>{runs}</is></c></row>"#),
    );
    assert!(
        matches!(refused("a.xlsx", &rich), SheetError::Markup { ref part } if part == "xl/worksheets/sheet1.xml")
    );
    let text = xlsx_rows(
        None,
        &format!("<row><c><v>{}</v></c></row>", "1".repeat(2 * MAX_TOKEN)),
    );
    assert!(matches!(
        refused("a.xlsx", &text),
        SheetError::Markup { .. }
    ));
}

#[test]
fn a_central_directory_claiming_more_entries_is_refused() {
    let mut file = far_cell(None);
    let eocd = file.len() - 22;
    file[eocd + 8..eocd + 12].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    assert_eq!(
        refused("a.xlsx", &file),
        SheetError::Entries { count: 65_535 }
    );
}

#[test]
fn ods_repeats_are_checked_before_they_are_expanded() {
    let e = refused("a.ods", &ods_repeats());
    assert_eq!(
        e,
        SheetError::Rows {
            row: 200_001,
            limit: 200_000
        }
    );
    let e = refused("a.ods", &ods_spaces());
    assert_eq!(
        e,
        SheetError::CellTooLong {
            cell: "A1".into(),
            chars: 1_000_000_002,
            limit: 5_000
        }
    );
    let zero = ods(
        r#"<table:table-row table:number-rows-repeated="0"><table:table-cell table:number-columns-repeated="0" office:value-type="float" office:value="1"/></table:table-row>"#,
    );
    assert_eq!(rows("a.ods", &zero), vec![(1, strs(&["1"]))]);
    let wide = ods(
        r#"<table:table-row><table:table-cell table:number-columns-repeated="300" office:value-type="float" office:value="1"/></table:table-row>"#,
    );
    assert_eq!(
        refused("a.ods", &wide),
        SheetError::Columns {
            column: 299,
            limit: 256
        }
    );
}

#[test]
fn csv_limits_name_the_cell() {
    let long = format!("Nom;Prénom\nMartin;{}\n", "é".repeat(30_000));
    assert_eq!(
        refused("a.csv", long.as_bytes()),
        SheetError::CellTooLong {
            cell: "B2".into(),
            chars: 30_000,
            limit: 5_000
        }
    );
    let wide = format!("a{}b\n", ";".repeat(300));
    assert_eq!(
        refused("a.csv", wide.as_bytes()),
        SheetError::Columns {
            column: 300,
            limit: 256
        }
    );
    let many = "abcdefghijklmnopqrstuvwxyz0123456789\n".repeat(200_001);
    assert_eq!(
        refused("a.csv", many.as_bytes()),
        SheetError::Rows {
            row: 200_001,
            limit: 200_000
        }
    );
}

#[test]
fn totals_are_bounded() {
    let tight = Limits {
        text: 10,
        ..Limits::default()
    };
    assert_eq!(
        read_rows("a.csv", b"abcdef;ghijkl\n", &tight).unwrap_err(),
        SheetError::Text { limit: 10 }
    );
    let tight = Limits {
        cells: 3,
        ..Limits::default()
    };
    assert_eq!(
        read_rows("a.csv", b"a;;;b\n", &tight).unwrap_err(),
        SheetError::Cells { limit: 3 }
    );
}

#[test]
fn sheets_that_expand_far_beyond_their_size_are_refused() {
    // 20,000 rows × 256 cells from 1.4 MB of XML: 123 MB of cells.
    assert_eq!(
        refused("a.xlsx", &sparse_rows(20_000)),
        SheetError::Sparse { factor: 8 }
    );
    // 200,000 rows of 20 one-letter cells: 8 MB of CSV, 109 MB of rows.
    let e = refused("a.csv", &short_cells_csv(200_000));
    assert_eq!(e, SheetError::Sparse { factor: 8 });
    assert!(
        e.message()
            .starts_with("Le tableau prendrait en mémoire plus de 8 fois la taille du fichier")
    );
    // Within its budget, the same shape reads.
    assert_eq!(rows("a.csv", &short_cells_csv(3)).len(), 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        for name in ["a.xlsx", "a.xlsm", "a.ods", "a.csv", "a.xls", "a.txt"] {
            let _ = read_rows(name, &bytes, &Limits::default());
        }
    }

    #[test]
    fn arbitrary_sheet_xml_never_panics(xml in "(<row( r=\"[0-9A-Z]{1,4}\")?>|<c( r=\"[A-Z]{1,3}[0-9]{1,7}\")?( t=\"(s|inlineStr|b|e|str|d)\")?>|<v>|</v>|</c>|</row>|<is><t>|</t></is>|[0-9a-z&;<>\"]{0,5}){0,40}") {
        let file = xlsx_rows(Some("A1"), &xml);
        let _ = read_rows("a.xlsx", &file, &Limits::default());
        let ods_file = ods(&xml.replace("row", "table:table-row").replace("<c", "<table:table-cell"));
        let _ = read_rows("a.ods", &ods_file, &Limits::default());
    }

    #[test]
    fn arbitrary_ods_repeats_never_panic(rows in 0u64..5_000_000, columns in 0u64..5_000_000, spaces in 0u64..10_000_000_000, text in "[a-z &;<>]{0,8}") {
        let ods_file = ods(&format!(
            r#"<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{columns}" office:value-type="string"><text:p>{text}<text:s text:c="{spaces}"/></text:p></table:table-cell></table:table-row>"#
        ));
        let _ = read_rows("a.ods", &ods_file, &Limits::default());
    }

    #[test]
    fn a_damaged_xlsx_never_panics(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut file = far_cell(Some("A1:B2"));
        for (i, b) in flips {
            let at = i.index(file.len());
            file[at] = b;
        }
        let _ = read_rows("a.xlsx", &file, &Limits::default());
    }
}
