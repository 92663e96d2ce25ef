use chrono::TimeZone;

use super::*;
use crate::activities::Retention;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 30, 0).unwrap()
}

fn activity(i: usize) -> ActivitySheet {
    ActivitySheet {
        id: Uuid::nil(),
        version: 2,
        status: "checked".into(),
        recorded_at: at(2026, 3, 2),
        created_at: at(2025, 11, 4),
        fields: ActivityFields {
            name: format!("Dossier de l’usager {i}"),
            purposes: "Accompagnement éducatif et suivi médico-social des personnes accueillies."
                .into(),
            role: "controller".into(),
            legal_bases: vec!["legal_obligation".into(), "public_task".into()],
            art9_condition: Some("9.2.h".into()),
            data_categories: vec!["identity".into(), "health".into(), "nir".into()],
            nir_basis: "Décret n° 2019-341 (cadre NIR)".into(),
            person_categories: vec!["service_users".into(), "families".into()],
            retention: vec![
                Retention {
                    category: "health".into(),
                    active: "20 ans après la sortie".into(),
                    intermediate: String::new(),
                    final_fate: "destroy".into(),
                    criterion: "Dernier passage".into(),
                },
                Retention {
                    category: "Courriers des familles".into(),
                    active: "5 ans".into(),
                    ..Default::default()
                },
            ],
            security_measures: "Accès nominatif, journal des accès.".into(),
            dpia_criteria: vec!["vulnerable_persons".into(), "sensitive_data".into()],
            ..Default::default()
        },
        dpia_required: true,
        dpia_override: None,
        dpia_override_reason: None,
        check: Some(DpoCheck {
            by: "dpo@coop.example".into(),
            at: at(2026, 3, 3),
            recommendations: Some("Limiter l’accès au dossier médical.".into()),
        }),
        archived_at: None,
        history: Vec::new(),
    }
}

/// Writes `bytes` under `$MUTUALIS_PDF_OUT` when set, to look at them.
fn keep(name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("MUTUALIS_PDF_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join(name), bytes).unwrap();
    }
}

fn register(n: usize) -> RegisterDoc {
    RegisterDoc {
        member: MemberFacts {
            slug: "tilleuls".into(),
            name: "Association Les Tilleuls".into(),
            siren: "732829320".into(),
            address: "3 rue des Lilas, 37000 Tours".into(),
            finess: None,
        },
        at: day(2026, 3, 31),
        generated_at: "07/12/2026 à 10:15".into(),
        dpos: vec!["Claire Martin (dpo@coop.example)".into()],
        activities: (1..=n).map(activity).collect(),
        processors: vec![ProcessorLine {
            name: "Cloud Santé".into(),
            service: "Hébergement HDS".into(),
            country: "France".into(),
            art28_clauses: true,
            expires_on: Some(day(2026, 1, 31)),
            recorded_on: day(2025, 6, 1),
            guarantees: Some("Certification HDS".into()),
            ..Default::default()
        }],
        coop_services: vec![CoopService {
            name: "Paie".into(),
            purposes: "Bulletins de paie".into(),
            data_categories: "Identité, NIR".into(),
            ..Default::default()
        }],
    }
}

#[test]
fn file_names_are_plain_ascii_and_dated() {
    assert_eq!(
        register_file_name("tilleuls", day(2026, 12, 7), "pdf"),
        "registre-rgpd-tilleuls-2026-12-07.pdf"
    );
    assert_eq!(
        activity_file_name(
            "tilleuls",
            "Dossier de l’usager (DUI) — Œuvre",
            day(2026, 12, 7)
        ),
        "traitement-rgpd-tilleuls-dossier-de-l-usager-dui-oeuvre-2026-12-07.pdf"
    );
    assert_eq!(
        activity_file_name("tilleuls", "« »", day(2026, 1, 2)),
        "traitement-rgpd-tilleuls-traitement-2026-01-02.pdf"
    );
    let long = ascii_slug(&"é".repeat(200), 60);
    assert_eq!(long.len(), 60);
}

#[test]
fn a_register_cannot_be_dated_after_today() {
    let today = day(2026, 12, 7);
    assert_eq!(export_date(today, today).unwrap(), today);
    assert_eq!(
        export_date(day(2025, 1, 1), today).unwrap(),
        day(2025, 1, 1)
    );
    let AppError::Validation(e) = export_date(day(2026, 12, 8), today).unwrap_err() else {
        panic!("not a validation error")
    };
    assert_eq!(e[0].field, "date");
    assert!(e[0].message.contains("08/12/2026"), "{}", e[0].message);
}

#[test]
fn fields_read_in_french() {
    let a = activity(1);
    assert_eq!(
        labels(&codes::LEGAL_BASES, &a.fields.legal_bases),
        [
            "Obligation légale (art. 6.1.c)",
            "Mission d’intérêt public (art. 6.1.e)"
        ]
    );
    assert_eq!(
        art9_label(&a.fields),
        "9.2.h — médecine, prise en charge sanitaire ou sociale"
    );
    assert_eq!(
        retention_category(&a.fields.retention[0]),
        "Données de santé"
    );
    assert_eq!(
        retention_category(&a.fields.retention[1]),
        "Courriers des familles"
    );
    assert_eq!(fate_label(&a.fields.retention[1]), BLANK);
    assert_eq!(
        xlsx::retention_summary(&a.fields.retention[0]),
        "Données de santé : base active 20 ans après la sortie, destruction"
    );
    assert_eq!(
        dpia_basis(&a),
        "Selon les critères (2 critères du CEPD remplis ; deux ou plus imposent une AIPD)"
    );
    let mut b = a.clone();
    b.dpia_override = Some("not_required".into());
    b.dpia_override_reason = Some("Traitement déjà couvert par l’AIPD du siège".into());
    b.dpia_required = false;
    assert_eq!(
        dpia_basis(&b),
        "AIPD écartée par décision motivée (2 critères du CEPD remplis) — motif : Traitement déjà couvert par l’AIPD du siège"
    );
    let mut none = ActivityFields::default();
    assert_eq!(
        art9_label(&none),
        "Sans objet (aucune donnée sensible déclarée)"
    );
    assert_eq!(nir_label(&none), "Sans objet (NIR non traité)");
    none.data_categories.push("nir".into());
    assert_eq!(nir_label(&none), BLANK);
    assert_eq!(
        expiry_label(Some(day(2026, 1, 31)), day(2026, 3, 31)),
        "31/01/2026 (échue)"
    );
    assert_eq!(
        expiry_label(Some(day(2026, 1, 31)), day(2026, 1, 31)),
        "31/01/2026"
    );
    assert_eq!(count_label(0), "Aucun traitement");
    assert_eq!(count_label(2), "2 traitements");
    assert_eq!(fr_siren("732829320"), "732\u{a0}829\u{a0}320");
}

#[test]
fn the_footer_keeps_the_date_whatever_the_name() {
    let mut r = register(0);
    assert_eq!(
        pdf::register_footer(&r),
        "Registre des activités de traitement — Association Les Tilleuls — état au 31/03/2026"
    );
    r.member.name = "Association départementale des amis et parents d’enfants inadaptés de la Haute-Savoie (ADAPEI 74)".into();
    let f = pdf::register_footer(&r);
    assert!(f.ends_with("… — état au 31/03/2026"), "{f}");
}

#[test]
fn the_summary_has_a_row_per_activity() {
    let t = pdf::summary_table(&register(3));
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.rows[0].cells[0], "1");
    assert_eq!(t.rows[0].cells[1], "Dossier de l’usager 1");
    assert_eq!(t.rows[0].cells[2], "Vérifiée par le DPO");
    assert_eq!(
        t.rows[0].cells[3],
        "Obligation légale (art. 6.1.c)\nMission d’intérêt public (art. 6.1.e)"
    );
    assert_eq!(t.rows[0].cells[4], "Oui");
    let retention = sections::retention_table(&activity(1).fields);
    assert_eq!(retention.rows.len(), 2);
    assert_eq!(retention.rows[1].cells[1], "5 ans");
    assert_eq!(retention.rows[1].cells[2], "—");
    assert_eq!(retention.rows[1].cells[3], BLANK);
}

#[test]
fn each_activity_starts_a_page_and_long_texts_flow() {
    // A cover with the summary, one page per short activity, one for the processors.
    let short = register(2);
    keep("unit-register.pdf", &pdf::register_pdf(&short).unwrap());
    keep("unit-register.xlsx", &xlsx::register_xlsx(&short).unwrap());
    let pages = pdf::register_layout(&short).unwrap().page_count();
    assert_eq!(pages, 4, "{pages} pages");
    // Long security measures (thousands of characters) run over pages.
    let mut long = register(1);
    long.activities[0].fields.security_measures = "Chiffrement des postes. ".repeat(900);
    assert!(pdf::register_layout(&long).unwrap().page_count() >= 5);
    let bytes = pdf::register_pdf(&long).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
}

#[test]
fn an_empty_register_still_renders() {
    let r = register(0);
    assert_eq!(pdf::register_layout(&r).unwrap().page_count(), 2);
    assert!(pdf::register_pdf(&r).unwrap().starts_with(b"%PDF"));
    let x = xlsx::register_xlsx(&r).unwrap();
    assert!(x.starts_with(b"PK\x03\x04"));
}

#[test]
fn one_activity_has_its_sheet_with_its_history() {
    let mut a = activity(1);
    a.archived_at = Some(at(2026, 4, 1));
    a.history = vec![VersionLine {
        version: 1,
        status: "draft".into(),
        recorded_at: at(2025, 11, 4),
        recorded_by: "dir@tilleuls.example".into(),
    }];
    let d = ActivityDoc {
        member: register(0).member,
        generated_at: "07/12/2026 à 10:15".into(),
        dpos: Vec::new(),
        activity: a,
    };
    assert_eq!(
        pdf::activity_footer(&d),
        "Fiche de traitement — Association Les Tilleuls — Dossier de l’usager 1"
    );
    let bytes = pdf::activity_pdf(&d).unwrap();
    keep("unit-activity.pdf", &bytes);
    assert!(bytes.starts_with(b"%PDF"));
}

#[test]
fn the_spreadsheet_has_a_column_per_field() {
    let r = register(2);
    for a in &r.activities {
        assert_eq!(xlsx::activity_row(1, a).len(), xlsx::ACTIVITY_HEADERS.len());
    }
    let x = xlsx::register_xlsx(&r).unwrap();
    assert!(x.starts_with(b"PK\x03\x04"));
}
