use super::*;

fn input() -> ActivityInput {
    ActivityInput {
        name: "Dossier de l’usager".into(),
        purposes: "Accompagnement".into(),
        legal_bases: vec!["legal_obligation".into(), "public_task".into()],
        data_categories: vec!["identity".into(), "health".into()],
        art9_condition: Some("9.2.h".into()),
        person_categories: vec!["service_users".into()],
        ..Default::default()
    }
}

#[test]
fn codes_are_checked_one_by_one_and_named_by_index() {
    let mut i = input();
    i.legal_bases.push("whim".into());
    i.dpia_criteria = vec!["large_scale".into(), "astrology".into()];
    let e = i.validate().unwrap_err();
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["legal_bases[2]", "dpia_criteria[1]"]);
}

#[test]
fn health_data_need_their_article_9_condition_and_the_nir_its_basis() {
    let mut i = input();
    i.art9_condition = None;
    i.data_categories.push("nir".into());
    let e = i.validate().unwrap_err();
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["art9_condition", "nir_basis"]);
}

#[test]
fn two_criteria_require_a_dpia_unless_overridden_with_a_reason() {
    let mut i = input();
    i.dpia_criteria = vec!["sensitive_data".into(), "vulnerable_persons".into()];
    assert!(i.validate().unwrap().dpia_required);
    i.dpia_override = Some("not_required".into());
    let e = i.validate().unwrap_err();
    assert_eq!(e[0].field, "dpia_override_reason");
    i.dpia_override_reason = "Traitement couvert par l’AIPD du groupement".into();
    let v = i.validate().unwrap();
    assert!(!v.dpia_required);
    assert_eq!(v.dpia_override.as_deref(), Some("not_required"));
}

#[test]
fn a_draft_is_complete_once_its_essentials_are_there() {
    let v = input().validate().unwrap();
    let missing: Vec<String> = missing_for_completion(&v.fields)
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(missing, ["retention"]);
}

#[test]
fn fields_round_trip_through_their_json() {
    let v = input().validate().unwrap();
    let back = ActivityFields::parse(&v.fields.to_text());
    assert_eq!(back, v.fields);
    assert_eq!(ActivityFields::from_map(&v.fields.to_map()), v.fields);
}
