//! The audit log as people read it: French labels (no internal code), filters by member,
//! person, action and days kept across pages, the CSV of the filtered rows, and who may
//! see which rows.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use mutualis_core::{
    audit::{self, Actor, Filter, labels::describe, query},
    authz::Role,
    entities::audit_log,
};
use mutualis_hr::entities::hr_employees;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

use crate::{common::*, isolation::alpha_data};

/// The rows of the log's table, each cell by its column (`data-label`).
fn table(html: &str) -> Vec<BTreeMap<String, String>> {
    let doc = scraper::Html::parse_document(html);
    let tr = scraper::Selector::parse("table.audit tbody tr").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    doc.select(&tr)
        .map(|row| {
            row.select(&td)
                .map(|c| {
                    let text: String = c.text().collect::<Vec<_>>().join(" ");
                    (
                        c.value().attr("data-label").unwrap_or_default().to_string(),
                        text.split_whitespace().collect::<Vec<_>>().join(" "),
                    )
                })
                .collect()
        })
        .collect()
}

/// The visible text of the table (what a reader sees, not the filter's option values).
fn table_text(html: &str) -> String {
    table(html)
        .iter()
        .flat_map(|r| r.values().cloned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn total(html: &str) -> u64 {
    let doc = scraper::Html::parse_document(html);
    let p = scraper::Selector::parse("main p").unwrap();
    doc.select(&p)
        .map(|e| e.text().collect::<String>())
        .find_map(|t| {
            t.split_once(" entrée")
                .and_then(|(n, _)| n.trim().parse().ok())
        })
        .unwrap_or_else(|| panic!("no count of entries in the page"))
}

fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '_');
        boundary(before) && boundary(after)
    })
}

#[tokio::test]
async fn every_row_the_demo_records_reads_in_french() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        // The demo, an HR import, a closed period and an approved invoice.
        let alpha = alpha_data(&server, &kit).await;
        let m = mutualis_core::member::find_by_slug(&ctx.db, &alpha.slug)
            .await
            .unwrap()
            .unwrap();
        let dir = web_of(&kit, "dir@tilleuls.test").await;
        let e = hr_employees::Entity::find()
            .filter(hr_employees::Column::MemberId.eq(m.id))
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();
        // A full record read is audited (the NIR).
        let r = web_get(&server, &dir, &format!("/m/tilleuls/hr/employees/{}", e.id)).await;
        assert_eq!(r.status_code(), 200);

        let (rows, _) = query::export(&ctx.db, &Filter::default(), 1_000_000)
            .await
            .unwrap();
        let unlabelled: BTreeSet<String> =
            rows.iter().flat_map(|r| describe(r).unlabelled).collect();
        assert!(
            unlabelled.is_empty(),
            "codes without a French label: {unlabelled:#?}"
        );
        let pairs: BTreeSet<(String, String)> = rows
            .iter()
            .map(|r| (r.object_type.clone(), r.action.clone()))
            .collect();
        let keys: BTreeSet<String> = rows
            .iter()
            .filter_map(|r| serde_json::from_str::<serde_json::Value>(&r.details).ok())
            .filter_map(|v| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
            .flatten()
            .collect();
        eprintln!("demo audit pairs: {pairs:?}");
        for hr in ["employee", "leave_request", "hr_import"] {
            assert!(
                pairs.iter().any(|(o, _)| o == hr),
                "the demo records no {hr}"
            );
        }
        for billing in ["invoice", "billing_period", "billing_charge"] {
            assert!(
                pairs.iter().any(|(o, _)| o == billing),
                "the demo records no {billing}"
            );
        }

        // Page by page of each action, nothing internal shows: no object type, action
        // code, detail key or ISO date, no raw JSON or actor prefix.
        let admin = web_of(&kit, "admin@coop.test").await;
        let iso = |t: &str| {
            t.as_bytes().windows(10).any(|w| {
                w.iter().enumerate().all(|(i, b)| match i {
                    4 | 7 => *b == b'-',
                    _ => b.is_ascii_digit(),
                })
            })
        };
        for (o, a) in &pairs {
            let page = web_get(&server, &admin, &format!("/coop/audit?action={o}.{a}")).await;
            assert_eq!(page.status_code(), 200, "{o}.{a}");
            let html = page.text();
            let text = table_text(&html);
            assert!(!text.is_empty(), "{o}.{a}: no row shown");
            let mut codes: Vec<&str> = vec![o, a];
            codes.extend(keys.iter().map(String::as_str).filter(|k| k.contains('_')));
            for code in codes {
                assert!(
                    !has_word(&text, code),
                    "{o}.{a}: « {code} » shows in\n{text}"
                );
            }
            for raw in ["{\"", "\":", "système:", "clé-api:", "null"] {
                assert!(!text.contains(raw), "{o}.{a}: « {raw} » shows in\n{text}");
            }
            assert!(!iso(&text), "{o}.{a}: an ISO date shows in\n{text}");
        }

        // A few rows, word for word.
        let page = web_get(&server, &admin, "/coop/audit?action=employee.read_nir").await;
        let shown = table(&page.text());
        assert_eq!(shown[0]["Action"], "Consultation du NIR");
        assert_eq!(shown[0]["Qui"], "dir@tilleuls.test");
        assert!(shown[0]["Objet"].starts_with("Salarié"), "{:?}", shown[0]);
        assert_eq!(shown[0]["Détails"], format!("Matricule : {}", e.matricule));
        let page = web_get(&server, &admin, "/coop/audit?action=invoice.finalize").await;
        let shown = table(&page.text());
        assert_eq!(shown[0]["Action"], "Émission");
        assert_eq!(shown[0]["Adhérent"], m.name);
        assert!(
            shown[0]["Détails"].starts_with("Numéro : "),
            "{:?}",
            shown[0]
        );
        let page = web_get(&server, &admin, "/coop/audit?actor=système:démo").await;
        let shown = table(&page.text());
        assert!(!shown.is_empty());
        assert!(
            shown
                .iter()
                .all(|r| r["Qui"] == "Système (données de démonstration)"),
            "{shown:?}"
        );
    })
    .await;
}

/// Two members with some history: the admin adds an establishment to alpha, each
/// director gives a role in their member, and an API key sends 60 batches for alpha.
async fn history(server: &axum_test::TestServer, kit: &TestKit<'_>) -> (WebSession, WebSession) {
    let ctx = kit.ctx;
    let a = kit.member("alpha", &[]).await;
    let b = kit.member("beta", &[]).await;
    let admin = kit
        .web(&kit.user("admin@coop.test", Role::CoopAdmin, None).await)
        .await;
    let dir_a = kit
        .web(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await)
        .await;
    let dir_b = kit
        .web(&kit.user("dir@beta.test", Role::Director, Some(&b)).await)
        .await;
    let siret = mutualis_core::seed::luhn_complete(&format!("{}0001", a.siren));
    let r = web_post(
        server,
        &admin,
        "/coop/members/alpha/establishments",
        &[("name", "Foyer des Lilas"), ("siret", siret.as_str())],
    )
    .await;
    assert_eq!(r.status_code(), 303);
    for (s, slug) in [(&dir_a, "alpha"), (&dir_b, "beta")] {
        let email = format!("rh@{slug}.test");
        let r = web_post(
            server,
            s,
            &format!("/m/{slug}/users"),
            &[
                ("email", email.as_str()),
                ("name", "Camille Rh"),
                ("password", "mot-de-passe-assez-long"),
                ("role", "hr_officer"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
    }
    for i in 0..60 {
        audit::record(
            &ctx.db,
            &Actor::api_key("outil"),
            Some(a.id),
            "usage_batch",
            &format!("lot-{i}"),
            "ingest",
            json!({"accepted": i, "duplicates": 0, "rejected": 0}),
        )
        .await
        .unwrap();
    }
    (admin, dir_a)
}

async fn move_row(ctx: &loco_rs::app::AppContext, seq: i64, at: &str) {
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(at).unwrap().to_utc();
    audit_log::Entity::update_many()
        .col_expr(audit_log::Column::At, Expr::value(at))
        .filter(audit_log::Column::Seq.eq(seq))
        .exec(&ctx.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn each_filter_narrows_the_rows_and_pages_keep_it() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = history(&server, &kit).await;
        let all = web_get(&server, &admin, "/coop/audit").await.text();
        let everything = total(&all);

        // Member.
        let page = web_get(&server, &admin, "/coop/audit?member=beta")
            .await
            .text();
        let shown = table(&page);
        assert!(!shown.is_empty() && total(&page) < everything);
        assert!(
            shown.iter().all(|r| r["Adhérent"] == "Association beta"),
            "{shown:?}"
        );
        let page = web_get(&server, &admin, "/coop/audit?member=coop")
            .await
            .text();
        assert!(table(&page).iter().all(|r| r["Adhérent"] == "Coopérative"));
        assert!(total(&page) > 0 && total(&page) < everything);

        // Person.
        let page = web_get(&server, &admin, "/coop/audit?actor=dir%40beta.test")
            .await
            .text();
        let shown = table(&page);
        assert!(!shown.is_empty() && total(&page) < everything);
        assert!(
            shown.iter().all(|r| r["Qui"] == "dir@beta.test"),
            "{shown:?}"
        );

        // Action.
        let page = web_get(&server, &admin, "/coop/audit?action=establishment.create")
            .await
            .text();
        let shown = table(&page);
        assert_eq!(shown.len(), 1);
        assert!(shown[0]["Objet"].starts_with("Établissement"));
        assert_eq!(shown[0]["Action"], "Création");
        assert!(
            shown[0]["Détails"].contains("Nom : Foyer des Lilas"),
            "{shown:?}"
        );
        let page = web_get(&server, &admin, "/coop/audit?action=grant")
            .await
            .text();
        assert!(table(&page).iter().all(|r| r["Objet"].starts_with("Rôle")));

        // Days, in Paris: one row on 15 January 2025 at 11:00, one at 00:30 on the 16th
        // (23:30 UTC the day before).
        let (rows, _) = audit::page(&ctx.db, None, 1000, 0).await.unwrap();
        let est = rows
            .iter()
            .find(|r| r.object_type == "establishment")
            .unwrap()
            .seq;
        let grant = rows.iter().find(|r| r.object_type == "grant").unwrap().seq;
        move_row(&ctx, est, "2025-01-15T10:00:00Z").await;
        move_row(&ctx, grant, "2025-01-15T23:30:00Z").await;
        let page = web_get(&server, &admin, "/coop/audit?from=15/01/2025&to=2025-01-15")
            .await
            .text();
        let shown = table(&page);
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert_eq!(shown[0]["Date"], "15/01/2025 11:00");
        let page = web_get(&server, &admin, "/coop/audit?from=2025-01-16&to=2025-01-16")
            .await
            .text();
        let shown = table(&page);
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert_eq!(shown[0]["Date"], "16/01/2025 00:30");
        let page = web_get(&server, &admin, "/coop/audit?to=2025-01-16")
            .await
            .text();
        assert_eq!(total(&page), 2);
        let page = web_get(&server, &admin, "/coop/audit?from=2025-01-16")
            .await
            .text();
        assert_eq!(total(&page), everything - 1);

        // Filters combine, and the pages keep them.
        let q = "member=alpha&actor=cl%C3%A9-api%3Aoutil";
        let page = web_get(&server, &admin, &format!("/coop/audit?{q}"))
            .await
            .text();
        assert_eq!(total(&page), 60);
        assert_eq!(table(&page).len(), 50);
        assert!(page.contains("Page 1 sur 2"));
        let next = format!(
            "href=\"/coop/audit?{}&amp;page=2\"",
            q.replace('&', "&amp;")
        );
        assert!(page.contains(&next), "no {next} in the page");
        assert!(page.contains(&format!(
            "href=\"/coop/audit.csv?{}\"",
            q.replace('&', "&amp;")
        )));
        let page2 = web_get(&server, &admin, &format!("/coop/audit?{q}&page=2"))
            .await
            .text();
        let shown = table(&page2);
        assert_eq!(shown.len(), 10);
        assert!(
            shown
                .iter()
                .all(|r| r["Qui"] == "Clé d’API « outil »" && r["Adhérent"] == "Association alpha")
        );
        // The form shows the filter it applied.
        assert!(
            page2.contains("<option value=\"alpha\" selected>"),
            "{page2}"
        );
        let none = web_get(
            &server,
            &admin,
            &format!("/coop/audit?{q}&action=grant.create"),
        )
        .await
        .text();
        assert_eq!(total(&none), 0);
        assert!(none.contains("Aucune entrée ne correspond à ce filtre"));

        // Bad filters are named.
        let bad = web_get(&server, &admin, "/coop/audit?from=31/02/2026&member=zzz").await;
        assert_eq!(bad.status_code(), 422);
        let text = bad.text();
        assert!(
            text.contains("Date de début « 31/02/2026 » invalide"),
            "{text}"
        );
        assert!(text.contains("Aucun adhérent « zzz »."), "{text}");
        let bad = web_get(&server, &admin, "/coop/audit?from=2025-02-01&to=2025-01-01").await;
        assert_eq!(bad.status_code(), 422);
        assert!(
            bad.text()
                .contains("La date de fin précède la date de début.")
        );
    })
    .await;
}

fn csv_lines(r: &axum_test::TestResponse) -> Vec<String> {
    assert_eq!(r.status_code(), 200, "{}", r.text());
    assert_eq!(
        r.headers().get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(
        r.headers()
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"journal-audit-")
    );
    let body = r.text();
    let body = body.strip_prefix('\u{feff}').expect("a BOM for Excel");
    body.lines().map(str::to_string).collect()
}

#[tokio::test]
async fn the_csv_holds_the_filtered_rows() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = history(&server, &kit).await;
        let lines = csv_lines(
            &web_get(
                &server,
                &admin,
                "/coop/audit.csv?member=alpha&actor=cl%C3%A9-api%3Aoutil",
            )
            .await,
        );
        assert_eq!(
            lines[0],
            "N°;Date (heure de Paris);Qui;Adhérent;Objet;Identifiant;Action;Détails"
        );
        assert_eq!(lines.len(), 61);
        for (i, l) in lines[1..].iter().enumerate() {
            let cells: Vec<&str> = l.split(';').collect();
            assert_eq!(cells.len(), 8, "{l}");
            let date = cells[1].as_bytes();
            assert!(
                date.len() == 16 && date[2] == b'/' && date[5] == b'/' && date[13] == b':',
                "{l}"
            );
            assert_eq!(
                cells[2..7],
                [
                    "Clé d’API « outil »",
                    "Association alpha",
                    "Envoi de consommation",
                    &format!("lot-{}", 59 - i),
                    "Réception"
                ]
            );
            assert_eq!(
                cells[7],
                format!("Acceptés : {} · Doublons : 0 · Refusés : 0", 59 - i)
            );
        }
        // Unfiltered: every row.
        let (_, all) = audit::page(&ctx.db, None, 1, 0).await.unwrap();
        let lines = csv_lines(&web_get(&server, &admin, "/coop/audit.csv").await);
        assert_eq!(lines.len() as u64, all + 1);
        // A bad filter: the French page, no file.
        let r = web_get(&server, &admin, "/coop/audit.csv?to=hier").await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("Date de fin « hier » invalide"));
    })
    .await;
}

#[tokio::test]
async fn a_director_reads_only_their_members_rows_and_others_nothing() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (_, dir_a) = history(&server, &kit).await;
        let a = mutualis_core::member::find_by_slug(&ctx.db, "alpha")
            .await
            .unwrap()
            .unwrap();
        let (_, alpha_rows) = audit::page(&ctx.db, Some(a.id), 1, 0).await.unwrap();

        // The page: alpha's rows only, even when asked for another member; the choices
        // name no one from beta.
        for path in ["/m/alpha/audit", "/m/alpha/audit?member=beta"] {
            let page = web_get(&server, &dir_a, path).await;
            assert_eq!(page.status_code(), 200);
            let html = page.text();
            assert_eq!(total(&html), alpha_rows, "{path}");
            assert!(!html.contains("beta"), "{path} shows beta's rows or people");
        }
        let page = web_get(&server, &dir_a, "/m/alpha/audit?actor=dir%40alpha.test")
            .await
            .text();
        let shown = table(&page);
        assert!(!shown.is_empty() && (shown.len() as u64) < alpha_rows);
        assert!(shown.iter().all(|r| r["Qui"] == "dir@alpha.test"));
        assert!(!shown[0].contains_key("Adhérent"));

        // The CSV: the same rows, no member column.
        let lines = csv_lines(&web_get(&server, &dir_a, "/m/alpha/audit.csv?member=beta").await);
        assert_eq!(
            lines[0],
            "N°;Date (heure de Paris);Qui;Objet;Identifiant;Action;Détails"
        );
        assert_eq!(lines.len() as u64, alpha_rows + 1);
        assert!(lines.iter().all(|l| !l.contains("beta")));
        let lines =
            csv_lines(&web_get(&server, &dir_a, "/m/alpha/audit.csv?actor=dir%40alpha.test").await);
        assert_eq!(lines.len(), shown.len() + 1);

        // Who may not: alpha's HR officer (403), beta's director (404: alpha is none of
        // theirs), alpha's director on the cooperative's log, the board.
        let rh = web_of(&kit, "rh@alpha.test").await;
        for path in ["/m/alpha/audit", "/m/alpha/audit.csv"] {
            assert_eq!(
                web_get(&server, &rh, path).await.status_code(),
                403,
                "{path}"
            );
        }
        let dir_b = web_of(&kit, "dir@beta.test").await;
        for path in ["/m/alpha/audit", "/m/alpha/audit.csv"] {
            let r = web_get(&server, &dir_b, path).await;
            assert_eq!(r.status_code(), 404, "{path}");
            assert!(!r.text().contains("Association alpha"));
        }
        let board = kit
            .web(&kit.user("ca@coop.test", Role::Board, None).await)
            .await;
        for (s, path) in [
            (&dir_a, "/coop/audit.csv"),
            (&board, "/coop/audit.csv"),
            (&board, "/coop/audit"),
        ] {
            assert_eq!(web_get(&server, s, path).await.status_code(), 403, "{path}");
        }
    })
    .await;
}
