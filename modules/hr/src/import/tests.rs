#![allow(clippy::unwrap_used)]
use super::*;

fn row(n: usize, cells: &[&str]) -> (usize, Vec<String>) {
    (n, cells.iter().map(|s| (*s).to_string()).collect())
}

fn titles() -> (usize, Vec<String>) {
    (1, COLUMNS.iter().map(|(_, t)| (*t).to_string()).collect())
}

const GOOD: [&str; 18] = [
    "S1",
    "MARTIN",
    "Claire",
    "F",
    "14/03/1984",
    "française",
    "284037511234593",
    "2021-09-01",
    "",
    "CDI",
    "",
    "",
    "35",
    "CCN 66",
    "Éducatrice",
    "",
    "434",
    "5",
];

#[test]
fn titles_match_without_case_or_accents_and_rows_are_reported_by_number() {
    let mut t = titles();
    t.1[7] = "date d'entree".into();
    let mut bad = GOOD;
    bad[0] = "S2";
    bad[6] = "284037511234594";
    bad[9] = "CDD";
    let mut dup = GOOD;
    dup[3] = "X";
    let rows = vec![t, row(2, &GOOD), row(3, &bad), row(4, &[]), row(5, &dup)];
    let (idx, map) = header_map(&rows).unwrap();
    let st = stage_rows(rows, (idx, &map), &HashSet::new(), &HashSet::new());
    assert_eq!(st.rows, 3);
    assert_eq!(st.valid.len(), 1);
    let got: Vec<(usize, &str)> = st
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (3, "NIR"),
            (3, "Date de fin"),
            (3, "Motif du CDD"),
            (5, "Sexe"),
            (5, "Matricule")
        ]
    );
    assert!(st.errors[4].message.contains("déjà ligne 2"));
}

#[test]
fn a_missing_column_is_named() {
    let mut t = titles();
    t.1.retain(|c| c != "NIR");
    let err = header_map(&[t]).unwrap_err();
    let AppError::Validation(e) = err else {
        panic!()
    };
    assert!(e[0].message.contains("NIR"), "{}", e[0].message);
}

#[test]
fn a_staff_list_without_contract_columns_is_valid() {
    let fields = REQUIRED.len();
    let t = (
        1,
        COLUMNS[..fields]
            .iter()
            .map(|(_, t)| (*t).to_string())
            .collect(),
    );
    assert!(COLUMNS[..fields].iter().all(|(f, _)| REQUIRED.contains(f)));
    let rows = vec![t, row(2, &GOOD[..fields])];
    let (idx, map) = header_map(&rows).unwrap();
    let st = stage_rows(rows, (idx, &map), &HashSet::new(), &HashSet::new());
    assert_eq!(st.errors, vec![]);
    assert_eq!(st.valid.len(), 1);
    assert!(
        st.valid[0].inputs().1.is_none(),
        "no contract without its columns"
    );
}

#[test]
fn a_row_filling_part_of_a_contract_is_checked_as_one() {
    let rows = vec![titles(), {
        let mut r = GOOD;
        r[9..].iter_mut().for_each(|c| *c = "");
        r[14] = "Éducatrice";
        row(2, &r)
    }];
    let (idx, map) = header_map(&rows).unwrap();
    let st = stage_rows(rows, (idx, &map), &HashSet::new(), &HashSet::new());
    let cols: Vec<&str> = st.errors.iter().map(|e| e.column.as_str()).collect();
    assert!(cols.contains(&"Type de contrat"), "{cols:?}");
    assert!(st.valid.is_empty());
}

#[test]
fn csv_with_semicolons_and_bom_is_read() {
    let bytes = "\u{feff}Matricule;Nom\nS1;MARTIN\n".as_bytes();
    let rows = read_rows("salaries.csv", bytes).unwrap();
    assert_eq!(rows[1], (2, vec!["S1".to_string(), "MARTIN".to_string()]));
}

#[test]
fn the_template_reads_back_as_a_valid_file() {
    let bytes = template_xlsx().unwrap();
    let rows = read_rows("modele.xlsx", &bytes).unwrap();
    let (idx, map) = header_map(&rows).unwrap();
    let st = stage_rows(rows, (idx, &map), &HashSet::new(), &HashSet::new());
    assert_eq!(st.errors, vec![]);
    assert_eq!(st.valid.len(), 2);
}

#[test]
fn the_report_keeps_the_first_errors_and_counts_the_others() {
    let mut rows = vec![titles()];
    for i in 0..1_500 {
        let mut bad = GOOD;
        let matricule = format!("S{i}");
        bad[0] = &matricule;
        bad[3] = "X";
        rows.push(row(i + 2, &bad));
    }
    let (idx, map) = header_map(&rows).unwrap();
    let st = stage_rows(rows, (idx, &map), &HashSet::new(), &HashSet::new());
    assert_eq!((st.rows, st.valid.len()), (1_500, 0));
    assert_eq!(st.errors.len(), MAX_REPORTED + 1);
    assert_eq!(st.errors[MAX_REPORTED - 1].row, MAX_REPORTED + 1);
    let last = &st.errors[MAX_REPORTED];
    assert_eq!(last.row, 0);
    assert!(
        last.message.starts_with("… et 500 autres erreurs"),
        "{}",
        last.message
    );
}
