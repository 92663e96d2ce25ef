//! Bad input answered in French, never by the framework's English: every rejection of
//! an extractor (JSON, path, query, method, media type) is JSON on the API and the
//! French page elsewhere; unknown URLs likewise; a URL ending in `/` is redirected.
use mutualis_core::authz::Role;
use serde_json::Value;

use crate::common::*;

/// No English framework text and no Rust type name in a refusal.
fn french(body: &str) {
    for word in [
        "Failed",
        "deserialize",
        "expected",
        "struct ",
        "Invalid URL",
        "Uuid",
        "u64",
    ] {
        assert!(!body.contains(word), "English or Rust in a refusal: {body}");
    }
}

#[tokio::test]
async fn api_rejections_are_french_json_naming_the_field() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        let url = "/api/m/alpha/hr/employees";
        let post = |body: &'static str, ct: Option<&'static str>| {
            let mut r = server
                .post(url)
                .add_header("authorization", rh.as_str())
                .bytes(body.into());
            if let Some(ct) = ct {
                r = r.add_header("content-type", ct);
            }
            r
        };
        let cases: [(&str, Option<&str>, u16, Option<&str>); 5] = [
            (
                r#"{"matricule": 5}"#,
                Some("application/json"),
                422,
                Some("matricule"),
            ),
            ("[1, 2]", Some("application/json"), 422, Some("[0]")),
            ("{bad", Some("application/json"), 400, Some("body")),
            ("{}", None, 415, Some("body")),
            (
                r#"{"matricule": "A"} trailing"#,
                Some("application/json"),
                400,
                Some("body"),
            ),
        ];
        for (body, ct, status, field) in cases {
            let r = post(body, ct).await;
            assert_eq!(r.status_code().as_u16(), status, "{body}: {}", r.text());
            assert!(
                r.header("content-type")
                    .to_str()
                    .unwrap()
                    .starts_with("application/json"),
                "{body}"
            );
            french(&r.text());
            let v: Value = r.json();
            assert!(!v["error"].as_str().unwrap().is_empty());
            assert_eq!(v["errors"][0]["field"].as_str(), field, "{body}: {v}");
        }
        // A path id that is not one, a wrong method, an unknown API path.
        let r = api_get(&server, &rh, "/api/m/alpha/hr/employees/not-a-uuid").await;
        assert_eq!(r.status_code(), 400);
        french(&r.text());
        assert_eq!(r.json::<Value>()["errors"][0]["field"], "id");
        let r = server
            .delete(url)
            .add_header("authorization", rh.as_str())
            .await;
        assert_eq!(r.status_code(), 405);
        assert!(
            r.json::<Value>()["error"]
                .as_str()
                .unwrap()
                .contains("méthode")
        );
        let r = api_get(&server, &rh, "/api/m/alpha/nothing/here").await;
        assert_eq!(r.status_code(), 404);
        assert_eq!(r.json::<Value>()["error"], "Page ou ressource introuvable.");
        // Nothing was stored by any of them.
        let list = api_get(&server, &rh, url).await.json::<Value>();
        assert_eq!(list.as_array().map_or(0, Vec::len), 0, "{list}");
    })
    .await;
}

#[tokio::test]
async fn pages_refuse_in_french_and_trailing_slashes_are_redirected() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let dir = kit
            .web(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await)
            .await;
        for (from, to) in [
            ("/coop/", "/coop"),
            ("/m/alpha/", "/m/alpha"),
            ("/login/?next=/coop", "/login?next=/coop"),
        ] {
            let r = web_get(&server, &dir, from).await;
            assert_eq!(r.status_code(), 308, "{from}");
            assert_eq!(r.header("location").to_str().unwrap(), to);
        }
        for (path, status, title) in [
            ("/nowhere", 404, "Page introuvable"),
            ("/m/alpha/hr/employees/not-a-uuid", 400, "Requête invalide"),
        ] {
            let r = web_get(&server, &dir, path).await;
            assert_eq!(r.status_code(), status, "{path}");
            let html = r.text();
            assert!(
                html.contains("lang=\"fr\"") && html.contains(title),
                "{path}: {html}"
            );
            french(&html);
            assert!(
                !html.contains("cdn.") && !html.contains("https://"),
                "{html}"
            );
        }
        let r = server.put("/login").await;
        assert_eq!(r.status_code(), 405);
        assert!(r.text().contains("Méthode non autorisée"));
        // Nothing tells a stranger what the server runs.
        assert!(r.maybe_header("x-powered-by").is_none());
    })
    .await;
}

/// Defect 1: a usage quantity cannot break billing. The meter's bound is accepted, the
/// bound + a millionth refused with the event's index; and events stored before the
/// bound existed (two of i64::MAX millionths) no longer make the month's sums overflow.
#[tokio::test]
async fn usage_quantities_are_bounded_and_their_sums_cannot_overflow() {
    use mutualis_core::entities::usage_events;
    use sea_orm::{ActiveModelTrait, Set};
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["billing"]).await;
        let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        let key = kit.api_key("outil de tickets").await;
        let month = mutualis_core::time::Month::of(chrono::Utc::now()).to_string();
        let at = chrono::Utc::now().to_rfc3339();
        let ev = |id: &str, q: &str| {
            serde_json::json!({"id": id, "member": "alpha", "meter": "it.support_hours",
                               "quantity": q, "occurred_at": at})
        };
        let r = server
            .post("/api/usage/events")
            .add_header("x-api-key", key.as_str())
            .json(&serde_json::json!({"events": [
                ev("max", "1000000"), ev("over", "1000000.000001"),
                ev("huge", "9223372036854.775807"), ev("exp", "1e2"),
                {"id": "half", "member": "alpha", "meter": "it.tickets", "quantity": "0.5"},
            ]}))
            .await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        let v: Value = r.json();
        assert_eq!(v["accepted"], 1, "{v}");
        let rejected: Vec<u64> = v["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["index"].as_u64().unwrap())
            .collect();
        assert_eq!(rejected, [1, 2, 3, 4], "{v}");
        assert!(
            v["rejected"][0]["error"]
                .as_str()
                .unwrap()
                .contains("au plus 1000000")
        );
        assert!(
            v["rejected"][3]["error"]
                .as_str()
                .unwrap()
                .contains("nombre entier")
        );
        // Rows of before the bound, straight into the table.
        for i in 0..2 {
            usage_events::ActiveModel {
                member_id: Set(a.id),
                id: Set(uuid::Uuid::now_v7()),
                meter: Set("it.support_hours".to_string()),
                quantity_micros: Set(i64::MAX),
                occurred_at: Set(chrono::Utc::now()),
                received_at: Set(chrono::Utc::now()),
                idempotency_key: Set(format!("old-{i}")),
                source: Set("old".to_string()),
                unique_value: Set(None),
                reason: Set(None),
                properties: Set("{}".to_string()),
                period: Set(month.clone()),
            }
            .insert(&ctx.db)
            .await
            .unwrap();
        }
        // Rows written by hand are counted by a recount, as the boot does for the events
        // of before the running totals.
        mutualis_core::metering::fill_totals(&ctx.db).await.unwrap();
        let r = api_get(&server, &dir, &format!("/api/m/alpha/usage?period={month}")).await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        let q = r.json::<Value>()["meters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["meter"] == "it.support_hours")
            .unwrap()["quantity"]
            .clone();
        assert_eq!(
            q, "18446745073709.551614",
            "1,000,000 + 2 × 9,223,372,036,854.775807"
        );
        let r = api_get(
            &server,
            &admin,
            &format!("/api/coop/billing/periods/{month}/preview"),
        )
        .await;
        assert!(r.status_code().as_u16() < 500, "{}", r.text());
    })
    .await;
}

/// Defect 3: amounts out of range are refused by field (no panic, nothing stored, never
/// billed as 0 €); HR hours in scientific notation too.
#[tokio::test]
async fn money_out_of_its_range_is_refused_by_field() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        for amount in ["79228162514264337593543950335", "100000000000000000000", "1e2", "12,345", "-5"] {
            let (status, v) = post_json(
                &server,
                &admin,
                "/api/coop/billing/charges",
                serde_json::json!({"module": "billing", "code": "abonnement", "label": "Abonnement",
                                   "kind": "subscription", "effective_from": "2026-01", "amount": amount}),
            )
            .await;
            assert_eq!(status, 422, "{amount}: {v}");
            assert_eq!(v["errors"][0]["field"], "amount", "{amount}: {v}");
            assert!(v["errors"][0]["message"].as_str().unwrap().starts_with("Montant invalide"), "{v}");
        }
        let list = api_get(&server, &admin, "/api/coop/billing/charges").await;
        assert_eq!(list.status_code(), 200);
        assert!(!list.text().contains("abonnement"), "nothing stored: {}", list.text());
        let (status, _) = post_json(
            &server,
            &admin,
            "/api/coop/billing/charges",
            serde_json::json!({"module": "billing", "code": "abonnement", "label": "Abonnement",
                               "kind": "subscription", "effective_from": "2026-01", "amount": "1 250,50"}),
        )
        .await;
        assert_eq!(status, 201);
    })
    .await;
}

/// Defect 5 (identifiers): a NUL or a bidi override in any field is refused by name,
/// on the API and on pages, before it reaches a handler (PostgreSQL cannot store a NUL).
#[tokio::test]
async fn hidden_characters_are_refused_by_field() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let u = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let (status, v) = post_json(
            &server,
            &kit.bearer(&u),
            "/api/m/alpha/hr/employees",
            serde_json::json!({"matricule": "A1", "last_name": "Dur\u{202e}and", "first_name": "Zoé\u{0}"}),
        )
        .await;
        assert_eq!(status, 422, "{v}");
        let field = v["errors"][0]["field"].as_str().unwrap();
        assert!(field == "last_name" || field == "first_name", "{v}");
        assert!(v["error"].as_str().unwrap().contains("caractère invisible"));
        let web = kit.web(&u).await;
        let r = web_post(&server, &web, "/m/alpha/hr/employees", &[("last_name", "A\u{7}B")]).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("caractère invisible") && r.text().contains("lang=\"fr\""));
        let list = api_get(&server, &kit.bearer(&u), "/api/m/alpha/hr/employees").await;
        assert_eq!(list.json::<Value>().as_array().map_or(0, Vec::len), 0);
    })
    .await;
}
