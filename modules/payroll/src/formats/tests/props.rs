//! Arbitrary lines never break an export: every profile writes one row a line (a day of
//! an absence for 123Paie), the ASCII file stays ASCII, the spreadsheet and the recap
//! are written.
use super::*;
use crate::domain::CATALOGUE;
use proptest::prelude::*;

fn any_line() -> impl Strategy<Value = Line> {
    let codes: Vec<String> = CATALOGUE
        .iter()
        .map(|c| c.code.to_string())
        .chain(["ZZ".to_string()])
        .collect();
    let date = proptest::option::of(
        (2020i32..2030, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| day(y, m, d)),
    );
    let decimal = (any::<i64>(), 0u32..=10).prop_map(|(n, s)| Decimal::new(n, s));
    (
        proptest::sample::select(codes),
        proptest::sample::select(vec!["00012", "00027", "00105", "42"]),
        decimal.clone(),
        proptest::option::of(decimal.clone()),
        proptest::option::of(decimal),
        date.clone(),
        date,
        any::<Option<bool>>(),
        proptest::option::of("[a-zé;\"\n\r\t ]{0,12}|\\PC{0,12}"),
    )
        .prop_map(
            |(code, matricule, quantity, rate, amount, start, end, first_stop, reference)| {
                let mut l = month()[0].clone();
                l.id = Uuid::now_v7();
                l.code = code;
                l.matricule = matricule.to_string();
                l.quantity = quantity;
                l.rate = rate;
                l.amount = amount;
                l.start = start;
                l.end = end;
                l.first_stop = first_stop;
                l.reference = reference;
                l
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]
    #[test]
    fn arbitrary_lines_always_export(lines in proptest::collection::vec(any_line(), 0..12)) {
        let generic = ExportProfile::builtin("generic").unwrap();
        let csv = String::from_utf8(render(&generic, &ctx(), &lines, &staff(), &code_map())).unwrap();
        // One row a line, of 15 cells (a reference may hold `;`, a quote, a line break).
        let rows = csv_cells(&csv);
        prop_assert_eq!(rows.len(), lines.len() + 1);
        prop_assert!(rows.iter().all(|r| r.len() == 15));
        let refs: Vec<String> = rows.iter().skip(1).map(|r| r[14].clone()).collect();
        let mut want: Vec<String> = lines.iter().map(|l| l.reference.clone().unwrap_or_default()).collect();
        let mut got = refs;
        want.sort();
        got.sort();
        prop_assert_eq!(got, want);
        let paie = ExportProfile::builtin("123paie").unwrap();
        let file = render(&paie, &ctx(), &lines, &staff(), &code_map());
        prop_assert!(file.is_ascii());
        let text = String::from_utf8(file).unwrap();
        prop_assert!(text.lines().all(|l| l.split('\t').count() == 17));
        prop_assert!(text.lines().count() > lines.len());
        prop_assert!(xlsx(&ctx(), &lines, &staff(), &code_map()).is_ok());
        let recap = RecapContext {
            member_name: "Association Les Tilleuls".into(),
            period: MAY,
            establishments: BTreeMap::new(),
            validated_by: None,
            validated_at: None,
            generated_at: chrono::Utc::now(),
        };
        prop_assert!(recap_pdf(&recap, &lines, &staff()).is_ok());
    }
}
