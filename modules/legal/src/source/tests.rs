use super::*;

const GOOD: &str = "---\ntitle: Contrat\ncategory: Contrats de travail\nreferences:\n  - C. trav. L1242-12\nvariables:\n  - name: motif\n    type: choice\n    label: Motif\n    required: true\n    choices: [remplacement, accroissement]\n  - name: remplace\n    type: text\n    label: Salarié remplacé\n    required_if: motif == \"remplacement\"\n  - name: essai\n    type: yesno\n    label: Période d’essai\n---\n# Objet\n\nEntre {{ membre.nom }} et {{ salarie.nom_complet }}.\n{% if motif == \"remplacement\" %}\n## Remplacement\n\nEn remplacement de {{ remplace }}.\n{% endif %}\n{% if essai %}Avec une période d’essai.{% endif %}\n";

fn ctx(values: &[(&str, Shown)]) -> Context {
    Context {
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect(),
        membre: [("nom".to_string(), "Les Tilleuls".to_string())]
            .into_iter()
            .collect(),
        ..Context::default()
    }
}

#[test]
fn a_good_source_parses_with_its_variables() {
    let s = parse(GOOD).unwrap();
    assert_eq!(s.title, "Contrat");
    assert_eq!(s.references, ["C. trav. L1242-12"]);
    assert_eq!(s.variables.len(), 3);
    assert_eq!(
        s.variables[1].required_if,
        Some(Condition::Equals("motif".into(), "remplacement".into()))
    );
    assert_eq!(s.body_line, 20);
}

#[test]
fn conditional_clauses_come_in_and_out() {
    let s = parse(GOOD).unwrap();
    let with = render(
        &s,
        &ctx(&[
            ("motif", Shown::Text("remplacement".into())),
            ("remplace", Shown::Text("Mme Martin".into())),
            ("essai", Shown::Flag(true)),
        ]),
    )
    .unwrap();
    assert!(
        with.contains("En remplacement de Mme Martin.")
            && with.contains("Avec une période d’essai."),
        "{with}"
    );
    assert!(
        with.contains("Entre Les Tilleuls et ."),
        "an employee not chosen is empty: {with}"
    );
    let without = render(&s, &ctx(&[("motif", Shown::Text("accroissement".into()))])).unwrap();
    assert!(
        !without.contains("Remplacement") && !without.contains("période d’essai"),
        "{without}"
    );
}

#[test]
fn a_value_is_printed_never_evaluated() {
    let s = parse(GOOD).unwrap();
    let out = render(
        &s,
        &ctx(&[
            ("motif", Shown::Text("remplacement".into())),
            (
                "remplace",
                Shown::Text("{{ 7*7 }} {% if true %}x{% endif %}".into()),
            ),
        ]),
    )
    .unwrap();
    assert!(
        out.contains("En remplacement de {{ 7*7 }} {% if true %}x{% endif %}."),
        "{out}"
    );
}

#[test]
fn bad_sources_are_refused_with_their_line() {
    let undeclared = GOOD.replace("{{ remplace }}", "{{ remplacant }}");
    let e = parse(&undeclared).unwrap_err();
    assert_eq!(e[0].field, "source");
    assert!(
        e[0].message.starts_with("Ligne 26 :") && e[0].message.contains("remplacant"),
        "{}",
        e[0].message
    );
    let e = parse(&GOOD.replace("type: yesno", "type: booléen")).unwrap_err();
    assert!(
        e[0].message.starts_with("Ligne 16 :") && e[0].message.contains("booléen"),
        "{}",
        e[0].message
    );
    let e = parse(&GOOD.replace("{% endif %}\n{% if essai", "\n{% if essai")).unwrap_err();
    assert!(e[0].message.contains("syntaxe"), "{}", e[0].message);
    let e = parse("title: x\n").unwrap_err();
    assert!(e[0].message.starts_with("Ligne 1 :"), "{}", e[0].message);
    let e = parse("---\ntitle: [\n---\nx").unwrap_err();
    assert!(
        e[0].message.contains("en-tête invalide"),
        "{}",
        e[0].message
    );
    let e = parse(&GOOD.replace("{{ membre.nom }}", "{{ membre.iban }}")).unwrap_err();
    assert!(e[0].message.contains("membre.iban"), "{}", e[0].message);
}

#[test]
fn the_diff_names_each_clause_changed() {
    let a = "# Objet\nA\n# Durée\nB\n# Fin\nC\n";
    let b = "# Objet\nA\n# Durée\nB modifiée\n# Rupture\nD\n";
    let d = diff(a, b);
    let kinds: Vec<(&str, &str)> = d
        .iter()
        .map(|c| (c.clause.as_str(), c.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Durée", "changed"),
            ("Rupture", "added"),
            ("Fin", "removed")
        ]
    );
}

proptest::proptest! {
    #[test]
    fn any_source_is_parsed_or_refused_without_panic(src in "\\PC{0,400}") {
        let _ = parse(&src);
        let _ = parse(&format!("---\ntitle: t\ncategory: c\n---\n{src}"));
    }
}
