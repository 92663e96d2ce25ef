use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn line(i: usize) -> RegisterLine {
    RegisterLine {
        matricule: format!("{:05}", i + 1),
        last_name: format!("Lefèvre{i}"),
        first_name: "Marie-Claire".into(),
        nationality: "Française".into(),
        birth_date: day(1985, 3, 12),
        sex: if i.is_multiple_of(2) { "F" } else { "M" }.into(),
        job: "Aide médico-psychologique".into(),
        qualification: "Employée qualifiée".into(),
        entry_date: day(2019, 9, 1),
        exit_date: i.is_multiple_of(3).then(|| day(2026, 6, 30)),
        permit: (i % 4 == 1).then(|| "Carte de séjour pluriannuelle n° 9912345678".into()),
        mentions: if i.is_multiple_of(2) {
            vec!["CDD".into(), "Temps partiel (50\u{a0}%)".into()]
        } else {
            Vec::new()
        },
        without_contract: false,
    }
}

fn register(n: usize) -> Register {
    Register {
        member_name: "Association Les Tilleuls".into(),
        member_siren: "732829320".into(),
        establishment: Some("Foyer Les Tilleuls — SIRET 732 829 320 00012".into()),
        at: day(2026, 11, 26),
        generated_at: "26/11/2026 à 09:12".into(),
        lines: (0..n).map(line).collect(),
    }
}

#[test]
fn the_register_speaks_french() {
    assert_eq!(fr_siren("732829320"), "732\u{a0}829\u{a0}320");
    assert_eq!(fr_siren("732 829 320"), "732\u{a0}829\u{a0}320");
    assert_eq!(fr_siren("inconnu"), "inconnu");
    assert_eq!(sex_label("M"), "H");
    assert_eq!(sex_label("f"), "F");
    let l = line(0);
    assert_eq!(full_name(&l), "LEFÈVRE0 Marie-Claire");
    assert_eq!(
        job_label(&l, " — "),
        "Aide médico-psychologique — Employée qualifiée"
    );
    assert_eq!(headcount(0), "Aucun salarié inscrit");
    assert_eq!(headcount(1), "1 salarié inscrit");
    assert_eq!(headcount(3), "3 salariés inscrits");
    assert_eq!(
        footer(&register(0)),
        "Registre unique du personnel — Association Les Tilleuls — situation au 26/11/2026"
    );
}

#[test]
fn long_words_break_after_a_hyphen_or_at_a_no_break_space() {
    let max = text_width("Aide médico-", CELL) + 0.1;
    let job = breakable("Aide médico-psychologique", max, CELL);
    assert_eq!(job, "Aide médico- psychologique");
    let permit = "Carte de séjour n°\u{a0}9912345678";
    let max = text_width("9912345678", CELL) + 0.1;
    assert_eq!(
        breakable(permit, max, CELL),
        "Carte de séjour n° 9912345678"
    );
    // What fits is left alone, no-break spaces included.
    let max = text_width(permit, CELL);
    assert_eq!(breakable(permit, max, CELL), permit);
    assert_eq!(breakable("CDD\nApprenti", 1.0, CELL), "CDD\nApprenti");
    // Pieces that fit together stay together.
    let max = text_width("Saint-Jean-", CELL) + 0.1;
    assert_eq!(
        breakable("Saint-Jean-de-Luz", max, CELL),
        "Saint-Jean- de-Luz"
    );
}

#[test]
fn the_footer_keeps_the_date_whatever_the_name() {
    let mut r = register(0);
    r.member_name = "Association départementale des amis et parents d’enfants inadaptés de la Haute-Savoie (ADAPEI 74)".into();
    let f = footer(&r);
    assert!(f.starts_with("Registre unique du personnel — Association départementale"));
    assert!(f.ends_with("… — situation au 26/11/2026"), "{f}");
    let room = CONTENT_WIDTH - text_width("Page 000 / 000", Style::SMALL) - 6.0;
    assert!(text_width(&f, Style::SMALL) <= room);
}

#[test]
fn every_employee_has_a_numbered_row_with_the_legal_mentions() {
    let table = pdf_table(&register(3));
    assert_eq!(table.rows.len(), 3);
    let joined: Vec<String> = table.columns.iter().map(|c| c.header.clone()).collect();
    let joined = joined.join("\n");
    // Every legal header is printed, grouped or not.
    for h in HEADERS {
        assert!(joined.contains(h), "{h} missing from {joined}");
    }
    let first = &table.rows[0];
    assert_eq!(first.cells[0], "1");
    assert_eq!(first.cells[1], "LEFÈVRE0 Marie-Claire");
    assert_eq!(first.cells[2], "Française\n12/03/1985\nF");
    assert_eq!(first.cells[4], "01/09/2019\n30/06/2026");
    assert_eq!(first.cells[6], "CDD\nTemps partiel (50\u{a0}%)");
    assert_eq!(first.sub.as_deref(), Some("00001"));
    let second = &table.rows[1];
    assert_eq!(second.cells[0], "2");
    assert!(second.cells[2].ends_with("\nH"));
    assert_eq!(second.cells[4], "01/09/2019");
    assert_eq!(
        second.cells[5],
        "Carte de séjour pluriannuelle n° 9912345678"
    );
    assert_eq!(table.rows[2].cells[0], "3");
}

/// Pages of a PDF written by printpdf (`/Type/Page` objects, not `/Type/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let key = b"/Type/Page";
    pdf.windows(key.len() + 1)
        .filter(|w| w.starts_with(key) && w[key.len()] != b's')
        .count()
}

#[test]
fn a_long_register_runs_over_several_pages() {
    let short = register(3);
    assert_eq!(pdf_layout(&short).unwrap().page_count(), 1);
    assert_eq!(pdf_pages(&register_pdf(&short).unwrap()), 1);
    let long = register(60);
    let pages = pdf_layout(&long).unwrap().page_count();
    assert!(pages >= 3, "{pages} pages");
    let pdf = register_pdf(&long).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(pdf_pages(&pdf), pages);
}

#[test]
fn an_empty_register_still_renders() {
    let r = register(0);
    assert_eq!(pdf_layout(&r).unwrap().page_count(), 1);
    assert!(register_pdf(&r).unwrap().starts_with(b"%PDF"));
    let x = register_xlsx(&r).unwrap();
    assert!(x.starts_with(b"PK\x03\x04"));
}

#[test]
fn the_spreadsheet_has_a_column_per_field() {
    let headers = xlsx_headers();
    assert_eq!(headers.len(), XLSX_WIDTHS.len());
    assert_eq!(headers[0], "N° d’ordre");
    assert_eq!(headers[1], "Matricule");
    assert_eq!(headers[2], "Nom et prénoms");
    let x = register_xlsx(&register(60)).unwrap();
    assert!(x.starts_with(b"PK\x03\x04"));
    assert!(x.len() > 4_000, "{} bytes", x.len());
}
