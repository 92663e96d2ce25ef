//! The GDPR register's exports through the router: the register as it stood at a past
//! date and today, as a PDF (read back with pdftotext) and an XLSX (read back with
//! calamine); one activity's sheet; who may export and who learns nothing.
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, TimeZone, Utc};
use mutualis_core::authz::Role;
use mutualis_gdpr::entities::{gdpr_activities, gdpr_activity_versions};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::common::*;

fn activity(name: &str, purposes: &str) -> Value {
    json!({
        "name": name, "purposes": purposes, "role": "controller",
        "legal_bases": ["legal_obligation", "public_task"],
        "data_categories": ["identity", "health"], "art9_condition": "9.2.h",
        "person_categories": ["service_users"],
        "retention": [{"category": "health", "active": "20 ans", "intermediate": "", "final_fate": "destroy", "criterion": "Sortie"}],
        "security_measures": "Accès nominatif", "dpia_criteria": ["vulnerable_persons", "sensitive_data"],
    })
}

/// Creates an activity as `who` and returns its id.
async fn create(server: &axum_test::TestServer, who: &str, body: Value) -> String {
    let (s, v) = post_json(server, who, "/api/m/tilleuls/gdpr/activities", body).await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// Moves version `version` of activity `id` (and its creation, for version 1) to `at`:
/// the register's history as if it had been kept since then.
async fn backdate(
    ctx: &loco_rs::app::AppContext,
    id: &str,
    version: i32,
    at: chrono::DateTime<Utc>,
) {
    let id = uuid::Uuid::parse_str(id).unwrap();
    let n = gdpr_activity_versions::Entity::update_many()
        .col_expr(gdpr_activity_versions::Column::RecordedAt, Expr::value(at))
        .filter(gdpr_activity_versions::Column::ActivityId.eq(id))
        .filter(gdpr_activity_versions::Column::Version.eq(version))
        .exec(&ctx.db)
        .await
        .unwrap();
    assert_eq!(n.rows_affected, 1);
    if version == 1 {
        gdpr_activities::Entity::update_many()
            .col_expr(gdpr_activities::Column::CreatedAt, Expr::value(at))
            .filter(gdpr_activities::Column::Id.eq(id))
            .exec(&ctx.db)
            .await
            .unwrap();
    }
}

fn utc(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
}

/// A sheet of the workbook as text rows (dates as `JJ/MM/AAAA`, marked `date:`), from
/// its header row on.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::DateTime(d) => {
                        #[expect(clippy::cast_possible_truncation, reason = "whole days")]
                        let days = d.as_f64() as i64;
                        format!(
                            "date:{}",
                            (epoch + chrono::Duration::days(days)).format("%d/%m/%Y")
                        )
                    }
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect();
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "N°" || c == "Sous-traitant"))
        .unwrap_or_else(|| panic!("no header in {name}: {rows:?}"));
    rows[header..].to_vec()
}

/// The column `title` of a sheet's rows (after its header).
fn column(rows: &[Vec<String>], title: &str) -> Vec<String> {
    let c = rows[0]
        .iter()
        .position(|h| h == title)
        .unwrap_or_else(|| panic!("no column {title}: {:?}", rows[0]));
    rows[1..]
        .iter()
        .map(|r| r.get(c).cloned().unwrap_or_default())
        .collect()
}

fn disposition(res: &axum_test::TestResponse) -> String {
    res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_register_at_a_past_date_shows_what_existed_then_with_its_values_of_then() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("tilleuls", &["gdpr"]).await;
        let dpo_user = kit.user("dpo@tilleuls.test", Role::Dpo, Some(&m)).await;
        let dpo = kit.bearer(&dpo_user);
        let dir = kit.bearer(&kit.user("dir@tilleuls.test", Role::Director, Some(&m)).await);

        // Spring 2025: the file of the persons supported, and the volunteers.
        let dossier = create(&server, &dpo, activity("Dossier de l’usager", "Accompagnement éducatif")).await;
        backdate(&ctx, &dossier, 1, utc(2025, 3, 3)).await;
        let volunteers = create(&server, &dir, activity("Gestion des bénévoles", "Planning des bénévoles")).await;
        backdate(&ctx, &volunteers, 1, utc(2025, 3, 4)).await;
        // The volunteers' processing ended mid-June; the file was edited in September.
        let (s, _) = post_json(&server, &dir, &format!("/api/m/tilleuls/gdpr/activities/{volunteers}/archive"), json!({})).await;
        assert_eq!(s, 200);
        backdate(&ctx, &volunteers, 2, utc(2025, 6, 16)).await;
        gdpr_activities::Entity::update_many()
            .col_expr(gdpr_activities::Column::ArchivedAt, Expr::value(Some(utc(2025, 6, 16))))
            .filter(gdpr_activities::Column::Id.eq(uuid::Uuid::parse_str(&volunteers).unwrap()))
            .exec(&ctx.db)
            .await
            .unwrap();
        let r = server
            .put(&format!("/api/m/tilleuls/gdpr/activities/{dossier}"))
            .add_header("authorization", dpo.as_str())
            .json(&activity("Dossier de l’usager", "Accompagnement éducatif et suivi des soins"))
            .await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        backdate(&ctx, &dossier, 2, utc(2025, 9, 1)).await;
        // Today: video surveillance, and a processor.
        create(&server, &dir, activity("Vidéoprotection", "Sécurité des locaux")).await;
        let (s, v) = post_json(&server, &dpo, "/api/m/tilleuls/gdpr/processors",
            json!({"name": "Cloud Santé", "service": "Hébergement des dossiers", "art28_clauses": true, "expires_on": "2030-06-30"})).await;
        assert_eq!(s, 201, "{v}");

        // 1 May 2025: the file in its first wording and the volunteers; nothing of later.
        let res = api_get(&server, &dpo, "/api/m/tilleuls/gdpr/register.pdf?date=2025-05-01").await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(disposition(&res), "attachment; filename=\"registre-rgpd-tilleuls-2025-05-01.pdf\"");
        let pages = pdf_pages(res.as_bytes(), "registre-rgpd-2025-05-01");
        let text = pages.join("\n");
        assert!(pages[0].contains("Registre des activités de traitement") && pages[0].contains("État au 01/05/2025"), "{}", pages[0]);
        assert!(pages[0].contains("Association tilleuls") && pages[0].contains("dpo (dpo@tilleuls.test)"), "{}", pages[0]);
        assert!(pages[0].contains("2 traitements"), "{}", pages[0]);
        assert!(text.contains("Dossier de l’usager") && text.contains("Gestion des bénévoles"), "{text}");
        assert!(text.contains("Accompagnement éducatif") && !text.contains("suivi des soins"), "the September edit is not shown: {text}");
        assert!(!text.contains("Vidéoprotection"), "created after the date: {text}");
        assert!(!text.contains("Cloud Santé") && text.contains("Aucun sous-traitant inscrit à cette date."), "{text}");
        // In French, every field: legal bases, Art. 9, categories, retention, DPIA.
        for label in ["Obligation légale (art. 6.1.c)", "9.2.h — médecine, prise en charge sanitaire ou sociale",
            "Données de santé", "Usagers", "20 ans", "Destruction", "Personnes vulnérables", "Brouillon"] {
            assert!(text.contains(label), "{label} missing: {text}");
        }
        let n = pages.len();
        assert!(pages.iter().enumerate().all(|(i, p)| p.contains(&format!("Page {} / {n}", i + 1))), "{text}");

        // 1 July 2025: the volunteers' processing was archived in June.
        let pages = pdf_pages(api_get(&server, &dir, "/api/m/tilleuls/gdpr/register.pdf?date=2025-07-01").await.as_bytes(), "registre-rgpd-2025-07-01");
        let text = pages.join("\n");
        assert!(!text.contains("Gestion des bénévoles") && text.contains("Dossier de l’usager") && !text.contains("suivi des soins"), "{text}");
        assert!(pages[0].contains("1 traitement"), "{}", pages[0]);

        // Today (no date): the file as edited, video surveillance, the processor.
        let res = api_get(&server, &dir, "/api/m/tilleuls/gdpr/register.pdf").await;
        let today = mutualis_core::time::paris_today();
        assert_eq!(disposition(&res), format!("attachment; filename=\"registre-rgpd-tilleuls-{today}.pdf\""));
        let text = pdf_pages(res.as_bytes(), "registre-rgpd-today").join("\n");
        assert!(text.contains("suivi des soins") && text.contains("Vidéoprotection") && !text.contains("Gestion des bénévoles"), "{text}");
        assert!(text.contains("Cloud Santé") && text.contains("30/06/2030"), "{text}");

        // The XLSX at the same dates has the same rows.
        let res = api_get(&server, &dpo, "/api/m/tilleuls/gdpr/register.xlsx?date=2025-05-01").await;
        assert_eq!(res.status_code(), 200);
        assert_eq!(res.headers()["content-type"], mutualis_core::web::page::XLSX);
        assert_eq!(disposition(&res), "attachment; filename=\"registre-rgpd-tilleuls-2025-05-01.xlsx\"");
        let rows = sheet(res.as_bytes(), "Traitements");
        assert_eq!(column(&rows, "Traitement"), ["Dossier de l’usager", "Gestion des bénévoles"]);
        assert_eq!(column(&rows, "Finalités"), ["Accompagnement éducatif", "Planning des bénévoles"]);
        assert_eq!(column(&rows, "Version du"), ["date:03/03/2025", "date:04/03/2025"], "real dates");
        assert_eq!(column(&rows, "Bases légales (art. 6)")[0], "Obligation légale (art. 6.1.c)\u{202f}; Mission d’intérêt public (art. 6.1.e)");
        assert_eq!(column(&rows, "AIPD requise"), ["Oui", "Oui"]);
        let retention = sheet(res.as_bytes(), "Conservation");
        assert_eq!(column(&retention, "Traitement"), ["Dossier de l’usager", "Gestion des bénévoles"]);
        assert_eq!(column(&retention, "Catégorie de données"), ["Données de santé", "Données de santé"]);
        assert_eq!(column(&retention, "Sort final"), ["Destruction", "Destruction"]);
        let processors = sheet(res.as_bytes(), "Sous-traitants");
        assert!(column(&processors, "Sous-traitant").iter().all(|c| c.starts_with("Aucun")), "{processors:?}");
        let res = api_get(&server, &dpo, "/api/m/tilleuls/gdpr/register.xlsx").await;
        let rows = sheet(res.as_bytes(), "Traitements");
        assert_eq!(column(&rows, "Traitement"), ["Dossier de l’usager", "Vidéoprotection"]);
        assert_eq!(column(&rows, "Finalités")[0], "Accompagnement éducatif et suivi des soins");
        let processors = sheet(res.as_bytes(), "Sous-traitants");
        assert_eq!(column(&processors, "Sous-traitant"), ["Cloud Santé"]);
        assert_eq!(column(&processors, "Échéance du contrat"), ["date:30/06/2030"]);

        // A wrong date, or one to come, is refused naming the field; nothing is served.
        for bad in ["2025-02-31", "demain", &(today + chrono::Duration::days(1)).to_string()] {
            let res = api_get(&server, &dpo, &format!("/api/m/tilleuls/gdpr/register.pdf?date={bad}")).await;
            assert_eq!(res.status_code(), 422, "{bad}");
            let v: Value = res.json();
            assert_eq!(v["errors"][0]["field"], "date", "{v}");
        }

        // The same files from the pages, with the session.
        let web = kit.web(&dpo_user).await;
        let res = web_get(&server, &web, "/m/tilleuls/gdpr/register.xlsx?date=2025-07-01").await;
        assert_eq!(res.status_code(), 200);
        assert_eq!(column(&sheet(res.as_bytes(), "Traitements"), "Traitement"), ["Dossier de l’usager"]);
        let res = web_get(&server, &web, "/m/tilleuls/gdpr/register.pdf?date=2025-07-01").await;
        assert!(res.as_bytes().starts_with(b"%PDF-"));
        let res = web_get(&server, &web, &format!("/m/tilleuls/gdpr/register.pdf?date={}", today + chrono::Duration::days(1))).await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("aujourd’hui ou une date passée"), "{}", res.text());

        // One activity's sheet: as it stands, with its history — the archived one too.
        let res = api_get(&server, &dir, &format!("/api/m/tilleuls/gdpr/activities/{volunteers}/pdf")).await;
        assert_eq!(res.status_code(), 200);
        assert_eq!(disposition(&res), format!("attachment; filename=\"traitement-rgpd-tilleuls-gestion-des-benevoles-{today}.pdf\""));
        let text = pdf_pages(res.as_bytes(), "fiche-benevoles").join("\n");
        assert!(text.contains("Fiche de traitement") && text.contains("Gestion des bénévoles"), "{text}");
        // Archived on 16 June 2025 at 11:00 in Paris (09:00 UTC), version 2 of that day.
        assert!(text.contains("Archivé le") && text.contains("16/06/2025 à 11:00") && text.contains("version 2 du 16/06/2025"), "{text}");
        assert!(text.contains("Historique des versions") && text.contains("04/03/2025") && text.contains("Archivée"), "{text}");
        let res = web_get(&server, &web, &format!("/m/tilleuls/gdpr/activities/{dossier}/pdf")).await;
        let text = pdf_pages(res.as_bytes(), "fiche-dossier").join("\n");
        assert!(text.contains("suivi des soins") && text.contains("Pas encore vérifié par le DPO"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn the_director_and_the_dpo_export_other_roles_may_not_and_another_member_learns_nothing() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("tilleuls", &["gdpr"]).await;
        let other = kit.member("cedres", &["gdpr"]).await;
        let dpo_user = kit.user("dpo@tilleuls.test", Role::Dpo, Some(&m)).await;
        let id = create(
            &server,
            &kit.bearer(&dpo_user),
            activity("Traitement Quetzalcoatl", "Finalité Zébulonesque"),
        )
        .await;
        let files = [
            "register.pdf".to_string(),
            "register.xlsx?date=2025-01-01".to_string(),
            format!("activities/{id}/pdf"),
        ];
        let mut allowed = Vec::new();
        let users = [
            (
                kit.user("dir@tilleuls.test", Role::Director, Some(&m))
                    .await,
                Role::Director,
            ),
            (dpo_user, Role::Dpo),
            (
                kit.user("salarie@tilleuls.test", Role::Staff, Some(&m))
                    .await,
                Role::Staff,
            ),
            (
                kit.user("rh@tilleuls.test", Role::HrOfficer, Some(&m))
                    .await,
                Role::HrOfficer,
            ),
        ];
        for (u, role) in &users {
            let (role, email) = (*role, &u.email);
            let (bearer, web) = (kit.bearer(u), kit.web(u).await);
            for file in &files {
                let api = api_get(&server, &bearer, &format!("/api/m/tilleuls/gdpr/{file}")).await;
                let page = web_get(&server, &web, &format!("/m/tilleuls/gdpr/{file}")).await;
                let (a, p) = (api.status_code().as_u16(), page.status_code().as_u16());
                assert_eq!(a, p, "{email} {file}: the API and the page agree");
                if a == 200 {
                    allowed.push((role, file.clone()));
                } else {
                    assert_eq!(a, 403, "{email} {file}");
                    assert!(
                        !api.text().contains("Quetzalcoatl")
                            && !page.text().contains("Quetzalcoatl")
                    );
                    let v: Value = api.json();
                    assert!(v["error"].as_str().unwrap().contains("droits"), "{v}");
                }
            }
        }
        let expected: Vec<(Role, String)> = [Role::Director, Role::Dpo]
            .into_iter()
            .flat_map(|r| files.iter().map(move |f| (r, f.clone())))
            .collect();
        assert_eq!(allowed, expected);

        // Another member's director and DPO: 404 on the first member's slug, and with
        // the first member's activity id on their own; no byte of its data either way.
        for (email, role) in [
            ("dir@cedres.test", Role::Director),
            ("dpo@cedres.test", Role::Dpo),
        ] {
            let u = kit.user(email, role, Some(&other)).await;
            let (bearer, web) = (kit.bearer(&u), kit.web(&u).await);
            let mut paths: Vec<String> = files
                .iter()
                .map(|f| format!("/api/m/tilleuls/gdpr/{f}"))
                .collect();
            paths.push(format!("/api/m/cedres/gdpr/activities/{id}/pdf"));
            for path in &paths {
                let api = api_get(&server, &bearer, path).await;
                let page = web_get(&server, &web, path.trim_start_matches("/api")).await;
                for (res, what) in [(&api, "API"), (&page, "page")] {
                    assert_eq!(res.status_code(), 404, "{email} {what} {path}");
                    let body = res.text();
                    assert!(
                        !body.contains("Quetzalcoatl")
                            && !body.contains("Zébulonesque")
                            && !body.contains("%PDF"),
                        "{what} {path}: {body}"
                    );
                }
                assert!(
                    api.headers()["content-type"]
                        .to_str()
                        .unwrap()
                        .starts_with("application/json")
                );
            }
            // Its own register is its own: the first member's activity is not in it.
            let res = api_get(&server, &bearer, "/api/m/cedres/gdpr/register.pdf").await;
            assert_eq!(res.status_code(), 200);
            let text = pdf_pages(res.as_bytes(), "registre-cedres").join("\n");
            assert!(
                text.contains("Association cedres")
                    && text.contains("Aucun traitement inscrit au registre à cette date."),
                "{text}"
            );
            assert!(
                !text.contains("Quetzalcoatl") && !text.contains("tilleuls"),
                "{text}"
            );
        }
    })
    .await;
}
