//! HR skills and training (GPEC): the catalogue, levels (a re-assessment replaces the
//! previous one), trainings with certificates and interviews, the "à prévoir" list of
//! interviews and certificates; only HR roles of the member reach them.
use chrono::{Months, NaiveDate};
use mutualis_core::{authz::Role, time::paris_today};
use mutualis_hr::entities::{hr_employee_skills, hr_skills};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::common::*;

async fn hire(
    ctx: &loco_rs::app::AppContext,
    member_id: i64,
    matricule: &str,
    last_name: &str,
    entry: NaiveDate,
    exit: Option<NaiveDate>,
) -> Uuid {
    mutualis_hr::testkit::hire(&ctx.db, member_id, matricule, last_name, entry, exit).await
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn a_director_builds_the_catalogue_assesses_trains_and_sees_certificates_due() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let s = kit.web(&dir).await;
        let today = paris_today();
        // Hired two months ago: the first interview is ten months away, nothing due.
        let id = hire(
            &ctx,
            a.id,
            "A001",
            "DURAND",
            today.checked_sub_months(Months::new(2)).unwrap(),
            None,
        )
        .await;
        let page = web_get(&server, &s, "/m/alpha/hr/skills").await;
        assert_eq!(page.status_code(), 200);
        let text = page.text();
        assert!(text.contains("Le catalogue est vide"), "{text}");
        assert!(text.contains("Rien à prévoir"), "{text}");

        // The catalogue: a name is required, and unique (accents and case aside).
        let bad = web_post(&server, &s, "/m/alpha/hr/skills", &[("name", " ")]).await;
        assert_eq!(bad.status_code(), 422);
        assert!(
            bad.text()
                .contains("Le nom de la compétence est obligatoire.")
        );
        let ok = web_post(
            &server,
            &s,
            "/m/alpha/hr/skills",
            &[("name", "Bientraitance"), ("category", "Accompagnement")],
        )
        .await;
        assert_eq!(ok.status_code(), 303, "{}", ok.text());
        let text = follow(&server, &s, &ok).await.text();
        assert!(
            text.contains("Compétence « Bientraitance » ajoutée au catalogue."),
            "{text}"
        );
        let again = web_post(
            &server,
            &s,
            "/m/alpha/hr/skills",
            &[("name", "BIENTRAITANCE"), ("category", "")],
        )
        .await;
        assert_eq!(again.status_code(), 422);
        assert!(again.text().contains("déjà au catalogue"));
        assert!(again.text().contains("value=\"BIENTRAITANCE\""));
        let skill = hr_skills::Entity::find()
            .filter(hr_skills::Column::MemberId.eq(a.id))
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();

        // A level, then a re-assessment that replaces it.
        let levels = format!("/m/alpha/hr/employees/{id}/skills");
        let skill_id = skill.id.to_string();
        let bad = web_post(
            &server,
            &s,
            &levels,
            &[
                ("skill_id", skill_id.as_str()),
                ("level", "7"),
                ("assessed_on", &iso(today)),
            ],
        )
        .await;
        assert_eq!(bad.status_code(), 422);
        assert!(bad.text().contains("Choisissez un niveau de 1"));
        for level in ["2", "3"] {
            let r = web_post(
                &server,
                &s,
                &levels,
                &[
                    ("skill_id", skill_id.as_str()),
                    ("level", level),
                    ("assessed_on", &iso(today)),
                ],
            )
            .await;
            assert_eq!(r.status_code(), 303, "{}", r.text());
        }
        let rows = hr_employee_skills::Entity::find()
            .filter(hr_employee_skills::Column::MemberId.eq(a.id))
            .all(&ctx.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].level, 3);
        let (log, _) = mutualis_core::audit::page(&ctx.db, Some(a.id), 50, 0)
            .await
            .unwrap();
        let assessed: Vec<_> = log.iter().filter(|e| e.action == "assess").collect();
        assert_eq!(assessed.len(), 2);
        assert!(
            assessed
                .iter()
                .any(|e| e.details.contains("\"previous_level\":2"))
        );

        // A training whose certificate expires in 30 days.
        let expiry = today + chrono::Days::new(30);
        let r = web_post(
            &server,
            &s,
            &format!("{levels}/trainings"),
            &[
                ("title", "Sauveteur secouriste du travail"),
                ("provider", "INRS"),
                (
                    "start_date",
                    &iso(today.checked_sub_months(Months::new(24)).unwrap()),
                ),
                ("end_date", ""),
                ("hours", "14"),
                ("certificate", "SST"),
                ("certificate_expiry", &iso(expiry)),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let text = follow(&server, &s, &r).await.text();
        assert!(text.contains("Formation « Sauveteur secouriste du travail » enregistrée."));
        assert!(text.contains("3 / 4 — Maîtrise"), "{text}");
        assert!(text.contains("14 h") && text.contains("Expire bientôt"));
        // A certificate's expiry needs its name.
        let bad = web_post(
            &server,
            &s,
            &format!("{levels}/trainings"),
            &[
                ("title", "Habilitation"),
                ("start_date", &iso(today)),
                ("certificate_expiry", &iso(expiry)),
            ],
        )
        .await;
        assert_eq!(bad.status_code(), 422);
        assert!(bad.text().contains("Indiquez le certificat"));
        assert!(bad.text().contains("value=\"Habilitation\""));

        // The overview shows the certificate to renew, with the date and the time left.
        let text = web_get(&server, &s, "/m/alpha/hr/skills").await.text();
        assert!(text.contains("Entretiens et certifications à prévoir"));
        assert!(text.contains("Renouveler : SST"), "{text}");
        assert!(text.contains(&mutualis_core::time::fr_date(expiry)));
        assert!(text.contains("dans 30 jours"));
        assert!(text.contains("badge-warn\">Expire bientôt"));
        assert!(!text.contains("Rien à prévoir"));

        // An interview cannot be recorded before it is held.
        let bad = web_post(
            &server,
            &s,
            &format!("{levels}/interviews"),
            &[
                ("kind", "parcours"),
                ("held_on", &iso(today + chrono::Days::new(3))),
            ],
        )
        .await;
        assert_eq!(bad.status_code(), 422);
        assert!(bad.text().contains("ne peut pas être dans le futur"));
        let (log, _) = mutualis_core::audit::page(&ctx.db, Some(a.id), 50, 0)
            .await
            .unwrap();
        for (object, action) in [("hr_skill", "create"), ("training", "create")] {
            assert_eq!(
                log.iter()
                    .filter(|e| e.object_type == object && e.action == action)
                    .count(),
                1,
                "{object} {action}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn an_employee_hired_thirteen_months_ago_without_interview_is_overdue() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let s = kit.web(&rh).await;
        let today = paris_today();
        let entry = today.checked_sub_months(Months::new(13)).unwrap();
        let id = hire(&ctx, a.id, "A001", "DURAND", entry, None).await;
        // Gone last month, never interviewed: not in the lists.
        hire(
            &ctx,
            a.id,
            "A002",
            "PARTI",
            NaiveDate::from_ymd_opt(2020, 1, 6).unwrap(),
            Some(today.checked_sub_months(Months::new(1)).unwrap()),
        )
        .await;
        let text = web_get(&server, &s, "/m/alpha/hr/skills").await.text();
        let due = entry.checked_add_months(Months::new(12)).unwrap();
        assert!(text.contains("DURAND Camille"), "{text}");
        assert!(text.contains("Entretien de parcours professionnel"));
        assert!(text.contains(&mutualis_core::time::fr_date(due)));
        assert!(text.contains("badge-danger\">En retard"), "{text}");
        assert!(text.contains("en retard de"));
        assert!(!text.contains("PARTI"), "{text}");
        // The employee's page says the same.
        let page = web_get(&server, &s, &format!("/m/alpha/hr/employees/{id}/skills"))
            .await
            .text();
        assert!(page.contains("Camille DURAND — compétences et formation"));
        assert!(page.contains("En retard"));
        // Held today: the next one is four years on, nothing left to plan.
        let r = web_post(
            &server,
            &s,
            &format!("/m/alpha/hr/employees/{id}/skills/interviews"),
            &[
                ("kind", "parcours"),
                ("held_on", &iso(today)),
                ("notes", "Souhaite une VAE de moniteur-éducateur."),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let page = follow(&server, &s, &r).await.text();
        let next = today.checked_add_months(Months::new(48)).unwrap();
        assert!(page.contains(&mutualis_core::time::fr_date(next)), "{page}");
        assert!(page.contains("Souhaite une VAE"));
        let text = web_get(&server, &s, "/m/alpha/hr/skills").await.text();
        assert!(text.contains("Rien à prévoir"), "{text}");
        let (log, _) = mutualis_core::audit::page(&ctx.db, Some(a.id), 50, 0)
            .await
            .unwrap();
        let e = log
            .iter()
            .find(|e| e.object_type == "interview")
            .expect("the interview audited");
        assert_eq!(e.actor, "rh@alpha.test");
        assert!(!e.details.contains("VAE"), "notes stay out of the log");
    })
    .await;
}

#[tokio::test]
async fn only_hr_roles_of_the_member_reach_skills() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr", "gdpr"]).await;
        let b = kit.member("beta", &["hr"]).await;
        let id = hire(
            &ctx,
            a.id,
            "A001",
            "DURAND",
            NaiveDate::from_ymd_opt(2024, 9, 2).unwrap(),
            None,
        )
        .await;
        let page = format!("/m/alpha/hr/employees/{id}/skills");
        for role in [Role::Dpo, Role::Staff, Role::ItSupport] {
            let u = kit
                .user(&format!("{}@alpha.test", role.as_str()), role, Some(&a))
                .await;
            let s = kit.web(&u).await;
            assert_eq!(
                web_get(&server, &s, "/m/alpha/hr/skills")
                    .await
                    .status_code(),
                403,
                "{role:?}"
            );
            assert_eq!(
                web_get(&server, &s, &page).await.status_code(),
                403,
                "{role:?}"
            );
            assert_eq!(
                web_post(&server, &s, "/m/alpha/hr/skills", &[("name", "X")])
                    .await
                    .status_code(),
                403,
                "{role:?}"
            );
        }
        let rh = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let s = kit.web(&rh).await;
        assert_eq!(web_get(&server, &s, &page).await.status_code(), 200);
        // Beta's director: alpha's employee through beta's path is 404, for reading and
        // for every form.
        let dir_b = kit.user("dir@beta.test", Role::Director, Some(&b)).await;
        let sb = kit.web(&dir_b).await;
        let beta = format!("/m/beta/hr/employees/{id}/skills");
        assert_eq!(web_get(&server, &sb, &beta).await.status_code(), 404);
        let today = iso(paris_today());
        for (path, fields) in [
            (
                format!("{beta}/trainings"),
                vec![("title", "SST"), ("start_date", today.as_str())],
            ),
            (
                format!("{beta}/interviews"),
                vec![("kind", "parcours"), ("held_on", today.as_str())],
            ),
            (
                beta.clone(),
                vec![
                    ("skill_id", "00000000-0000-0000-0000-000000000000"),
                    ("level", "2"),
                    ("assessed_on", today.as_str()),
                ],
            ),
        ] {
            assert_eq!(
                web_post(&server, &sb, &path, &fields).await.status_code(),
                404,
                "{path}"
            );
        }
        // And alpha's list through alpha's path is not beta's director's either.
        assert_eq!(
            web_get(&server, &sb, "/m/alpha/hr/skills")
                .await
                .status_code(),
            404
        );
    })
    .await;
}
