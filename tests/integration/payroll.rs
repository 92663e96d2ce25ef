//! Payroll preparation through the router: HR's absences flowing in (and out when
//! cancelled), the transitions and the lock, imports with their report and the same file
//! recognised, who may do what.
use axum_test::{
    TestServer,
    multipart::{MultipartForm, Part},
};
use chrono::Datelike;
use mutualis_core::{authz::Role, time::Month};
use serde_json::{Value, json};

use crate::common::*;

struct Alpha {
    month: Month,
    rh: String,
    dir: String,
    paie: String,
    employee: String,
}

/// A member with HR and payroll, one employee on a CDI, and its people.
async fn alpha(server: &TestServer, kit: &TestKit<'_>) -> Alpha {
    let a = kit.member("alpha", &["hr", "payroll"]).await;
    let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
    let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
    let paie = kit.bearer(
        &kit.user("paie@coop.test", Role::PayrollOfficer, Some(&a))
            .await,
    );
    let entry = chrono::NaiveDate::from_ymd_opt(2024, 1, 8).unwrap();
    let id = mutualis_hr::testkit::hire(&kit.ctx.db, a.id, "P001", "DURAND", entry, None).await;
    let (s, v) = post_json(server, &rh, &format!("/api/m/alpha/hr/employees/{id}/contracts"),
        json!({"kind": "CDI", "start_date": "2024-01-08", "weekly_hours": "35", "agreement": "Autre", "position": "Aide-soignante"})).await;
    assert_eq!(s, 201, "{v}");
    Alpha {
        month: Month::of(chrono::Utc::now()),
        rh,
        dir,
        paie,
        employee: id.to_string(),
    }
}

fn p(a: &Alpha, rest: &str) -> String {
    format!("/api/m/alpha/payroll/periods/{}{rest}", a.month)
}

async fn lines(server: &TestServer, bearer: &str, a: &Alpha) -> Vec<Value> {
    api_get(server, bearer, &p(a, "/lines"))
        .await
        .json::<Value>()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn hr_absences_flow_in_by_themselves_and_a_cancelled_leave_leaves() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit).await;
        let first = a.month.first_day();
        let d = |n: i64| (first + chrono::Duration::days(n)).to_string();
        // A sick note of three days, recorded by HR.
        let (s, v) = post_json(&server, &a.rh, "/api/m/alpha/hr/leave/requests",
            json!({"employee_id": a.employee, "leave_type": "MAL", "start_date": d(1), "end_date": d(3)})).await;
        assert_eq!(s, 201, "{v}");
        let ls = lines(&server, &a.paie, &a).await;
        let mal: Vec<&Value> = ls.iter().filter(|l| l["code"] == "MAL").collect();
        assert_eq!(mal.len(), 1, "{ls:?}");
        assert_eq!((mal[0]["source"].as_str(), mal[0]["quantity"].as_str(), mal[0]["matricule"].as_str()),
            (Some("hr"), Some("3"), Some("P001")));
        assert_eq!(mal[0]["first_stop"], true);
        // Never typed twice: an HR line is not deleted in payroll.
        let id = mal[0]["id"].as_str().unwrap();
        let r = server.delete(&p(&a, &format!("/lines/{id}"))).add_header("authorization", a.paie.as_str()).await;
        assert_eq!(r.status_code(), 422, "{}", r.text());
        // Paid leave approved then cancelled: in, then out.
        let (_, v) = post_json(&server, &a.rh, "/api/m/alpha/hr/leave/requests",
            json!({"employee_id": a.employee, "leave_type": "CSS", "start_date": d(10), "end_date": d(11)})).await;
        let req = v["id"].as_str().unwrap().to_string();
        post_json(&server, &a.dir, &format!("/api/m/alpha/hr/leave/requests/{req}/approve"), json!({})).await;
        assert!(lines(&server, &a.paie, &a).await.iter().any(|l| l["code"] == "CSS"));
        let (s, v) = post_json(&server, &a.dir, &format!("/api/m/alpha/hr/leave/requests/{req}/cancel"), json!({})).await;
        assert_eq!(s, 200, "{v}");
        assert!(!lines(&server, &a.paie, &a).await.iter().any(|l| l["code"] == "CSS"), "a cancelled leave leaves the period");
    })
    .await;
}

/// `?limit=` pages the period's lines, HR's computed ones merged with the stored ones in
/// one order (matricule, code, id), each line once.
#[tokio::test]
async fn the_lines_page_through_hr_and_stored_lines_alike() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit).await;
        let first = a.month.first_day();
        let d = |n: i64| (first + chrono::Duration::days(n)).to_string();
        let (s, v) = post_json(&server, &a.rh, "/api/m/alpha/hr/leave/requests",
            json!({"employee_id": a.employee, "leave_type": "MAL", "start_date": d(1), "end_date": d(3)})).await;
        assert_eq!(s, 201, "{v}");
        for body in [
            json!({"matricule": "P001", "code": "TR", "quantity": "18"}),
            json!({"matricule": "P001", "code": "HS25", "quantity": "2"}),
            json!({"matricule": "P001", "code": "PRIME_EXCEP", "amount": "100"}),
            json!({"matricule": "P001", "code": "HS25", "quantity": "3"}),
        ] {
            let (s, v) = post_json(&server, &a.rh, &p(&a, "/lines"), body).await;
            assert_eq!(s, 201, "{v}");
        }
        let all = lines(&server, &a.paie, &a).await;
        assert_eq!(all.len(), 5, "{all:?}");
        let (paged, sizes) = crate::pagination::walk(&server, &a.paie, &p(&a, "/lines"), 2).await;
        assert_eq!(sizes, [2, 2, 1]);
        let codes: Vec<&str> = paged.iter().map(|l| l["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["HS25", "HS25", "MAL", "PRIME_EXCEP", "TR"]);
        assert_eq!(paged[2]["source"], "hr");
        let mut ids: Vec<&str> = paged.iter().map(|l| l["id"].as_str().unwrap()).collect();
        let mut all_ids: Vec<&str> = all.iter().map(|l| l["id"].as_str().unwrap()).collect();
        ids.sort_unstable();
        all_ids.sort_unstable();
        assert_eq!(ids, all_ids, "the pages hold every line once");
        let r = api_get(&server, &a.paie, &p(&a, "/lines?limit=2&after=xyz")).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("after"), "{}", r.text());
    })
    .await;
}

#[tokio::test]
async fn every_transition_and_the_lock() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit).await;
        let (s, v) = post_json(
            &server,
            &a.rh,
            &p(&a, "/lines"),
            json!({"matricule": "P001", "code": "HS25", "quantity": "4"}),
        )
        .await;
        assert_eq!(s, 201, "{v}");
        let (s, v) = post_json(
            &server,
            &a.rh,
            &p(&a, "/lines"),
            json!({"matricule": "P999", "code": "HS25", "quantity": "4"}),
        )
        .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["field"], "matricule");
        let (s, v) = post_json(
            &server,
            &a.rh,
            &p(&a, "/lines"),
            json!({"matricule": "P001", "code": "BONUS", "quantity": "4"}),
        )
        .await;
        assert_eq!(
            (s, v["errors"][0]["field"].as_str()),
            (422, Some("code")),
            "{v}"
        );
        let v: Value = api_get(&server, &a.rh, &p(&a, "")).await.json();
        assert_eq!(
            (v["status"].as_str(), v["lines"].as_u64()),
            (Some("open"), Some(1)),
            "{v}"
        );
        // Submit (an HR officer may), then the period is locked for entry.
        let (s, v) = post_json(&server, &a.rh, &p(&a, "/submit"), json!({})).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("submitted")), "{v}");
        let (s, v) = post_json(
            &server,
            &a.rh,
            &p(&a, "/lines"),
            json!({"matricule": "P001", "code": "HS25", "quantity": "1"}),
        )
        .await;
        assert_eq!(s, 409, "{v}");
        assert!(
            v["error"].as_str().unwrap().contains("rectificatifs"),
            "{v}"
        );
        // Only the director validates.
        let (s, _) = post_json(&server, &a.rh, &p(&a, "/validate"), json!({})).await;
        assert_eq!(s, 403);
        let (s, _) = post_json(&server, &a.paie, &p(&a, "/validate"), json!({})).await;
        assert_eq!(s, 403);
        let (s, v) = post_json(&server, &a.dir, &p(&a, "/validate"), json!({})).await;
        assert_eq!(
            (s, v["status"].as_str(), v["validated_by"].as_str()),
            (200, Some("validated"), Some("dir@alpha.test")),
            "{v}"
        );
        assert!(v["validated_at"].is_string());
        let (s, _) = post_json(&server, &a.dir, &p(&a, "/submit"), json!({})).await;
        assert_eq!(s, 409);
        // Reopened with a reason only; then open for corrections again.
        let (s, _) = post_json(&server, &a.dir, &p(&a, "/reopen"), json!({"reason": ""})).await;
        assert_eq!(s, 422);
        let (s, _) = post_json(
            &server,
            &a.rh,
            &p(&a, "/reopen"),
            json!({"reason": "Oubli"}),
        )
        .await;
        assert_eq!(s, 403, "the director reopens");
        let (s, v) = post_json(
            &server,
            &a.dir,
            &p(&a, "/reopen"),
            json!({"reason": "Heures oubliées"}),
        )
        .await;
        assert_eq!((s, v["status"].as_str()), (200, Some("reopened")), "{v}");
        let (s, _) = post_json(
            &server,
            &a.rh,
            &p(&a, "/lines"),
            json!({"matricule": "P001", "code": "HS25", "quantity": "1"}),
        )
        .await;
        assert_eq!(s, 201);
        // Every transition is in the audit log.
        let member = mutualis_core::member::find_by_slug(&ctx.db, "alpha")
            .await
            .unwrap()
            .unwrap();
        let rows = mutualis_core::audit::page(&ctx.db, Some(member.id), 100, 0)
            .await
            .unwrap()
            .0;
        let actions: Vec<&str> = rows
            .iter()
            .filter(|r| r.object_type == "payroll_period")
            .map(|r| r.action.as_str())
            .collect();
        for t in ["submit", "validate", "reopen"] {
            assert!(actions.contains(&t), "{t} in {actions:?}");
        }
    })
    .await;
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut s =
        String::from("Matricule;Code;Quantité;Montant;Date de début;Date de fin;Commentaire\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

async fn upload(
    server: &TestServer,
    bearer: &str,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let form = MultipartForm::new().add_part("file", Part::bytes(bytes).file_name(name));
    let r = server
        .post(path)
        .add_header("authorization", bearer)
        .multipart(form)
        .await;
    (r.status_code().as_u16(), r.json())
}

#[tokio::test]
async fn an_import_reports_its_bad_rows_and_the_same_file_adds_nothing() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit).await;
        let day = a
            .month
            .first_day()
            .with_day(5)
            .unwrap()
            .format("%d/%m/%Y")
            .to_string();
        let file = csv(&[
            "P001;HS25;2,5;;;;Réunion du soir",
            "P404;HS25;1;;;;",
            "P001;PRIME_INCONNUE;;100;;;",
            &format!("P001;PRIME_EXCEP;;150,00;{day};;Prime de fin d’année"),
            "P001;TR;3,5;;;;",
        ]);
        let (s, v) = upload(
            &server,
            &a.paie,
            &p(&a, "/imports"),
            "evp.csv",
            file.clone(),
        )
        .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(
            (
                v["rows"].as_i64(),
                v["valid"].as_i64(),
                v["already_imported"].as_bool()
            ),
            (Some(5), Some(2), Some(false)),
            "{v}"
        );
        let errs: Vec<(i64, String)> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["row"].as_i64().unwrap(),
                    e["column"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            errs,
            [
                (3, "Matricule".to_string()),
                (4, "Code".to_string()),
                (6, "Quantité".to_string())
            ],
            "{v}"
        );
        assert!(
            lines(&server, &a.paie, &a).await.is_empty(),
            "nothing written before the confirmation"
        );
        let id = v["id"].as_str().unwrap().to_string();
        let (s, v) = post_json(
            &server,
            &a.paie,
            &p(&a, &format!("/imports/{id}/confirm")),
            json!({}),
        )
        .await;
        assert_eq!((s, v["imported"].as_u64()), (200, Some(2)), "{v}");
        let ls = lines(&server, &a.paie, &a).await;
        assert_eq!(ls.len(), 2);
        let bonus = ls.iter().find(|l| l["code"] == "PRIME_EXCEP").unwrap();
        assert_eq!(
            (bonus["amount"].as_str(), bonus["source"].as_str()),
            (Some("150.00"), Some("import")),
            "{bonus}"
        );
        // The same file again: recognised, nothing added.
        let (s, v) = upload(&server, &a.paie, &p(&a, "/imports"), "evp-copie.csv", file).await;
        assert_eq!(
            (s, v["already_imported"].as_bool()),
            (201, Some(true)),
            "{v}"
        );
        let (s, _) = post_json(
            &server,
            &a.paie,
            &p(
                &a,
                &format!("/imports/{}/confirm", v["id"].as_str().unwrap()),
            ),
            json!({}),
        )
        .await;
        assert_eq!(s, 409);
        assert_eq!(lines(&server, &a.paie, &a).await.len(), 2);
        // A file without the code column is refused as a whole, naming it.
        let (s, v) = upload(
            &server,
            &a.paie,
            &p(&a, "/imports"),
            "x.csv",
            b"Matricule;Heures\nP001;2\n".to_vec(),
        )
        .await;
        assert_eq!(s, 422);
        assert!(v.to_string().contains("Code"), "{v}");
    })
    .await;
}

#[tokio::test]
async fn a_payroll_officer_sees_only_the_members_it_serves() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit).await;
        let b = kit.member("beta", &["hr", "payroll"]).await;
        let paie_b = kit.bearer(
            &kit.user("paie@beta.test", Role::PayrollOfficer, Some(&b))
                .await,
        );
        post_json(
            &server,
            &a.rh,
            &p(&a, "/lines"),
            json!({"matricule": "P001", "code": "HS25", "quantity": "2"}),
        )
        .await;
        let board: Value = api_get(&server, &a.paie, "/api/coop/payroll/board")
            .await
            .json();
        let members: Vec<&str> = board
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["member"].as_str().unwrap())
            .collect();
        assert_eq!(members, ["alpha"], "{board}");
        assert_eq!(board[0]["lines"], 1);
        let board_b: Value = api_get(&server, &paie_b, "/api/coop/payroll/board")
            .await
            .json();
        assert!(!board_b.to_string().contains("alpha"), "{board_b}");
        let r = api_get(&server, &paie_b, &p(&a, "/lines")).await;
        assert_eq!(r.status_code(), 404);
        assert!(!r.text().contains("P001"));
        // An HR officer has no board.
        assert_eq!(
            api_get(&server, &a.rh, "/api/coop/payroll/board")
                .await
                .status_code(),
            403
        );
    })
    .await;
}

#[tokio::test]
async fn payslips_are_counted_once_across_export_reexport_and_reopen() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit).await;
        let m = mutualis_core::member::find_by_slug(&ctx.db, "alpha").await.unwrap().unwrap();
        let entry = chrono::NaiveDate::from_ymd_opt(2024, 1, 8).unwrap();
        let second = mutualis_hr::testkit::hire(&ctx.db, m.id, "P002", "MARTIN", entry, None).await;
        post_json(&server, &a.rh, &format!("/api/m/alpha/hr/employees/{second}/contracts"),
            json!({"kind": "CDI", "start_date": "2024-01-08", "weekly_hours": "35", "agreement": "Autre", "position": "Cuisinier"})).await;
        post_json(&server, &a.rh, &p(&a, "/lines"), json!({"matricule": "P001", "code": "TR", "quantity": "18"})).await;
        let payslips = || async {
            let usage: Value = api_get(&server, &a.dir, &format!("/api/m/alpha/usage?period={}", a.month)).await.json();
            usage["meters"].as_array().unwrap().iter()
                .find(|x| x["meter"] == "payroll.payslips").map_or(0.0, |x| x["quantity"].as_str().unwrap().parse::<f64>().unwrap())
        };
        let (s, _) = post_json(&server, &a.dir, &p(&a, "/export"), json!({"profile": "generic"})).await;
        assert_eq!(s, 409, "not validated yet");
        post_json(&server, &a.rh, &p(&a, "/submit"), json!({})).await;
        post_json(&server, &a.dir, &p(&a, "/validate"), json!({})).await;
        let (s, v) = post_json(&server, &a.paie, &p(&a, "/export"), json!({"profile": "generic"})).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("exported")), "{v}");
        assert_eq!(v["files"][0]["version"], 1);
        assert_eq!(payslips().await, 1.0, "one employee exported");
        // Re-exported: new versions of the files, nothing more billed.
        let (_, v) = post_json(&server, &a.paie, &p(&a, "/export"), json!({"profile": "123paie"})).await;
        assert_eq!(v["files"][0]["version"], 2, "{v}");
        assert_eq!(payslips().await, 1.0);
        let csv = api_get(&server, &a.paie, &p(&a, "/export.csv")).await;
        assert!(csv.text().starts_with("societe;etab_nic;matricule;contrat;periode;code;libelle;date_debut;date_fin;unite;quantite;taux;montant;premier_arret;ref"), "{}", csv.text());
        assert!(csv.text().contains(";P001;") && csv.text().contains(";TR;"));
        // Reopened, a second employee added, exported again: only the new one counts.
        post_json(&server, &a.dir, &p(&a, "/reopen"), json!({"reason": "Titres-restaurant oubliés"})).await;
        post_json(&server, &a.rh, &p(&a, "/lines"), json!({"matricule": "P002", "code": "TR", "quantity": "15"})).await;
        post_json(&server, &a.rh, &p(&a, "/submit"), json!({})).await;
        post_json(&server, &a.dir, &p(&a, "/validate"), json!({})).await;
        post_json(&server, &a.paie, &p(&a, "/export"), json!({"profile": "generic"})).await;
        assert_eq!(payslips().await, 2.0);
        // The earlier files are kept.
        let member = mutualis_core::tenant::Tenant::for_task(m.id, "test");
        let history = mutualis_payroll::files::history(&ctx.db, member, a.month).await.unwrap();
        assert_eq!(history.iter().filter(|f| f.kind == "csv").count(), 3);
        assert_eq!(history.iter().filter(|f| f.kind == "csv" && f.current).count(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_checks_block_the_submission_until_resolved_or_acknowledged() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit).await;
        let first = a.month.first_day();
        // A bonus at zero (blocking) and a sick leave without its certificate (warning).
        let (_, v) = post_json(&server, &a.rh, &p(&a, "/lines"), json!({"matricule": "P001", "code": "PRIME_EXCEP", "amount": "0"})).await;
        let zero = v["id"].as_str().unwrap().to_string();
        post_json(&server, &a.rh, &p(&a, "/lines"), json!({"matricule": "P001", "code": "MAL", "first_stop": true,
            "start_date": (first + chrono::Duration::days(1)).to_string(), "end_date": (first + chrono::Duration::days(2)).to_string()})).await;
        let f: Value = api_get(&server, &a.rh, &p(&a, "/findings")).await.json();
        let rules: Vec<(&str, &str)> = f.as_array().unwrap().iter().map(|x| (x["rule"].as_str().unwrap(), x["severity"].as_str().unwrap())).collect();
        assert!(rules.contains(&("non_positive", "blocking")), "{f}");
        assert!(rules.contains(&("sick_certificate", "warning")), "{f}");
        let (s, v) = post_json(&server, &a.rh, &p(&a, "/submit"), json!({})).await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"].as_array().unwrap().len(), 2, "both stand in the way: {v}");
        // A blocking finding cannot be acknowledged; a warning needs a comment.
        let id_of = |rule: &str| f.as_array().unwrap().iter().find(|x| x["rule"] == rule).unwrap()["id"].as_str().unwrap().to_string();
        let (s, _) = post_json(&server, &a.rh, &p(&a, &format!("/findings/{}/acknowledge", id_of("non_positive"))), json!({"comment": "OK"})).await;
        assert_eq!(s, 422);
        let (s, _) = post_json(&server, &a.rh, &p(&a, &format!("/findings/{}/acknowledge", id_of("sick_certificate"))), json!({"comment": ""})).await;
        assert_eq!(s, 422);
        let (s, v) = post_json(&server, &a.rh, &p(&a, &format!("/findings/{}/acknowledge", id_of("sick_certificate"))), json!({"comment": "Certificat reçu par courrier"})).await;
        assert_eq!((s, v["acknowledged"].as_bool()), (200, Some(true)), "{v}");
        // The bad line removed, the period goes.
        let r = server.delete(&p(&a, &format!("/lines/{zero}"))).add_header("authorization", a.rh.as_str()).await;
        assert_eq!(r.status_code(), 204);
        let (s, v) = post_json(&server, &a.rh, &p(&a, "/submit"), json!({})).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("submitted")), "{v}");
        // A clean month: nothing found.
        let next = a.month.next().next();
        let f: Value = api_get(&server, &a.rh, &format!("/api/m/alpha/payroll/periods/{next}/findings")).await.json();
        assert_eq!(f, json!([]));
    })
    .await;
}
