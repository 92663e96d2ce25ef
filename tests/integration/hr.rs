//! HR: employees with the NIR validated, masked in lists, audited when shown in full;
//! nobody outside HR roles, and nobody from another member, reaches them.
use mutualis_core::authz::Role;
use serde_json::{Value, json};

use crate::common::*;

use mutualis_hr::testkit::nir;

fn employee(matricule: &str, nir: &str) -> Value {
    json!({
        "matricule": matricule, "first_name": "Camille", "last_name": "Durand", "sex": "F",
        "birth_date": "1984-12-03", "nationality": "française", "nir": nir, "entry_date": "2024-09-01",
        "establishment": ""
    })
}

#[tokio::test]
async fn employees_are_created_listed_masked_and_their_nir_views_audited() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let good = nir("2841275123456");
        // A wrong key, a sex that does not match, and missing fields: each named.
        let bad_key = format!(
            "{}{:02}",
            &good[..13],
            (good[13..].parse::<u32>().unwrap() + 1) % 100
        );
        let r = server
            .post("/api/m/alpha/hr/employees")
            .add_header("authorization", rh.as_str())
            .json(&employee("A001", &bad_key))
            .await;
        assert_eq!(r.status_code(), 422);
        let errors = r.json::<Value>()["errors"].clone();
        assert_eq!(errors[0]["field"], "nir");
        assert!(errors[0]["message"].as_str().unwrap().contains("clé"));
        let mut male = employee("A001", &nir("1841275123456"));
        male["sex"] = json!("F");
        let r = server
            .post("/api/m/alpha/hr/employees")
            .add_header("authorization", rh.as_str())
            .json(&male)
            .await;
        assert!(r.text().contains("ne correspond pas au sexe"));
        let r = server
            .post("/api/m/alpha/hr/employees")
            .add_header("authorization", rh.as_str())
            .json(&json!({"matricule": "X"}))
            .await;
        let fields: Vec<String> = r.json::<Value>()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        for f in [
            "first_name",
            "last_name",
            "sex",
            "birth_date",
            "nationality",
            "nir",
            "entry_date",
        ] {
            assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
        }
        // A valid one (Corsica included), then the same matricule again.
        let r = server
            .post("/api/m/alpha/hr/employees")
            .add_header("authorization", rh.as_str())
            .json(&employee("A001", &good))
            .await;
        assert_eq!(r.status_code(), 201, "{}", r.text());
        let id = r.json::<Value>()["id"].as_str().unwrap().to_string();
        let corse = nir("284122A123456");
        let r = server
            .post("/api/m/alpha/hr/employees")
            .add_header("authorization", rh.as_str())
            .json(&employee("A002", &corse))
            .await;
        assert_eq!(r.status_code(), 201, "{}", r.text());
        let r = server
            .post("/api/m/alpha/hr/employees")
            .add_header("authorization", rh.as_str())
            .json(&employee("A001", &good))
            .await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("matricule"));
        // The list masks the NIR; the record shows it and is audited.
        let list: Value = api_get(&server, &rh, "/api/m/alpha/hr/employees")
            .await
            .json();
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert_eq!(list[0]["nir"], "2 84 •• •• ••• ••• ••");
        assert!(!list.to_string().contains(&good));
        let one: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/employees/{id}"))
            .await
            .json();
        assert_eq!(one["nir"], good);
        let (log, _) = mutualis_core::audit::page(&ctx.db, Some(a.id), 50, 0)
            .await
            .unwrap();
        let reads: Vec<_> = log
            .iter()
            .filter(|e| e.action == "read_nir" && e.object_id == id)
            .collect();
        assert_eq!(reads.len(), 1);
        assert_eq!(reads[0].actor, "rh@alpha.test");
        // The web record shows the full NIR too, and is audited again.
        let web = kit
            .web(
                &mutualis_core::auth::find_user_by_email(&ctx.db, "rh@alpha.test")
                    .await
                    .unwrap()
                    .unwrap(),
            )
            .await;
        let page = web_get(&server, &web, &format!("/m/alpha/hr/employees/{id}"))
            .await
            .text();
        assert!(
            page.contains(&format!("{} {} {}", &good[..1], &good[1..3], &good[3..5])),
            "{page}"
        );
        let (log, _) = mutualis_core::audit::page(&ctx.db, Some(a.id), 50, 0)
            .await
            .unwrap();
        assert_eq!(log.iter().filter(|e| e.action == "read_nir").count(), 2);
    })
    .await;
}

#[tokio::test]
async fn only_hr_roles_of_the_member_reach_its_employees() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr", "gdpr"]).await;
        let b = kit.member("beta", &["hr"]).await;
        let dir_a = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let r = server
            .post("/api/m/alpha/hr/employees")
            .add_header("authorization", dir_a.as_str())
            .json(&employee("A001", &nir("2841275123456")))
            .await;
        let id = r.json::<Value>()["id"].as_str().unwrap().to_string();
        for role in [
            Role::Dpo,
            Role::ItSupport,
            Role::Staff,
            Role::PayrollOfficer,
        ] {
            let u = kit.bearer(
                &kit.user(&format!("{}@alpha.test", role.as_str()), role, Some(&a))
                    .await,
            );
            assert_eq!(
                api_get(&server, &u, "/api/m/alpha/hr/employees")
                    .await
                    .status_code(),
                403,
                "{role:?}"
            );
            assert_eq!(
                api_get(&server, &u, &format!("/api/m/alpha/hr/employees/{id}"))
                    .await
                    .status_code(),
                403,
                "{role:?}"
            );
        }
        // The cooperative's roles do not read personal records either.
        let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        assert_eq!(
            api_get(&server, &admin, "/api/m/alpha/hr/employees")
                .await
                .status_code(),
            403
        );
        // Beta's director: alpha's list is 404, and alpha's employee through beta's path too.
        let dir_b = kit.bearer(&kit.user("dir@beta.test", Role::Director, Some(&b)).await);
        assert_eq!(
            api_get(&server, &dir_b, "/api/m/alpha/hr/employees")
                .await
                .status_code(),
            404
        );
        assert_eq!(
            api_get(&server, &dir_b, &format!("/api/m/beta/hr/employees/{id}"))
                .await
                .status_code(),
            404
        );
        assert_eq!(
            api_get(&server, &dir_b, "/api/m/beta/hr/employees")
                .await
                .json::<Value>(),
            json!([])
        );
    })
    .await;
}

#[tokio::test]
async fn the_hr_page_creates_an_employee_and_keeps_values_after_an_error() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let s = kit.web(&rh).await;
        assert!(
            web_get(&server, &s, "/m/alpha/hr")
                .await
                .text()
                .contains("Aucun salarié enregistré")
        );
        let good = nir("1900175123456");
        let bad = web_post(
            &server,
            &s,
            "/m/alpha/hr/employees",
            &[
                ("matricule", "B7"),
                ("last_name", "Martin"),
                ("first_name", "Léo"),
                ("sex", "M"),
                ("birth_date", "1990-01-15"),
                ("nationality", "française"),
                ("nir", "123"),
                ("entry_date", "2025-01-06"),
            ],
        )
        .await;
        assert_eq!(bad.status_code(), 422);
        let text = bad.text();
        assert!(
            text.contains("Le NIR comporte 15 caractères") && text.contains("value=\"Martin\"")
        );
        let ok = web_post(
            &server,
            &s,
            "/m/alpha/hr/employees",
            &[
                ("matricule", "B7"),
                ("last_name", "Martin"),
                ("first_name", "Léo"),
                ("sex", "M"),
                ("birth_date", "1990-01-15"),
                ("nationality", "française"),
                ("nir", good.as_str()),
                ("entry_date", "2025-01-06"),
            ],
        )
        .await;
        assert_eq!(ok.status_code(), 303);
        let page = follow(&server, &s, &ok).await.text();
        assert!(page.contains("Salarié Léo MARTIN enregistré"));
        let list = web_get(&server, &s, "/m/alpha/hr").await.text();
        assert!(list.contains("1 90 •• •• ••• ••• ••") && !list.contains(&good));
    })
    .await;
}
