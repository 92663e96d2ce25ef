//! Billing end to end: preview, close, approval with gapless numbering, isolation.
use mutualis_core::authz::Role;
use serde_json::{Value, json};

use crate::common::*;

fn totals(preview: &Value) -> Vec<(String, String)> {
    preview["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["member"].as_str().unwrap().to_string(),
                i["total"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Three members with the same IT usage share a 100.00 € pool: 33.34 + 33.33 + 33.33.
async fn three_equal_members(
    server: &axum_test::TestServer,
    kit: &TestKit<'_>,
) -> (String, String) {
    for slug in ["alpha", "beta", "gamma"] {
        kit.member(slug, &["billing"]).await;
    }
    let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
    let bearer = kit.bearer(&admin);
    charge(server, &bearer, json!({"module": "billing", "code": "abonnement", "label": "Abonnement", "kind": "subscription", "effective_from": "2026-01", "amount": "0"})).await;
    charge(server, &bearer, json!({"module": "it", "code": "support", "label": "Support informatique", "kind": "cost_pool", "effective_from": "2026-01", "amount": "100.00", "meter": "it.support_hours"})).await;
    let key = kit.api_key("outil").await;
    let evs: Vec<Value> = ["alpha", "beta", "gamma"]
        .iter()
        .map(|m| json!({"id": format!("h-{m}"), "member": m, "meter": "it.support_hours", "quantity": "4", "occurred_at": "2026-03-10T10:00:00Z"}))
        .collect();
    events(server, &key, json!(evs)).await;
    (bearer, key)
}

#[tokio::test]
async fn the_preview_shares_a_pool_to_the_cent() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = three_equal_members(&server, &kit).await;
        let r = api_get(&server, &admin, "/api/coop/billing/periods/2026-03/preview").await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        let p: Value = r.json();
        assert_eq!(p["period"], "2026-03");
        assert_eq!(p["pools"], json!([{"module": "it", "charge": "support", "amount": "100.00", "allocated": "100.00"}]));
        let mut t = totals(&p);
        t.sort();
        let amounts: Vec<&str> = t.iter().map(|(_, a)| a.as_str()).collect();
        // Deterministic tie-break: the extra cent goes to the smallest member id (alpha).
        assert_eq!(t[0], ("alpha".to_string(), "33.34".to_string()));
        assert_eq!(amounts, ["33.34", "33.33", "33.33"]);
        let line = &p["invoices"][0]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["charge"] == "support")
            .unwrap()
            .clone();
        assert_eq!(line["meter"], "it.support_hours");
        assert_eq!(line["quantity"], "4");
        assert!(line["share"].as_str().unwrap().starts_with("33.3"));
        // The board sees it too; a member's director only their own.
        let board = kit.user("ca@coop.test", Role::Board, None).await;
        assert_eq!(api_get(&server, &kit.bearer(&board), "/api/coop/billing/periods/2026-03/preview").await.status_code(), 200);
        let alpha = mutualis_core::member::find_by_slug(&ctx.db, "alpha").await.unwrap().unwrap();
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&alpha)).await;
        let own: Value = api_get(&server, &kit.bearer(&dir), "/api/m/alpha/billing/preview?period=2026-03").await.json();
        assert_eq!(totals(&own), [("alpha".to_string(), "33.34".to_string())]);
        assert_eq!(api_get(&server, &kit.bearer(&dir), "/api/coop/billing/periods/2026-03/preview").await.status_code(), 403);
        assert_eq!(api_get(&server, &kit.bearer(&dir), "/api/m/beta/billing/preview?period=2026-03").await.status_code(), 404);
    })
    .await;
}

#[tokio::test]
async fn close_is_idempotent_and_replays_change_nothing() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, key) = three_equal_members(&server, &kit).await;
        let first: Value = server.post("/api/coop/billing/periods/2026-03/close").add_header("authorization", admin.as_str()).await.json();
        let second: Value = server.post("/api/coop/billing/periods/2026-03/close").add_header("authorization", admin.as_str()).await.json();
        assert_eq!(first["invoices"].as_array().unwrap().len(), 3);
        let ids = |v: &Value| v["invoices"].as_array().unwrap().iter().map(|i| (i["id"].clone(), i["total"].clone(), i["status"].clone())).collect::<Vec<_>>();
        assert_eq!(ids(&first), ids(&second));
        // Replaying every usage event changes no invoice…
        let evs: Vec<Value> = ["alpha", "beta", "gamma"]
            .iter()
            .map(|m| json!({"id": format!("h-{m}"), "member": m, "meter": "it.support_hours", "quantity": "4", "occurred_at": "2026-03-10T10:00:00Z"}))
            .collect();
        let r = server.post("/api/usage/events").add_header("x-api-key", key.as_str()).json(&json!({"events": evs})).await;
        assert_eq!(r.json::<Value>()["duplicates"], 3);
        // …and a late March event counts in April, not in the closed March.
        events(&server, &key, json!([{"id": "late", "member": "alpha", "meter": "it.support_hours", "quantity": "100", "occurred_at": "2026-03-30T10:00:00Z"}])).await;
        let third: Value = server.post("/api/coop/billing/periods/2026-03/close").add_header("authorization", admin.as_str()).await.json();
        assert_eq!(ids(&first), ids(&third));
        let april: Value = api_get(&server, &admin, "/api/coop/billing/periods/2026-04/preview").await.json();
        let alpha_april = totals(&april).into_iter().find(|(m, _)| m == "alpha").unwrap().1;
        assert_eq!(alpha_april, "100.00", "the late event's whole usage is alpha's in April");
        // The board cannot close.
        let board = kit.user("ca@coop.test", Role::Board, None).await;
        let r = server.post("/api/coop/billing/periods/2026-05/close").add_header("authorization", kit.bearer(&board).as_str()).await;
        assert_eq!(r.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn a_period_without_charges_is_not_closed() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        kit.member("alpha", &["billing", "hr"]).await;
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let bearer = kit.bearer(&admin);
        let r = server
            .post("/api/coop/billing/periods/2026-03/close")
            .add_header("authorization", bearer.as_str())
            .await;
        assert_eq!(r.status_code(), 422);
        let msg = r.json::<Value>()["error"].as_str().unwrap().to_string();
        assert!(
            msg.contains("« Facturation »") && msg.contains("« Ressources humaines »"),
            "{msg}"
        );
        // Nothing was closed: March still takes March's events.
        assert!(
            !mutualis_core::metering::is_closed(
                &ctx.db,
                mutualis_core::time::Month::parse("2026-03").unwrap()
            )
            .await
            .unwrap()
        );
    })
    .await;
}

#[tokio::test]
async fn approval_finalizes_with_a_number_and_then_nothing_changes() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = three_equal_members(&server, &kit).await;
        let drafts: Value = server
            .post("/api/coop/billing/periods/2026-03/close")
            .add_header("authorization", admin.as_str())
            .await
            .json();
        let id = drafts["invoices"][0]["id"].as_str().unwrap().to_string();
        let member = drafts["invoices"][0]["member"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(drafts["invoices"][0]["number"].is_null());
        // The coop admin who closed cannot approve (separation of duties).
        let r = server
            .post(&format!("/api/coop/billing/invoices/{id}/approve"))
            .add_header("authorization", admin.as_str())
            .await;
        assert_eq!(r.status_code(), 403);
        let board = kit.user("ca@coop.test", Role::Board, None).await;
        let bb = kit.bearer(&board);
        let r = server
            .post(&format!("/api/coop/billing/invoices/{id}/approve"))
            .add_header("authorization", bb.as_str())
            .await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        let inv: Value = r.json();
        let year = chrono::Datelike::year(&mutualis_core::time::paris_today());
        assert_eq!(inv["number"], format!("{year}-000001"));
        assert_eq!(inv["status"], "finalized");
        // The member's billing contact is told, with the number and the amount.
        let mails = ctx.mailer.as_ref().unwrap().deliveries();
        assert_eq!(mails.count, 1);
        let mail = mails.messages[0].replace("=\r\n", "");
        assert!(mail.contains(&format!("compta@{member}.test")), "{mail}");
        assert!(mail.contains(&format!("{year}-000001")), "{mail}");
        // A finalized invoice refuses a second approval, a deletion, and a re-close leaves it.
        let again = server
            .post(&format!("/api/coop/billing/invoices/{id}/approve"))
            .add_header("authorization", bb.as_str())
            .await;
        assert_eq!(again.status_code(), 409);
        let actor = mutualis_core::audit::Actor::user(admin_id(&ctx).await, "admin@coop.test");
        let del = mutualis_billing::service::delete_draft(
            &ctx.db,
            mutualis_core::tenant::Coop::for_task("test"),
            &actor,
            id.parse().unwrap(),
        )
        .await;
        assert!(matches!(del, Err(mutualis_core::AppError::Conflict(_))));
        server
            .post("/api/coop/billing/periods/2026-03/close")
            .add_header("authorization", admin.as_str())
            .await;
        // The member's director sees it in its list, with its number.
        let m = mutualis_core::member::find_by_slug(&ctx.db, &member)
            .await
            .unwrap()
            .unwrap();
        let dir = kit.user("dir@m.test", Role::Director, Some(&m)).await;
        let list: Value = api_get(
            &server,
            &kit.bearer(&dir),
            &format!("/api/m/{member}/invoices"),
        )
        .await
        .json();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["number"], format!("{year}-000001"));
        assert_eq!(list[0]["total"], inv["total"]);
        // …and never another member's.
        let other = if member == "alpha" { "beta" } else { "alpha" };
        assert_eq!(
            api_get(
                &server,
                &kit.bearer(&dir),
                &format!("/api/m/{other}/invoices")
            )
            .await
            .status_code(),
            404
        );
    })
    .await;
}

async fn admin_id(ctx: &loco_rs::app::AppContext) -> i64 {
    mutualis_core::auth::find_user_by_email(&ctx.db, "admin@coop.test")
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_finalizations_take_sixteen_consecutive_numbers() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let bearer = kit.bearer(&admin);
        for i in 0..16 {
            kit.member(&format!("m{i:02}"), &["billing"]).await;
        }
        charge(&server, &bearer, json!({"module": "billing", "code": "abonnement", "label": "Abonnement", "kind": "subscription", "effective_from": "2026-01", "amount": "10.00"})).await;
        let drafts: Value = server.post("/api/coop/billing/periods/2026-03/close").add_header("authorization", bearer.as_str()).await.json();
        let ids: Vec<uuid::Uuid> = drafts["invoices"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().parse().unwrap()).collect();
        assert_eq!(ids.len(), 16);
        let board = kit.user("ca@coop.test", Role::Board, None).await;
        let actor = mutualis_core::audit::Actor::user(board.id, &board.email);
        let mut tasks = Vec::new();
        for id in ids {
            let db = ctx.db.clone();
            let actor = actor.clone();
            tasks.push(tokio::spawn(async move {
                // No retry: concurrent finalizations must all go through.
                mutualis_billing::service::approve(&db, mutualis_core::tenant::Coop::for_task("test"), &actor, id, 1)
                    .await
                    .unwrap()
                    .invoice
                    .number
                    .unwrap()
            }));
        }
        let mut numbers = Vec::new();
        for t in tasks {
            numbers.push(t.await.unwrap());
        }
        numbers.sort();
        let year = chrono::Datelike::year(&mutualis_core::time::paris_today());
        let expected: Vec<String> = (1..=16).map(|n| format!("{year}-{n:06}")).collect();
        assert_eq!(numbers, expected);
    })
    .await;
}

#[tokio::test]
async fn quorum_two_needs_two_board_members() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = three_equal_members(&server, &kit).await;
        let drafts: Value = server
            .post("/api/coop/billing/periods/2026-03/close")
            .add_header("authorization", admin.as_str())
            .await
            .json();
        let id: uuid::Uuid = drafts["invoices"][0]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let b1 = kit.user("ca1@coop.test", Role::Board, None).await;
        let b2 = kit.user("ca2@coop.test", Role::Board, None).await;
        let a1 = mutualis_core::audit::Actor::user(b1.id, &b1.email);
        let a2 = mutualis_core::audit::Actor::user(b2.id, &b2.email);
        let first = mutualis_billing::service::approve(
            &ctx.db,
            mutualis_core::tenant::Coop::for_task("test"),
            &a1,
            id,
            2,
        )
        .await
        .unwrap();
        assert_eq!(
            (first.approvals, first.invoice.status.as_str()),
            (1, "draft")
        );
        // The same person twice does not make a quorum.
        let same = mutualis_billing::service::approve(
            &ctx.db,
            mutualis_core::tenant::Coop::for_task("test"),
            &a1,
            id,
            2,
        )
        .await
        .unwrap();
        assert_eq!((same.approvals, same.invoice.status.as_str()), (1, "draft"));
        let second = mutualis_billing::service::approve(
            &ctx.db,
            mutualis_core::tenant::Coop::for_task("test"),
            &a2,
            id,
            2,
        )
        .await
        .unwrap();
        assert_eq!(second.invoice.status, "finalized");
        assert!(second.invoice.number.is_some());
    })
    .await;
}

async fn finalize_all(server: &axum_test::TestServer, board: &str, drafts: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for d in drafts.as_array().unwrap() {
        let id = d["id"].as_str().unwrap();
        let r = server
            .post(&format!("/api/coop/billing/invoices/{id}/approve"))
            .add_header("authorization", board)
            .await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        out.push(r.json::<Value>());
    }
    out
}

#[tokio::test]
async fn credit_notes_total_or_partial_never_exceed_the_invoice() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = three_equal_members(&server, &kit).await;
        let board = kit.bearer(&kit.user("ca@coop.test", Role::Board, None).await);
        let drafts: Value = server
            .post("/api/coop/billing/periods/2026-03/close")
            .add_header("authorization", admin.as_str())
            .await
            .json();
        let invoices = finalize_all(&server, &board, &drafts["invoices"]).await;
        let inv = invoices.iter().find(|i| i["member"] == "alpha").unwrap();
        assert_eq!(inv["total"], "33.34");
        let id = inv["id"].as_str().unwrap();
        let url = format!("/api/coop/billing/invoices/{id}/credit-notes");
        // A reason is required.
        let r = server
            .post(&url)
            .add_header("authorization", admin.as_str())
            .json(&json!({"amount": "10.00"}))
            .await;
        assert_eq!(r.status_code(), 422);
        // Partial: 10.00 €, then more than what is left is refused, then the rest.
        let r = server
            .post(&url)
            .add_header("authorization", admin.as_str())
            .json(&json!({"amount": "10.00", "reason": "Heures comptées deux fois"}))
            .await;
        assert_eq!(r.status_code(), 201, "{}", r.text());
        let note: Value = r.json();
        assert_eq!(note["total"], "-10.00");
        assert_eq!(note["kind"], "credit_note");
        let r = server
            .post(&url)
            .add_header("authorization", admin.as_str())
            .json(&json!({"amount": "23.35", "reason": "trop"}))
            .await;
        assert_eq!(r.status_code(), 422);
        assert!(
            r.json::<Value>()["error"]
                .as_str()
                .unwrap()
                .contains("23,34")
        );
        // A total credit note is refused once a partial one exists.
        let r = server
            .post(&url)
            .add_header("authorization", admin.as_str())
            .json(&json!({"reason": "annulation"}))
            .await;
        assert_eq!(r.status_code(), 422);
        // The board approves: the credit note takes its own series.
        let r = server
            .post(&format!(
                "/api/coop/billing/invoices/{}/approve",
                note["id"].as_str().unwrap()
            ))
            .add_header("authorization", board.as_str())
            .await;
        let year = chrono::Datelike::year(&mutualis_core::time::paris_today());
        assert_eq!(r.json::<Value>()["number"], format!("AV-{year}-000001"));
        // A total credit note on another invoice mirrors its lines.
        let other = invoices.iter().find(|i| i["member"] == "beta").unwrap();
        let r = server
            .post(&format!(
                "/api/coop/billing/invoices/{}/credit-notes",
                other["id"].as_str().unwrap()
            ))
            .add_header("authorization", admin.as_str())
            .json(&json!({"reason": "Adhérent sorti au 1er mars"}))
            .await;
        assert_eq!(r.status_code(), 201);
        assert_eq!(r.json::<Value>()["total"], "-33.33");
        // No credit note on a draft, and the board cannot make one.
        let r = server
            .post(&url)
            .add_header("authorization", board.as_str())
            .json(&json!({"amount": "1", "reason": "x"}))
            .await;
        assert_eq!(r.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn the_annual_true_up_uses_the_years_key_shares() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        kit.member("alpha", &["billing"]).await;
        kit.member("beta", &["billing"]).await;
        let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        let board = kit.bearer(&kit.user("ca@coop.test", Role::Board, None).await);
        charge(&server, &admin, json!({"module": "billing", "code": "abonnement", "label": "Abonnement", "kind": "subscription", "effective_from": "2026-01", "amount": "0"})).await;
        charge(&server, &admin, json!({"module": "it", "code": "support", "label": "Support informatique", "kind": "cost_pool", "effective_from": "2026-01", "amount": "100.00", "meter": "it.support_hours"})).await;
        let key = kit.api_key("outil").await;
        // January: 1 h each (50.00 / 50.00). February: alpha 9 h, beta 1 h (90.00 / 10.00).
        events(&server, &key, json!([
            {"id": "j-a", "member": "alpha", "meter": "it.support_hours", "quantity": "1", "occurred_at": "2026-01-10T10:00:00Z"},
            {"id": "j-b", "member": "beta", "meter": "it.support_hours", "quantity": "1", "occurred_at": "2026-01-10T10:00:00Z"},
            {"id": "f-a", "member": "alpha", "meter": "it.support_hours", "quantity": "9", "occurred_at": "2026-02-10T10:00:00Z"},
            {"id": "f-b", "member": "beta", "meter": "it.support_hours", "quantity": "1", "occurred_at": "2026-02-10T10:00:00Z"}
        ])).await;
        for p in ["2026-01", "2026-02"] {
            let d: Value = server.post(&format!("/api/coop/billing/periods/{p}/close")).add_header("authorization", admin.as_str()).await.json();
            finalize_all(&server, &board, &d["invoices"]).await;
        }
        let r = server.post("/api/coop/billing/years/2026/true-up").add_header("authorization", admin.as_str()).await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        let t: Value = r.json();
        let drafts = t["drafts"].as_array().unwrap();
        // Year: alpha 10 h of 12 → 166.67 € of 200.00 (invoiced 140.00): +26.67;
        // beta 2 h of 12 → 33.33 € (invoiced 60.00): −26.67, a credit note.
        let alpha = drafts.iter().find(|d| d["member"] == "alpha").unwrap();
        let beta = drafts.iter().find(|d| d["member"] == "beta").unwrap();
        assert_eq!((alpha["kind"].as_str(), alpha["total"].as_str()), (Some("invoice"), Some("26.67")));
        assert_eq!((beta["kind"].as_str(), beta["total"].as_str()), (Some("credit_note"), Some("-26.67")));
        // Idempotent while drafts.
        let again: Value = server.post("/api/coop/billing/years/2026/true-up").add_header("authorization", admin.as_str()).await.json();
        assert_eq!(again["drafts"].as_array().unwrap().len(), 2);
        let finals = finalize_all(&server, &board, &again["drafts"]).await;
        let year = chrono::Datelike::year(&mutualis_core::time::paris_today());
        assert!(finals.iter().any(|f| f["number"].as_str().unwrap().starts_with(&format!("AV-{year}-"))));
        assert_eq!(server.post("/api/coop/billing/years/2025/true-up").add_header("authorization", admin.as_str()).await.status_code(), 422);
    })
    .await;
}

#[tokio::test]
async fn the_board_reviews_and_approves_in_the_web_pages_and_the_member_reads_its_invoice() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        three_equal_members(&server, &kit).await;
        let admin = mutualis_core::auth::find_user_by_email(&ctx.db, "admin@coop.test")
            .await
            .unwrap()
            .unwrap();
        let a = kit.web(&admin).await;
        let board = kit.user("ca@coop.test", Role::Board, None).await;
        let b = kit.web(&board).await;
        // Preview of March, before the close.
        let page = web_get(&server, &b, "/coop/billing?period=2026-03").await;
        assert_eq!(page.status_code(), 200);
        let text = page.text();
        assert!(
            text.contains("Association alpha") && text.contains("33,34"),
            "{text}"
        );
        // The current month cannot be closed yet.
        let now = mutualis_core::time::Month::of(chrono::Utc::now()).to_string();
        let r = web_post(
            &server,
            &a,
            &format!("/coop/billing/periods/{now}/close"),
            &[],
        )
        .await;
        assert!(
            follow(&server, &a, &r)
                .await
                .text()
                .contains("n’est pas terminé")
        );
        // The admin closes March; the board approves alpha's draft.
        let r = web_post(&server, &a, "/coop/billing/periods/2026-03/close", &[]).await;
        assert!(
            follow(&server, &a, &r)
                .await
                .text()
                .contains("3 factures en brouillon")
        );
        let alpha = mutualis_core::member::find_by_slug(&ctx.db, "alpha")
            .await
            .unwrap()
            .unwrap();
        let inv = mutualis_billing::service::invoices_of(
            &ctx.db,
            mutualis_core::tenant::Tenant::for_task(alpha.id, "test"),
        )
        .await
        .unwrap()
        .remove(0);
        let r = web_post(
            &server,
            &b,
            &format!("/coop/billing/invoices/{}/approve", inv.id),
            &[],
        )
        .await;
        let year = chrono::Datelike::year(&mutualis_core::time::paris_today());
        assert!(
            follow(&server, &b, &r)
                .await
                .text()
                .contains(&format!("{year}-000001"))
        );
        // The allocation table for the accountant.
        let csv = web_get(&server, &b, "/coop/billing/periods/2026-03/allocation.csv").await;
        assert_eq!(csv.status_code(), 200);
        assert!(csv.text().contains("Association alpha;"), "{}", csv.text());
        let xlsx = web_get(&server, &b, "/coop/billing/periods/2026-03/allocation.xlsx").await;
        assert_eq!(&xlsx.as_bytes()[..2], b"PK");
        // The member's director reads it, with the explanation and the mandatory mentions.
        let dir = kit
            .user("dir@alpha.test", Role::Director, Some(&alpha))
            .await;
        let d = kit.web(&dir).await;
        let list = web_get(&server, &d, "/m/alpha/billing").await.text();
        assert!(list.contains(&format!("{year}-000001")), "{list}");
        let detail = web_get(
            &server,
            &d,
            &format!("/m/alpha/billing/invoices/{}", inv.id),
        )
        .await;
        assert_eq!(detail.status_code(), 200);
        let detail = detail.text();
        assert!(detail.contains("Exonération de TVA – article 261 B du CGI"));
        assert!(detail.contains("Indemnité forfaitaire pour frais de recouvrement : 40"));
        assert!(
            detail.contains("Votre part"),
            "the line's explanation is shown"
        );
        // Beta's invoice is not reachable from alpha's space, nor beta's page.
        let beta = mutualis_core::member::find_by_slug(&ctx.db, "beta")
            .await
            .unwrap()
            .unwrap();
        let beta_inv = mutualis_billing::service::invoices_of(
            &ctx.db,
            mutualis_core::tenant::Tenant::for_task(beta.id, "test"),
        )
        .await
        .unwrap()
        .remove(0);
        assert_eq!(
            web_get(
                &server,
                &d,
                &format!("/m/alpha/billing/invoices/{}", beta_inv.id)
            )
            .await
            .status_code(),
            404
        );
        assert_eq!(
            web_get(&server, &d, "/m/beta/billing").await.status_code(),
            404
        );
        // A director has no access to the cooperative's review.
        assert_eq!(
            web_get(&server, &d, "/coop/billing").await.status_code(),
            403
        );
    })
    .await;
}

#[tokio::test]
async fn the_review_shows_the_chart_and_a_line_drills_down_to_its_events() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = three_equal_members(&server, &kit).await;
        server
            .post("/api/coop/billing/periods/2026-03/close")
            .add_header("authorization", admin.as_str())
            .await;
        let board = kit.user("ca@coop.test", Role::Board, None).await;
        let b = kit.web(&board).await;
        let page = web_get(&server, &b, "/coop/billing?period=2026-03")
            .await
            .text();
        assert!(
            page.contains("<svg") && page.contains("Support informatique"),
            "the chart is in the page"
        );
        let events = web_get(
            &server,
            &b,
            "/coop/billing/events?member=alpha&meter=it.support_hours&period=2026-03",
        )
        .await;
        assert_eq!(events.status_code(), 200);
        let text = events.text();
        assert!(text.contains("h-alpha"), "{text}");
        assert!(!text.contains("h-beta"), "only alpha's events");
        // The member's director drills down into its own events only.
        let alpha = mutualis_core::member::find_by_slug(&ctx.db, "alpha")
            .await
            .unwrap()
            .unwrap();
        let dir = kit
            .user("dir@alpha.test", Role::Director, Some(&alpha))
            .await;
        let d = kit.web(&dir).await;
        let own = web_get(
            &server,
            &d,
            "/m/alpha/billing/events?meter=it.support_hours&period=2026-03",
        )
        .await;
        assert!(own.text().contains("h-alpha"));
        assert_eq!(
            web_get(
                &server,
                &d,
                "/m/beta/billing/events?meter=it.support_hours&period=2026-03"
            )
            .await
            .status_code(),
            404
        );
        assert_eq!(
            web_get(
                &server,
                &d,
                "/coop/billing/events?member=beta&meter=it.support_hours&period=2026-03"
            )
            .await
            .status_code(),
            403
        );
    })
    .await;
}

#[tokio::test]
async fn an_unpaid_invoice_past_due_is_overdue_until_marked_paid() {
    use sea_orm::{ActiveModelTrait, Set};
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = three_equal_members(&server, &kit).await;
        let board = kit.bearer(&kit.user("ca@coop.test", Role::Board, None).await);
        let drafts: Value = server
            .post("/api/coop/billing/periods/2026-03/close")
            .add_header("authorization", admin.as_str())
            .await
            .json();
        let inv = finalize_all(&server, &board, &drafts["invoices"])
            .await
            .remove(0);
        let id: uuid::Uuid = inv["id"].as_str().unwrap().parse().unwrap();
        let member = inv["member"].as_str().unwrap().to_string();
        // Thirty-one days later…
        let row = mutualis_billing::service::find_any(
            &ctx.db,
            mutualis_core::tenant::Coop::for_task("test"),
            id,
        )
        .await
        .unwrap();
        let mut am: mutualis_billing::entities::billing_invoices::ActiveModel = row.into();
        am.due_on = Set(Some(
            mutualis_core::time::paris_today() - chrono::Duration::days(1),
        ));
        am.update(&ctx.db).await.unwrap();
        let list: Value = api_get(&server, &admin, &format!("/api/m/{member}/invoices"))
            .await
            .json();
        let entry = list
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == inv["id"])
            .unwrap()
            .clone();
        assert_eq!(entry["status"], "overdue");
        // The coop admin records the payment; the board cannot.
        let b = kit
            .web(
                &mutualis_core::auth::find_user_by_email(&ctx.db, "ca@coop.test")
                    .await
                    .unwrap()
                    .unwrap(),
            )
            .await;
        assert_eq!(
            web_post(
                &server,
                &b,
                &format!("/coop/billing/invoices/{id}/paid"),
                &[("paid_on", "2026-04-20")]
            )
            .await
            .status_code(),
            403
        );
        let a = kit
            .web(
                &mutualis_core::auth::find_user_by_email(&ctx.db, "admin@coop.test")
                    .await
                    .unwrap()
                    .unwrap(),
            )
            .await;
        // A payment before the invoice was issued, in the future, or not a date: refused
        // with the reason, the invoice still unpaid.
        let today = mutualis_core::time::paris_today();
        for (bad, why) in [
            ("2001-01-01", "précède l’émission"),
            (
                &*(today + chrono::Duration::days(1)).to_string(),
                "dans le futur",
            ),
            ("hier", "invalide"),
        ] {
            let r = web_post(
                &server,
                &a,
                &format!("/coop/billing/invoices/{id}/paid"),
                &[("paid_on", bad)],
            )
            .await;
            assert_eq!(r.status_code(), 303, "{bad}: {}", r.text());
            let page = follow(&server, &a, &r).await.text();
            assert!(page.contains(why), "{bad}: {page}");
        }
        let r = web_post(
            &server,
            &a,
            &format!("/coop/billing/invoices/{id}/paid"),
            &[("paid_on", &today.to_string())],
        )
        .await;
        assert!(follow(&server, &a, &r).await.text().contains(&format!(
            "Paiement enregistré au {}",
            mutualis_core::time::fr_date(today)
        )));
        let list: Value = api_get(&server, &admin, &format!("/api/m/{member}/invoices"))
            .await
            .json();
        let entry = list
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == inv["id"])
            .unwrap()
            .clone();
        assert_eq!(entry["status"], "paid");
        // Paid twice: refused.
        let r = web_post(
            &server,
            &a,
            &format!("/coop/billing/invoices/{id}/paid"),
            &[("paid_on", &today.to_string())],
        )
        .await;
        assert!(
            follow(&server, &a, &r)
                .await
                .text()
                .contains("Seule une facture finalisée")
        );
    })
    .await;
}

#[tokio::test]
async fn invoice_documents_download_for_their_member_only() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = three_equal_members(&server, &kit).await;
        let board = kit.bearer(&kit.user("ca@coop.test", Role::Board, None).await);
        let drafts: Value = server
            .post("/api/coop/billing/periods/2026-03/close")
            .add_header("authorization", admin.as_str())
            .await
            .json();
        let invoices = finalize_all(&server, &board, &drafts["invoices"]).await;
        let alpha_inv = invoices.iter().find(|i| i["member"] == "alpha").unwrap();
        let number = alpha_inv["number"].as_str().unwrap();
        let alpha = mutualis_core::member::find_by_slug(&ctx.db, "alpha")
            .await
            .unwrap()
            .unwrap();
        let dir = kit.bearer(
            &kit.user("dir@alpha.test", Role::Director, Some(&alpha))
                .await,
        );
        let pdf = api_get(
            &server,
            &dir,
            &format!("/api/m/alpha/invoices/{number}.pdf"),
        )
        .await;
        assert_eq!(pdf.status_code(), 200);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(
            pdf.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("facture-{number}.pdf"))
        );
        assert_eq!(&pdf.as_bytes()[..5], b"%PDF-");
        let xml = api_get(
            &server,
            &dir,
            &format!("/api/m/alpha/invoices/{number}.xml"),
        )
        .await;
        assert_eq!(xml.status_code(), 200);
        let text = xml.text();
        assert!(text.contains("CrossIndustryInvoice") && text.contains(number));
        // Another member's number, an unknown extension, a draft: 404, never data.
        let beta_number = invoices.iter().find(|i| i["member"] == "beta").unwrap()["number"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            api_get(
                &server,
                &dir,
                &format!("/api/m/alpha/invoices/{beta_number}.pdf")
            )
            .await
            .status_code(),
            404
        );
        assert_eq!(
            api_get(
                &server,
                &dir,
                &format!("/api/m/beta/invoices/{beta_number}.pdf")
            )
            .await
            .status_code(),
            404
        );
        assert_eq!(
            api_get(
                &server,
                &dir,
                &format!("/api/m/alpha/invoices/{number}.doc")
            )
            .await
            .status_code(),
            404
        );
        // The web page offers the same downloads.
        let web = kit
            .web(
                &mutualis_core::auth::find_user_by_email(&ctx.db, "dir@alpha.test")
                    .await
                    .unwrap()
                    .unwrap(),
            )
            .await;
        let id = alpha_inv["id"].as_str().unwrap();
        let r = web_get(
            &server,
            &web,
            &format!("/m/alpha/billing/invoices/{id}/document/pdf"),
        )
        .await;
        assert_eq!(&r.as_bytes()[..5], b"%PDF-");
    })
    .await;
}

/// Issue 9, defect 7: a member that neither subscribes to a module nor consumes it pays
/// nothing of its pool; and the cooperative's staff read any member's billing, subscribed
/// to Facturation or not.
#[tokio::test]
async fn a_member_without_subscription_or_usage_is_not_billed_and_staff_read_its_billing() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, _) = three_equal_members(&server, &kit).await;
        let newbie = kit.member("newbie", &[]).await;
        let p: Value = api_get(&server, &admin, "/api/coop/billing/periods/2026-03/preview")
            .await
            .json();
        let mut t = totals(&p);
        t.sort();
        assert_eq!(
            t.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(),
            ["alpha", "beta", "gamma"],
            "the new member is in no invoice: {p}"
        );
        assert_eq!(p["pools"][0]["allocated"], "100.00");
        for who in [
            admin.clone(),
            kit.bearer(
                &kit.user("dir@newbie.test", Role::Director, Some(&newbie))
                    .await,
            ),
        ] {
            let r = api_get(
                &server,
                &who,
                "/api/m/newbie/billing/preview?period=2026-03",
            )
            .await;
            assert_eq!(r.status_code(), 200, "{}", r.text());
        }
    })
    .await;
}
