//! The text files byte for byte, the spreadsheet read back, the profiles as data.
use super::*;

fn generic() -> ExportProfile {
    ExportProfile::builtin("generic").unwrap()
}

fn paie123() -> ExportProfile {
    ExportProfile::builtin("123paie").unwrap()
}

/// Shows the first differing line, rather than two byte dumps.
fn assert_same(name: &str, got: &[u8], want: &[u8]) {
    if got != want {
        let got = String::from_utf8_lossy(got);
        let want = String::from_utf8_lossy(want);
        for (i, (g, w)) in got.split('\n').zip(want.split('\n')).enumerate() {
            assert_eq!(g, w, "{name}, line {}", i + 1);
        }
        assert_eq!(got.len(), want.len(), "{name}: lengths");
    }
}

#[test]
fn the_generic_csv_is_the_expected_file() {
    let csv = render(&generic(), &ctx(), &month(), &staff(), &code_map());
    keep("generic_2026-05.csv", &csv);
    assert_same("generic", &csv, &expected("generic_2026-05.csv"));
    // UTF-8 without BOM, the exact header line, LF line ends, accents kept.
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with(
        "societe;etab_nic;matricule;contrat;periode;code;libelle;date_debut;date_fin;unite;quantite;taux;montant;premier_arret;ref\n"
    ));
    assert!(!text.contains('\r'));
    assert!(text.contains(";Arrêt maladie;07/05/2026;12/05/2026;jours;6;;;oui;"));
    assert!(text.contains(";euros;1;;250,00;;"));
    assert!(text.contains(";\"Déplacements Lyon; Vienne\"\n"));
    // 14 lines, one row each, the amendment tagged with April.
    assert_eq!(text.lines().count(), 15);
    assert!(
        text.contains(
            ";2026-04;HS25;Heures supplémentaires à 25 %;28/04/2026;28/04/2026;heures;3,5;"
        )
    );
}

#[test]
fn the_123paie_file_is_the_expected_file() {
    let file = render(&paie123(), &ctx(), &month(), &staff(), &code_map());
    keep("123paie_2026-05.txt", &file);
    assert_same("123paie", &file, &expected("123paie_2026-05.txt"));
    assert!(file.is_ascii());
    let text = String::from_utf8(file).unwrap();
    // Every line ends with CRLF, no bare LF or CR.
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches("\r\n").count(), text.matches('\n').count());
    assert_eq!(text.matches("\r\n").count(), text.matches('\r').count());
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 17));
    // The sick leave of 7 to 12 May: six rows, one a day; 8 May is a public holiday,
    // 9 a Saturday, 10 a Sunday.
    let sick: Vec<Vec<&str>> = rows
        .iter()
        .filter(|r| r[0] == "00012" && r[8] == "AB-MAL")
        .map(|r| r[9..15].to_vec())
        .collect();
    assert_eq!(
        sick,
        [
            ["07/05/2026", "07/05/2026", "1", "1", "1", "7"],
            ["08/05/2026", "08/05/2026", "0", "0", "1", "0"],
            ["09/05/2026", "09/05/2026", "0", "1", "1", "0"],
            ["10/05/2026", "10/05/2026", "0", "0", "1", "0"],
            ["11/05/2026", "11/05/2026", "1", "1", "1", "7"],
            ["12/05/2026", "12/05/2026", "1", "1", "1", "7"],
        ]
    );
    // Léa's extension from Whit Monday: 28 h a week, 5,6 h the next day.
    assert!(text.contains("00027\t2026-05\t\tArret maladie\t\t\t\t\tAB-MAL\t25/05/2026\t25/05/2026\t0\t0\t1\t0\tN\t\r\n"));
    assert!(text.contains("\tAB-MAL\t26/05/2026\t26/05/2026\t1\t1\t1\t5,6\tN\t\r\n"));
    // Accents dropped, not garbled.
    assert!(text.contains("\tFrais de formation - Coeur de metier\r\n"));
}

#[test]
fn a_generic_csv_of_no_line_is_its_header() {
    let csv = render(&generic(), &ctx(), &[], &staff(), &code_map());
    assert_eq!(csv.iter().filter(|b| **b == b'\n').count(), 1);
}

#[test]
fn the_spreadsheet_read_back_equals_the_csv() {
    use calamine::{Data, Reader, Xlsx};
    let bytes = xlsx(&ctx(), &month(), &staff(), &code_map()).unwrap();
    keep("generic_2026-05.xlsx", &bytes);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["EVP 2026-05"]);
    let range = book.worksheet_range("EVP 2026-05").unwrap();
    let csv =
        String::from_utf8(render(&generic(), &ctx(), &month(), &staff(), &code_map())).unwrap();
    let want = csv_cells(&csv);
    let montant = GENERIC_COLUMNS
        .iter()
        .position(|f| *f == Field::Montant)
        .unwrap();
    let epoch = day(1899, 12, 30);
    let mut kinds = std::collections::BTreeSet::new();
    let got: Vec<Vec<String>> = range
        .rows()
        .map(|row| {
            (0..GENERIC_COLUMNS.len())
                .map(|c| match row.get(c) {
                    None | Some(Data::Empty) => String::new(),
                    Some(Data::String(s)) => s.clone(),
                    Some(Data::Float(f)) => {
                        kinds.insert("number");
                        let d = Decimal::try_from(*f).unwrap();
                        let d = if c == montant {
                            let mut d = d.round_dp(2);
                            d.rescale(2);
                            d
                        } else {
                            d.normalize()
                        };
                        d.to_string().replace('.', ",")
                    }
                    Some(Data::DateTime(x)) => {
                        kinds.insert("date");
                        let days = x.as_f64() as i64;
                        (epoch + chrono::Duration::days(days))
                            .format("%d/%m/%Y")
                            .to_string()
                    }
                    Some(other) => panic!("unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect();
    assert_eq!(got, want);
    // Quantities, rates and amounts are numbers, dates are dates; the matricule keeps
    // its leading zeros as text.
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["date", "number"]);
    assert_eq!(range.get((1, 2)), Some(&Data::String("00012".into())));
}

#[test]
fn the_built_in_profiles_are_data() {
    let g = generic();
    let fields: Vec<Field> = g.columns.iter().map(|c| c.field).collect();
    assert_eq!(fields, GENERIC_COLUMNS);
    assert!(!g.bom && !g.ascii && g.header && !g.absences_per_day);
    assert_eq!((g.separator, g.line_ending), (';', LineEnding::Lf));
    let p = paie123();
    assert_eq!(
        (p.separator, p.line_ending, p.ascii),
        ('\t', LineEnding::Crlf, true)
    );
    assert!(p.absences_per_day);
    // Stored and read back, a profile is the same.
    for profile in [g, p] {
        let json = serde_json::to_string(&profile).unwrap();
        assert_eq!(ExportProfile::from_json(&json).unwrap(), profile);
    }
    assert!(ExportProfile::builtin("silae").is_none());
}

/// A provider added as data: point decimals, ISO dates, no header, CRLF, its own
/// column names, Alsace-Moselle's holidays.
#[test]
fn a_new_provider_needs_only_its_json() {
    let json = r#"{
      "code": "maison", "label": "Logiciel maison", "extension": "csv",
      "separator": "|", "decimal": "point", "line_ending": "crlf", "ascii": false,
      "bom": true, "header": false, "quoting": "rfc4180", "date_format": "yyyy-mm-dd",
      "yes": "1", "no": "0", "absences_per_day": false,
      "columns": [{"field": "matricule"}, {"field": "code"}, {"field": "date_debut"},
                  {"field": "quantite"}, {"field": "va_abs_nb22"}, {"field": "premier_arret"}]
    }"#;
    let profile = ExportProfile::from_json(json).unwrap();
    let mut ctx = ctx();
    let file =
        String::from_utf8(render(&profile, &ctx, &month(), &staff(), &BTreeMap::new())).unwrap();
    let rows: Vec<&str> = file.split("\r\n").collect();
    assert_eq!(rows[0], "\u{feff}00012|HS25|2026-04-28|3.5||");
    assert_eq!(rows[1], "00012|MAL|2026-05-07|6|3|1");
    assert_eq!(rows[2], "00012|CP|2026-05-18|6|5|");
    // Good Friday (3 April 2026) is a holiday in Alsace-Moselle only.
    let mut friday = month()[0].clone();
    friday.code = "CSS".into();
    friday.start = Some(day(2026, 4, 3));
    friday.end = Some(day(2026, 4, 3));
    friday.concerns = MAY.prev();
    let count = |ctx: &ExportContext| {
        let f = String::from_utf8(render(
            &profile,
            ctx,
            std::slice::from_ref(&friday),
            &staff(),
            &BTreeMap::new(),
        ))
        .unwrap();
        f.trim_start_matches('\u{feff}')
            .trim_end()
            .split('|')
            .nth(4)
            .unwrap()
            .to_string()
    };
    assert_eq!(count(&ctx), "1");
    ctx.alsace_moselle = true;
    assert_eq!(count(&ctx), "0");
}

#[test]
fn a_profile_that_cannot_write_a_readable_file_is_refused() {
    let base: serde_json::Value = serde_json::from_str(GENERIC_JSON).unwrap();
    let with = |key: &str, value: serde_json::Value| {
        let mut v = base.clone();
        v[key] = value;
        ExportProfile::from_json(&v.to_string()).unwrap_err()
    };
    let e = with("separator", ",".into());
    assert!(
        e.contains("la virgule ne peut pas séparer les colonnes et les décimales"),
        "{e}"
    );
    let e = with("separator", "\"".into());
    assert!(e.contains("séparateur « \\\" » impossible"), "{e}");
    let e = with("columns", serde_json::json!([]));
    assert!(e.contains("au moins une colonne est attendue"), "{e}");
    let e = with("columns", serde_json::json!([{"field": "nom"}]));
    assert!(e.starts_with("Profil d’export illisible (ligne 1"), "{e}");
    assert!(e.contains("unknown variant `nom`"), "{e}");
    let e = with(
        "columns",
        serde_json::json!([{"field": "ref", "header": "a;b"}]),
    );
    assert!(
        e.contains("en-tête de la colonne ref vide ou contenant le séparateur"),
        "{e}"
    );
    let e = with("quoting", "maybe".into());
    assert!(e.starts_with("Profil d’export illisible"), "{e}");
    let mut v = base;
    v["colour"] = "blue".into();
    assert!(ExportProfile::from_json(&v.to_string()).is_err());
}

#[test]
fn french_letters_become_ascii() {
    assert_eq!(ascii("Arrêt maladie"), "Arret maladie");
    assert_eq!(
        ascii("Cœur, Œuvre, ŒUVRE, Æ, ß"),
        "Coeur, Oeuvre, OEUVRE, AE, ss"
    );
    assert_eq!(
        ascii("Fèvre-Dupré à Çà et là : où ? ÿ"),
        "Fevre-Dupre a Ca et la : ou ? y"
    );
    assert_eq!(
        ascii("l’été « 2026 » — 10\u{a0}€ n° 3…"),
        "l'ete \" 2026 \" - 10 EUR no 3..."
    );
    assert_eq!(ascii("Łódź 🦀"), "Lodz ?");
    assert!(ascii("ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿŸ").is_ascii());
}
