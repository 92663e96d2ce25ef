//! IT support through the router: the month's metered hours equal the journal's after
//! creations, edits and deletions; an event posted with an intervention's id is not
//! counted twice; a closed period's resolved intervention no longer changes; members see
//! only theirs; a director does not record.
use axum_test::TestServer;
use chrono::Datelike;
use mutualis_core::{authz::Role, time::Month};
use serde_json::{Value, json};

use crate::common::*;

async fn put(server: &TestServer, bearer: &str, path: &str, body: Value) -> (u16, Value) {
    let r = server
        .put(path)
        .add_header("authorization", bearer)
        .json(&body)
        .await;
    let status = r.status_code().as_u16();
    (
        status,
        if r.text().is_empty() {
            Value::Null
        } else {
            r.json()
        },
    )
}

async fn month_body(server: &TestServer, bearer: &str, month: Month) -> Value {
    api_get(
        server,
        bearer,
        &format!("/api/m/alpha/it/interventions?period={month}"),
    )
    .await
    .json()
}

fn day_in(month: Month, day: u32) -> String {
    let d = month.first_day().with_day(day).unwrap();
    d.min(mutualis_core::time::paris_today()).to_string()
}

#[tokio::test]
async fn the_months_hours_follow_the_journal_through_creations_edits_and_deletions() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["it"]).await;
        let it = kit.bearer(&kit.user("it@coop.test", Role::ItSupport, Some(&a)).await);
        let this = Month::of(chrono::Utc::now());
        let last = this.prev();
        let url = "/api/m/alpha/it/interventions";
        let make = |date: String, minutes: &str, ticket: &str| {
            json!({"date": date, "minutes": minutes, "ticket": ticket, "category": "poste", "remote": true, "description": "Poste bloqué"})
        };
        let (s, v) = post_json(&server, &it, url, make(day_in(this, 1), "45", "HD-1")).await;
        assert_eq!(s, 201, "{v}");
        let one = v["id"].as_str().unwrap().to_string();
        // 50 minutes are rounded up to the quarter: an hour.
        let (_, v) = post_json(&server, &it, url, make(day_in(this, 1), "50", "HD-2")).await;
        let two = v["id"].as_str().unwrap().to_string();
        let (_, v) = post_json(&server, &it, url, make(day_in(this, 1), "30", "HD-2")).await;
        let three = v["id"].as_str().unwrap().to_string();
        let b = month_body(&server, &it, this).await;
        assert_eq!((b["hours"].as_str(), b["billed_hours"].as_str()), (Some("2.25"), Some("2.25")), "{b}");
        // An edit: 45 → 90 minutes; another moved to last month.
        let (s, v) = put(&server, &it, &format!("{url}/{one}"), make(day_in(this, 1), "90", "HD-1")).await;
        assert_eq!(s, 200, "{v}");
        put(&server, &it, &format!("{url}/{two}"), make(day_in(last, 15), "60", "HD-2")).await;
        // A deletion.
        let r = server.delete(&format!("{url}/{three}")).add_header("authorization", it.as_str()).await;
        assert_eq!(r.status_code(), 204);
        let b = month_body(&server, &it, this).await;
        assert_eq!((b["hours"].as_str(), b["billed_hours"].as_str()), (Some("1.5"), Some("1.5")), "{b}");
        let b = month_body(&server, &it, last).await;
        assert_eq!((b["hours"].as_str(), b["billed_hours"].as_str()), (Some("1"), Some("1")), "{b}");
        // An outside helpdesk posting the same intervention (same id): not counted twice.
        let key = kit.api_key("helpdesk").await;
        let when = chrono::Utc::now().to_rfc3339();
        let r = server.post("/api/usage/events").add_header("x-api-key", key.as_str())
            .json(&json!({"events": [{"id": one, "member": "alpha", "meter": "it.support_hours", "quantity": "0.75", "occurred_at": when}]})).await;
        let v: Value = r.json();
        assert_eq!(v["duplicates"], 1, "{v}");
        let b = month_body(&server, &it, this).await;
        assert_eq!(b["billed_hours"], "1.5");
        // Tickets: HD-1 and HD-2, each once.
        let usage: Value = api_get(&server, &it, &format!("/api/m/alpha/usage?period={last}")).await.json();
        let tickets = usage["meters"].as_array().unwrap().iter().find(|m| m["meter"] == "it.tickets").unwrap()["quantity"].as_str().unwrap().to_string();
        assert_eq!(tickets, "0", "HD-2 is counted in the month of its first intervention: {usage}");
    })
    .await;
}

#[tokio::test]
async fn a_resolved_intervention_of_a_closed_period_no_longer_changes() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["it"]).await;
        let it = kit.bearer(&kit.user("it@coop.test", Role::ItSupport, Some(&a)).await);
        let last = Month::of(chrono::Utc::now()).prev();
        let url = "/api/m/alpha/it/interventions";
        let body = |status: &str| {
            json!({"date": day_in(last, 10), "minutes": "60", "category": "reseau", "remote": false,
            "description": "Box remplacée", "status": status})
        };
        let (_, v) = post_json(&server, &it, url, body("resolved")).await;
        let done = v["id"].as_str().unwrap().to_string();
        let (_, v) = post_json(&server, &it, url, body("open")).await;
        let open = v["id"].as_str().unwrap().to_string();
        mutualis_core::metering::close_period(&ctx.db, last)
            .await
            .unwrap();
        let (s, v) = put(&server, &it, &format!("{url}/{done}"), body("resolved")).await;
        assert_eq!(s, 409, "{v}");
        assert!(
            v["error"].as_str().unwrap().contains("ligne de correction"),
            "{v}"
        );
        let r = server
            .delete(&format!("{url}/{done}"))
            .add_header("authorization", it.as_str())
            .await;
        assert_eq!(r.status_code(), 409);
        // Still open: it may change (its difference counts in the next open month).
        let (s, _) = put(&server, &it, &format!("{url}/{open}"), body("resolved")).await;
        assert_eq!(s, 200);
    })
    .await;
}

#[tokio::test]
async fn members_see_only_theirs_and_a_director_does_not_record() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["it"]).await;
        let b = kit.member("beta", &["it"]).await;
        let it = kit.bearer(&kit.user("it@coop.test", Role::ItSupport, Some(&a)).await);
        let dir_a = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let dir_b = kit.bearer(&kit.user("dir@beta.test", Role::Director, Some(&b)).await);
        let body = json!({"date": mutualis_core::time::paris_today().to_string(), "minutes": "30", "category": "messagerie",
            "remote": true, "description": "Boîte de Zéphyrin pleine"});
        let (s, _) = post_json(&server, &dir_a, "/api/m/alpha/it/interventions", body.clone()).await;
        assert_eq!(s, 403, "a director does not record");
        let (s, _) = post_json(&server, &it, "/api/m/alpha/it/interventions", body).await;
        assert_eq!(s, 201);
        let v: Value = api_get(&server, &dir_a, "/api/m/alpha/it/interventions").await.json();
        assert_eq!(v["interventions"].as_array().unwrap().len(), 1);
        let r = api_get(&server, &dir_b, "/api/m/alpha/it/interventions").await;
        assert_eq!(r.status_code(), 404);
        assert!(!r.text().contains("Zéphyrin"));
        let desk: Value = api_get(&server, &it, "/api/coop/it/desk").await.json();
        let members: Vec<&str> = desk.as_array().unwrap().iter().map(|r| r["member"].as_str().unwrap()).collect();
        assert_eq!(members, ["alpha"], "{desk}");
        assert_eq!(desk[0]["has_contact"], false);
        assert_eq!(api_get(&server, &dir_a, "/api/coop/it/desk").await.status_code(), 403, "the desk is the IT staff's");
    })
    .await;
}
