#![allow(clippy::unwrap_used)]
use super::*;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 20).unwrap()
}

fn known(m: &str) -> bool {
    matches!(m, "00012" | "A-7")
}

fn input(code: &str, quantity: &str) -> EntryInput {
    EntryInput {
        matricule: "00012".into(),
        code: code.into(),
        quantity: quantity.into(),
        ..EntryInput::default()
    }
}

fn errors(i: &EntryInput, amendment: bool) -> Vec<(String, String)> {
    validate_entry_at(i, amendment, known, today())
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.message))
        .collect()
}

fn fields(i: &EntryInput) -> Vec<String> {
    errors(i, false).into_iter().map(|(f, _)| f).collect()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn a_sick_leave_reads_with_its_dates_and_flags() {
    let i = EntryInput {
        start: "02/03/2026".into(),
        end: "2026-03-10".into(),
        first_stop: Some(true),
        certificate: true,
        reference: " arrêt n° 42 ".into(),
        ..input(" mal ", "9")
    };
    let e = validate_entry_at(&i, false, known, today()).unwrap();
    assert_eq!(e.def.code, "MAL");
    assert_eq!(e.quantity, dec("9"));
    assert_eq!(e.start, NaiveDate::from_ymd_opt(2026, 3, 2));
    assert_eq!(e.end, NaiveDate::from_ymd_opt(2026, 3, 10));
    assert_eq!((e.first_stop, e.certificate), (Some(true), true));
    assert_eq!(e.reference.as_deref(), Some("arrêt n° 42"));
}

#[test]
fn each_unit_reads_its_grain() {
    let ok = |code: &str, q: &str| {
        let mut i = input(code, q);
        if code == "CP" {
            i.start = "02/03/2026".into();
            i.end = "31/03/2026".into();
        }
        if code == "PRIME_EXCEP" {
            i.amount = "150".into();
        }
        validate_entry_at(&i, false, known, today()).map(|e| e.quantity)
    };
    assert_eq!(ok("CP", "2,5").unwrap(), dec("2.5"));
    assert_eq!(ok("HS25", "7,75").unwrap(), dec("7.75"));
    assert_eq!(ok("HS25", "1 0.5").unwrap(), dec("10.5"));
    assert_eq!(ok("TR", "18").unwrap(), dec("18"));
    assert_eq!(ok("IK", "120,4").unwrap(), dec("120.4"));
    assert_eq!(ok("PRIME_EXCEP", "").unwrap(), Decimal::ONE);
    let message = |code: &str, q: &str| ok(code, q).unwrap_err()[0].message.clone();
    assert_eq!(
        message("CP", "2,25"),
        "Quantité : une valeur à la demi-journée près (0,5) est attendue."
    );
    assert_eq!(
        message("HS25", "7,1"),
        "Quantité : une valeur au quart d’heure près (0,25) est attendue."
    );
    assert_eq!(
        message("HS25", "7,12345"),
        "Quantité : une valeur au quart d’heure près (0,25) est attendue."
    );
    assert_eq!(
        message("TR", "2,5"),
        "Quantité : un nombre entier est attendu."
    );
    assert_eq!(
        message("IK", "12,05"),
        "Quantité : une valeur au dixième près est attendue."
    );
    assert_eq!(message("HS25", "301"), "Quantité : au plus 300.");
    assert_eq!(
        message("TR", "0"),
        "Quantité : une valeur positive est attendue."
    );
    assert_eq!(
        message("TR", "-3"),
        "Quantité : une valeur positive est attendue."
    );
    assert_eq!(
        message("TR", "1e3"),
        "Quantité : un nombre est attendu (ex. 1250,50)."
    );
    assert_eq!(message("TR", ""), "La quantité est obligatoire (nombre).");
    assert_eq!(
        message("PRIME_EXCEP", "2"),
        "Pour un élément en euros, la quantité est 1 : la valeur va dans le montant."
    );
}

#[test]
fn each_bad_field_is_named_in_french() {
    let mut i = input("", "");
    i.matricule = String::new();
    assert_eq!(fields(&i), ["matricule", "code"]);
    let e = errors(&input("ZZZ", "1"), false);
    assert_eq!(e[0].0, "code");
    assert!(e[0].1.starts_with("Code « ZZZ » inconnu"), "{}", e[0].1);
    let mut i = input("TR", "3");
    i.matricule = "99999".into();
    assert_eq!(
        errors(&i, false),
        [(
            "matricule".to_string(),
            "Matricule « 99999 » inconnu : aucun salarié de l’association ne le porte.".to_string()
        )]
    );
    // An absence needs both dates, in order, and no more days than it lasts.
    assert_eq!(fields(&input("CP", "5")), ["start", "end"]);
    let mut i = input("CP", "5");
    i.start = "20/03/2026".into();
    i.end = "16/03/2026".into();
    assert_eq!(
        errors(&i, false),
        [(
            "end".to_string(),
            "La date de fin précède la date de début.".to_string()
        )]
    );
    i.end = "21/03/2026".into();
    assert_eq!(
        errors(&i, false)[0].1,
        "Quantité : 5 jours pour une absence de 2 jours calendaires (du 20/03/2026 au 21/03/2026)."
    );
    i.end = "31/02/2026".into();
    assert_eq!(
        errors(&i, false)[0].1,
        "La fin : date « 31/02/2026 » invalide (JJ/MM/AAAA)."
    );
    i.end = "2099-01-01".into();
    assert!(
        errors(&i, false)[0]
            .1
            .starts_with("La fin : date hors des limites plausibles")
    );
    // A sick leave says whether it is a first stop.
    let mut i = input("MAL", "2");
    i.start = "02/03/2026".into();
    i.end = "03/03/2026".into();
    assert_eq!(fields(&i), ["first_stop"]);
    // An amount code needs its amount, to the cent.
    assert_eq!(fields(&input("PRIME_EXCEP", "")), ["amount"]);
    let mut i = input("PRIME_EXCEP", "");
    i.amount = "150,555".into();
    assert_eq!(
        errors(&i, false)[0].1,
        "Montant : au centime près (2 décimales au plus)."
    );
    i.amount = "0".into();
    assert_eq!(
        errors(&i, false)[0].1,
        "Montant : un montant positif est attendu."
    );
    i.amount = "abc".into();
    assert_eq!(
        errors(&i, false)[0].1,
        "Montant : un nombre est attendu (ex. 1250,50)."
    );
    // A rate is positive; an end without start is refused for a dated element.
    let mut i = input("IK", "100");
    i.rate = "-0,5".into();
    i.end = "10/03/2026".into();
    assert_eq!(fields(&i), ["rate", "start"]);
    let mut i = input("TR", "3");
    i.comment = "a\u{200b}b".into();
    assert_eq!(fields(&i), ["comment"]);
}

#[test]
fn an_amendment_may_take_back_but_never_zero() {
    let mut i = input("HS25", "-3");
    assert_eq!(
        validate_entry_at(&i, true, known, today())
            .unwrap()
            .quantity,
        dec("-3")
    );
    assert_eq!(fields(&i), ["quantity"]);
    i.quantity = "0".into();
    assert_eq!(
        errors(&i, true)[0].1,
        "Quantité : une valeur non nulle est attendue."
    );
    let mut i = input("PRIME_EXCEP", "");
    i.amount = "-150".into();
    assert_eq!(
        validate_entry_at(&i, true, known, today()).unwrap().amount,
        Some(dec("-150"))
    );
    assert_eq!(fields(&i), ["amount"]);
}

#[test]
fn flags_of_sick_leave_are_dropped_elsewhere() {
    let mut i = input("TR", "3");
    i.first_stop = Some(true);
    i.certificate = true;
    let e = validate_entry_at(&i, false, known, today()).unwrap();
    assert_eq!((e.first_stop, e.certificate), (None, false));
}

proptest! {
    #[test]
    fn any_typed_line_is_answered(
        matricule in "\\PC{0,12}",
        code in "[A-Z_0-9]{0,12}",
        quantity in "[-0-9,. e]{0,12}",
        amount in "[-0-9,. ]{0,12}",
        start in "\\PC{0,12}",
        end in "[0-9/-]{0,12}",
        first_stop in any::<Option<bool>>(),
    ) {
        let i = EntryInput { matricule, code, quantity, amount, start, end, first_stop, ..EntryInput::default() };
        match validate_entry_at(&i, false, known, today()) {
            Ok(e) => {
                prop_assert!(e.quantity > Decimal::ZERO);
                prop_assert!(e.end.is_none() || e.start <= e.end);
            }
            Err(errors) => prop_assert!(errors.iter().all(|e| !e.message.is_empty())),
        }
    }
}
