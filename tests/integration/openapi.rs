//! The OpenAPI document: every API route of the router is in it, with its methods, and
//! it is a valid OpenAPI 3.1 document (parsed by `oas3`, path parameters declared,
//! references resolved, operation ids unique); the readable page lists every path.
//! Every success answer is described (a JSON schema or a file type), and every operation
//! is called for real and its answer checked against the document ([`crate::contract`]).
use std::collections::{BTreeMap, HashSet};

use axum::http::Method;
use loco_rs::app::Hooks;
use mutualis::app::{App, MODULES};
use serde_json::Value;

use crate::{
    common::*,
    contract::{Contract, is_file_type},
};

/// The document's own routes.
const SELF: &[&str] = &["/api/openapi.json", "/api/docs"];

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_api_route_is_documented_in_a_valid_openapi_document() {
    run(|server, ctx| async move {
        let res = server.get("/api/openapi.json").await;
        assert_eq!(res.status_code(), 200);
        let text = res.text();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3."),
            "{}",
            doc["openapi"]
        );
        oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
        // The whole contract, reviewed like code: a change to any path, parameter or
        // schema shows in the diff of tests/integration/snapshots/.
        insta::assert_json_snapshot!("openapi", doc);

        let paths = doc["paths"].as_object().unwrap();
        let mut missing = Vec::new();
        let mut api_routes = 0;
        for r in App::routes(&ctx).collect() {
            if !r.uri.starts_with("/api/") || SELF.contains(&r.uri.as_str()) {
                continue;
            }
            for m in &r.actions {
                if *m != Method::GET && *m != Method::POST {
                    continue;
                }
                api_routes += 1;
                let op = &paths.get(&r.uri).unwrap_or(&Value::Null)[m.as_str().to_lowercase()];
                if op.is_null() {
                    missing.push(format!("{m} {}", r.uri));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "API routes missing from /api/openapi.json: {missing:#?}"
        );
        assert!(api_routes >= 40, "{api_routes}");

        // Path parameters declared; operation ids unique; references resolved.
        let mut ids = HashSet::new();
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                let declared: Vec<&str> = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "path")
                            .map(|p| p["name"].as_str().unwrap())
                            .collect()
                    })
                    .unwrap_or_default();
                for seg in path.split('/') {
                    if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        assert!(
                            declared.contains(&name),
                            "{method} {path}: {{{name}}} undeclared"
                        );
                    }
                }
                let id = op["operationId"].as_str().unwrap_or_default().to_string();
                assert!(!id.is_empty(), "{method} {path} has no operationId");
                assert!(ids.insert(id.clone()), "operationId {id} twice");
                assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()));
            }
        }
        let mut all = Vec::new();
        refs(&doc, &mut all);
        for r in all {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{r}"));
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "unresolved {r}"
            );
        }

        // The readable page, for the members' IT staff.
        let page = server.get("/api/docs").await;
        assert_eq!(page.status_code(), 200);
        let html = page.text();
        assert!(html.contains("API de Mutualis"));
        for path in paths.keys() {
            assert!(html.contains(path.as_str()), "{path} not on /api/docs");
        }
    })
    .await;
}

/// The schemas reachable from `schema` that say nothing of a value (`{}`, or an object
/// without properties): a client generated from them would get an untyped blob.
fn loose(schema: &Value, doc: &Value, at: &str, seen: &mut HashSet<String>, out: &mut Vec<String>) {
    let Some(m) = schema.as_object() else {
        return;
    };
    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
        if seen.insert(r.to_string()) {
            let name = r.trim_start_matches("#/components/schemas/");
            loose(&doc["components"]["schemas"][name], doc, name, seen, out);
        }
        return;
    }
    let composed = ["allOf", "oneOf", "anyOf"];
    let typed = m.contains_key("type") || m.contains_key("enum") || m.contains_key("const");
    if !typed && !composed.iter().any(|k| m.contains_key(*k)) {
        out.push(format!("{at}: {schema}"));
    }
    let is_object = m.get("type").is_some_and(|t| t == "object");
    if is_object && !m.contains_key("properties") && !m.contains_key("additionalProperties") {
        out.push(format!("{at}: an object without properties"));
    }
    for (k, x) in m {
        match k.as_str() {
            "properties" => {
                for (n, p) in x.as_object().into_iter().flatten() {
                    loose(p, doc, &format!("{at}.{n}"), seen, out);
                }
            }
            "items" | "additionalProperties" => loose(x, doc, &format!("{at}[]"), seen, out),
            k if composed.contains(&k) => {
                for p in x.as_array().into_iter().flatten() {
                    loose(p, doc, at, seen, out);
                }
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn every_answer_of_every_operation_is_described() {
    run(|server, _ctx| async move {
        let doc: Value = server.get("/api/openapi.json").await.json();
        let mut undescribed = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (code, r) in op["responses"].as_object().unwrap() {
                    let at = format!("{} {path} {code}", method.to_uppercase());
                    let content = r["content"].as_object().filter(|c| !c.is_empty());
                    let Some(content) = content else {
                        // `204 No Content` says all there is to say.
                        if code != "204" {
                            undescribed.push(format!("{at}: no content"));
                        }
                        continue;
                    };
                    for (media, m) in content {
                        if media == "application/json" {
                            let mut out = Vec::new();
                            loose(&m["schema"], &doc, &at, &mut HashSet::new(), &mut out);
                            undescribed.extend(out);
                            // An error is always the `ErrorBody` every client knows.
                            if !code.starts_with('2') {
                                assert_eq!(
                                    m["schema"]["$ref"], "#/components/schemas/ErrorBody",
                                    "{at}"
                                );
                            }
                        } else if !(code.starts_with('2') && is_file_type(media)) {
                            undescribed.push(format!("{at}: {media} is neither JSON nor a file"));
                        }
                    }
                }
            }
        }
        assert!(
            undescribed.is_empty(),
            "answers the document does not describe: {undescribed:#?}"
        );

        // Core and each module contribute their schemas; a name two of them use must be
        // the same schema (the merge would otherwise keep one silently).
        let mut parts = vec![(
            "core",
            serde_json::to_value(mutualis_core::api::doc::document(&[])).unwrap(),
        )];
        for m in MODULES {
            if let Some(part) = m.api_doc {
                parts.push((m.code, serde_json::to_value(part()).unwrap()));
            }
        }
        let mut by_name: BTreeMap<String, (&str, Value)> = BTreeMap::new();
        for (part, d) in &parts {
            for (name, schema) in d["components"]["schemas"].as_object().into_iter().flatten() {
                if let Some((other, s)) = by_name.get(name) {
                    assert_eq!(
                        s, schema,
                        "schema {name} differs between {other} and {part}"
                    );
                } else {
                    by_name.insert(name.clone(), (part, schema.clone()));
                }
            }
        }
        let served = doc["components"]["schemas"].as_object().unwrap();
        assert_eq!(served.len(), by_name.len());
    })
    .await;
}

/// A change a drifted answer could carry.
type Drift = Box<dyn Fn(&mut Value)>;

fn bearer(b: &str) -> Option<(&'static str, &str)> {
    Some(("authorization", b))
}

/// Every operation of the document, called for real on the demo cooperative as a user
/// allowed to, answers what the document declares: each body validates against its
/// (sealed) schema, each file is of its declared type — and a few refusals are the
/// declared `ErrorBody`. An operation no call reaches fails the test: a new one is
/// called here the day it lands.
#[tokio::test]
async fn real_answers_match_the_schemas_the_document_declares() {
    run(|server, ctx| async move {
        use mutualis_core::authz::Role;
        use serde_json::json;

        let doc: Value = server.get("/api/openapi.json").await.json();
        let mut c = Contract::new(doc);
        mutualis_core::kit::seed(&ctx, MODULES).await.unwrap();
        let kit = TestKit::new(&ctx);
        let m = mutualis_core::member::find_by_slug(&ctx.db, "tilleuls")
            .await
            .unwrap()
            .unwrap();
        let rh = kit.bearer(&kit.user("rh@tilleuls.test", Role::HrOfficer, Some(&m)).await);
        let dir = kit.bearer(&kit.user("dir@tilleuls.test", Role::Director, Some(&m)).await);
        let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        let board = kit.bearer(&kit.user("ca@coop.test", Role::Board, None).await);
        let key = kit.api_key("outil").await;
        let today = mutualis_core::time::paris_today();
        let period = mutualis_core::time::Month::of(chrono::Utc::now())
            .prev()
            .to_string();
        let year = &period[..4];
        let mut kept: Vec<(&str, String, Value)> = Vec::new();

        // Core: sign-in, the user, meters, usage, members.
        let login = json!({"email": "rh@tilleuls.test", "password": mutualis_core::testkit::PASSWORD});
        let (s, v) = c.call(&server, "POST", "/api/auth/login", None, Some(login)).await;
        assert!(s == 200 && v["token"].is_string(), "{v}");
        let bad = json!({"email": "rh@tilleuls.test", "password": "faux"});
        let (s, _) = c.call(&server, "POST", "/api/auth/login", None, Some(bad)).await;
        assert_eq!(s, 401);
        let (_, v) = c.call(&server, "GET", "/api/me", bearer(&rh), None).await;
        assert_eq!(v["members"]["tilleuls"]["roles"], json!(["hr_officer"]));
        let (_, v) = c.call(&server, "GET", "/api/meters", bearer(&rh), None).await;
        assert!(!v.as_array().unwrap().is_empty());
        let when = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339();
        let batch = json!({"events": [
            {"id": "contrat-1", "member": "tilleuls", "meter": "it.support_hours", "quantity": "1.5", "occurred_at": when},
            {"id": "contrat-2", "member": "tilleuls", "meter": "inconnu", "quantity": "1", "occurred_at": when}
        ]});
        let (_, v) = c.call(&server, "POST", "/api/usage/events", Some(("x-api-key", &key)), Some(batch)).await;
        assert_eq!((v["accepted"].as_u64(), v["rejected"][0]["index"].as_u64()), (Some(1), Some(1)), "{v}");
        let (_, v) = c.call(&server, "GET", &format!("/api/m/tilleuls/usage?period={period}"), bearer(&dir), None).await;
        assert!(!v["meters"].as_array().unwrap().is_empty(), "{v}");
        let month = mutualis_core::time::Month::of(chrono::Utc::now() - chrono::Duration::hours(2));
        let (_, v) = c.call(&server, "GET", &format!("/api/m/tilleuls/usage/events?meter=it.support_hours&period={month}&limit=5"), bearer(&dir), None).await;
        assert_eq!(v[0]["id"], "contrat-1", "{v}");
        let (_, v) = c.call(&server, "GET", "/api/coop/audit?limit=5", bearer(&admin), None).await;
        assert_eq!(v[0]["object_type"], "usage_batch", "{v}");
        let (_, v) = c.call(&server, "GET", "/api/m/tilleuls/audit?limit=5", bearer(&dir), None).await;
        assert!(v.is_array(), "{v}");
        let (_, v) = c.call(&server, "GET", "/api/m/tilleuls/modules/hr", bearer(&dir), None).await;
        assert!(v["start_date"].is_string(), "{v}");
        let (s, _) = c.call(&server, "POST", "/api/coop/api-keys", bearer(&admin), Some(json!({"name": "export-paie"}))).await;
        assert_eq!(s, 201);
        let (_, v) = c.call(&server, "GET", "/api/coop/members", bearer(&admin), None).await;
        assert!(v.as_array().unwrap().len() >= 5);
        let member = json!({"name": "Les Glycines", "slug": "glycines",
            "siren": mutualis_core::seed::luhn_complete("41234567"), "address": "2 rue des Glycines, 45000 Orléans",
            "finess": "", "vat_status": "exempt", "billing_email": "compta@glycines.example"});
        let (s, v) = c.call(&server, "POST", "/api/coop/members", bearer(&admin), Some(member.clone())).await;
        assert_eq!(s, 201, "{v}");
        let (_, v) = c.call(&server, "GET", "/api/coop/members/glycines", bearer(&admin), None).await;
        assert_eq!(v["billing_email"], "compta@glycines.example");
        let mut edited = member.clone();
        edited["billing_email"] = json!("tresorerie@glycines.example");
        let (s, v) = c.call(&server, "PUT", "/api/coop/members/glycines", bearer(&admin), Some(edited)).await;
        assert_eq!((s, v["billing_email"].as_str()), (200, Some("tresorerie@glycines.example")), "{v}");
        let (s, _) = c.call(&server, "PUT", "/api/coop/members/glycines", bearer(&admin), Some(json!({"name": ""}))).await;
        assert_eq!(s, 422);
        let sub = json!({"module": "hr", "start_date": today.to_string()});
        let (s, v) = c.call(&server, "POST", "/api/coop/members/glycines/subscriptions", bearer(&admin), Some(sub)).await;
        assert_eq!(s, 201, "{v}");

        // HR: employees, contracts, leave, import, register.
        let (s, _) = c.call(&server, "POST", "/api/m/tilleuls/hr/employees", bearer(&rh), Some(json!({}))).await;
        assert_eq!(s, 422);
        let mut ids = Vec::new();
        for (matricule, last, nir) in [("C001", "Contrat", "2840375123456"), ("C002", "Sortie", "1850475123456")] {
            let body = json!({"matricule": matricule, "first_name": "Camille", "last_name": last,
                "sex": if nir.starts_with('2') { "F" } else { "M" }, "birth_date": format!("19{}-{}-12", &nir[1..3], &nir[3..5]),
                "nationality": "française", "nir": mutualis_hr::testkit::nir(nir), "entry_date": "2024-09-01", "establishment": ""});
            let (s, v) = c.call(&server, "POST", "/api/m/tilleuls/hr/employees", bearer(&rh), Some(body)).await;
            assert_eq!(s, 201, "{v}");
            ids.push(v["id"].as_str().unwrap().to_string());
        }
        let (e, leaver) = (ids[0].clone(), ids[1].clone());
        let (_, list) = c.call(&server, "GET", "/api/m/tilleuls/hr/employees", bearer(&rh), None).await;
        let (_, v) = c.call(&server, "GET", &format!("/api/m/tilleuls/hr/employees/{e}"), bearer(&rh), None).await;
        assert_eq!(v["nir"].as_str().unwrap().len(), 15);
        kept.push(("GET", format!("/api/m/tilleuls/hr/employees/{e}"), v.clone()));
        let mut fix = v.clone();
        fix["address"] = json!("3 rue des Lilas\n37000 Tours");
        fix["establishment"] = json!("");
        let (s, v) = c.call(&server, "PUT", &format!("/api/m/tilleuls/hr/employees/{e}"), bearer(&rh), Some(fix)).await;
        assert_eq!((s, v["address"].as_str()), (200, Some("3 rue des Lilas\n37000 Tours")), "{v}");
        let (s, _) = c.call(&server, "GET", &format!("/api/m/tilleuls/hr/employees/{}", uuid::Uuid::now_v7()), bearer(&rh), None).await;
        assert_eq!(s, 404);
        let cdi = json!({"kind": "CDI", "start_date": "2024-09-01", "weekly_hours": "35", "agreement": "CCN 66",
            "position": "Éducatrice spécialisée", "qualification": "DEES", "coefficient": "434", "step": "3"});
        let (s, v) = c.call(&server, "POST", &format!("/api/m/tilleuls/hr/employees/{e}/contracts"), bearer(&rh), Some(cdi.clone())).await;
        assert_eq!(s, 201, "{v}");
        let contract = v["contract_id"].as_str().unwrap().to_string();
        let mut amend = cdi;
        amend["weekly_hours"] = json!("28");
        amend["valid_from"] = json!("2025-03-01");
        amend["reason"] = json!("Temps partiel");
        let (s, v) = c.call(&server, "POST", &format!("/api/m/tilleuls/hr/contracts/{contract}/versions"), bearer(&rh), Some(amend)).await;
        assert_eq!((s, v["version"].as_i64()), (201, Some(2)), "{v}");
        let (_, v) = c.call(&server, "GET", &format!("/api/m/tilleuls/hr/employees/{e}/contracts"), bearer(&rh), None).await;
        assert_eq!(v[0]["versions"].as_array().unwrap().len(), 2);
        let mut requests = Vec::new();
        // Unpaid leave in two months (three requests a week apart), a sick note last month.
        let day = |weeks: i64| (today + chrono::Duration::weeks(weeks)).to_string();
        let (sick_from, sick_to) = (format!("{period}-02"), format!("{period}-04"));
        for (t, from, to) in [("CSS", day(8), day(8)), ("CSS", day(9), day(9)), ("CSS", day(10), day(10)), ("MAL", sick_from, sick_to)] {
            let body = json!({"employee_id": e, "leave_type": t, "start_date": from, "end_date": to, "comment": "contrat d’API"});
            let (s, v) = c.call(&server, "POST", "/api/m/tilleuls/hr/leave/requests", bearer(&rh), Some(body)).await;
            assert_eq!(s, 201, "{v}");
            requests.push(v["id"].as_str().unwrap().to_string());
        }
        let base = "/api/m/tilleuls/hr/leave/requests";
        let (s, v) = c.call(&server, "POST", &format!("{base}/{}/approve", requests[0]), bearer(&dir), Some(json!({"note": "Accordé"}))).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("approved")), "{v}");
        let (s, v) = c.call(&server, "POST", &format!("{base}/{}/refuse", requests[1]), bearer(&dir), None).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("refused")), "{v}");
        let (s, v) = c.call(&server, "POST", &format!("{base}/{}/cancel", requests[2]), bearer(&rh), None).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("cancelled")), "{v}");
        let (s, _) = c.call(&server, "POST", &format!("{base}/{}/approve", requests[0]), bearer(&dir), None).await;
        assert_eq!(s, 409);
        let (_, v) = c.call(&server, "GET", &format!("{base}?employee_id={e}"), bearer(&rh), None).await;
        assert_eq!(v.as_array().unwrap().len(), 4);
        let (_, v) = c.call(&server, "POST", "/api/m/tilleuls/hr/leave/accruals", bearer(&rh), Some(json!({"month": period}))).await;
        assert_eq!(v["month"], period);
        // A demo employee with months of accruals and takings: balances and movements.
        let demo = list.as_array().unwrap().iter().find(|x| x["matricule"] == "T0001").unwrap();
        let path = format!("/api/m/tilleuls/hr/employees/{}/leave", demo["id"].as_str().unwrap());
        let (_, v) = c.call(&server, "GET", &path, bearer(&rh), None).await;
        assert!(!v["balances"].as_array().unwrap().is_empty() && !v["entries"].as_array().unwrap().is_empty(), "{v}");
        let exit_date = format!("{period}-28");
        let exit = json!({"exit_date": exit_date, "reason": "Démission"});
        let (s, v) = c.call(&server, "POST", &format!("/api/m/tilleuls/hr/employees/{leaver}/exit"), bearer(&rh), Some(exit)).await;
        assert_eq!((s, v["exit_date"].as_str()), (200, Some(exit_date.as_str())), "{v}");
        // An import with one good row and one wrong date: a report, then the good row.
        let csv = format!(
            "Matricule;Nom;Prénom;Sexe;Date de naissance;Nationalité;NIR;Date d'entrée\n\
             Z900;Quillardet;Zélie;F;12/03/1984;française;{};01/09/2024\n\
             Z901;Ravel;Jules;M;31/02/1990;française;{};01/09/2024\n",
            mutualis_hr::testkit::nir("2840375654321"),
            mutualis_hr::testkit::nir("1900275654321"),
        );
        let form = axum_test::multipart::MultipartForm::new().add_part(
            "file",
            axum_test::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("liste.csv"),
        );
        let path = "/api/m/tilleuls/hr/imports";
        let res = server.post(path).add_header("authorization", rh.as_str()).multipart(form).await;
        let v = c.check("POST", path, &res);
        assert_eq!((res.status_code().as_u16(), v["valid"].as_i64()), (201, Some(1)), "{v}");
        assert_eq!(v["errors"][0]["row"], 3, "{v}");
        let import = format!("{path}/{}", v["id"].as_str().unwrap());
        c.call(&server, "GET", &import, bearer(&rh), None).await;
        let (s, v) = c.call(&server, "POST", &format!("{import}/confirm"), bearer(&rh), None).await;
        assert_eq!((s, v["imported"].as_i64()), (200, Some(1)), "{v}");
        for file in ["imports/template.xlsx", "register.pdf", "register.xlsx"] {
            let (s, _) = c.call(&server, "GET", &format!("/api/m/tilleuls/hr/{file}"), bearer(&rh), None).await;
            assert_eq!(s, 200, "{file}");
        }
        let (_, v) = c.call(&server, "GET", &format!("/api/m/tilleuls/hr/register?date={today}"), bearer(&rh), None).await;
        assert!(v["lines"].as_array().unwrap().len() > 20);

        // GDPR exports (the register's files; the other GDPR operations are called below).
        {
            let list: Value = api_get(&server, &dir, "/api/m/tilleuls/gdpr/activities").await.json();
            let first = list[0]["id"].as_str().unwrap_or_else(|| panic!("no demo activity: {list}"));
            for file in ["register.pdf", "register.xlsx", &format!("register.pdf?date={today}"), &format!("activities/{first}/pdf")] {
                let (s, _) = c.call(&server, "GET", &format!("/api/m/tilleuls/gdpr/{file}"), bearer(&dir), None).await;
                assert_eq!(s, 200, "{file}");
            }
            let (s, v) = c.call(&server, "GET", "/api/m/tilleuls/gdpr/register.xlsx?date=2025-02-30", bearer(&dir), None).await;
            assert_eq!((s, v["errors"][0]["field"].as_str()), (422, Some("date")), "{v}");
            let (s, _) = c.call(&server, "GET", "/api/m/tilleuls/gdpr/register.pdf", bearer(&rh), None).await;
            assert_eq!(s, 403, "an HR officer does not export the GDPR register");
        }

        // Billing: charges, previews, the close, approval, files, true-up, credit note.
        let (_, v) = c.call(&server, "GET", "/api/coop/billing/charges", bearer(&admin), None).await;
        assert!(!v.as_array().unwrap().is_empty());
        let charge = json!({"module": "billing", "code": "abonnement", "label": "Abonnement", "kind": "subscription", "effective_from": mutualis_core::time::Month::of(chrono::Utc::now()).next().to_string(), "amount": "12.50"});
        let (s, v) = c.call(&server, "POST", "/api/coop/billing/charges", bearer(&admin), Some(charge)).await;
        assert_eq!(s, 201, "{v}");
        let (_, v) = c.call(&server, "GET", &format!("/api/coop/billing/periods/{period}/preview"), bearer(&admin), None).await;
        assert!(!v["pools"].as_array().unwrap().is_empty(), "{v}");
        let (_, v) = c.call(&server, "GET", &format!("/api/m/tilleuls/billing/preview?period={period}"), bearer(&dir), None).await;
        assert_eq!(v["invoices"].as_array().unwrap().len(), 1, "{v}");
        let (s, v) = c.call(&server, "POST", &format!("/api/coop/billing/periods/{period}/close"), bearer(&admin), None).await;
        assert_eq!(s, 200, "{v}");
        kept.push(("POST", format!("/api/coop/billing/periods/{period}/close"), v.clone()));
        let draft = v["invoices"].as_array().unwrap().iter().find(|i| i["member"] == "tilleuls").unwrap();
        assert!(!draft["lines"].as_array().unwrap().is_empty(), "{draft}");
        let id = draft["id"].as_str().unwrap().to_string();
        let (_, v) = c.call(&server, "POST", &format!("/api/coop/billing/invoices/{id}/approve"), bearer(&board), None).await;
        let number = v["number"].as_str().unwrap_or_else(|| panic!("not finalized: {v}")).to_string();
        let (_, v) = c.call(&server, "GET", "/api/m/tilleuls/invoices", bearer(&dir), None).await;
        assert_eq!(v[0]["number"], number.as_str());
        for ext in ["pdf", "xml"] {
            let (s, _) = c.call(&server, "GET", &format!("/api/m/tilleuls/invoices/{number}.{ext}"), bearer(&dir), None).await;
            assert_eq!(s, 200);
        }
        let (s, v) = c.call(&server, "POST", &format!("/api/coop/billing/years/{year}/true-up"), bearer(&admin), None).await;
        assert_eq!(s, 200, "{v}");
        let (s, v) = c.call(&server, "POST", &format!("/api/coop/billing/invoices/{id}/credit-notes"), bearer(&admin), Some(json!({"reason": "Erreur de saisie"}))).await;
        assert_eq!((s, v["kind"].as_str()), (201, Some("credit_note")), "{v}");

        // GDPR: the register, a template and its update, breaches, requests, processors,
        // time, DPIAs, the desk.
        let dpo = kit.bearer(&kit.user("dpo@tilleuls.test", Role::Dpo, Some(&m)).await);
        let staff = kit.bearer(&kit.user("staff@tilleuls.test", Role::Staff, Some(&m)).await);
        let g = |p: &str| format!("/api/m/tilleuls/gdpr/{p}");
        let activity = json!({"name": "Accueil de jour", "purposes": "Planning et transport", "role": "controller",
            "legal_bases": ["contract"], "data_categories": ["identity"], "person_categories": ["service_users"],
            "retention": [{"category": "identity", "active": "2 ans", "intermediate": "", "final_fate": "destroy"}],
            "dpia_criteria": ["vulnerable_persons", "large_scale"]});
        let (s, v) = c.call(&server, "POST", &g("activities"), bearer(&dpo), Some(activity.clone())).await;
        assert_eq!((s, v["status"].as_str(), v["dpia_required"].as_bool()), (201, Some("draft"), Some(true)), "{v}");
        let a = v["id"].as_str().unwrap().to_string();
        let (s, _) = c.call(&server, "POST", &g("activities"), bearer(&dpo), Some(json!({"legal_bases": ["whim"]}))).await;
        assert_eq!(s, 422);
        let (_, v) = c.call(&server, "GET", &g("activities"), bearer(&dir), None).await;
        assert!(v.as_array().unwrap().iter().any(|x| x["id"] == a.as_str()));
        let (_, v) = c.call(&server, "GET", &g(&format!("activities/{a}")), bearer(&dir), None).await;
        assert_eq!(v["name"], "Accueil de jour");
        let (s, _) = c.call(&server, "POST", &g(&format!("activities/{a}/complete")), bearer(&dir), None).await;
        assert_eq!(s, 200);
        let (s, v) = c.call(&server, "POST", &g(&format!("activities/{a}/check")), bearer(&dpo), Some(json!({"recommendations": "RAS"}))).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("checked")), "{v}");
        let mut edited = activity.clone();
        edited["purposes"] = json!("Planning, transport et repas");
        let (_, v) = c.call(&server, "PUT", &g(&format!("activities/{a}")), bearer(&dir), Some(edited)).await;
        assert_eq!(v["status"], "completed", "an edit of a checked activity sets it back");
        let (s, _) = c.call(&server, "GET", &g(&format!("activities/{a}/template-update")), bearer(&dir), None).await;
        assert_eq!(s, 404, "no template, no update");
        let (s, v) = c.call(&server, "POST", &g(&format!("activities/{a}/archive")), bearer(&dir), None).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("archived")));
        let (s, v) = c.call(&server, "POST", "/api/coop/gdpr/templates", bearer(&dpo), Some(activity.clone())).await;
        assert_eq!((s, v["version"].as_i64()), (201, Some(1)), "{v}");
        let t = v["id"].as_i64().unwrap();
        let (_, v) = c.call(&server, "POST", &format!("/api/coop/gdpr/templates/{t}/deploy"), bearer(&dpo), Some(json!({"members": ["tilleuls"]}))).await;
        let copy = v["activities"][0]["id"].as_str().unwrap().to_string();
        let mut v2 = activity.clone();
        v2["recipients"] = json!("Équipe et familles");
        let (_, v) = c.call(&server, "PUT", &format!("/api/coop/gdpr/templates/{t}"), bearer(&dpo), Some(v2)).await;
        assert_eq!(v["version"], 2);
        let (_, v) = c.call(&server, "GET", &g(&format!("activities/{copy}/template-update")), bearer(&dir), None).await;
        assert_eq!(v["changes"][0]["field"], "recipients", "{v}");
        let (s, _) = c.call(&server, "POST", &g(&format!("activities/{copy}/template-update/accept")), bearer(&dir), None).await;
        assert_eq!(s, 200);
        let mut v3 = activity.clone();
        v3["transfers"] = json!("Aucun");
        c.call(&server, "PUT", &format!("/api/coop/gdpr/templates/{t}"), bearer(&dpo), Some(v3)).await;
        let (s, v) = c.call(&server, "POST", &g(&format!("activities/{copy}/template-update/reject")), bearer(&dir), None).await;
        assert_eq!((s, v["template_version"].as_i64()), (200, Some(2)), "{v}");
        let now = chrono::Utc::now();
        let (s, v) = c.call(&server, "POST", &g("breaches"), bearer(&staff),
            Some(json!({"discovered_at": (now - chrono::Duration::hours(3)).to_rfc3339(), "aware_at": (now - chrono::Duration::hours(2)).to_rfc3339(),
                        "nature": ["confidentiality"], "description": "Clé USB perdue"}))).await;
        assert_eq!(s, 201, "{v}");
        let b = v["id"].as_str().unwrap().to_string();
        let (s, _) = c.call(&server, "GET", &g("breaches"), bearer(&staff), None).await;
        assert_eq!(s, 403, "staff declare but do not read");
        let (_, v) = c.call(&server, "GET", &g("breaches"), bearer(&dpo), None).await;
        assert!(v.as_array().unwrap().iter().any(|x| x["id"] == b.as_str()));
        let (_, v) = c.call(&server, "GET", &g(&format!("breaches/{b}")), bearer(&dpo), None).await;
        assert_eq!(v["clock_running"], true);
        let (s, _) = c.call(&server, "PUT", &g(&format!("breaches/{b}")), bearer(&dpo),
            Some(json!({"severity": "2", "data_categories": ["identity"], "persons_count": "12", "persons_informed": "later"}))).await;
        assert_eq!(s, 200);
        let (s, v) = c.call(&server, "POST", &g(&format!("breaches/{b}/notification")), bearer(&dpo),
            Some(json!({"decision": "notify", "reason": "Données d’usagers", "notified_at": now.to_rfc3339(), "reference": "CNIL-2026-001"}))).await;
        assert_eq!((s, v["decision"].as_str()), (200, Some("notify")), "{v}");
        let (s, v) = c.call(&server, "POST", &g("requests"), bearer(&dpo),
            Some(json!({"kind": "access", "received_on": today.to_string(), "applicant": "Mme Hélène Garnier"}))).await;
        assert_eq!(s, 201, "{v}");
        let r = v["id"].as_str().unwrap().to_string();
        let (_, v) = c.call(&server, "GET", &g("requests"), bearer(&dir), None).await;
        assert!(!v.as_array().unwrap().is_empty());
        let (_, v) = c.call(&server, "GET", &g(&format!("requests/{r}")), bearer(&dir), None).await;
        assert_eq!(v["state"], "to_handle");
        let (s, v) = c.call(&server, "POST", &g(&format!("requests/{r}/state")), bearer(&dir), Some(json!({"state": "awaiting_id"}))).await;
        assert_eq!((s, v["state"].as_str()), (200, Some("awaiting_id")));
        let (s, _) = c.call(&server, "POST", &g(&format!("requests/{r}/extend")), bearer(&dir), Some(json!({}))).await;
        assert_eq!(s, 422, "an extension without a reason");
        let (s, _) = c.call(&server, "POST", &g(&format!("requests/{r}/extend")), bearer(&dir), Some(json!({"reason": "Demande complexe"}))).await;
        assert_eq!(s, 200);
        let (s, v) = c.call(&server, "POST", &g(&format!("requests/{r}/answer")), bearer(&dpo),
            Some(json!({"answered_on": today.to_string(), "answer": "Copie transmise.", "channel": "courriel"}))).await;
        assert_eq!((s, v["state"].as_str()), (200, Some("answered")), "{v}");
        let (s, _) = c.call(&server, "POST", &g("processors"), bearer(&dpo),
            Some(json!({"name": "Cloud Santé", "service": "Hébergement", "art28_clauses": true, "expires_on": "2027-06-30"}))).await;
        assert_eq!(s, 201);
        let (_, v) = c.call(&server, "GET", &g("processors"), bearer(&dir), None).await;
        assert!(!v.as_array().unwrap().is_empty());
        let (s, v) = c.call(&server, "POST", &g("time"), bearer(&dpo), Some(json!({"date": today.to_string(), "hours": "1,5"}))).await;
        assert_eq!((s, v["hours"].as_str()), (201, Some("1.5")), "{v}");
        let (s, _) = c.call(&server, "POST", &g("time"), bearer(&dir), Some(json!({"date": today.to_string(), "hours": "1"}))).await;
        assert_eq!(s, 403, "the DPO's time is the DPO's");
        let (s, v) = c.call(&server, "POST", &g("dpias"), bearer(&dpo), Some(json!({"activity_id": copy, "title": "AIPD accueil de jour"}))).await;
        assert_eq!(s, 201, "{v}");
        let d = v["id"].as_str().unwrap().to_string();
        let (_, v) = c.call(&server, "GET", &g("dpias"), bearer(&dir), None).await;
        assert_eq!(v[0]["missing"].as_array().unwrap().len(), 4);
        let (s, _) = c.call(&server, "POST", &g(&format!("dpias/{d}/sign/controller")), bearer(&dpo), Some(json!({"text": "Validé"}))).await;
        assert_eq!(s, 403, "the controller's decision is the director's");
        let (s, v) = c.call(&server, "POST", &g(&format!("dpias/{d}/sign/dpo")), bearer(&dpo), Some(json!({"text": "Avis favorable"}))).await;
        assert_eq!((s, v["missing"].as_array().map(Vec::len)), (200, Some(3)), "{v}");
        let (_, v) = c.call(&server, "GET", &g("register.json"), bearer(&dir), None).await;
        assert_eq!(v["member"], "tilleuls");
        let dpo_user = kit.bearer(&mutualis_core::auth::find_user_by_email(&ctx.db, "dpo@tilleuls.test").await.unwrap().unwrap());
        let (_, v) = c.call(&server, "GET", "/api/coop/gdpr/desk", bearer(&dpo_user), None).await;
        assert!(v["items"].as_array().unwrap().iter().all(|i| i["member"] == "tilleuls"), "{v}");
        let (s, _) = c.call(&server, "GET", "/api/coop/gdpr/desk", bearer(&rh), None).await;
        assert_eq!(s, 403, "an HR officer serves no member as DPO");

        // Payroll: a month's lines (HR's absences included), an import, findings, the
        // transitions, the board.
        let paie = kit.bearer(&kit.user("paie@tilleuls.test", Role::PayrollOfficer, Some(&m)).await);
        let month = mutualis_core::time::Month::of(chrono::Utc::now());
        let pp = |rest: &str| format!("/api/m/tilleuls/payroll/periods/{month}{rest}");
        let (_, v) = c.call(&server, "GET", &pp(""), bearer(&paie), None).await;
        assert_eq!(v["period"], month.to_string());
        let (s, v) = c.call(&server, "POST", &pp("/lines"), bearer(&paie), Some(json!({"matricule": "T0002", "code": "HS25", "quantity": "3"}))).await;
        assert_eq!(s, 201, "{v}");
        let line = v["id"].as_str().unwrap().to_string();
        let (s, _) = c.call(&server, "POST", &pp("/lines"), bearer(&paie), Some(json!({"matricule": "NOPE", "code": "HS25", "quantity": "3"}))).await;
        assert_eq!(s, 422);
        let (_, v) = c.call(&server, "GET", &pp("/lines"), bearer(&paie), None).await;
        assert!(v.as_array().unwrap().iter().any(|l| l["id"] == line.as_str()), "{v}");
        let (s, _) = c.call(&server, "DELETE", &pp(&format!("/lines/{line}")), bearer(&paie), None).await;
        assert_eq!(s, 204);
        let form = axum_test::multipart::MultipartForm::new().add_part(
            "file",
            axum_test::multipart::Part::bytes(b"Matricule;Code;Quantite\nT0002;TR;4\n".to_vec()).file_name("evp.csv"),
        );
        let r = server.post(&pp("/imports")).add_header("authorization", paie.as_str()).multipart(form).await;
        let v = c.check("POST", &pp("/imports"), &r);
        assert_eq!(v["valid"], 1, "{v}");
        let import = v["id"].as_str().unwrap().to_string();
        let (_, v) = c.call(&server, "POST", &pp(&format!("/imports/{import}/confirm")), bearer(&paie), None).await;
        assert_eq!(v["imported"], 1);
        // A sick leave typed without its certificate: a warning to acknowledge.
        let first = month.first_day();
        let (s, v) = c.call(&server, "POST", &pp("/lines"), bearer(&paie), Some(json!({"matricule": "T0003", "code": "MAL",
            "start_date": (first + chrono::Duration::days(1)).to_string(), "end_date": (first + chrono::Duration::days(2)).to_string()}))).await;
        assert_eq!(s, 201, "{v}");
        let (_, findings) = c.call(&server, "GET", &pp("/findings"), bearer(&paie), None).await;
        for f in findings.as_array().unwrap().iter().filter(|f| f["severity"] == "warning") {
            let (s, v) = c.call(&server, "POST", &pp(&format!("/findings/{}/acknowledge", f["id"].as_str().unwrap())), bearer(&paie), Some(json!({"comment": "Vu avec la direction"}))).await;
            assert_eq!(s, 200, "{v}");
        }
        let (s, v) = c.call(&server, "POST", &pp("/submit"), bearer(&paie), None).await;
        if s == 422 {
            // Blocking findings of the demo month: the submission lists them; the
            // transitions are then shown on a clean month of another member.
            assert!(!v["errors"].as_array().unwrap().is_empty(), "{v}");
        } else {
            assert_eq!(v["status"], "submitted", "{v}");
        }
        let vdl = mutualis_core::member::find_by_slug(&ctx.db, "val-de-loire").await.unwrap().unwrap();
        let dir_v = kit.bearer(&kit.user("dir@vdl.test", Role::Director, Some(&vdl)).await);
        let next = month.next().next();
        let pv = |rest: &str| format!("/api/m/val-de-loire/payroll/periods/{next}{rest}");
        let (s, v) = c.call(&server, "POST", &pv("/lines"), bearer(&dir_v), Some(json!({"matricule": "V0001", "code": "TR", "quantity": "12"}))).await;
        assert_eq!(s, 201, "{v}");
        let (s, v) = c.call(&server, "POST", &pv("/submit"), bearer(&dir_v), None).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("submitted")), "{v}");
        let (s, v) = c.call(&server, "POST", &pv("/validate"), bearer(&dir_v), None).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("validated")), "{v}");
        let (s, v) = c.call(&server, "POST", &pv("/export"), bearer(&dir_v), Some(json!({"profile": "123paie"}))).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("exported")), "{v}");
        assert!(v["files"][0]["name"].as_str().unwrap().ends_with("123paie.txt"), "{v}");
        for f in ["/export.csv", "/export.xlsx", "/export-123paie.txt", "/recap.pdf"] {
            let (s, _) = c.call(&server, "GET", &pv(f), bearer(&dir_v), None).await;
            assert_eq!(s, 200, "{f}");
        }
        let (s, v) = c.call(&server, "POST", &pv("/reopen"), bearer(&dir_v), Some(json!({"reason": "Correction"}))).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("reopened")), "{v}");
        let paie_user = kit.bearer(&mutualis_core::auth::find_user_by_email(&ctx.db, "paie@coop.example").await.unwrap().unwrap());
        let (_, v) = c.call(&server, "GET", "/api/coop/payroll/board", bearer(&paie_user), None).await;
        assert!(v.as_array().unwrap().len() >= 2, "{v}");

        // IT support: record, list, edit, remove; the desk.
        let it = kit.bearer(&kit.user("it@tilleuls.test", Role::ItSupport, Some(&m)).await);
        let iv = json!({"date": today.to_string(), "minutes": "40", "ticket": "HD-900", "category": "comptes", "remote": true, "description": "Compte créé"});
        let (s, v) = c.call(&server, "POST", "/api/m/tilleuls/it/interventions", bearer(&it), Some(iv.clone())).await;
        assert_eq!(s, 201, "{v}");
        let iid = v["id"].as_str().unwrap().to_string();
        let (_, v) = c.call(&server, "GET", "/api/m/tilleuls/it/interventions", bearer(&dir), None).await;
        // Billed: the journal plus what an outside tool posted (1.5 h above).
        assert!(v["billed_hours"].as_str().unwrap().parse::<f64>().unwrap() >= v["hours"].as_str().unwrap().parse::<f64>().unwrap(), "{v}");
        let mut longer = iv.clone();
        longer["minutes"] = json!("75");
        let (_, v) = c.call(&server, "PUT", &format!("/api/m/tilleuls/it/interventions/{iid}"), bearer(&it), Some(longer)).await;
        assert_eq!(v["minutes"], 75);
        let (s, _) = c.call(&server, "DELETE", &format!("/api/m/tilleuls/it/interventions/{iid}"), bearer(&it), None).await;
        assert_eq!(s, 204);
        let (_, v) = c.call(&server, "GET", "/api/coop/it/desk", bearer(&it), None).await;
        assert_eq!(v[0]["member"], "tilleuls");

        // Legal: the jurist's library (create, edit, publish, diff), a member's templates,
        // a document generated, the history and a file.
        let src = mutualis_legal::seed::LIBRARY[1].1;
        let (s, v) = c.call(&server, "POST", "/api/coop/legal/templates", bearer(&admin), Some(json!({"slug": "cdi-test", "source": src}))).await;
        assert_eq!(s, 201, "{v}");
        let (s, _) = c.call(&server, "POST", "/api/coop/legal/templates/cdi-test/publish", bearer(&admin), Some(json!({"changelog": "Première version"}))).await;
        assert_eq!(s, 200);
        let (s, v) = c.call(&server, "PUT", "/api/coop/legal/templates/cdi-test", bearer(&admin), Some(json!({"source": src.replace("## Rémunération", "## Salaire")}))).await;
        assert_eq!((s, v["version"].as_i64()), (200, Some(2)), "{v}");
        let (_, v) = c.call(&server, "GET", "/api/coop/legal/templates/cdi-test/diff?from=1&to=2", bearer(&dir), None).await;
        assert!(!v["changes"].as_array().unwrap().is_empty(), "{v}");
        let (_, v) = c.call(&server, "GET", "/api/m/tilleuls/legal/templates", bearer(&dir), None).await;
        assert!(v.as_array().unwrap().iter().any(|t| t["slug"] == "cdi-test"), "{v}");
        let (s, v) = c.call(&server, "POST", "/api/m/tilleuls/legal/templates/cdd-remplacement/documents", bearer(&dir), Some(json!({"values": mutualis_legal::seed::cdd_values()}))).await;
        assert_eq!(s, 201, "{v}");
        let doc = v["id"].as_str().unwrap().to_string();
        let (_, v) = c.call(&server, "GET", "/api/m/tilleuls/legal/documents", bearer(&dir), None).await;
        assert_eq!(v[0]["id"], doc.as_str());
        let (s, _) = c.call(&server, "GET", &format!("/api/m/tilleuls/legal/documents/{doc}.pdf"), bearer(&dir), None).await;
        assert_eq!(s, 200);

        // Practices: a sheet written, edited, submitted, sent back, published, archived;
        // the themes and the search.
        let body = json!({"member": "tilleuls", "title": "Accueil des stagiaires", "summary": "Un livret et un tuteur.",
                          "body": "Le **tuteur** accueille le stagiaire.", "themes": ["formation"], "tags": ["stage"], "establishment_types": ["EHPAD"]});
        let (s, v) = c.call(&server, "POST", "/api/practices/sheets", bearer(&dir), Some(body.clone())).await;
        assert_eq!((s, v["status"].as_str()), (201, Some("draft")), "{v}");
        let sheet = format!("/api/practices/sheets/{}", v["id"].as_str().unwrap());
        let (s, v) = c.call(&server, "PUT", &sheet, bearer(&dir), Some(body)).await;
        assert_eq!((s, v["version"].as_i64()), (200, Some(2)), "{v}");
        let (_, v) = c.call(&server, "POST", &format!("{sheet}/submit"), bearer(&dir), Some(json!({}))).await;
        assert_eq!(v["status"], "submitted");
        let (_, v) = c.call(&server, "POST", &format!("{sheet}/return"), bearer(&admin), Some(json!({"comment": "Précisez la durée."}))).await;
        assert_eq!(v["status"], "returned");
        c.call(&server, "POST", &format!("{sheet}/submit"), bearer(&dir), Some(json!({}))).await;
        let (_, v) = c.call(&server, "POST", &format!("{sheet}/publish"), bearer(&admin), Some(json!({"comment": "Merci"}))).await;
        assert_eq!(v["status"], "published");
        let (_, v) = c.call(&server, "GET", &sheet, bearer(&rh), None).await;
        assert!(v["body_html"].as_str().unwrap().contains("<strong>tuteur</strong>"), "{v}");
        let (_, v) = c.call(&server, "GET", "/api/practices/search?q=stagiaire&theme=formation", bearer(&rh), None).await;
        assert_eq!(v["total"], 1, "{v}");
        // Between readers: a comment (listed, deleted), a mark (taken back), the news.
        let (s, v) = c.call(&server, "POST", &format!("{sheet}/comments"), bearer(&rh), Some(json!({"body": "Merci !"}))).await;
        assert_eq!(s, 201, "{v}");
        let comment = format!("{sheet}/comments/{}", v["id"].as_str().unwrap());
        let (_, v) = c.call(&server, "GET", &format!("{sheet}/comments"), bearer(&rh), None).await;
        assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
        assert_eq!(c.call(&server, "DELETE", &comment, bearer(&rh), None).await.0, 204);
        let (_, v) = c.call(&server, "POST", &format!("{sheet}/useful"), bearer(&rh), None).await;
        assert_eq!(v["useful_count"], 1, "{v}");
        let (_, v) = c.call(&server, "DELETE", &format!("{sheet}/useful"), bearer(&rh), None).await;
        assert_eq!(v["useful_count"], 0, "{v}");
        let (s, _) = c.call(&server, "GET", "/api/practices/news", bearer(&rh), None).await;
        assert_eq!(s, 200);
        let (_, v) = c.call(&server, "POST", &format!("{sheet}/archive"), bearer(&admin), Some(json!({}))).await;
        assert_eq!(v["status"], "archived");
        let (_, v) = c.call(&server, "GET", "/api/practices/themes", bearer(&rh), None).await;
        assert_eq!(v.as_array().unwrap().len(), 5, "{v}");
        // Good addresses and their reviews; a sheet's file uploaded, listed, downloaded.
        let address = json!({"name": "Paie Test", "category": "prestataire", "region": "National", "description": "Paie externalisée."});
        let (s, v) = c.call(&server, "POST", "/api/practices/addresses", bearer(&dir), Some(address)).await;
        assert_eq!(s, 201, "{v}");
        let one = format!("/api/practices/addresses/{}", v["id"].as_str().unwrap());
        let (s, _) = c.call(&server, "POST", &format!("{one}/reviews"), bearer(&dir), Some(json!({"rating": 4, "text": "Bien."}))).await;
        assert_eq!(s, 201);
        let (s, _) = c.call(&server, "POST", &format!("{one}/reviews"), bearer(&dir), Some(json!({"rating": 5, "text": "Très bien."}))).await;
        assert_eq!(s, 200);
        let (_, v) = c.call(&server, "GET", &one, bearer(&rh), None).await;
        assert_eq!(v["address"]["average"], 5.0, "{v}");
        let (_, v) = c.call(&server, "GET", "/api/practices/addresses?category=prestataire", bearer(&rh), None).await;
        assert!(!v.as_array().unwrap().is_empty(), "{v}");
        let body = json!({"member": "tilleuls", "title": "Un livret", "summary": "Joint.", "body": "Voir le fichier.", "themes": ["formation"]});
        let (_, v) = c.call(&server, "POST", "/api/practices/sheets", bearer(&dir), Some(body)).await;
        let files = format!("/api/practices/sheets/{}/attachments", v["id"].as_str().unwrap());
        let form = axum_test::multipart::MultipartForm::new()
            .add_part("file", axum_test::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("livret.pdf"));
        let res = server.post(&files).add_header("authorization", dir.as_str()).multipart(form).await;
        let v = c.check("POST", &files, &res);
        assert_eq!(res.status_code(), 201, "{v}");
        let (_, list) = c.call(&server, "GET", &files, bearer(&dir), None).await;
        assert_eq!(list[0]["id"], v["id"]);
        let (s, _) = c.call(&server, "GET", v["href"].as_str().unwrap(), bearer(&dir), None).await;
        assert_eq!(s, 200);
        let (s, _) = c.call(&server, "DELETE", v["href"].as_str().unwrap(), bearer(&dir), None).await;
        assert_eq!(s, 204);

        let missing: Vec<_> = c.operations().difference(&c.covered).cloned().collect();
        assert!(
            missing.is_empty(),
            "operations no call here answered with a success to check: {missing:#?}"
        );

        // The check is not blind: a renamed field, a field the document does not declare
        // (also inside a flattened invoice), a date, an amount as a JSON number or with a
        // comma — each fails.
        let mut drifts = 0;
        for (method, path, body) in &kept {
            let template = c.template(method, path);
            let schema = c.schema_of(method, &template, 200).unwrap().clone();
            assert!(c.validate(&schema, body).is_ok());
            let mutations: Vec<Drift> = if body.get("nir").is_some() {
                vec![
                    Box::new(|b| { let n = b["nir"].take(); b.as_object_mut().unwrap().remove("nir"); b["numero_secu"] = n; }),
                    Box::new(|b| b["salary"] = json!("2100.00")),
                    Box::new(|b| b["birth_date"] = json!("03/12/1984")),
                ]
            } else {
                vec![
                    Box::new(|b| b["invoices"][0]["paid"] = json!(true)),
                    Box::new(|b| b["invoices"][0]["total"] = json!(12.5)),
                    Box::new(|b| b["invoices"][0]["lines"][0]["amount"] = json!("12,50")),
                    Box::new(|b| b["invoices"][0]["lines"][0]["extra"] = json!(1)),
                    Box::new(|b| { b["invoices"][0].as_object_mut().unwrap().remove("member"); }),
                ]
            };
            for (i, mutate) in mutations.iter().enumerate() {
                let mut drifted = body.clone();
                mutate(&mut drifted);
                assert!(c.validate(&schema, &drifted).is_err(), "{path}: drift {i} not caught: {drifted:#}");
                drifts += 1;
            }
        }
        assert_eq!(drifts, 8);
        assert!(c.checked >= c.operations().len(), "{}", c.checked);
    })
    .await;
}
