//! A member's departure (docs/offboarding.md): the export zip holds every row of the
//! member and its documents, the dry run lists, the erasure keeps what the law keeps
//! and nothing else, other members are untouched.
use std::{
    collections::{BTreeMap, HashSet},
    io::{Cursor, Read},
};

use mutualis_core::{
    audit::{self, ChainReport},
    db::stmt,
    member,
    offboarding::{catalog, retention},
    time::paris_today,
};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::common::*;

const DEMO_PASSWORD: &str = "Mutualis-demo-2026";

async fn count<C: ConnectionTrait>(db: &C, table: &str, member_id: i64) -> u64 {
    let r = db
        .query_one_raw(stmt(
            db,
            &format!("SELECT COUNT(*) AS n FROM \"{table}\" WHERE member_id = ?"),
            vec![member_id.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    u64::try_from(r.try_get::<i64>("", "n").unwrap()).unwrap()
}

async fn counts<C: ConnectionTrait>(
    db: &C,
    tables: &[String],
    member_id: i64,
) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for t in tables {
        out.insert(t.clone(), count(db, t, member_id).await);
    }
    out
}

fn entry(zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> Vec<u8> {
    let mut f = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} missing from the zip"));
    let mut out = Vec::new();
    f.read_to_end(&mut out).unwrap();
    out
}

fn ids(rows: &[Value], pick: impl Fn(&Value) -> bool) -> HashSet<String> {
    rows.iter()
        .filter(|r| pick(r))
        .map(|r| {
            r["id"]
                .as_str()
                .map_or_else(|| r["id"].to_string(), str::to_string)
        })
        .collect()
}

fn date(v: &Value) -> Option<chrono::NaiveDate> {
    v.as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok())
}

async fn api_login(server: &axum_test::TestServer, email: &str) -> u16 {
    server
        .post("/api/auth/login")
        .json(&json!({"email": email, "password": DEMO_PASSWORD}))
        .await
        .status_code()
        .as_u16()
}

#[tokio::test]
async fn a_member_is_exported_then_erased_keeping_only_what_the_law_keeps() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        // The demo, plus a finalized invoice, an HR import and GDPR records of « tilleuls ».
        let alpha = crate::isolation::alpha_data(&server, &kit).await;
        let db = &ctx.db;
        let m = member::find_by_slug(db, &alpha.slug).await.unwrap().unwrap();
        let other = member::find_by_slug(db, "val-de-loire").await.unwrap().unwrap();
        let today = paris_today();
        // Two employees who left: one six years ago (out of the register), one four
        // years ago (still in it).
        let emp: Vec<String> = {
            let rows = mutualis_core::offboarding::export::table_rows(db, "hr_employees", m.id)
                .await
                .unwrap();
            rows.iter().take(2).map(|r| r["id"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(emp.len(), 2, "the demo has employees for tilleuls");
        for (id, years) in [(&emp[0], 6), (&emp[1], 4)] {
            let exit = today - chrono::Months::new(12 * years);
            let entry = exit - chrono::Months::new(24);
            db.execute_raw(stmt(
                db,
                "UPDATE hr_employees SET exit_date = ?, entry_date = ? WHERE member_id = ? AND id = ?",
                vec![exit.into(), entry.into(), m.id.into(), uuid::Uuid::parse_str(id).unwrap().into()],
            ))
            .await
            .unwrap();
        }
        let admin = web_of(&kit, "admin@coop.test").await;
        let board = web_of(&kit, "ca@coop.test").await;

        // The member's page offers the departure to the coop_admin only.
        let page = web_get(&server, &admin, "/coop/members/tilleuls").await;
        assert!(page.text().contains("Départ de l’adhérent"), "{}", page.text());
        let page = web_get(&server, &board, "/coop/members/tilleuls").await;
        assert!(!page.text().contains("Départ de l’adhérent"));
        let refused = web_get(&server, &board, "/coop/members/tilleuls/offboarding/export.zip").await;
        assert!(refused.status_code().is_client_error(), "{}", refused.status_code());

        // The export.
        let r = web_get(&server, &admin, "/coop/members/tilleuls/offboarding/export.zip").await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        assert_eq!(r.headers()["content-type"], "application/zip");
        let mut zip = zip::ZipArchive::new(Cursor::new(r.as_bytes().to_vec())).unwrap();
        let readme = String::from_utf8(entry(&mut zip, "README.md")).unwrap();
        assert!(readme.contains("Format des tables"));
        let manifest: Value = serde_json::from_slice(&entry(&mut zip, "manifest.json")).unwrap();
        assert_eq!(manifest["member"]["slug"], "tilleuls");
        let tables = catalog::member_tables(db).await.unwrap();
        assert!(tables.iter().any(|t| t == "hr_employees") && tables.iter().any(|t| t == "audit_log"));
        let mut exported: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for t in &tables {
            let rows: Vec<Value> =
                serde_json::from_slice(&entry(&mut zip, &format!("tables/{t}.json"))).unwrap();
            // Every row of the member, none of another: the count, each row's member,
            // and distinct ids.
            // The audit log has one row more: the export's own, written once it is built.
            let extra = u64::from(t == "audit_log");
            assert_eq!(rows.len() as u64 + extra, count(db, t, m.id).await, "{t}: rows exported");
            assert!(rows.iter().all(|r| r["member_id"] == json!(m.id)), "{t}: another member's row");
            if rows.first().is_some_and(|r| r.get("id").is_some()) {
                assert_eq!(ids(&rows, |_| true).len(), rows.len(), "{t}: ids");
            }
            let listed = manifest["tables"].as_array().unwrap().iter().find(|e| e["table"] == json!(t)).unwrap();
            assert_eq!(listed["rows"], json!(rows.len()));
            exported.insert(t.clone(), rows);
        }
        assert!(!exported["hr_employees"].is_empty() && !exported["billing_invoices"].is_empty());
        let emp_ids: HashSet<String> = exported["hr_employees"].iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
        assert!(emp.iter().all(|e| emp_ids.contains(e)));
        // Its people, without secrets.
        let users = String::from_utf8(entry(&mut zip, "tables/users.json")).unwrap();
        assert!(users.contains("directeur@tilleuls.example") && !users.contains("password"));
        assert!(!users.contains("directeur@val-de-loire.example"));
        let members_json: Value = serde_json::from_slice(&entry(&mut zip, "tables/members.json")).unwrap();
        assert_eq!(members_json[0]["slug"], "tilleuls");
        // The generated files.
        let names: Vec<String> = zip.file_names().map(str::to_string).collect();
        let find = |prefix: &str, ext: &str| {
            names
                .iter()
                .find(|n| n.starts_with(prefix) && n.ends_with(ext))
                .unwrap_or_else(|| panic!("no {prefix}…{ext} in {names:?}"))
                .clone()
        };
        let pdf = entry(&mut zip, &find("files/billing/factures/", ".pdf"));
        assert!(pdf.starts_with(b"%PDF"));
        let xml = String::from_utf8(entry(&mut zip, &find("files/billing/factures/", ".xml"))).unwrap();
        assert!(xml.contains("CrossIndustryInvoice"));
        assert!(entry(&mut zip, &find("files/hr/registre-du-personnel", ".pdf")).starts_with(b"%PDF"));
        assert!(entry(&mut zip, &find("files/gdpr/registre-rgpd", ".pdf")).starts_with(b"%PDF"));
        find("files/gdpr/registre-rgpd", ".xlsx");
        assert!(entry(&mut zip, &find("files/legal/documents/", ".pdf")).starts_with(b"%PDF"));
        for f in manifest["files"].as_array().unwrap() {
            assert!(names.contains(&f["path"].as_str().unwrap().to_string()));
        }

        // The dry run lists, per table, what goes and what stays; nothing changes.
        let before = counts(db, &tables, m.id).await;
        let other_before = counts(db, &tables, other.id).await;
        let dry = web_get(&server, &admin, "/coop/members/tilleuls/offboarding").await;
        assert_eq!(dry.status_code(), 200);
        let text = dry.text();
        for needle in ["billing_invoices", "hr_employees", "L123-22", "R1221-26", "abonnements en cours"] {
            assert!(text.contains(needle), "dry run without {needle}");
        }
        assert_eq!(counts(db, &tables, m.id).await, before, "the dry run changed nothing");

        // Refused while subscribed, and without the exact slug.
        let r = web_post(&server, &admin, "/coop/members/tilleuls/offboarding/erase", &[("confirm", "tilleuls")]).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("abonnements en cours"));
        let yesterday = (today - chrono::Days::new(1)).to_string();
        for s in member::subscriptions(db, m.id).await.unwrap() {
            if s.end_date.is_none_or(|e| e >= today) {
                let r = web_post(
                    &server,
                    &admin,
                    &format!("/coop/members/tilleuls/subscriptions/{}/end", s.id),
                    &[("end_date", yesterday.as_str())],
                )
                .await;
                assert_eq!(r.status_code(), 303);
            }
        }
        let r = web_post(&server, &admin, "/coop/members/tilleuls/offboarding/erase", &[("confirm", "Tilleuls")]).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("saisissez exactement"));
        assert_eq!(api_login(&server, "directeur@tilleuls.example").await, 200);

        // What the rules keep, counted from the export.
        let kept_invoices = ids(&exported["billing_invoices"], |r| {
            retention::kept(date(&r["issued_on"]), 10, false, today)
        });
        let kept_employees = ids(&exported["hr_employees"], |r| {
            retention::kept(date(&r["exit_date"]), 5, true, today)
        });
        assert!(!kept_invoices.is_empty());
        assert!(kept_employees.contains(&emp[1]) && !kept_employees.contains(&emp[0]));
        let of = |t: &str, col: &str, set: &HashSet<String>| {
            exported[t].iter().filter(|r| r[col].as_str().is_some_and(|v| set.contains(v))).count() as u64
        };
        let sites: HashSet<String> = exported["hr_employees"]
            .iter()
            .filter(|r| kept_employees.contains(r["id"].as_str().unwrap()))
            .filter_map(|r| r["establishment_id"].as_str().map(str::to_string))
            .collect();
        let mut expected: BTreeMap<String, u64> = tables.iter().map(|t| (t.clone(), 0)).collect();
        expected.insert("billing_invoices".into(), kept_invoices.len() as u64);
        expected.insert("billing_invoice_lines".into(), of("billing_invoice_lines", "invoice_id", &kept_invoices));
        expected.insert("billing_approvals".into(), of("billing_approvals", "invoice_id", &kept_invoices));
        expected.insert("hr_employees".into(), kept_employees.len() as u64);
        expected.insert("hr_contracts".into(), of("hr_contracts", "employee_id", &kept_employees));
        expected.insert("establishments".into(), sites.len() as u64);
        // Its good addresses that other members reviewed stay: the reviews are theirs.
        let reviewed = db
            .query_one_raw(stmt(
                db,
                "SELECT COUNT(DISTINCT address_id) AS n FROM practices_address_reviews WHERE address_member_id = ? AND member_id <> ?",
                vec![m.id.into(), m.id.into()],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        expected.insert("practices_addresses".into(), u64::try_from(reviewed).unwrap());

        // The erasure.
        let r = web_post(&server, &admin, "/coop/members/tilleuls/offboarding/erase", &[("confirm", "tilleuls")]).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let done = follow(&server, &admin, &r).await;
        assert!(done.text().contains("effacé"), "{}", done.text());
        let after = counts(db, &tables, m.id).await;
        for (t, n) in &after {
            if t == "audit_log" {
                // Every audit row stays, the export's and the erasure's added.
                assert!(*n > before[t], "audit_log: {n} <= {}", before[t]);
            } else {
                assert_eq!(*n, expected[t], "{t}: rows left after the erasure");
            }
        }
        let leaked = db
            .query_one_raw(stmt(
                db,
                "SELECT COUNT(*) AS n FROM hr_employees WHERE member_id = ? AND (nir <> '' OR email IS NOT NULL OR phone IS NOT NULL OR address IS NOT NULL)",
                vec![m.id.into()],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(leaked, 0, "kept employees keep only the register's fields");
        assert_eq!(counts(db, &tables, other.id).await, other_before, "another member's rows changed");
        assert!(matches!(audit::verify(db).await.unwrap(), ChainReport::Intact { .. }));
        let erased = member::find_by_slug(db, "tilleuls").await.unwrap().unwrap();
        assert!(erased.erased_at.is_some());
        // Its own accounts are gone; the shared DPO keeps hers.
        assert_eq!(api_login(&server, "directeur@tilleuls.example").await, 401);
        assert_eq!(api_login(&server, "rh@tilleuls.example").await, 401);
        assert_eq!(api_login(&server, "dpo@coop.example").await, 200);
        assert!(mutualis_core::auth::find_user_by_email(db, "directeur@tilleuls.example").await.unwrap().is_none());
        assert!(mutualis_core::offboarding::people::grants(db, m.id).await.unwrap().is_empty());
        // Once is enough.
        let r = web_post(&server, &admin, "/coop/members/tilleuls/offboarding/erase", &[("confirm", "tilleuls")]).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("déjà effacé"));
        let page = web_get(&server, &admin, "/coop/members/tilleuls").await;
        assert!(page.text().contains("Effacé"));
    })
    .await;
}
