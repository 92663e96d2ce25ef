//! Usage ingestion (idempotency, per-event rejection, batch limits) and monthly
//! aggregation in Europe/Paris.
use mutualis_core::authz::Role;
use serde_json::{Value, json};

use crate::common::*;

async fn post_events(
    server: &axum_test::TestServer,
    key: &str,
    events: Value,
) -> axum_test::TestResponse {
    server
        .post("/api/usage/events")
        .add_header("x-api-key", key)
        .json(&json!({"events": events}))
        .await
}

fn quantity(usage: &Value, meter: &str) -> String {
    usage["meters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["meter"] == meter)
        .unwrap()["quantity"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_same_batch_twice_is_all_duplicates_and_totals_do_not_move() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let key = kit.api_key("outil de tickets").await;
        let events: Vec<Value> = (0..120)
            .map(|i| json!({"id": format!("t-{i}"), "member": "alpha", "meter": "it.support_hours", "quantity": "0.1", "occurred_at": "2026-03-10T10:00:00Z"}))
            .collect();
        let first = post_events(&server, &key, json!(events)).await;
        assert_eq!(first.status_code(), 200);
        assert_eq!(first.json::<Value>(), json!({"accepted": 120, "duplicates": 0, "rejected": []}));
        let second = post_events(&server, &key, json!(events)).await;
        assert_eq!(second.json::<Value>(), json!({"accepted": 0, "duplicates": 120, "rejected": []}));
        let usage: Value = api_get(&server, &kit.bearer(&dir), "/api/m/alpha/usage?period=2026-03").await.json();
        // 120 × 0.1 is exactly 12, not 11.999999.
        assert_eq!(quantity(&usage, "it.support_hours"), "12");
        assert_eq!(usage["period"], "2026-03");
    })
    .await;
}

#[tokio::test]
async fn a_bad_event_is_rejected_by_index_and_the_rest_kept() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let key = kit.api_key("outil").await;
        let r = post_events(
            &server,
            &key,
            json!([
                {"id": "a", "member": "alpha", "meter": "it.tickets", "occurred_at": "2026-03-02T08:00:00Z"},
                {"id": "b", "member": "alpha", "meter": "it.support_hours", "quantity": "abc", "occurred_at": "2026-03-02T08:00:00Z"},
                {"id": "c", "member": "ghost", "meter": "it.tickets"},
                {"id": "d", "member": "alpha", "meter": "it.tickets", "occurred_at": "2026-03-03T08:00:00Z"},
                {"id": "e", "member": "alpha", "meter": "nope.meter"},
                {"id": "f", "member": "alpha", "meter": "it.support_hours", "quantity": "2.5", "occurred_at": "2026-03-03T08:00:00Z"},
                {"id": "a", "member": "alpha", "meter": "it.tickets", "occurred_at": "2026-03-02T08:00:00Z"}
            ]),
        )
        .await;
        assert_eq!(r.status_code(), 200);
        let body: Value = r.json();
        assert_eq!(body["accepted"], 3);
        assert_eq!(body["duplicates"], 1);
        let rejected = body["rejected"].as_array().unwrap();
        let idx: Vec<u64> = rejected.iter().map(|r| r["index"].as_u64().unwrap()).collect();
        assert_eq!(idx, [1, 2, 4]);
        assert!(rejected[0]["error"].as_str().unwrap().starts_with("quantity"));
        assert!(rejected[1]["error"].as_str().unwrap().contains("ghost"));
        assert!(rejected[2]["error"].as_str().unwrap().contains("nope.meter"));
        let usage: Value = api_get(&server, &kit.bearer(&dir), "/api/m/alpha/usage?period=2026-03").await.json();
        assert_eq!(quantity(&usage, "it.tickets"), "2");
        assert_eq!(quantity(&usage, "it.support_hours"), "2.5");
    })
    .await;
}

#[tokio::test]
async fn batches_need_a_valid_key_and_at_most_1000_events() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        kit.member("alpha", &[]).await;
        let r = post_events(
            &server,
            "mk_wrong",
            json!([{"id": "a", "member": "alpha", "meter": "it.tickets"}]),
        )
        .await;
        assert_eq!(r.status_code(), 401);
        let r = server
            .post("/api/usage/events")
            .json(&json!({"events": []}))
            .await;
        assert_eq!(r.status_code(), 401);
        let key = kit.api_key("outil").await;
        let many: Vec<Value> = (0..1001)
            .map(|i| json!({"id": i.to_string(), "member": "alpha", "meter": "it.tickets"}))
            .collect();
        let r = post_events(&server, &key, json!(many)).await;
        assert_eq!(r.status_code(), 400);
        assert!(
            r.json::<Value>()["error"]
                .as_str()
                .unwrap()
                .contains("1000")
        );
        let r = server
            .post("/api/usage/events")
            .add_header("x-api-key", key.as_str())
            .text("pas du json")
            .await;
        assert_eq!(r.status_code(), 400);
        // An API key created through the API by a coop admin works; by a director, no.
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let made = server
            .post("/api/coop/api-keys")
            .add_header("authorization", kit.bearer(&admin).as_str())
            .json(&json!({"name": "GLPI"}))
            .await;
        assert_eq!(made.status_code(), 201);
        let key2 = made.json::<Value>()["key"].as_str().unwrap().to_string();
        let r = post_events(
            &server,
            &key2,
            json!([{"id": "z", "member": "alpha", "meter": "it.tickets"}]),
        )
        .await;
        assert_eq!(r.json::<Value>()["accepted"], 1);
    })
    .await;
}

#[tokio::test]
async fn months_are_cut_at_midnight_in_paris() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let key = kit.api_key("outil").await;
        let r = post_events(
            &server,
            &key,
            json!([
                // 2026-03-31T21:59:59Z is 23:59:59 in Paris (CEST): March.
                {"id": "1", "member": "alpha", "meter": "it.support_hours", "quantity": "1", "occurred_at": "2026-03-31T21:59:59Z"},
                // 2026-03-31T23:30:00Z is 01:30 on 1 April in Paris: April.
                {"id": "2", "member": "alpha", "meter": "it.support_hours", "quantity": "10", "occurred_at": "2026-03-31T23:30:00Z"},
                // 2026-02-28T23:30:00Z is 00:30 on 1 March in Paris (CET): March.
                {"id": "3", "member": "alpha", "meter": "it.support_hours", "quantity": "100", "occurred_at": "2026-02-28T23:30:00Z"},
                {"id": "4", "member": "alpha", "meter": "it.support_hours", "quantity": "1000", "occurred_at": "2026-04-01T00:30:00+02:00"}
            ]),
        )
        .await;
        assert_eq!(r.json::<Value>()["accepted"], 4);
        let bearer = kit.bearer(&dir);
        let march: Value = api_get(&server, &bearer, "/api/m/alpha/usage?period=2026-03").await.json();
        let april: Value = api_get(&server, &bearer, "/api/m/alpha/usage?period=2026-04").await.json();
        let feb: Value = api_get(&server, &bearer, "/api/m/alpha/usage?period=2026-02").await.json();
        assert_eq!(quantity(&march, "it.support_hours"), "101");
        assert_eq!(quantity(&april, "it.support_hours"), "1010");
        assert_eq!(quantity(&feb, "it.support_hours"), "0");
        let bad = api_get(&server, &bearer, "/api/m/alpha/usage?period=2026-13").await;
        assert_eq!(bad.status_code(), 422);
        assert!(bad.json::<Value>()["error"].as_str().unwrap().contains("AAAA-MM"));
    })
    .await;
}

#[tokio::test]
async fn record_usage_commits_or_rolls_back_with_the_action() {
    use mutualis_core::metering::{Recorded, Usage, record_usage_for};
    use rust_decimal::Decimal;
    use sea_orm::TransactionTrait;
    run(|_server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let meters = &mutualis_core::scope::services(&ctx).unwrap().meters;
        let month = mutualis_core::time::Month::of(chrono::Utc::now());
        // Rolled back: no usage without its action.
        let txn = ctx.db.begin().await.unwrap();
        let r = record_usage_for(
            &txn,
            meters,
            mutualis_core::tenant::Tenant::for_task(a.id, "test"),
            Usage::new("it.support_hours", Decimal::new(15, 1), "k-1"),
        )
        .await
        .unwrap();
        assert_eq!(r, Recorded::Inserted);
        txn.rollback().await.unwrap();
        let usage = mutualis_core::metering::usage_for_month(&ctx.db, meters, a.id, month)
            .await
            .unwrap();
        assert_eq!(
            usage
                .iter()
                .find(|u| u.meter == "it.support_hours")
                .unwrap()
                .events,
            0
        );
        // Committed, then replayed: a no-op.
        let txn = ctx.db.begin().await.unwrap();
        record_usage_for(
            &txn,
            meters,
            mutualis_core::tenant::Tenant::for_task(a.id, "test"),
            Usage::new("it.support_hours", Decimal::new(15, 1), "k-1"),
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
        let again = record_usage_for(
            &ctx.db,
            meters,
            mutualis_core::tenant::Tenant::for_task(a.id, "test"),
            Usage::new("it.support_hours", Decimal::new(15, 1), "k-1"),
        )
        .await
        .unwrap();
        assert_eq!(again, Recorded::Duplicate);
        let usage = mutualis_core::metering::usage_for_month(&ctx.db, meters, a.id, month)
            .await
            .unwrap();
        assert_eq!(
            usage
                .iter()
                .find(|u| u.meter == "it.support_hours")
                .unwrap()
                .quantity
                .to_string(),
            "1.5"
        );
    })
    .await;
}

#[tokio::test]
async fn every_aggregation_is_exact() {
    use chrono::{DateTime, Utc};
    use mutualis_core::metering::{
        Aggregation, Meter, Meters, NewEvent, insert_events, usage_for_month,
    };
    use mutualis_core::time::Month;
    run(|_server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let meters = Meters::new([
            Meter {
                code: "t.max",
                module: "t",
                aggregation: Aggregation::Max,
                unit: "u",
                label: "max",
                max_per_event: 1_000_000,
            },
            Meter {
                code: "t.latest",
                module: "t",
                aggregation: Aggregation::Latest,
                unit: "u",
                label: "latest",
                max_per_event: 1_000_000,
            },
            Meter {
                code: "t.unique",
                module: "t",
                aggregation: Aggregation::UniqueCount {
                    property: "employee",
                },
                unit: "u",
                label: "unique",
                max_per_event: 1_000_000,
            },
            Meter {
                code: "t.count",
                module: "t",
                aggregation: Aggregation::Count,
                unit: "u",
                label: "count",
                max_per_event: 1_000_000,
            },
            Meter {
                code: "t.sum",
                module: "t",
                aggregation: Aggregation::Sum,
                unit: "u",
                label: "sum",
                max_per_event: 1_000_000,
            },
        ])
        .unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let ev = |meter: &str,
                  q: i64,
                  when: &str,
                  key: &str,
                  unique: Option<&str>,
                  reason: Option<&str>| NewEvent {
            member_id: a.id,
            meter: meter.to_string(),
            quantity_micros: q,
            occurred_at: at(when),
            idempotency_key: key.to_string(),
            source: "test".to_string(),
            unique_value: unique.map(str::to_string),
            reason: reason.map(str::to_string),
            properties: json!({}),
        };
        let events = vec![
            ev("t.max", 2_500_000, "2026-05-02T10:00:00Z", "m1", None, None),
            ev("t.max", 7_250_000, "2026-05-03T10:00:00Z", "m2", None, None),
            ev("t.max", 1_000_000, "2026-05-04T10:00:00Z", "m3", None, None),
            ev(
                "t.latest",
                40_000_000,
                "2026-05-20T10:00:00Z",
                "l1",
                None,
                None,
            ),
            ev(
                "t.latest",
                38_500_000,
                "2026-05-28T10:00:00Z",
                "l2",
                None,
                None,
            ),
            ev(
                "t.latest",
                41_000_000,
                "2026-05-10T10:00:00Z",
                "l3",
                None,
                None,
            ),
            ev(
                "t.unique",
                1_000_000,
                "2026-05-05T10:00:00Z",
                "u1",
                Some("E1"),
                None,
            ),
            ev(
                "t.unique",
                1_000_000,
                "2026-05-06T10:00:00Z",
                "u2",
                Some("E2"),
                None,
            ),
            ev(
                "t.unique",
                1_000_000,
                "2026-05-07T10:00:00Z",
                "u3",
                Some("E1"),
                None,
            ),
            ev(
                "t.count",
                1_000_000,
                "2026-05-05T10:00:00Z",
                "c1",
                None,
                None,
            ),
            ev(
                "t.count",
                1_000_000,
                "2026-05-05T11:00:00Z",
                "c2",
                None,
                None,
            ),
            ev(
                "t.count",
                1_000_000,
                "2026-05-05T12:00:00Z",
                "c3",
                None,
                None,
            ),
            // A compensating event cancels one.
            ev(
                "t.count",
                -1_000_000,
                "2026-05-06T12:00:00Z",
                "c4",
                None,
                Some("doublon"),
            ),
            ev("t.sum", 100_000, "2026-05-05T10:00:00Z", "s1", None, None),
            ev("t.sum", 200_000, "2026-05-05T10:00:00Z", "s2", None, None),
            ev(
                "t.sum",
                -50_000,
                "2026-05-05T10:00:00Z",
                "s3",
                None,
                Some("correction"),
            ),
            // Another month: ignored.
            ev("t.sum", 9_000_000, "2026-06-05T10:00:00Z", "s4", None, None),
        ];
        assert_eq!(insert_events(&ctx.db, &events).await.unwrap(), 17);
        // The same events for a second member, one statement each, in reverse order and
        // each sent twice: the running totals are added to row by row, a replay adds
        // nothing, and the latest event stays the latest whatever the arrival order.
        let b = kit.member("beta", &[]).await;
        for e in events.iter().rev() {
            let e = NewEvent {
                member_id: b.id,
                ..e.clone()
            };
            assert_eq!(
                insert_events(&ctx.db, std::slice::from_ref(&e))
                    .await
                    .unwrap(),
                1
            );
            assert_eq!(insert_events(&ctx.db, &[e]).await.unwrap(), 0);
        }
        let may = Month::parse("2026-05").unwrap();
        let quantities = |member: i64| {
            let (db, meters) = (ctx.db.clone(), meters.clone());
            async move {
                usage_for_month(&db, &meters, member, may)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|u| (u.meter, u.quantity.to_string(), u.events))
                    .collect::<Vec<_>>()
            }
        };
        let expected: Vec<(String, String, i64)> = [
            ("t.max", "7.25", 3),
            ("t.latest", "38.5", 3),
            ("t.unique", "2", 3),
            ("t.count", "2", 4),
            ("t.sum", "0.25", 3),
        ]
        .iter()
        .map(|(m, q, n)| (m.to_string(), q.to_string(), *n))
        .collect();
        assert_eq!(quantities(a.id).await, expected);
        assert_eq!(quantities(b.id).await, expected);
        // A recount from the events themselves agrees with the running totals.
        assert_eq!(
            mutualis_core::metering::fill_totals(&ctx.db).await.unwrap(),
            12,
            "5 meters in May and 1 in June, for each member"
        );
        assert_eq!(quantities(a.id).await, expected);
        assert_eq!(quantities(b.id).await, expected);
    })
    .await;
}

#[tokio::test]
async fn the_board_sees_every_members_usage_and_exports_it() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        kit.member("beta", &[]).await;
        let key = kit.api_key("outil").await;
        post_events(
            &server,
            &key,
            json!([
                {"id": "1", "member": "alpha", "meter": "it.support_hours", "quantity": "1234.5", "occurred_at": "2026-03-10T10:00:00Z"},
                {"id": "2", "member": "beta", "meter": "it.tickets", "occurred_at": "2026-03-10T10:00:00Z"}
            ]),
        )
        .await;
        let board = kit.user("ca@coop.test", Role::Board, None).await;
        let s = kit.web(&board).await;
        let page = web_get(&server, &s, "/coop/usage?period=2026-03").await;
        assert_eq!(page.status_code(), 200);
        let text = page.text();
        assert!(text.contains("Association alpha") && text.contains("Association beta"));
        // French number format: narrow no-break space between thousands, decimal comma.
        assert!(text.contains("1\u{202f}234,5"), "{text}");
        let csv = web_get(&server, &s, "/coop/usage.csv?period=2026-03").await;
        assert_eq!(csv.status_code(), 200);
        assert!(csv.headers()["content-disposition"].to_str().unwrap().contains("consommation-2026-03.csv"));
        let body = csv.text();
        assert!(body.contains("Adhérent;Heures de support informatique (heures);Tickets de support informatique (tickets)"), "{body}");
        assert!(body.contains("Association alpha;1234,5;0"), "{body}");
        assert!(body.contains("Association beta;0;1"), "{body}");
        // A member's director does not see the cooperative's overview.
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let d = kit.web(&dir).await;
        assert_eq!(web_get(&server, &d, "/coop/usage").await.status_code(), 403);
        assert_eq!(web_get(&server, &d, "/coop/usage.csv").await.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn a_closed_period_never_changes_late_events_count_next_month() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let key = kit.api_key("outil").await;
        let bearer = kit.bearer(&dir);
        post_events(&server, &key, json!([{"id": "1", "member": "alpha", "meter": "it.support_hours", "quantity": "2", "occurred_at": "2026-03-10T10:00:00Z"}])).await;
        mutualis_core::metering::close_period(&ctx.db, mutualis_core::time::Month::parse("2026-03").unwrap()).await.unwrap();
        // Closing twice is harmless.
        mutualis_core::metering::close_period(&ctx.db, mutualis_core::time::Month::parse("2026-03").unwrap()).await.unwrap();
        // A late event dated in March arrives after the close.
        let r = post_events(&server, &key, json!([{"id": "2", "member": "alpha", "meter": "it.support_hours", "quantity": "5", "occurred_at": "2026-03-20T10:00:00Z"}])).await;
        assert_eq!(r.json::<Value>()["accepted"], 1);
        let march: Value = api_get(&server, &bearer, "/api/m/alpha/usage?period=2026-03").await.json();
        let april: Value = api_get(&server, &bearer, "/api/m/alpha/usage?period=2026-04").await.json();
        assert_eq!(quantity(&march, "it.support_hours"), "2");
        assert_eq!(quantity(&april, "it.support_hours"), "5");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sources_are_all_accepted() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let meters = mutualis_core::scope::services(&ctx).unwrap().meters.clone();
        let mut tasks = Vec::new();
        // Four sources at once, five batches each, through the ingestion service that
        // `POST /api/usage/events` calls: none may be refused by a busy database.
        for s in 0..4 {
            let db = ctx.db.clone();
            let meters = meters.clone();
            tasks.push(tokio::spawn(async move {
                let actor = mutualis_core::audit::Actor::api_key(&format!("source {s}"));
                for b in 0..5 {
                    let events: Vec<Value> = (0..50)
                        .map(|i| json!({"id": format!("s{s}-b{b}-{i}"), "member": "alpha", "meter": "it.tickets", "occurred_at": "2026-03-10T10:00:00Z"}))
                        .collect();
                    let batch = mutualis_core::metering::IncomingBatch { events };
                    let out = mutualis_core::metering::ingest_batch(&db, &meters, &actor, "test", &batch).await.unwrap();
                    assert_eq!(out.accepted, 50);
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let usage: Value = api_get(&server, &kit.bearer(&dir), "/api/m/alpha/usage?period=2026-03").await.json();
        assert_eq!(quantity(&usage, "it.tickets"), "1000");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_pooled_sqlite_connection_has_the_pragmas() {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    run(|_server, ctx| async move {
        if ctx.db.get_database_backend() != sea_orm::DbBackend::Sqlite {
            // PostgreSQL has no per-connection pragmas; this test is about SQLite's pool.
            return;
        }
        // Hold several transactions open at once: each one pins a different pooled
        // connection, and each must have been configured (loco's `run_on_start` only
        // reaches the first one).
        let mut txns = Vec::new();
        for _ in 0..4 {
            txns.push(ctx.db.begin().await.unwrap());
        }
        for t in &txns {
            let get =
                |sql: &str| Statement::from_string(sea_orm::DbBackend::Sqlite, sql.to_string());
            let mode: String = t
                .query_one_raw(get("PRAGMA journal_mode"))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index(0)
                .unwrap();
            let sync: i64 = t
                .query_one_raw(get("PRAGMA synchronous"))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index(0)
                .unwrap();
            let fk: i64 = t
                .query_one_raw(get("PRAGMA foreign_keys"))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index(0)
                .unwrap();
            let busy: i64 = t
                .query_one_raw(get("PRAGMA busy_timeout"))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index(0)
                .unwrap();
            assert_eq!((mode.as_str(), sync, fk, busy), ("wal", 2, 1, 5000));
        }
    })
    .await;
}

/// A module's audited action (audit row, then usage) and ingested batches of the same
/// meter run at once: both wait for the same running total and the audit head, taken in
/// one order by every transaction, so none deadlocks (PostgreSQL) and the total counts
/// every event once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn actions_and_batches_on_one_meter_never_deadlock() {
    use mutualis_core::{
        audit::Actor,
        metering::{IncomingBatch, Usage, ingest_batch},
        tenant::Coop,
        write::Write,
    };
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let meters = mutualis_core::scope::services(&ctx).unwrap().meters.clone();
        let tenant = Coop::for_task("test: concurrent usage").tenant(a.id);
        let mut tasks = Vec::new();
        for s in 0..3 {
            let (db, meters) = (ctx.db.clone(), meters.clone());
            tasks.push(tokio::spawn(async move {
                let actor = Actor::api_key(&format!("source {s}"));
                for b in 0..8 {
                    let events: Vec<Value> = (0..20)
                        .map(|i| json!({"id": format!("s{s}-{b}-{i}"), "member": "alpha", "meter": "it.support_hours", "quantity": "0.5", "occurred_at": "2026-03-10T10:00:00Z"}))
                        .collect();
                    let out = ingest_batch(&db, &meters, &actor, "test", &IncomingBatch { events }).await.unwrap();
                    assert_eq!(out.accepted, 20);
                }
            }));
        }
        for t in 0..3 {
            let (db, meters) = (ctx.db.clone(), meters.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0..8 {
                    let w = Write::begin(&db, tenant, Actor::system("test"), &meters).await.unwrap();
                    w.audit("it_intervention", &format!("{t}-{i}"), "create", json!({})).await.unwrap();
                    let key = format!("it.support_hours:{t}-{i}");
                    let at = chrono::DateTime::parse_from_rfc3339("2026-03-11T10:00:00Z").unwrap().to_utc();
                    w.usage(Usage::new("it.support_hours", rust_decimal::Decimal::ONE, &key).at(at)).await.unwrap();
                    w.commit().await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let usage: Value = api_get(&server, &kit.bearer(&dir), "/api/m/alpha/usage?period=2026-03").await.json();
        // 3 × 8 × 20 × 0.5 from the batches, 3 × 8 × 1 from the actions.
        assert_eq!(quantity(&usage, "it.support_hours"), "264");
    })
    .await;
}
