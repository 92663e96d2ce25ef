//! Bounds on free text and dates (core::limits), wherever a value comes from — the API,
//! a page form, a spreadsheet — and the records that can now be corrected: an employee's
//! identity, a member's details.
use axum_test::{
    TestServer,
    multipart::{MultipartForm, Part},
};
use mutualis_core::authz::Role;
use serde_json::{Value, json};

use crate::common::*;

fn nir() -> String {
    mutualis_hr::testkit::nir("2840375123456")
}

fn employee(overrides: Value) -> Value {
    let mut e = json!({
        "matricule": "M1", "first_name": "Camille", "last_name": "Durand", "sex": "F",
        "birth_date": "1984-03-12", "nationality": "française", "nir": nir(),
        "entry_date": "2024-01-08",
    });
    for (k, v) in overrides.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

/// The message of the 422's error on `field`.
fn error_on(v: &Value, field: &str) -> String {
    v["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {v}"))
        .iter()
        .find(|e| e["field"] == field)
        .unwrap_or_else(|| panic!("no error on {field}: {v}"))["message"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn employees(server: &TestServer, bearer: &str) -> usize {
    api_get(server, bearer, "/api/m/alpha/hr/employees")
        .await
        .json::<Value>()
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn free_text_and_dates_are_bounded_in_the_api_and_the_import() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let url = "/api/m/alpha/hr/employees";
        // Names: 100 characters at most; any text above 20,000 is refused by the guard.
        let (s, v) = post_json(&server, &rh, url, employee(json!({"last_name": "D".repeat(101)}))).await;
        assert_eq!(s, 422, "{v}");
        assert!(error_on(&v, "last_name").contains("100 caractères au plus (101 saisis)"), "{v}");
        let (s, v) = post_json(&server, &rh, url, employee(json!({"last_name": "D".repeat(100_000)}))).await;
        assert_eq!(s, 422, "{v}");
        assert!(error_on(&v, "last_name").contains("trop long"), "{v}");
        let (s, v) = post_json(&server, &rh, url, employee(json!({"address": "A".repeat(301)}))).await;
        assert_eq!(s, 422, "{v}");
        assert!(error_on(&v, "address").contains("300"), "{v}");
        // Dates: a plausible window per kind, and an entry after the 14th birthday.
        for bad in ["9999-12-31", "0001-01-01", "1949-12-31"] {
            let (s, v) = post_json(&server, &rh, url, employee(json!({"entry_date": bad}))).await;
            assert_eq!(s, 422, "{bad}: {v}");
            assert!(error_on(&v, "entry_date").contains("date"), "{v}");
        }
        let (s, v) = post_json(&server, &rh, url, employee(json!({"birth_date": "1984-03-12", "entry_date": "1990-01-01"}))).await;
        assert_eq!(s, 422, "{v}");
        assert!(error_on(&v, "entry_date").contains("14 ans"), "{v}");
        assert_eq!(employees(&server, &rh).await, 0, "nothing stored by a refusal");
        let (s, v) = post_json(&server, &rh, url, employee(json!({}))).await;
        assert_eq!(s, 201, "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        // A trial period ending before its contract starts; an amendment from 9999.
        let contract = |extra: Value| {
            let mut c = json!({"kind": "CDI", "start_date": "2024-01-08", "weekly_hours": "35",
                               "agreement": "CCN 66", "position": "Éducatrice", "coefficient": "434"});
            for (k, v) in extra.as_object().unwrap() {
                c[k] = v.clone();
            }
            c
        };
        let curl = format!("/api/m/alpha/hr/employees/{id}/contracts");
        let (s, v) = post_json(&server, &rh, &curl, contract(json!({"trial_end": "2023-12-31"}))).await;
        assert_eq!(s, 422, "{v}");
        assert!(error_on(&v, "trial_end").contains("avant le début"), "{v}");
        let (s, v) = post_json(&server, &rh, &curl, contract(json!({"position": "É".repeat(201)}))).await;
        assert_eq!(s, 422, "{v}");
        assert!(error_on(&v, "position").contains("200"), "{v}");
        let (s, v) = post_json(&server, &rh, &curl, contract(json!({}))).await;
        assert_eq!(s, 201, "{v}");
        let cid = v["contract_id"].as_str().unwrap().to_string();
        let (s, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/contracts/{cid}/versions"),
            contract(json!({"valid_from": "9999-12-31", "reason": "Avenant", "weekly_hours": "28"}))).await;
        assert_eq!(s, 422, "{v}");
        assert!(error_on(&v, "valid_from").contains("plausibles"), "{v}");
        // A sick note to 9999-12-31, or over a year in one piece.
        let today = mutualis_core::time::paris_today();
        let start = today.to_string();
        for end in ["9999-12-31".to_string(), (today + chrono::Duration::days(400)).to_string()] {
            let (s, v) = post_json(&server, &rh, "/api/m/alpha/hr/leave/requests",
                json!({"employee_id": id, "leave_type": "MAL", "start_date": start, "end_date": end})).await;
            assert_eq!(s, 422, "{end}: {v}");
            assert!(error_on(&v, "end_date").contains("date") || error_on(&v, "end_date").contains("jours"), "{v}");
        }
        // The import checks its rows with the same bounds, and names the row and column.
        let header = "Matricule;Nom;Prénom;Sexe;Date de naissance;Nationalité;NIR;Date d'entrée\n";
        let file = format!("{header}I1;{};Léo;F;12/03/1984;française;{};08/01/2024\nI2;Petit;Zoé;F;12/03/1984;française;{};08/01/9999\n",
            "N".repeat(101), nir(), nir());
        let form = MultipartForm::new().add_part("file", Part::bytes(file.into_bytes()).file_name("salaries.csv"));
        let r = server.post("/api/m/alpha/hr/imports").add_header("authorization", rh.as_str()).multipart(form).await;
        assert_eq!(r.status_code(), 201, "{}", r.text());
        let v: Value = r.json();
        assert_eq!(v["valid"].as_i64(), Some(0), "{v}");
        let errors: Vec<(i64, String, String)> = v["errors"].as_array().unwrap().iter()
            .map(|e| (e["row"].as_i64().unwrap(), e["column"].as_str().unwrap().to_string(), e["message"].as_str().unwrap().to_string()))
            .collect();
        assert!(errors.iter().any(|(r, c, m)| *r == 2 && c == "Nom" && m.contains("100 caractères")), "{errors:?}");
        assert!(errors.iter().any(|(r, c, m)| *r == 3 && c == "Date d’entrée" && m.contains("plausibles")), "{errors:?}");
        assert_eq!(employees(&server, &rh).await, 1);
    })
    .await;
}

#[tokio::test]
async fn an_employees_identity_is_corrected_and_the_change_audited() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh_user = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let rh = kit.bearer(&rh_user);
        let web = kit.web(&rh_user).await;
        let (_, v) = post_json(&server, &rh, "/api/m/alpha/hr/employees", employee(json!({}))).await;
        let id = v["id"].as_str().unwrap().to_string();
        let (_, v) = post_json(&server, &rh, "/api/m/alpha/hr/employees", employee(json!({"matricule": "M2", "last_name": "Autre"}))).await;
        assert!(v["id"].is_string(), "{v}");
        let (s, v) = post_json(&server, &rh, &format!("/api/m/alpha/hr/employees/{id}/contracts"),
            json!({"kind": "CDI", "start_date": "2024-01-08", "weekly_hours": "35", "agreement": "Autre", "position": "Secrétaire"})).await;
        assert_eq!(s, 201, "{v}");
        let edit = format!("/m/alpha/hr/employees/{id}/edit");
        let r = web_get(&server, &web, &edit).await;
        assert_eq!(r.status_code(), 200);
        assert!(r.text().contains("DURAND") && r.text().contains(&nir()), "the form is prefilled");
        let fields = |last: &str, entry: &str, matricule: &str| -> Vec<(String, String)> {
            [("matricule", matricule), ("first_name", "Camille"), ("last_name", last), ("sex", "F"),
             ("birth_date", "1984-03-12"), ("nationality", "française"), ("nir", nir().as_str()),
             ("entry_date", entry), ("address", "3 rue des Lilas\n37000 Tours"),
             ("permit_type", "Carte de séjour"), ("permit_number", "AB123"), ("permit_expiry", "2030-05-31")]
                .iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
        };
        let post = |f: Vec<(String, String)>| {
            let web = &web;
            let server = &server;
            let edit = edit.clone();
            async move {
                let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                web_post(server, web, &edit, &pairs).await
            }
        };
        // An entry after the contract's start, a matricule taken: refused, nothing changed.
        let r = post(fields("Durand-Martin", "2024-02-01", "M1")).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("Un contrat commence le 08/01/2024"), "{}", r.text());
        let r = post(fields("Durand-Martin", "2024-01-08", "M2")).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("Ce matricule est déjà attribué"));
        let one: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/employees/{id}")).await.json();
        assert_eq!(one["last_name"], "DURAND");
        // A married name, an address on two lines, a work permit.
        let r = post(fields("Durand-Martin", "2024-01-08", "M1")).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let page = follow(&server, &web, &r).await.text();
        assert!(page.contains("Fiche du salarié modifiée") && page.contains("DURAND-MARTIN"), "{page}");
        assert!(page.contains("Carte de séjour AB123") && page.contains("31/05/2030"), "{page}");
        let one: Value = api_get(&server, &rh, &format!("/api/m/alpha/hr/employees/{id}")).await.json();
        assert_eq!(one["last_name"].as_str(), Some("DURAND-MARTIN"), "{one}");
        let audit = mutualis_core::audit::page(&ctx.db, Some(a.id), 50, 0).await.unwrap().0;
        let update = audit.iter().find(|r| r.action == "update" && r.object_type == "employee").expect("audited");
        let details = update.details.to_string();
        assert!(details.contains("last_name") && details.contains("address") && !details.contains(&nir()), "{details}");
        // Staff cannot open it.
        let staff = kit.web(&kit.user("staff@alpha.test", Role::Staff, Some(&a)).await).await;
        assert_eq!(web_get(&server, &staff, &edit).await.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn the_cooperative_edits_a_members_details_but_not_its_slug() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let b = kit.member("beta", &[]).await;
        let admin = kit
            .web(&kit.user("admin@coop.test", Role::CoopAdmin, None).await)
            .await;
        let form = |name: &str, siren: &str, slug: &str| -> Vec<(String, String)> {
            [
                ("name", name),
                ("slug", slug),
                ("siren", siren),
                ("address", "2 place du Marché\n41000 Blois"),
                ("finess", ""),
                ("vat_status", "exempt"),
                ("billing_email", "tresorerie@alpha.test"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
        };
        let post = |f: Vec<(String, String)>| {
            let admin = &admin;
            let server = &server;
            async move {
                let pairs: Vec<(&str, &str)> =
                    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                web_post(server, admin, "/coop/members/alpha/edit", &pairs).await
            }
        };
        let r = web_get(&server, &admin, "/coop/members/alpha/edit").await;
        assert_eq!(r.status_code(), 200);
        assert!(r.text().contains(&a.siren));
        // Another member's SIREN is refused, naming that member.
        let r = post(form("Alpha", &b.siren, "alpha")).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("Association beta"), "{}", r.text());
        // The name and billing address change; the slug in the form is ignored.
        let r = post(form("Les Tilleuls d’Alpha", &a.siren, "autre-slug")).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let page = follow(&server, &admin, &r).await.text();
        assert!(
            page.contains("Les Tilleuls d’Alpha") && page.contains("tresorerie@alpha.test"),
            "{page}"
        );
        let m = mutualis_core::member::find_by_slug(&ctx.db, "alpha")
            .await
            .unwrap()
            .expect("slug kept");
        assert_eq!(m.name, "Les Tilleuls d’Alpha");
        let audit = mutualis_core::audit::page(&ctx.db, Some(a.id), 50, 0)
            .await
            .unwrap()
            .0;
        assert!(audit.iter().any(|r| r.object_type == "member"
            && r.action == "update"
            && r.details.to_string().contains("billing_email")));
        // The board reads members but does not edit them.
        let board = kit
            .web(&kit.user("board@coop.test", Role::Board, None).await)
            .await;
        assert_eq!(
            web_get(&server, &board, "/coop/members/alpha/edit")
                .await
                .status_code(),
            403
        );
    })
    .await;
}
