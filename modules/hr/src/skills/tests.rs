#![allow(clippy::unwrap_used)]
use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const P: InterviewKind = InterviewKind::Parcours;
const B: InterviewKind = InterviewKind::Bilan;

fn due(kind: InterviewKind, on: NaiveDate) -> Option<Due> {
    Some(Due { kind, due: on })
}

#[test]
fn first_interview_within_the_first_year() {
    let s = Schedule::default();
    assert_eq!(
        next_interview(d(2025, 3, 1), &[], &s),
        due(P, d(2026, 3, 1))
    );
    // End of month: 31 January + 12 months.
    assert_eq!(
        next_interview(d(2024, 1, 31), &[], &s),
        due(P, d(2025, 1, 31))
    );
    // 29 February + 12 months → 28 February.
    assert_eq!(
        next_interview(d(2024, 2, 29), &[], &s),
        due(P, d(2025, 2, 28))
    );
}

#[test]
fn then_every_four_years_after_the_last_one_held() {
    let s = Schedule::default();
    let entry = d(2025, 3, 1);
    assert_eq!(
        next_interview(entry, &[(P, d(2026, 2, 10))], &s),
        due(P, d(2030, 2, 10))
    );
    // The last one counts, whatever the order given.
    assert_eq!(
        next_interview(entry, &[(P, d(2028, 1, 15)), (P, d(2026, 2, 10))], &s),
        due(P, d(2032, 1, 15))
    );
}

#[test]
fn the_review_every_eight_years_takes_precedence_when_due_first() {
    let s = Schedule::default();
    let entry = d(2025, 3, 1);
    // Parcours 2026-02-10 and 2030-02-10: the next parcours would be 2034-02-10,
    // the review is due 2033-03-01 first.
    let held = [(P, d(2026, 2, 10)), (P, d(2030, 2, 10))];
    assert_eq!(next_interview(entry, &held, &s), due(B, d(2033, 3, 1)));
    // Held a little early, it answers that due date: then a parcours 4 years on,
    // and the next review at 16 years.
    let held = [(P, d(2026, 2, 10)), (P, d(2030, 2, 10)), (B, d(2033, 2, 1))];
    assert_eq!(next_interview(entry, &held, &s), due(P, d(2037, 2, 1)));
    let held = [
        (P, d(2026, 2, 10)),
        (P, d(2030, 2, 10)),
        (B, d(2033, 2, 1)),
        (P, d(2037, 2, 1)),
    ];
    // The parcours (2041-02-01) falls due a month before the 16-year review
    // (2041-03-01): one interview does both, by the parcours' date.
    assert_eq!(next_interview(entry, &held, &s), due(B, d(2041, 2, 1)));
    let held = [
        (P, d(2026, 2, 10)),
        (P, d(2030, 2, 10)),
        (B, d(2033, 2, 1)),
        (P, d(2036, 6, 1)),
    ];
    assert_eq!(next_interview(entry, &held, &s), due(P, d(2040, 6, 1)));
    let held = [
        (P, d(2026, 2, 10)),
        (P, d(2030, 2, 10)),
        (B, d(2033, 2, 1)),
        (P, d(2036, 6, 1)),
        (P, d(2040, 6, 1)),
    ];
    assert_eq!(next_interview(entry, &held, &s), due(B, d(2041, 3, 1)));
    // Held late, it still answers the 8-year date.
    let held = [(P, d(2026, 2, 10)), (B, d(2034, 1, 5))];
    assert_eq!(next_interview(entry, &held, &s), due(P, d(2038, 1, 5)));
    // Same day: the review.
    let s2 = Schedule {
        first_interview_months: 96,
        ..s
    };
    assert_eq!(next_interview(entry, &[], &s2), due(B, d(2033, 3, 1)));
}

#[test]
fn a_configured_schedule_and_reminders_turned_off() {
    let s = Schedule {
        first_interview_months: 6,
        interview_every_years: 2,
        review_every_years: 6,
        reminder_days: 30,
    };
    let entry = d(2025, 3, 1);
    assert_eq!(next_interview(entry, &[], &s), due(P, d(2025, 9, 1)));
    assert_eq!(
        next_interview(entry, &[(P, d(2025, 8, 20))], &s),
        due(P, d(2027, 8, 20))
    );
    let off = Schedule {
        first_interview_months: 0,
        interview_every_years: 0,
        review_every_years: 0,
        reminder_days: 60,
    };
    assert_eq!(next_interview(entry, &[], &off), None);
    let only_review = Schedule {
        first_interview_months: 0,
        interview_every_years: 0,
        ..Schedule::default()
    };
    assert_eq!(
        next_interview(entry, &[], &only_review),
        due(B, d(2033, 3, 1))
    );
}

#[test]
fn settings_map_to_a_schedule() {
    let m = hr_settings::Model {
        member_id: 1,
        alsace_moselle: false,
        first_interview_months: 12,
        interview_every_years: 4,
        review_every_years: 8,
        reminder_days: 60,
        updated_at: Utc::now(),
    };
    assert_eq!(Schedule::from(&m), Schedule::default());
    let neg = hr_settings::Model {
        reminder_days: -5,
        ..m
    };
    assert_eq!(Schedule::from(&neg).reminder_days, 0);
}

#[test]
fn status_of_a_due_date() {
    let today = d(2026, 3, 1);
    assert_eq!(status(d(2026, 2, 28), today, 60), Status::Overdue);
    assert_eq!(status(today, today, 60), Status::DueSoon);
    assert_eq!(status(d(2026, 4, 30), today, 60), Status::DueSoon);
    assert_eq!(status(d(2026, 5, 1), today, 60), Status::Ok);
    assert_eq!(Status::DueSoon.as_str(), "due_soon");
    // Certificates: expired, expiring within 60 days, valid.
    assert_eq!(
        certificate_label(certificate_status(d(2026, 2, 1), today, 60)),
        "expiré"
    );
    assert_eq!(
        certificate_label(certificate_status(d(2026, 3, 31), today, 60)),
        "expire bientôt"
    );
    assert_eq!(
        certificate_label(certificate_status(d(2027, 3, 1), today, 60)),
        "valide"
    );
}

#[test]
fn time_left_in_words() {
    let today = d(2026, 3, 1);
    assert_eq!(time_left(today, today), "aujourd’hui");
    assert_eq!(time_left(d(2026, 3, 2), today), "demain");
    assert_eq!(time_left(d(2026, 3, 4), today), "dans 3 jours");
    assert_eq!(time_left(d(2026, 2, 28), today), "en retard d’un jour");
    assert_eq!(time_left(d(2026, 2, 27), today), "en retard de 2 jours");
    assert_eq!(time_left(d(2026, 7, 1), today), "dans 4 mois");
    assert_eq!(time_left(d(2030, 2, 10), today), "dans 3 ans");
    assert_eq!(time_left(d(2025, 2, 1), today), "en retard de 13 mois");
    assert_eq!(time_left(d(2024, 2, 1), today), "en retard de 2 ans");
}

fn employee(id: u128, entry: NaiveDate, exit: Option<NaiveDate>) -> hr_employees::Model {
    hr_employees::Model {
        member_id: 1,
        id: Uuid::from_u128(id),
        matricule: format!("M{id}"),
        first_name: "Camille".into(),
        last_name: format!("NOM{id}"),
        sex: "F".into(),
        birth_date: d(1984, 12, 3),
        nationality: "française".into(),
        nir: String::new(),
        establishment_id: None,
        entry_date: entry,
        exit_date: exit,
        email: None,
        address: None,
        phone: None,
        permit_type: None,
        permit_number: None,
        permit_expiry: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn training(id: u128, employee: u128, cert: &str, expiry: NaiveDate) -> hr_trainings::Model {
    hr_trainings::Model {
        member_id: 1,
        id: Uuid::from_u128(id),
        employee_id: Uuid::from_u128(employee),
        title: format!("Formation {id}"),
        provider: None,
        start_date: d(2024, 1, 10),
        end_date: None,
        hours: Some("14".into()),
        certificate: Some(cert.into()),
        certificate_expiry: Some(expiry),
        created_by: "test".into(),
        created_at: Utc::now(),
    }
}

fn interview(employee: u128, kind: &str, on: NaiveDate) -> hr_interviews::Model {
    hr_interviews::Model {
        member_id: 1,
        id: new_id(),
        employee_id: Uuid::from_u128(employee),
        kind: kind.into(),
        held_on: on,
        notes: None,
        created_by: "test".into(),
        created_at: Utc::now(),
    }
}

#[test]
fn overview_lists_what_is_due_and_leaves_out_those_who_left() {
    let today = d(2026, 4, 1);
    let employees = [
        // Hired 13 months ago, no interview: overdue.
        employee(1, d(2025, 3, 1), None),
        // Interview held: next in 2030, fine; certificate expiring in 30 days.
        employee(2, d(2025, 3, 1), None),
        // Left: nothing reminded, not listed.
        employee(3, d(2020, 1, 1), Some(d(2026, 1, 31))),
        // Leaves in ten days: the interview due after the exit is not reminded.
        employee(4, d(2025, 5, 1), Some(d(2026, 4, 11))),
    ];
    let interviews = [interview(2, "parcours", d(2026, 2, 10))];
    let trainings = [
        training(10, 2, "SST", d(2026, 5, 1)),
        // The same certificate renewed later (case and accents aside): the older
        // one is superseded.
        training(11, 1, "Habilitation électrique", d(2026, 3, 1)),
        training(12, 1, "habilitation electrique", d(2029, 3, 1)),
        training(13, 3, "SST", d(2026, 2, 1)),
    ];
    let o = overview_of(
        &employees,
        &interviews,
        &trainings,
        &[],
        &Schedule::default(),
        today,
    );
    let names: Vec<&str> = o.employees.iter().map(|e| e.employee.as_str()).collect();
    assert_eq!(names, ["NOM1 Camille", "NOM2 Camille", "NOM4 Camille"]);
    assert_eq!(o.reminders.len(), 2, "{:?}", o.reminders);
    assert_eq!(o.reminders[0].employee_id, Uuid::from_u128(1));
    assert_eq!(o.reminders[0].subject, Subject::Interview(P));
    assert_eq!(o.reminders[0].due, d(2026, 3, 1));
    assert_eq!(o.reminders[0].status, Status::Overdue);
    assert_eq!(o.reminders[1].employee_id, Uuid::from_u128(2));
    assert_eq!(
        o.reminders[1].subject,
        Subject::Certificate {
            certificate: "SST".into(),
            training: "Formation 10".into()
        }
    );
    assert_eq!(o.reminders[1].status, Status::DueSoon);
    let second = &o.employees[1];
    assert_eq!(second.next, due(P, d(2030, 2, 10)));
    assert_eq!(second.next_status, Some(Status::Ok));
    assert_eq!(second.last_interview, Some(d(2026, 2, 10)));
    assert_eq!(second.trainings, 1);
    assert_eq!(o.employees[2].next, None);
}

#[test]
fn inputs_are_validated_in_french() {
    let today = d(2026, 4, 1);
    let e = SkillInput::default().validate().unwrap_err();
    assert_eq!(e[0].field, "name");
    assert!(
        SkillInput {
            name: " Bientraitance ".into(),
            category: String::new()
        }
        .validate()
        .unwrap()
            == ("Bientraitance".to_string(), None)
    );
    let e = LevelInput {
        skill_id: "x".into(),
        level: "5".into(),
        assessed_on: "2026-05-01".into(),
    }
    .validate(today)
    .unwrap_err();
    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["skill_id", "level", "assessed_on"]);
    let e = TrainingInput {
        title: "SST".into(),
        start_date: "10/01/2026".into(),
        end_date: "09/01/2026".into(),
        hours: "-3".into(),
        certificate_expiry: "10/01/2028".into(),
        ..TrainingInput::default()
    }
    .validate()
    .unwrap_err();
    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["end_date", "hours", "certificate"]);
    let t = TrainingInput {
        title: "Sauveteur secouriste du travail".into(),
        start_date: "2026-01-10".into(),
        end_date: "11/01/2026".into(),
        hours: "14,0".into(),
        certificate: "SST".into(),
        certificate_expiry: "2028-01-11".into(),
        ..TrainingInput::default()
    }
    .validate()
    .unwrap();
    assert_eq!(t.hours, Some(Decimal::from(14)));
    assert_eq!(t.certificate_expiry, Some(d(2028, 1, 11)));
    let e = InterviewInput {
        kind: "autre".into(),
        held_on: "2025-01-01".into(),
        notes: String::new(),
    }
    .validate(d(2025, 3, 1), today)
    .unwrap_err();
    assert_eq!(e[0].field, "kind");
    assert!(e[1].message.contains("01/03/2025"));
    assert!(
        InterviewInput {
            kind: "bilan".into(),
            held_on: "2026-05-01".into(),
            notes: String::new()
        }
        .validate(d(2025, 3, 1), today)
        .is_err()
    );
}
