//! Demo HR data, on an empty development database: the CCN 66 point values, and for
//! `tilleuls` and `val-de-loire` a few dozen employees with contracts (CDI, CDD,
//! part-time, apprentice, amendments, leavers), sick notes, leave taken and pending, and
//! the monthly accruals since the start of the previous reference period. A staff
//! account (`salarie@tilleuls.example`) is linked to its employee record.
use chrono::{Datelike, Duration, NaiveDate, Utc};
use mutualis_core::{
    audit::Actor,
    auth::{self, NewUser},
    authz::{Authz, Role},
    entities::{establishments, members},
    error::AppResult,
    ids::new_id,
    seed::DEMO_PASSWORD,
    team,
    tenant::{Coop, CoopOwned, MemberOwned, Tenant},
    time::{Month, paris_today},
};
use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, PaginatorTrait, Set};

use crate::{
    contracts::{self, Terms},
    entities::{
        hr_employee_skills, hr_employees, hr_interviews, hr_point_values, hr_position_skills,
        hr_skills, hr_trainings,
    },
    ledger::{self, RequestInput},
};

const FIRST: [(&str, &str); 24] = [
    ("Claire", "F"),
    ("Thomas", "M"),
    ("Nadia", "F"),
    ("Julien", "M"),
    ("Sophie", "F"),
    ("Karim", "M"),
    ("Émilie", "F"),
    ("Lucas", "M"),
    ("Fatou", "F"),
    ("Antoine", "M"),
    ("Léa", "F"),
    ("Mehdi", "M"),
    ("Camille", "F"),
    ("Hugo", "M"),
    ("Aïcha", "F"),
    ("Nicolas", "M"),
    ("Manon", "F"),
    ("Yannick", "M"),
    ("Inès", "F"),
    ("Olivier", "M"),
    ("Chloé", "F"),
    ("Bruno", "M"),
    ("Sarah", "F"),
    ("Mathieu", "M"),
];

const LAST: [&str; 30] = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Diallo",
];

/// (position, qualification, coefficient) of CCN 66 jobs.
const JOBS: [(&str, &str, i32); 8] = [
    ("Éducateur spécialisé", "DEES", 434),
    ("Moniteur éducateur", "DEME", 411),
    ("Aide médico-psychologique", "DEAES", 376),
    ("Aide-soignant", "DEAS", 376),
    ("Infirmier", "DEI", 475),
    ("Agent de service intérieur", "", 354),
    ("Secrétaire", "", 369),
    ("Chef de service éducatif", "Cadre classe 3", 770),
];

fn nir(sex: &str, birth: NaiveDate, n: usize) -> String {
    let dept = [75, 44, 49, 37, 69, 13][n % 6];
    let body = format!(
        "{}{:02}{:02}{:02}{:03}{:03}",
        if sex == "F" { 2 } else { 1 },
        birth.year() % 100,
        birth.month(),
        dept,
        100 + (n * 37) % 800,
        100 + (n * 53) % 800
    );
    let key = 97 - body.parse::<u64>().unwrap_or(0) % 97;
    format!("{body}{key:02}")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

struct Demo {
    member: members::Model,
    tenant: Tenant,
    sites: Vec<establishments::Model>,
    count: usize,
    prefix: &'static str,
}

/// Seeds the demo HR data unless some employee exists.
///
/// # Errors
/// Database errors.
pub async fn demo(db: &DatabaseConnection, authz: &Authz) -> AppResult<bool> {
    let coop = Coop::for_task("demo seed");
    if hr_employees::Entity::find_across(coop).count(db).await? > 0 {
        return Ok(false);
    }
    let actor = Actor::system("démo");
    if hr_point_values::Entity::find_coop(coop).count(db).await? == 0 {
        for (from, value, source) in [
            ("2024-01-01", "3.93", "Valeur de démonstration"),
            (
                "2025-07-01",
                "3.96",
                "Valeur de démonstration (revalorisation)",
            ),
        ] {
            contracts::add_point_value(db, coop, &actor, "CCN66", from, value, source).await?;
        }
    }
    let mut demos = Vec::new();
    for (slug, count, prefix) in [("tilleuls", 30, "T"), ("val-de-loire", 24, "V")] {
        let Some(member) = mutualis_core::member::find_by_slug(db, slug).await? else {
            continue;
        };
        let sites = establishments::Entity::find_in(Tenant::for_task(member.id, "demo seed"))
            .all(db)
            .await?;
        demos.push(Demo {
            tenant: Tenant::for_task(member.id, "demo seed"),
            member,
            sites,
            count,
            prefix,
        });
    }
    let today = paris_today();
    for (k, d) in demos.iter().enumerate() {
        let mut ids = Vec::new();
        for i in 0..d.count {
            let n = i + k * 40;
            let (first, sex) = FIRST[(n * 7) % FIRST.len()];
            let last = LAST[(n * 11 + k) % LAST.len()];
            let birth = day(
                1962 + i32::try_from(n * 3 % 38).unwrap_or(0),
                1 + u32::try_from(n % 12).unwrap_or(0),
                1 + u32::try_from(n * 5 % 27).unwrap_or(0),
            );
            let entry_year = 2012 + i32::try_from(n % 14).unwrap_or(0);
            let entry = day(entry_year, 1 + u32::try_from((n * 5) % 12).unwrap_or(0), 1);
            let entry = entry.min(today - Duration::days(40));
            // Fixed-term contracts and apprenticeships of people still here are recent.
            let entry = if matches!(i % 10, 3 | 6) && i % 9 != 4 {
                today - Duration::days(60 + 20 * i64::try_from(i).unwrap_or(0))
            } else {
                entry
            };
            let (job, qual, coef) = JOBS[n % JOBS.len()];
            // Every 9th left the association, one long ago (beyond the register's five
            // years), the others recently.
            let exit = match i % 9 {
                4 if i < 9 => Some(day(2019, 8, 31).max(entry + Duration::days(200))),
                4 => Some(
                    (today - Duration::days(90 + 40 * i64::try_from(i).unwrap_or(0)))
                        .max(entry + Duration::days(60)),
                ),
                _ => None,
            };
            let site = d.sites.get(n % d.sites.len().max(1)).map(|s| s.id);
            let email = (i == 0 && d.prefix == "T").then(|| "salarie@tilleuls.example".to_string());
            let foreign = i == 7;
            let id = new_id();
            let now = Utc::now();
            hr_employees::Entity::insert_in(
                d.tenant,
                hr_employees::ActiveModel {
                    member_id: Set(d.member.id),
                    id: Set(id),
                    matricule: Set(format!("{}{:04}", d.prefix, i + 1)),
                    first_name: Set(first.to_string()),
                    last_name: Set(last.to_uppercase()),
                    sex: Set(sex.to_string()),
                    birth_date: Set(birth),
                    nationality: Set(if foreign {
                        "sénégalaise"
                    } else {
                        "française"
                    }
                    .to_string()),
                    nir: Set(nir(sex, birth, n)),
                    establishment_id: Set(site),
                    entry_date: Set(entry),
                    exit_date: Set(exit),
                    email: Set(email),
                    address: Set(None),
                    phone: Set(None),
                    permit_type: Set(foreign.then(|| "Carte de séjour pluriannuelle".to_string())),
                    permit_number: Set(foreign.then(|| "9912345014".to_string())),
                    permit_expiry: Set(foreign.then(|| day(today.year() + 2, 3, 31))),
                    created_at: Set(now),
                    updated_at: Set(now),
                },
                db,
            )
            .await?;
            let (kind, end, reason, hours) = match i % 10 {
                3 => (
                    "CDD",
                    Some(exit.unwrap_or(
                        entry + Duration::days(180 + 30 * i64::try_from(i).unwrap_or(0)),
                    )),
                    Some("Remplacement d’un salarié absent (congé maternité)".to_string()),
                    Decimal::from(35),
                ),
                5 => ("CDI", exit, None, Decimal::new(245, 1)),
                6 if i > 10 => (
                    "APPRENTISSAGE",
                    Some(entry + Duration::days(730)),
                    None,
                    Decimal::from(35),
                ),
                8 => ("CDI", exit, None, Decimal::new(175, 1)),
                _ => ("CDI", exit, None, Decimal::from(35)),
            };
            let ccn66 = !(d.prefix == "T" && i % 6 == 1);
            let terms = Terms {
                kind: kind.to_string(),
                start_date: entry,
                end_date: end,
                cdd_reason: reason,
                trial_end: Some(entry + Duration::days(if kind == "CDI" { 60 } else { 14 })),
                weekly_hours: hours,
                agreement: if ccn66 { "CCN66" } else { "CCN51" }.to_string(),
                position: job.to_string(),
                qualification: (!qual.is_empty()).then(|| qual.to_string()),
                coefficient: Some(coef),
                step: Some(i32::try_from(i % 8).unwrap_or(0)),
                quarterly_leave: ccn66
                    && (job.contains("éduca") || job.contains("Éduca") || job.contains("Moniteur")),
                agency: None,
            };
            let v1 = contracts::insert_new(db, d.tenant, id, &terms, &actor.label).await?;
            // Some contracts have an amendment: a step up in seniority, or a move to
            // part-time.
            if i % 4 == 2 && exit.is_none() {
                let from = (entry + Duration::days(400)).min(today - Duration::days(30));
                if from > v1.valid_from {
                    let mut t = Terms::of(&v1);
                    t.step = v1.step.map(|s| s + 1);
                    let reason = if i % 8 == 2 {
                        t.weekly_hours = Decimal::from(28);
                        "Passage à temps partiel (80 %) à la demande du salarié"
                    } else {
                        "Avancement d’échelon"
                    };
                    contracts::insert_next(
                        db,
                        d.tenant,
                        &v1,
                        from,
                        Some(reason.to_string()),
                        &t,
                        &actor.label,
                    )
                    .await?;
                }
            }
            ids.push((id, entry, exit, i));
        }
        // Absences recorded by HR: sick notes and a work accident, in the last months.
        for (id, entry, exit, i) in &ids {
            if exit.is_some() {
                continue;
            }
            let start = today - Duration::days(30 * i64::try_from(i % 7).unwrap_or(0) + 20);
            if start < *entry {
                continue;
            }
            let (t, len) = match i % 6 {
                1 => ("MAL", 9),
                4 => ("MAL", 40),
                5 if *i == 5 => ("AT", 21),
                _ => continue,
            };
            let input = RequestInput {
                leave_type: t.to_string(),
                start_date: start.to_string(),
                end_date: (start + Duration::days(len)).to_string(),
                comment: "Arrêt de travail reçu".to_string(),
            };
            ledger::request_for(db, d.tenant, &actor, *id, &input, false).await?;
        }
        gpec(db, d.tenant, &ids, &actor.label).await?;
        // Accruals since the previous reference period began.
        let (start, _) = crate::calendar::reference_period(today);
        let mut month = Month::parse(&format!("{}-06", start.year() - 1))?;
        let last = Month::of(Utc::now()).prev();
        while month <= last {
            ledger::run_accruals(db, d.tenant, month, &actor).await?;
            month = month.next();
        }
        // Leave taken this summer and a few requests waiting for the director.
        for (id, _, exit, i) in &ids {
            if exit.is_some() {
                continue;
            }
            let summer = day(today.year(), 8, 3);
            let (from, to, pending) = match i % 5 {
                0 | 3 if summer < today => (summer, day(today.year(), 8, 14), false),
                1 => (
                    today + Duration::days(20 + i64::try_from(*i).unwrap_or(0)),
                    today + Duration::days(24 + i64::try_from(*i).unwrap_or(0)),
                    true,
                ),
                _ => continue,
            };
            let input = RequestInput {
                leave_type: "CP".to_string(),
                start_date: from.to_string(),
                end_date: to.to_string(),
                comment: String::new(),
            };
            let Ok(r) = ledger::request_for(db, d.tenant, &actor, *id, &input, false).await else {
                continue;
            };
            if !pending {
                ledger::decide_for(db, d.tenant, &actor, r.id, true, "Bon été").await?;
            }
        }
    }
    // The staff account of the self-service page.
    if let Some(d) = demos.first() {
        let u = auth::create_user(
            db,
            &actor,
            &NewUser {
                email: "salarie@tilleuls.example".to_string(),
                name: "Claire Martin".to_string(),
                password: DEMO_PASSWORD.to_string(),
            },
        )
        .await?;
        team::grant(db, authz, &actor, u.id, Role::Staff, Some(d.member.id)).await?;
    }
    Ok(true)
}

/// Skills, training and interviews: most employees had their interview on time, a few
/// are due, a first-aid certificate expires soon.
async fn gpec(
    db: &DatabaseConnection,
    tenant: Tenant,
    ids: &[(uuid::Uuid, NaiveDate, Option<NaiveDate>, usize)],
    by: &str,
) -> AppResult<()> {
    let today = paris_today();
    let now = Utc::now();
    let mut skills = Vec::new();
    for (name, category) in [
        ("Bientraitance", "Accompagnement"),
        ("Sauveteur secouriste du travail", "Sécurité"),
        ("Écrits professionnels", "Communication"),
        (
            "Accompagnement des troubles du spectre autistique",
            "Accompagnement",
        ),
        ("Manutention des personnes", "Sécurité"),
    ] {
        let id = new_id();
        hr_skills::Entity::insert_in(
            tenant,
            hr_skills::ActiveModel {
                member_id: Set(tenant.member_id()),
                id: Set(id),
                name: Set(name.to_string()),
                category: Set(Some(category.to_string())),
                created_at: Set(now),
            },
            db,
        )
        .await?;
        skills.push(id);
    }
    // What some positions require.
    for (position, skill, level) in [
        ("Éducateur spécialisé", 0, 3),
        ("Éducateur spécialisé", 2, 3),
        ("Éducateur spécialisé", 3, 2),
        ("Aide-soignant", 4, 3),
        ("Aide-soignant", 0, 2),
        ("Moniteur éducateur", 0, 3),
    ] {
        hr_position_skills::Entity::insert_in(
            tenant,
            hr_position_skills::ActiveModel {
                member_id: Set(tenant.member_id()),
                id: Set(new_id()),
                position: Set(position.to_string()),
                skill_id: Set(skills[skill]),
                level: Set(level),
                created_by: Set(by.to_string()),
                created_at: Set(now),
            },
            db,
        )
        .await?;
    }
    for (employee_id, entry, exit, i) in ids {
        if exit.is_some() {
            continue;
        }
        for (k, skill) in skills.iter().enumerate().filter(|(k, _)| (i + k) % 3 == 0) {
            hr_employee_skills::Entity::insert_in(
                tenant,
                hr_employee_skills::ActiveModel {
                    member_id: Set(tenant.member_id()),
                    id: Set(new_id()),
                    employee_id: Set(*employee_id),
                    skill_id: Set(*skill),
                    level: Set(1 + i32::try_from((i + k) % 4).unwrap_or(0)),
                    assessed_on: Set(
                        today - Duration::days(100 + 30 * i64::try_from(k).unwrap_or(0))
                    ),
                    created_by: Set(by.to_string()),
                    created_at: Set(now),
                },
                db,
            )
            .await?;
        }
        if i % 3 != 2 {
            let start = today - Duration::days(300 + 45 * i64::try_from(*i).unwrap_or(0));
            let start = start.max(*entry);
            hr_trainings::Entity::insert_in(
                tenant,
                hr_trainings::ActiveModel {
                    member_id: Set(tenant.member_id()),
                    id: Set(new_id()),
                    employee_id: Set(*employee_id),
                    title: Set("Sauveteur secouriste du travail".to_string()),
                    provider: Set(Some("INRS — organisme habilité".to_string())),
                    start_date: Set(start),
                    end_date: Set(Some(start + Duration::days(1))),
                    hours: Set(Some("14".to_string())),
                    certificate: Set(Some("Certificat SST".to_string())),
                    certificate_expiry: Set(Some(start + Duration::days(730))),
                    created_by: Set(by.to_string()),
                    created_at: Set(now),
                },
                db,
            )
            .await?;
        }
        // Interviews held on time for most; every fifth is due or late.
        if i % 5 != 1 {
            let mut held = *entry + Duration::days(330);
            while held + Duration::days(4 * 365) < today {
                hr_interviews::Entity::insert_in(
                    tenant,
                    hr_interviews::ActiveModel {
                        member_id: Set(tenant.member_id()),
                        id: Set(new_id()),
                        employee_id: Set(*employee_id),
                        kind: Set("parcours".to_string()),
                        held_on: Set(held),
                        notes: Set(None),
                        created_by: Set(by.to_string()),
                        created_at: Set(now),
                    },
                    db,
                )
                .await?;
                held += Duration::days(4 * 365 - 20);
            }
            if held < today {
                hr_interviews::Entity::insert_in(
                    tenant,
                    hr_interviews::ActiveModel {
                        member_id: Set(tenant.member_id()),
                        id: Set(new_id()),
                        employee_id: Set(*employee_id),
                        kind: Set("parcours".to_string()),
                        held_on: Set(held),
                        notes: Set(None),
                        created_by: Set(by.to_string()),
                        created_at: Set(now),
                    },
                    db,
                )
                .await?;
            }
        }
    }
    Ok(())
}
