//! HR beyond the employee: dated contract versions and the CCN 66 pay basis, the
//! personnel register at a past date, the leave ledger (accrual runs with their numbers,
//! idempotence, approval), the spreadsheet import, the monthly meter, and who reaches
//! what.
use axum_test::{
    TestServer,
    multipart::{MultipartForm, Part},
};
use mutualis_core::authz::Role;
use serde_json::{Value, json};

use crate::common::*;

fn nir(sex: u8, yy: &str, mm: &str, tail: &str) -> String {
    mutualis_hr::testkit::nir(&format!("{sex}{yy}{mm}75{tail}"))
}

/// Creates an employee (F, born 1984-03-…) and returns its id.
async fn hire(
    server: &TestServer,
    bearer: &str,
    matricule: &str,
    last: &str,
    entry: &str,
) -> String {
    let (status, v) = post_json(
        server,
        bearer,
        "/api/m/alpha/hr/employees",
        json!({
            "matricule": matricule, "first_name": "Camille", "last_name": last, "sex": "F",
            "birth_date": "1984-03-12", "nationality": "française",
            "nir": nir(2, "84", "03", &format!("{:06}", matricule.len() * 1000 + last.len())),
            "entry_date": entry, "establishment": "", "email": format!("{}@alpha.test", last.to_lowercase()),
        }),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn cdi(start: &str, hours: &str) -> Value {
    json!({"kind": "CDI", "start_date": start, "weekly_hours": hours, "agreement": "CCN 66",
           "position": "Éducatrice spécialisée", "qualification": "DEES", "coefficient": "434", "step": "3"})
}

async fn contract(server: &TestServer, bearer: &str, employee: &str, body: Value) -> String {
    let (status, v) = post_json(
        server,
        bearer,
        &format!("/api/m/alpha/hr/employees/{employee}/contracts"),
        body,
    )
    .await;
    assert_eq!(status, 201, "{v}");
    v["contract_id"].as_str().unwrap().to_string()
}

async fn balance(
    server: &TestServer,
    bearer: &str,
    employee: &str,
    leave_type: &str,
) -> Vec<(String, String)> {
    let v: Value = api_get(
        server,
        bearer,
        &format!("/api/m/alpha/hr/employees/{employee}/leave"),
    )
    .await
    .json();
    v["balances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["leave_type"] == leave_type)
        .map(|b| {
            (
                b["period"].as_str().unwrap().to_string(),
                b["balance"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn accrue(server: &TestServer, bearer: &str, month: &str) -> Value {
    let (status, v) = post_json(
        server,
        bearer,
        "/api/m/alpha/hr/leave/accruals",
        json!({"month": month}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v
}

#[tokio::test]
async fn contracts_are_dated_versions_and_ccn66_pay_follows_the_dated_point_value() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let e = hire(&server, &rh, "C1", "Durand", "2024-09-01").await;
        // A CDD without its end and reason: both named.
        let (status, v) = post_json(
            &server,
            &rh,
            &format!("/api/m/alpha/hr/employees/{e}/contracts"),
            json!({"kind": "CDD", "start_date": "2024-09-01", "weekly_hours": "35", "agreement": "CCN 66", "position": "Éducatrice", "coefficient": "434"}),
        )
        .await;
        assert_eq!(status, 422);
        let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["end_date", "cdd_reason"]);
        // Before the entry date: refused.
        let (status, _) = post_json(&server, &rh, &format!("/api/m/alpha/hr/employees/{e}/contracts"), cdi("2024-08-01", "35")).await;
        assert_eq!(status, 422);
        let c = contract(&server, &rh, &e, cdi("2024-09-01", "35")).await;
        // An amendment must take effect after the version in force, with its reason.
        let mut amend = cdi("2024-09-01", "28");
        amend["valid_from"] = json!("2024-09-01");
        amend["reason"] = json!("Temps partiel");
        let (status, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/contracts/{c}/versions"), amend.clone()).await;
        assert_eq!(status, 422);
        assert_eq!(v["errors"][0]["field"], "valid_from");
        amend["valid_from"] = json!("2025-03-01");
        let (status, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/contracts/{c}/versions"), amend).await;
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["version"], 2);
        let list: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/employees/{e}/contracts")).await.json();
        let versions = list[0]["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!((versions[0]["weekly_hours"].as_str(), versions[0]["valid_from"].as_str()), (Some("35"), Some("2024-09-01")));
        assert_eq!((versions[1]["weekly_hours"].as_str(), versions[1]["valid_from"].as_str()), (Some("28"), Some("2025-03-01")));
        // The point value is dated configuration: the record shows the basis in force.
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let s = kit.web(&admin).await;
        let r = web_post(&server, &s, "/coop/hr/point-values", &[("agreement", "CCN66"), ("valid_from", "2024-01-01"), ("value", "3,93"), ("source", "test")]).await;
        assert_eq!(r.status_code(), 303);
        let r = web_post(&server, &s, "/coop/hr/point-values", &[("agreement", "CCN66"), ("valid_from", "2024-01-01"), ("value", "4")]).await;
        assert_eq!(r.status_code(), 422, "a date already set is refused");
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            mutualis_hr::contracts::point_value_at(&ctx.db, "CCN66", day("2023-12-31")).await.unwrap(),
            None
        );
        web_post(&server, &s, "/coop/hr/point-values", &[("agreement", "CCN66"), ("valid_from", "2025-07-01"), ("value", "3.96")]).await;
        assert_eq!(
            mutualis_hr::contracts::point_value_at(&ctx.db, "CCN66", day("2025-06-30")).await.unwrap().unwrap().to_string(),
            "3.93"
        );
        let web = kit.web(&mutualis_core::auth::find_user_by_email(&ctx.db, "rh@alpha.test").await.unwrap().unwrap()).await;
        let page = web_get(&server, &web, &format!("/m/alpha/hr/employees/{e}")).await.text();
        // 434 × 3.96 = 1 718,64 € full time; × 80 % = 1 374,91 €.
        assert!(page.contains("1\u{202f}718,64\u{a0}€") || page.contains("1 718,64"), "{page}");
        assert!(page.contains("1\u{202f}374,91") || page.contains("1 374,91"), "{page}");
        assert!(page.contains("Historique des versions (2)"));
        // An HR officer cannot set the cooperative's point values.
        let r = web_post(&server, &web, "/coop/hr/point-values", &[("agreement", "CCN66"), ("valid_from", "2026-01-01"), ("value", "4")]).await;
        assert_eq!(r.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn the_register_shows_the_staff_at_any_past_date_and_keeps_leavers_five_years() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let old = hire(&server, &rh, "R1", "Ancien", "2015-01-05").await;
        contract(&server, &rh, &old, cdi("2015-01-05", "35")).await;
        let mid = hire(&server, &rh, "R2", "Milieu", "2020-02-01").await;
        contract(&server, &rh, &mid, json!({"kind": "CDD", "start_date": "2020-02-01", "end_date": "2030-01-31", "cdd_reason": "Remplacement", "weekly_hours": "17,5", "agreement": "Autre", "position": "Secrétaire"})).await;
        let new = hire(&server, &rh, "R3", "Nouveau", "2026-03-02").await;
        contract(&server, &rh, &new, cdi("2026-03-02", "35")).await;
        // The first one left on 30 June 2019.
        {
            use sea_orm::{ActiveModelTrait, EntityTrait, Set};
            let id = uuid::Uuid::parse_str(&old).unwrap();
            let e = mutualis_hr::entities::hr_employees::Entity::find_by_id((a.id, id)).one(&ctx.db).await.unwrap().unwrap();
            let mut m: mutualis_hr::entities::hr_employees::ActiveModel = e.into();
            m.exit_date = Set(Some(chrono::NaiveDate::from_ymd_opt(2019, 6, 30).unwrap()));
            m.update(&ctx.db).await.unwrap();
        }
        let at = |d: &'static str| {
            let server = &server;
            let rh = rh.clone();
            async move {
                let v: Value = api_get(server, &rh, &format!("/api/m/alpha/hr/register?date={d}")).await.json();
                v["lines"].as_array().unwrap().iter().map(|l| (l["matricule"].as_str().unwrap().to_string(), l["exit_date"].clone(), l["mentions"].clone())).collect::<Vec<_>>()
            }
        };
        let l = at("2019-01-01").await;
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].1, Value::Null, "the exit is not known yet on that date");
        let l = at("2024-06-30").await;
        assert_eq!(l.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(), ["R1", "R2"]);
        assert_eq!(l[0].1, "2019-06-30");
        assert_eq!(l[1].2, json!(["CDD", "Temps partiel (50 %)"]));
        let l = at("2024-07-01").await;
        assert_eq!(l.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(), ["R2"], "five years after the exit");
        assert_eq!(at("2026-11-01").await.len(), 2);
        // The files: a PDF, and an XLSX that reads back with its rows.
        let pdf = api_get(&server, &rh, "/api/m/alpha/hr/register.pdf?date=2024-06-30").await;
        assert_eq!(pdf.status_code(), 200);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(pdf.as_bytes().starts_with(b"%PDF"));
        let xlsx = api_get(&server, &rh, "/api/m/alpha/hr/register.xlsx?date=2024-06-30").await;
        let rows = mutualis_hr::import::read_rows("registre.xlsx", xlsx.as_bytes()).unwrap();
        let text = format!("{rows:?}");
        assert!(text.contains("ANCIEN") && text.contains("MILIEU") && !text.contains("NOUVEAU"), "{text}");
        let bad = api_get(&server, &rh, "/api/m/alpha/hr/register.pdf?date=31/02/2024").await;
        assert_eq!(bad.status_code(), 422);
        assert!(bad.text().contains("date"));
    })
    .await;
}

#[tokio::test]
async fn accrual_runs_apply_each_rule_once_and_approval_takes_from_the_balance() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let e = hire(&server, &rh, "L1", "Conge", "2025-06-01").await;
        let mut terms = cdi("2025-06-01", "35");
        terms["quarterly_leave"] = json!("on");
        contract(&server, &rh, &e, terms).await;
        // June to September worked: 4 × 2.5 = 10 days in the period 2025-2026.
        for m in ["2025-06", "2025-07", "2025-08", "2025-09"] {
            accrue(&server, &rh, m).await;
        }
        assert_eq!(balance(&server, &rh, &e, "CP").await, [("2025-2026".to_string(), "10".to_string())]);
        // A re-run adds nothing.
        let again = accrue(&server, &rh, "2025-09").await;
        assert_eq!(again["entries"], 0);
        // October off sick (2 days), November after a work accident (2.5), December
        // on unpaid leave (0).
        for (t, from, to) in [("MAL", "2025-10-01", "2025-10-31"), ("AT", "2025-11-01", "2025-11-30"), ("CSS", "2025-12-01", "2025-12-31")] {
            let (status, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": e, "leave_type": t, "start_date": from, "end_date": to})).await;
            assert_eq!(status, 201, "{v}");
            if v["status"] == "pending" {
                let (s, _) = post_json(&server, &dir, &format!("/api/m/alpha/hr/leave/requests/{}/approve", v["id"].as_str().unwrap()), json!({})).await;
                assert_eq!(s, 200);
            }
        }
        for m in ["2025-10", "2025-11", "2025-12"] {
            accrue(&server, &rh, m).await;
        }
        assert_eq!(balance(&server, &rh, &e, "CP").await[0].1, "14.5");
        // A sick note recorded late for 16–30 September: the re-run adds only the
        // difference (2.5 → 1.25 for the work + 1 for the sickness: two movements, −0.25).
        let (status, _) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": e, "leave_type": "MAL", "start_date": "2025-09-16", "end_date": "2025-09-30"})).await;
        assert_eq!(status, 201);
        let r = accrue(&server, &rh, "2025-09").await;
        assert_eq!((r["entries"].as_u64(), r["days"].as_str()), (Some(2), Some("-0.25")));
        assert_eq!(balance(&server, &rh, &e, "CP").await[0].1, "14.25");
        assert_eq!(accrue(&server, &rh, "2025-09").await["entries"], 0);
        // CCN 66 quarterly leave: 6 days for January–March, expired at the quarter's end
        // when not taken; nothing for the summer quarter.
        // (The runs above already granted and expired 2025-T2 and 2025-T4.)
        let t = |p: &str| (p.to_string(), "0".to_string());
        assert_eq!(balance(&server, &rh, &e, "CT66").await, [t("2025-T2"), t("2025-T4")]);
        accrue(&server, &rh, "2026-01").await;
        assert_eq!(balance(&server, &rh, &e, "CT66").await[2], ("2026-T1".to_string(), "6".to_string()));
        accrue(&server, &rh, "2026-03").await;
        assert_eq!(balance(&server, &rh, &e, "CT66").await[2], t("2026-T1"));
        accrue(&server, &rh, "2026-08").await;
        assert!(balance(&server, &rh, &e, "CT66").await.iter().all(|(p, _)| p != "2026-T3"));
        // A month not finished is refused.
        let (status, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/accruals", json!({"month": "2099-01"})).await;
        assert_eq!(status, 422, "{v}");
        // A request beyond the balance is refused, with the numbers.
        let (status, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": e, "leave_type": "CP", "start_date": "2027-07-01", "end_date": "2027-07-31"})).await;
        assert_eq!(status, 422);
        assert!(v["errors"][0]["message"].as_str().unwrap().contains("Solde insuffisant"), "{v}");
        // 3–15 August 2026: 11 jours ouvrables (15 August is a holiday).
        let (status, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": e, "leave_type": "CP", "start_date": "2026-08-03", "end_date": "2026-08-15"})).await;
        assert_eq!(status, 201, "{v}");
        assert_eq!((v["days"].as_str(), v["status"].as_str()), (Some("11"), Some("pending")));
        let id = v["id"].as_str().unwrap().to_string();
        let before = balance(&server, &rh, &e, "CP").await;
        // The HR officer does not approve; the director does, once.
        let (status, _) = post_json(&server, &rh, &format!("/api/m/alpha/hr/leave/requests/{id}/approve"), json!({})).await;
        assert_eq!(status, 403);
        assert_eq!(balance(&server, &rh, &e, "CP").await, before);
        let (status, v) = post_json(&server, &dir, &format!("/api/m/alpha/hr/leave/requests/{id}/approve"), json!({"note": "Bon été"})).await;
        assert_eq!((status, v["status"].as_str()), (200, Some("approved")));
        let after = balance(&server, &rh, &e, "CP").await;
        let total = |b: &[(String, String)]| b.iter().map(|(_, v)| v.parse::<rust_decimal::Decimal>().unwrap()).sum::<rust_decimal::Decimal>();
        assert_eq!(total(&before) - total(&after), rust_decimal::Decimal::from(11));
        let (status, _) = post_json(&server, &dir, &format!("/api/m/alpha/hr/leave/requests/{id}/approve"), json!({})).await;
        assert_eq!(status, 409);
        // Overlapping absences are refused.
        let (status, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": e, "leave_type": "MAL", "start_date": "2026-08-10", "end_date": "2026-08-12"})).await;
        assert_eq!(status, 422);
        assert!(v.to_string().contains("couvre déjà"));
        // Every run is visible on the leave page.
        let s = kit.web(&mutualis_core::auth::find_user_by_email(&ctx.db, "dir@alpha.test").await.unwrap().unwrap()).await;
        let page = web_get(&server, &s, "/m/alpha/hr/leave").await.text();
        assert!(page.contains("Derniers calculs") && page.contains("septembre 2025"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn staff_ask_for_their_own_leave_and_see_nothing_else() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let e = hire(&server, &rh, "S1", "Salarie", "2025-01-06").await;
        contract(&server, &rh, &e, cdi("2025-01-06", "35")).await;
        for m in ["2025-06", "2025-07"] {
            accrue(&server, &rh, m).await;
        }
        let staff = kit.user("salarie@alpha.test", Role::Staff, Some(&a)).await;
        let s = kit.web(&staff).await;
        let page = web_get(&server, &s, "/m/alpha/hr/me").await.text();
        assert!(page.contains("2025-2026") && page.contains(">5<"), "{page}");
        let r = web_post(
            &server,
            &s,
            "/m/alpha/hr/me/leave",
            &[
                ("leave_type", "MAL"),
                ("start_date", "2026-12-01"),
                ("end_date", "2026-12-02"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422, "a sick note is HR's");
        let r = web_post(
            &server,
            &s,
            "/m/alpha/hr/me/leave",
            &[
                ("leave_type", "CP"),
                ("start_date", "2026-12-07"),
                ("end_date", "2026-12-09"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        assert!(
            follow(&server, &s, &r)
                .await
                .text()
                .contains("Demande envoyée")
        );
        let pending: Value = api_get(
            &server,
            &rh,
            "/api/m/alpha/hr/leave/requests?status=pending",
        )
        .await
        .json();
        assert_eq!(pending.as_array().unwrap().len(), 1);
        assert_eq!(pending[0]["days"], "3");
        for path in [
            "/m/alpha/hr",
            "/m/alpha/hr/leave",
            "/m/alpha/hr/register",
            &format!("/m/alpha/hr/employees/{e}"),
        ] {
            assert_eq!(
                web_get(&server, &s, path).await.status_code(),
                403,
                "{path}"
            );
        }
    })
    .await;
}

async fn count(server: &TestServer, bearer: &str) -> usize {
    api_get(server, bearer, "/api/m/alpha/hr/employees")
        .await
        .json::<Value>()
        .as_array()
        .unwrap()
        .len()
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from(
        "Matricule;Nom;Prénom;Sexe;Date de naissance;Nationalité;NIR;Date d'entrée;Établissement (NIC);Type de contrat;Date de fin;Motif du CDD;Heures hebdomadaires;Convention collective;Emploi;Qualification;Coefficient;Échelon\n",
    );
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

async fn upload(server: &TestServer, bearer: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let form = MultipartForm::new().add_part("file", Part::bytes(bytes).file_name(name));
    let r = server
        .post("/api/m/alpha/hr/imports")
        .add_header("authorization", bearer)
        .multipart(form)
        .await;
    (r.status_code().as_u16(), r.json())
}

#[tokio::test]
async fn imports_report_bad_rows_by_number_and_column_and_write_nothing_half_way() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        hire(&server, &rh, "EXIST", "Deja", "2020-01-06").await;
        let good = nir(1, "90", "01", "123456");
        let file = csv(&[
            &format!("I1;Martin;Léo;M;15/01/1990;française;{good};06/01/2025;;CDI;;;35;CCN 66;Moniteur éducateur;;411;2"),
            &format!("I2;Petit;Zoé;F;15/01/1990;française;{good};06/01/2025;;CDD;;;35;CCN 66;Monitrice;;411;"),
            &format!("EXIST;Roux;Ana;F;02/02/1991;française;{};2025-01-06;99999;CDI;;;52;CCN 66;AES;;;", nir(2, "91", "02", "654321")),
        ]);
        let (status, v) = upload(&server, &rh, "salaries.csv", file).await;
        assert_eq!(status, 201, "{v}");
        assert_eq!((v["rows"].as_i64(), v["valid"].as_i64()), (Some(3), Some(1)));
        let got: Vec<(i64, String)> = v["errors"].as_array().unwrap().iter().map(|e| (e["row"].as_i64().unwrap(), e["column"].as_str().unwrap().to_string())).collect();
        let want: Vec<(i64, String)> = [
            (3, "NIR"), (3, "Date de fin"), (3, "Motif du CDD"),
            (4, "Heures hebdomadaires"), (4, "Coefficient"), (4, "Matricule"), (4, "Établissement (NIC)"),
        ].iter().map(|(r, c)| (*r, (*c).to_string())).collect();
        assert_eq!(got, want, "{v}");
        assert!(v["errors"][0]["message"].as_str().unwrap().contains("sexe"));
        let id = v["id"].as_str().unwrap().to_string();
        assert_eq!(count(&server, &rh).await, 1, "nothing imported before the confirmation");
        // Strict mode: a file with errors imports nothing.
        let (status, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/imports/{id}/confirm?strict=true"), json!({})).await;
        assert_eq!(status, 422, "{v}");
        assert!(v.to_string().contains("Mode strict"));
        assert_eq!(count(&server, &rh).await, 1);
        // Otherwise the valid rows, in one go, with their contracts; then never twice.
        let (status, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/imports/{id}/confirm"), json!({})).await;
        assert_eq!((status, v["imported"].as_i64()), (200, Some(1)));
        assert_eq!(count(&server, &rh).await, 2);
        let list: Value = api_get(&server, &rh, "/api/m/alpha/hr/employees").await.json();
        let imported = list.as_array().unwrap().iter().find(|e| e["matricule"] == "I1").unwrap();
        let cs: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/employees/{}/contracts", imported["id"].as_str().unwrap())).await.json();
        let v = &cs[0]["versions"][0];
        assert_eq!(
            (v["coefficient"].as_i64(), v["kind"].as_str(), v["start_date"].as_str(), v["valid_from"].as_str(), v["weekly_hours"].as_str(), v["reason"].as_str(), v["quarterly_leave"].as_bool(), v["created_by"].as_str()),
            (Some(411), Some("CDI"), Some("2025-01-06"), Some("2025-01-06"), Some("35"), Some("Import"), Some(true), Some("rh@alpha.test"))
        );
        let one: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/employees/{}", imported["id"].as_str().unwrap())).await.json();
        assert_eq!(
            (one["last_name"].as_str(), one["birth_date"].as_str(), one["nir"].as_str(), one["entry_date"].as_str(), one["exit_date"].clone()),
            (Some("MARTIN"), Some("1990-01-15"), Some(good.as_str()), Some("2025-01-06"), Value::Null)
        );
        let (status, _) = post_json(&server, &rh, &format!("/api/m/alpha/hr/imports/{id}/confirm"), json!({})).await;
        assert_eq!(status, 409);
        // The xlsx template is itself a valid file; a file without the NIR column is
        // refused as a whole, naming the column.
        let template = api_get(&server, &rh, "/api/m/alpha/hr/imports/template.xlsx").await;
        let (status, v) = upload(&server, &rh, "modele.xlsx", template.as_bytes().to_vec()).await;
        assert_eq!((status, v["valid"].as_i64()), (201, Some(2)), "{v}");
        let (status, v) = upload(&server, &rh, "x.csv", b"Matricule;Nom\nA;B\n".to_vec()).await;
        assert_eq!(status, 422);
        assert!(v.to_string().contains("NIR"), "{v}");
        let (status, _) = upload(&server, &rh, "photo.png", b"\x89PNG".to_vec()).await;
        assert_eq!(status, 422);
    })
    .await;
}

#[tokio::test]
async fn a_staff_list_without_contracts_imports_and_the_register_flags_the_gap() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh_user = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let rh = kit.bearer(&rh_user);
        let with = hire(&server, &rh, "C1", "Contrat", "2020-01-06").await;
        contract(&server, &rh, &with, cdi("2020-01-06", "35")).await;
        // The staff list alone: no contract column at all.
        let file = format!(
            "Matricule;Nom;Prénom;Sexe;Date de naissance;Nationalité;NIR;Date d'entrée\nL1;Liste;Inès;F;15/01/1990;française;{};06/01/2021\n",
            nir(2, "90", "01", "123456")
        );
        let (status, v) = upload(&server, &rh, "personnel.csv", file.into_bytes()).await;
        assert_eq!((status, v["valid"].as_i64()), (201, Some(1)), "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        let (status, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/imports/{id}/confirm?strict=true"), json!({})).await;
        assert_eq!((status, v["imported"].as_i64()), (200, Some(1)), "{v}");
        let list: Value = api_get(&server, &rh, "/api/m/alpha/hr/employees").await.json();
        let imported = list.as_array().unwrap().iter().find(|e| e["matricule"] == "L1").unwrap();
        let cs: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/employees/{}/contracts", imported["id"].as_str().unwrap())).await.json();
        assert_eq!(cs, json!([]), "no contract invented");
        // The register lists both, in hiring order, the one without contract flagged.
        let v: Value = api_get(&server, &rh, "/api/m/alpha/hr/register?date=2026-01-01").await.json();
        let lines: Vec<(&str, bool, String)> = v["lines"].as_array().unwrap().iter()
            .map(|l| (l["matricule"].as_str().unwrap(), l["without_contract"].as_bool().unwrap(), l["mentions"].to_string()))
            .collect();
        assert_eq!(lines.iter().map(|l| (l.0, l.1)).collect::<Vec<_>>(), [("C1", false), ("L1", true)]);
        assert!(lines[1].2.contains("Sans contrat enregistré"), "{lines:?}");
        // …on the page, in the PDF and in the XLSX.
        let s = kit.web(&rh_user).await;
        let page = web_get(&server, &s, "/m/alpha/hr/register?date=2026-01-01").await.text();
        assert!(page.contains("LISTE") && page.contains("Sans contrat"), "{page}");
        let employees = web_get(&server, &s, "/m/alpha/hr").await.text();
        assert!(employees.contains("Sans contrat"));
        let pdf = api_get(&server, &rh, "/api/m/alpha/hr/register.pdf?date=2026-01-01").await;
        let text = pdf_pages(pdf.as_bytes(), "registre-sans-contrat").join("\n");
        assert!(text.contains("LISTE") && text.contains("Sans contrat"), "{text}");
        let xlsx = api_get(&server, &rh, "/api/m/alpha/hr/register.xlsx?date=2026-01-01").await;
        let rows = mutualis_hr::import::read_rows("registre.xlsx", xlsx.as_bytes()).unwrap();
        let row = rows.iter().find(|(_, c)| c.iter().any(|x| x.contains("LISTE"))).unwrap();
        assert!(row.1.iter().any(|x| x.contains("Sans contrat enregistré")), "{row:?}");
    })
    .await;
}

#[tokio::test]
async fn the_monthly_meter_counts_employees_under_contract_once() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let one = hire(&server, &rh, "M1", "Un", "2025-01-06").await;
        contract(&server, &rh, &one, cdi("2025-01-06", "35")).await;
        let two = hire(&server, &rh, "M2", "Deux", "2025-01-06").await;
        contract(&server, &rh, &two, json!({"kind": "CDD", "start_date": "2025-01-06", "end_date": "2025-09-10", "cdd_reason": "Accroissement", "weekly_hours": "35", "agreement": "Autre", "position": "Agent"})).await;
        hire(&server, &rh, "M3", "Trois", "2025-01-06").await; // no contract
        let meters = mutualis_core::metering::Meters::new(
            mutualis::app::module_meters(),
        )
        .unwrap();
        let month = mutualis_core::time::Month::parse("2025-09").unwrap();
        let (active, new) = mutualis_hr::meter::record_active_employees(&ctx.db, &meters, mutualis_core::tenant::Tenant::for_task(a.id, "test"), month).await.unwrap();
        assert_eq!((active, new), (2, 2));
        let (_, new) = mutualis_hr::meter::record_active_employees(&ctx.db, &meters, mutualis_core::tenant::Tenant::for_task(a.id, "test"), month).await.unwrap();
        assert_eq!(new, 0, "idempotent");
        let october = mutualis_core::time::Month::parse("2025-10").unwrap();
        assert_eq!(mutualis_hr::meter::record_active_employees(&ctx.db, &meters, mutualis_core::tenant::Tenant::for_task(a.id, "test"), october).await.unwrap().0, 1);
        let unfinished = mutualis_core::time::Month::of(chrono::Utc::now());
        assert!(mutualis_hr::meter::record_active_employees(&ctx.db, &meters, mutualis_core::tenant::Tenant::for_task(a.id, "test"), unfinished).await.is_err(), "a month not finished is not counted");
        let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let usage: Value = api_get(&server, &dir, "/api/m/alpha/usage?period=2025-09").await.json();
        let line = usage["meters"].as_array().unwrap().iter().find(|m| m["meter"] == "hr.active_employees").unwrap().clone();
        assert_eq!(line["quantity"], "2", "{usage}");
    })
    .await;
}

#[tokio::test]
async fn hr_records_stay_with_hr_roles_of_their_member() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr", "gdpr"]).await;
        let b = kit.member("beta", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let e = hire(&server, &rh, "P1", "Prive", "2025-01-06").await;
        let c = contract(&server, &rh, &e, cdi("2025-01-06", "35")).await;
        for role in [Role::Dpo, Role::ItSupport] {
            let u = kit.bearer(&kit.user(&format!("{}@alpha.test", role.as_str()), role, Some(&a)).await);
            for path in [
                format!("/api/m/alpha/hr/employees/{e}/contracts"),
                format!("/api/m/alpha/hr/employees/{e}/leave"),
                "/api/m/alpha/hr/register".to_string(),
                "/api/m/alpha/hr/register.pdf".to_string(),
                "/api/m/alpha/hr/leave/requests".to_string(),
            ] {
                assert_eq!(api_get(&server, &u, &path).await.status_code(), 403, "{role:?} {path}");
            }
        }
        let other = kit.bearer(&kit.user("rh@beta.test", Role::HrOfficer, Some(&b)).await);
        for path in [
            format!("/api/m/beta/hr/employees/{e}/contracts"),
            format!("/api/m/beta/hr/employees/{e}/leave"),
        ] {
            assert_eq!(api_get(&server, &other, &path).await.status_code(), 404, "{path}");
        }
        let mut amend = cdi("2025-01-06", "28");
        amend["valid_from"] = json!("2025-06-01");
        amend["reason"] = json!("x");
        let (status, _) = post_json(&server, &other, &format!("/api/m/beta/hr/contracts/{c}/versions"), amend).await;
        assert_eq!(status, 404);
        let (status, _) = post_json(&server, &other, "/api/m/beta/hr/leave/requests", json!({"employee_id": e, "leave_type": "MAL", "start_date": "2026-01-05", "end_date": "2026-01-06"})).await;
        assert_eq!(status, 404);
        let register: Value = api_get(&server, &other, "/api/m/beta/hr/register").await.json();
        assert_eq!(register["lines"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn an_exit_ends_running_contracts_and_alsace_moselle_changes_the_count() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let e = hire(&server, &rh, "X1", "Sortant", "2024-01-08").await;
        contract(&server, &rh, &e, cdi("2024-01-08", "35")).await;
        for m in ["2025-06", "2025-07", "2025-08"] {
            accrue(&server, &rh, m).await;
        }
        // The exit needs its reason; then the CDI ends that day, as a new version.
        let (status, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/employees/{e}/exit"), json!({"exit_date": "2025-12-31"})).await;
        assert_eq!((status, v["errors"][0]["field"].as_str()), (422, Some("reason")));
        let (status, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/employees/{e}/exit"), json!({"exit_date": "2025-12-31", "reason": "Démission"})).await;
        assert_eq!((status, v["exit_date"].as_str()), (200, Some("2025-12-31")));
        let cs: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/employees/{e}/contracts")).await.json();
        let versions = cs[0]["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!((versions[0]["end_date"].clone(), versions[1]["end_date"].as_str()), (Value::Null, Some("2025-12-31")));
        let reg: Value = api_get(&server, &rh, "/api/m/alpha/hr/register?date=2026-01-05").await.json();
        assert_eq!(reg["lines"][0]["exit_date"], "2025-12-31");
        let meters = mutualis_core::metering::Meters::new(
            mutualis::app::module_meters(),
        )
        .unwrap();
        let jan = mutualis_core::time::Month::parse("2026-01").unwrap();
        assert_eq!(mutualis_hr::meter::record_active_employees(&ctx.db, &meters, mutualis_core::tenant::Tenant::for_task(a.id, "test"), jan).await.unwrap().0, 0);

        // Monday 30 March to Saturday 4 April 2026: 6 jours ouvrables, 5 in Alsace-Moselle
        // (Good Friday, 3 April).
        let other = hire(&server, &rh, "X2", "Alsacien", "2024-01-08").await;
        contract(&server, &rh, &other, cdi("2024-01-08", "35")).await;
        for m in ["2025-06", "2025-07", "2025-08"] {
            accrue(&server, &rh, m).await;
        }
        let ask = json!({"employee_id": other, "leave_type": "CP", "start_date": "2026-03-30", "end_date": "2026-04-04"});
        let (_, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", ask.clone()).await;
        assert_eq!(v["days"], "6");
        let s = kit.web(&dir).await;
        let r = web_post(&server, &s, "/m/alpha/hr/settings", &[("alsace_moselle", "on"), ("first_interview_months", "12"), ("interview_every_years", "4"), ("review_every_years", "8"), ("reminder_days", "60")]).await;
        assert_eq!(r.status_code(), 303);
        let (_, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": other, "leave_type": "RTT", "start_date": "2026-03-30", "end_date": "2026-04-04"})).await;
        assert!(v.to_string().contains("couvre déjà"), "the first request still stands: {v}");
        let (_, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": other, "leave_type": "EVT", "start_date": "2027-03-08", "end_date": "2027-03-13"})).await;
        assert_eq!(v["days"], "6", "no holiday that week");
        let (_, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": e, "leave_type": "EVT", "start_date": "2025-04-14", "end_date": "2025-04-19"})).await;
        // Good Friday 2025 is 18 April: 5 jours ouvrables in Alsace-Moselle.
        assert_eq!(v["days"], "5", "{v}");
        // The HR officer reads the settings but does not change them.
        let rh_web = kit.web(&mutualis_core::auth::find_user_by_email(&ctx.db, "rh@alpha.test").await.unwrap().unwrap()).await;
        let r = web_post(&server, &rh_web, "/m/alpha/hr/settings", &[("first_interview_months", "12"), ("interview_every_years", "4"), ("review_every_years", "8"), ("reminder_days", "60")]).await;
        assert_eq!(r.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn a_cancelled_leave_gives_its_days_back_and_staff_withdraw_only_their_pending_requests() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let e = hire(&server, &rh, "K1", "Annule", "2025-01-06").await;
        contract(&server, &rh, &e, cdi("2025-01-06", "35")).await;
        for m in ["2025-06", "2025-07", "2025-08", "2025-09"] {
            accrue(&server, &rh, m).await;
        }
        let total = |b: Vec<(String, String)>| b.iter().map(|(_, v)| v.parse::<rust_decimal::Decimal>().unwrap()).sum::<rust_decimal::Decimal>();
        assert_eq!(total(balance(&server, &rh, &e, "CP").await).to_string(), "10");
        let (_, r) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": e, "leave_type": "CP", "start_date": "2026-12-07", "end_date": "2026-12-12"})).await;
        let id = r["id"].as_str().unwrap().to_string();
        post_json(&server, &dir, &format!("/api/m/alpha/hr/leave/requests/{id}/approve"), json!({})).await;
        assert_eq!(total(balance(&server, &rh, &e, "CP").await).to_string(), "4");
        // HR cancels the approved leave: the six days come back, as new movements.
        let (status, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/leave/requests/{id}/cancel"), json!({})).await;
        assert_eq!((status, v["status"].as_str()), (200, Some("cancelled")));
        assert_eq!(total(balance(&server, &rh, &e, "CP").await).to_string(), "10");
        let ledger: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/employees/{e}/leave")).await.json();
        let takings = ledger["entries"].as_array().unwrap().iter().filter(|m| m["kind"] == "taking").count();
        assert_eq!(takings, 2, "the taking and its reversal both stay in the ledger");
        let (status, _) = post_json(&server, &rh, &format!("/api/m/alpha/hr/leave/requests/{id}/cancel"), json!({})).await;
        assert_eq!(status, 409);
        // A staff member withdraws their own pending request, not an approved one.
        let staff = kit.user("annule@alpha.test", Role::Staff, Some(&a)).await;
        let s = kit.web(&staff).await;
        let (_, p) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": e, "leave_type": "CP", "start_date": "2027-01-04", "end_date": "2027-01-05"})).await;
        let (_, q) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests", json!({"employee_id": e, "leave_type": "CP", "start_date": "2027-02-01", "end_date": "2027-02-02"})).await;
        post_json(&server, &dir, &format!("/api/m/alpha/hr/leave/requests/{}/approve", q["id"].as_str().unwrap()), json!({})).await;
        let r = web_post(&server, &s, &format!("/m/alpha/hr/me/leave/{}/cancel", q["id"].as_str().unwrap()), &[]).await;
        assert!(follow(&server, &s, &r).await.text().contains("déjà approuvé"));
        let r = web_post(&server, &s, &format!("/m/alpha/hr/me/leave/{}/cancel", p["id"].as_str().unwrap()), &[]).await;
        assert!(follow(&server, &s, &r).await.text().contains("Demande retirée"));
        let list: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/leave/requests?employee_id={e}")).await.json();
        let status_of = |id: &Value| list.as_array().unwrap().iter().find(|r| r["id"] == *id).unwrap()["status"].clone();
        assert_eq!((status_of(&p["id"]), status_of(&q["id"])), (json!("cancelled"), json!("approved")));
    })
    .await;
}

#[tokio::test]
async fn directors_and_hr_officers_are_emailed_what_is_due() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        kit.user("dpo@alpha.test", Role::Dpo, Some(&a)).await;
        let today = mutualis_core::time::paris_today();
        let svc = mutualis_core::scope::services(&ctx).unwrap();
        // Nobody is due: no e-mail.
        assert_eq!(
            mutualis_hr::notify::send_reminders(&ctx, &svc.authz, &a, today)
                .await
                .unwrap(),
            0
        );
        // Hired 13 months ago, never interviewed: overdue.
        let entry = (today - chrono::Duration::days(396)).to_string();
        hire(&server, &rh, "D1", "Oublie", &entry).await;
        let sent = mutualis_hr::notify::send_reminders(&ctx, &svc.authz, &a, today)
            .await
            .unwrap();
        assert_eq!(sent, 2, "the director and the HR officer, not the DPO");
        let mails = ctx.mailer.as_ref().unwrap().deliveries();
        let all = mails.messages.join("\n").replace("=\r\n", "");
        assert!(
            all.contains("dir@alpha.test")
                && all.contains("rh@alpha.test")
                && !all.contains("dpo@alpha.test"),
            "{all}"
        );
        assert!(
            all.contains("OUBLIE Camille") && all.contains("en retard"),
            "{all}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_position_requires_skills_and_the_employee_page_shows_the_gaps() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let s = kit.web(&dir).await;
        let e = hire(&server, &rh, "G1", "Ecart", "2024-01-08").await;
        contract(&server, &rh, &e, cdi("2024-01-08", "35")).await;
        for name in ["Bientraitance", "Écrits professionnels"] {
            let r = web_post(
                &server,
                &s,
                "/m/alpha/hr/skills",
                &[("name", name), ("category", "Accompagnement")],
            )
            .await;
            assert_eq!(r.status_code(), 303);
        }
        let id_of = |name: &'static str| {
            let db = ctx.db.clone();
            async move {
                mutualis_hr::entities::hr_skills::Entity::find()
                    .filter(mutualis_hr::entities::hr_skills::Column::Name.eq(name))
                    .one(&db)
                    .await
                    .unwrap()
                    .unwrap()
                    .id
                    .to_string()
            }
        };
        let (bien, ecrits) = (
            id_of("Bientraitance").await,
            id_of("Écrits professionnels").await,
        );
        // The level is required; then the position expects both skills at level 3.
        let r = web_post(
            &server,
            &s,
            "/m/alpha/hr/skills/positions",
            &[("position", "Éducatrice spécialisée"), ("skill_id", &bien)],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("niveau attendu"));
        for skill in [&bien, &ecrits] {
            let r = web_post(
                &server,
                &s,
                "/m/alpha/hr/skills/positions",
                &[
                    ("position", "Éducatrice spécialisée"),
                    ("skill_id", skill),
                    ("level", "3"),
                ],
            )
            .await;
            assert_eq!(r.status_code(), 303);
        }
        // Assessed at 4 in one, never in the other: one gap.
        let r = web_post(
            &server,
            &s,
            &format!("/m/alpha/hr/employees/{e}/skills"),
            &[
                ("skill_id", &bien),
                ("level", "4"),
                ("assessed_on", "2026-10-01"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        let page = web_get(&server, &s, &format!("/m/alpha/hr/employees/{e}/skills"))
            .await
            .text();
        assert!(
            page.contains("Écarts avec l’emploi « Éducatrice spécialisée »"),
            "{page}"
        );
        assert_eq!(page.matches("À développer").count(), 1, "{page}");
        assert!(page.contains("Non évalué"));
        let overview = web_get(&server, &s, "/m/alpha/hr/skills").await.text();
        assert!(
            overview.contains("Compétences attendues par emploi")
                && overview.contains("3 — Maîtrise")
        );
    })
    .await;
}
