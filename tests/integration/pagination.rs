//! Keyset pagination (`core::keyset`) of the employee list: pages that neither repeat
//! nor skip a row while rows are added, refusals by name, and the query plan at
//! 100,000 rows on both engines (one index range, no sort).
use chrono::NaiveDate;
use mutualis_core::{authz::Role, keyset::Page, tenant::Coop, testkit::TestKit};
use mutualis_hr::{employees, testkit::hire};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::common::*;

fn names(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["last_name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_employee_list_pages_by_name_without_repeat_or_gap() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let bearer = kit.bearer(&rh);
        let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for (i, name) in [
            "Martin", "Bernard", "Durand", "Petit", "Leroy", "Moreau", "Bernard",
        ]
        .iter()
        .enumerate()
        {
            hire(&ctx.db, a.id, &format!("M{i}"), name, day, None).await;
        }
        let base = "/api/m/alpha/hr/employees";
        // Without `limit`: the whole list, by name, as before pagination.
        let all = api_get(&server, &bearer, base).await;
        assert_eq!(all.status_code(), 200);
        assert!(all.maybe_header("link").is_none());
        let all = names(&all.json());
        assert_eq!(
            all,
            [
                "Bernard", "Bernard", "Durand", "Leroy", "Martin", "Moreau", "Petit"
            ]
        );

        // Pages of 3 followed by their cursor; a row added before the cursor between two
        // pages is not read, one added after it is.
        let mut seen = Vec::new();
        let mut path = format!("{base}?limit=3");
        let mut sizes = Vec::new();
        loop {
            let r = api_get(&server, &bearer, &path).await;
            assert_eq!(r.status_code(), 200, "{}", r.text());
            let page = names(&r.json());
            sizes.push(page.len());
            seen.extend(page);
            if sizes.len() == 1 {
                hire(&ctx.db, a.id, "N1", "Aubert", day, None).await;
                hire(&ctx.db, a.id, "N2", "Roux", day, None).await;
            }
            let Some(next) = r.maybe_header("x-next-cursor") else {
                break;
            };
            let next = next.to_str().unwrap().to_string();
            let link = r.header("link");
            let link = link.to_str().unwrap();
            assert!(
                link.starts_with(&format!("<{base}?limit=3&after={next}>"))
                    && link.ends_with("rel=\"next\""),
                "{link}"
            );
            path = format!("{base}?limit=3&after={next}");
        }
        assert_eq!(
            seen,
            [
                "Bernard", "Bernard", "Durand", "Leroy", "Martin", "Moreau", "Petit", "Roux"
            ]
        );
        assert_eq!(sizes, [3, 3, 2]);

        // Refused by name, in French.
        for (query, field) in [
            ("?limit=0", "limit"),
            ("?limit=5000", "limit"),
            ("?limit=abc", "limit"),
            ("?limit=3&after=n%27importe-quoi", "after"),
            ("?after=WyJhIiwiYiIsImMiXQ", "limit"),
        ] {
            let r = api_get(&server, &bearer, &format!("{base}{query}")).await;
            assert_eq!(r.status_code(), 422, "{query}: {}", r.text());
            assert!(r.text().contains(field), "{query}: {}", r.text());
        }
    })
    .await;
}

async fn plan(db: &impl ConnectionTrait, st: &Statement) -> String {
    let (prefix, col) = match db.get_database_backend() {
        DbBackend::Postgres => ("EXPLAIN ", "QUERY PLAN"),
        _ => ("EXPLAIN QUERY PLAN ", "detail"),
    };
    let explain = Statement::from_sql_and_values(
        db.get_database_backend(),
        format!("{prefix}{}", st.sql),
        st.values.clone().map(|v| v.0).unwrap_or_default(),
    );
    db.query_all_raw(explain)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", col).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_page_is_one_index_range_at_100000_employees() {
    run(|_server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let b = kit.member("beta", &["hr"]).await;
        let db = &ctx.db;
        let backend = db.get_database_backend();
        // 100,000 employees for alpha, 1,000 for beta, written by the database itself.
        for (member, count) in [(a.id, 100_000), (b.id, 1_000)] {
            let sql = match backend {
                DbBackend::Postgres => format!(
                    "INSERT INTO hr_employees (member_id, id, matricule, first_name, last_name, sex, \
                     birth_date, nationality, nir, entry_date, created_at, updated_at) \
                     SELECT {member}, gen_random_uuid(), 'M' || i, 'Prénom' || (i % 97), \
                     'Nom' || (i % 1000), 'F', DATE '1980-01-01', 'française', '', \
                     DATE '2020-01-01', now(), now() FROM generate_series(1, {count}) AS i"
                ),
                _ => format!(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
                     INSERT INTO hr_employees (member_id, id, matricule, first_name, last_name, sex, \
                     birth_date, nationality, nir, entry_date, created_at, updated_at) \
                     SELECT {member}, randomblob(16), 'M' || i, 'Prénom' || (i % 97), \
                     'Nom' || (i % 1000), 'F', '1980-01-01', 'française', '', '2020-01-01', \
                     '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00' FROM n"
                ),
            };
            db.execute_unprepared(&sql).await.unwrap();
        }
        db.execute_unprepared("ANALYZE").await.unwrap();
        let tenant = Coop::for_task("test: query plans").tenant(a.id);
        let first = Page {
            limit: Some(50),
            after: None,
        };
        let deep = Page {
            limit: Some(50),
            after: Some(vec![
                "Nom500".into(),
                "Prénom3".into(),
                "00000000-0000-0000-0000-000000000000".into(),
            ]),
        };
        for page in [first, deep] {
            let st = employees::page_statement(backend, tenant, &page).unwrap();
            let p = plan(db, &st).await;
            assert!(p.contains("idx_hr_employees_name"), "{p}");
            // No sort of the member's rows: the index gives them in order.
            assert!(!p.contains("TEMP B-TREE") && !p.contains("Sort"), "{p}");
            if backend == DbBackend::Postgres {
                // The cursor is a bound of the index scan, not a filter over the rows
                // before it.
                if page.after.is_some() {
                    assert!(p.contains("Index Cond"), "{p}");
                    assert!(!p.contains("Filter:"), "{p}");
                }
            }
        }
    })
    .await;
}

/// Follows a list from its first page of `limit` rows through each `X-Next-Cursor`,
/// checking that `Link` names the same next page; gives every row and the page sizes.
pub(crate) async fn walk(
    server: &axum_test::TestServer,
    bearer: &str,
    base: &str,
    limit: u64,
) -> (Vec<serde_json::Value>, Vec<usize>) {
    let sep = if base.contains('?') { '&' } else { '?' };
    let mut path = format!("{base}{sep}limit={limit}");
    let (mut rows, mut sizes) = (Vec::new(), Vec::new());
    loop {
        let r = api_get(server, bearer, &path).await;
        assert_eq!(r.status_code(), 200, "{path}: {}", r.text());
        let page: Vec<serde_json::Value> = r.json();
        sizes.push(page.len());
        rows.extend(page);
        let Some(next) = r.maybe_header("x-next-cursor") else {
            assert!(r.maybe_header("link").is_none());
            break;
        };
        path = format!("{base}{sep}limit={limit}&after={}", next.to_str().unwrap());
        let link = r.header("link");
        assert_eq!(
            link.to_str().unwrap(),
            format!("<{path}>; rel=\"next\""),
            "the Link header names the next page"
        );
        assert!(sizes.len() < 100, "the pages never end");
    }
    (rows, sizes)
}

fn field(rows: &[serde_json::Value], name: &str) -> Vec<String> {
    rows.iter()
        .map(|r| match &r[name] {
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        })
        .collect()
}

#[tokio::test]
async fn usage_events_are_listed_newest_first_by_pages() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        kit.member("beta", &[]).await;
        let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let key = kit.api_key("outil de tickets").await;
        // Seven tickets in March (t6 and t7 at the same instant: the id breaks the tie),
        // one in April, one of another meter, one of another member.
        let ev = |id: &str, member: &str, meter: &str, at: &str| {
            serde_json::json!({"id": id, "member": member, "meter": meter, "occurred_at": at})
        };
        let mut events: Vec<_> = (1..=7)
            .map(|d| {
                let day = d.min(6);
                ev(&format!("t{d}"), "alpha", "it.tickets", &format!("2026-03-0{day}T10:00:00Z"))
            })
            .collect();
        events.push(ev("apr", "alpha", "it.tickets", "2026-04-02T10:00:00Z"));
        let mut hours = ev("h", "alpha", "it.support_hours", "2026-03-02T10:00:00Z");
        hours["quantity"] = "1.5".into();
        events.push(hours);
        events.push(ev("b1", "beta", "it.tickets", "2026-03-02T10:00:00Z"));
        let r = server
            .post("/api/usage/events")
            .add_header("x-api-key", key.as_str())
            .json(&serde_json::json!({ "events": events }))
            .await;
        assert_eq!(r.json::<serde_json::Value>()["accepted"], 10, "{}", r.text());

        let base = "/api/m/alpha/usage/events?meter=it.tickets&period=2026-03";
        let (rows, sizes) = walk(&server, &dir, base, 3).await;
        assert_eq!(sizes, [3, 3, 1]);
        let ids = field(&rows, "id");
        let mut tied = ids[..2].to_vec();
        tied.sort();
        assert_eq!(tied, ["t6", "t7"]);
        assert_eq!(ids[2..], ["t5", "t4", "t3", "t2", "t1"]);
        assert_eq!(rows[2]["quantity"], "1");
        assert_eq!(rows[2]["period"], "2026-03");
        assert_eq!(rows[2]["occurred_at"], "2026-03-05T10:00:00Z");
        // Without `limit`: a first page of at most 100, here the seven; `after` alone
        // reads on from a cursor in pages of 100.
        let r = api_get(&server, &dir, base).await;
        assert_eq!(field(&r.json::<Vec<serde_json::Value>>(), "id"), ids);
        let r = api_get(&server, &dir, &format!("{base}&limit=3")).await;
        let cursor = r.header("x-next-cursor").to_str().unwrap().to_string();
        let r = api_get(&server, &dir, &format!("{base}&after={cursor}")).await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        assert_eq!(field(&r.json::<Vec<serde_json::Value>>(), "id"), ids[3..]);

        for (query, field) in [
            ("?period=2026-03", "meter"),
            ("?meter=inconnu&period=2026-03", "meter"),
            ("?meter=it.tickets&period=mars", "period"),
            ("?meter=it.tickets&period=2026-03&limit=0", "limit"),
            ("?meter=it.tickets&period=2026-03&limit=3&after=WyJ4Il0", "after"),
        ] {
            let r = api_get(&server, &dir, &format!("/api/m/alpha/usage/events{query}")).await;
            assert_eq!(r.status_code(), 422, "{query}: {}", r.text());
            assert!(r.text().contains(field), "{query}: {}", r.text());
        }
        // Another member's events are not reachable through alpha's director.
        let r = api_get(&server, &dir, "/api/m/beta/usage/events?meter=it.tickets&period=2026-03").await;
        assert!(matches!(r.status_code().as_u16(), 403 | 404), "{}", r.text());
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_and_the_invoices_are_listed_newest_first_by_pages() {
    use mutualis_billing::entities::billing_invoices;
    use mutualis_core::audit::{self, Actor};
    use sea_orm::{ActiveModelTrait, Set};
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["billing"]).await;
        let b = kit.member("beta", &["billing"]).await;
        let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        let actor = Actor::system("test");
        for i in 0..7 {
            for (m, tag) in [(a.id, "a"), (b.id, "b")] {
                audit::record(
                    &ctx.db,
                    &actor,
                    Some(m),
                    "member",
                    &format!("{tag}{i}"),
                    "update",
                    serde_json::json!({}),
                )
                .await
                .unwrap();
            }
        }
        // The member's log: its own rows only, newest first, none repeated.
        let (rows, sizes) = walk(&server, &dir, "/api/m/alpha/audit", 3).await;
        let ids = field(&rows, "object_id");
        assert_eq!(&ids[..7], ["a6", "a5", "a4", "a3", "a2", "a1", "a0"]);
        assert!(ids[7..].iter().all(|i| !i.starts_with('b')), "{ids:?}");
        assert!(rows.iter().all(|r| r["member"] == "alpha"), "{rows:?}");
        assert_eq!(sizes.iter().sum::<usize>(), rows.len());
        let seqs: Vec<i64> = rows.iter().map(|r| r["seq"].as_i64().unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
        // The cooperative's log has both members' rows; a director may not read it.
        let (all, _) = walk(&server, &admin, "/api/coop/audit", 4).await;
        let all_ids = field(&all, "object_id");
        assert_eq!(&all_ids[..4], ["b6", "a6", "b5", "a5"]);
        assert_eq!(all[0]["member"], "beta");
        assert_eq!(all[0]["label"], "Adhérent — Modification");
        let r = api_get(&server, &dir, "/api/coop/audit").await;
        assert_eq!(r.status_code(), 403);

        // Invoices: five issued over three periods, one draft (the board's, not listed).
        let now = chrono::Utc::now();
        for (i, (period, status)) in [
            ("2026-01", "finalized"),
            ("2026-02", "paid"),
            ("2026-02", "finalized"),
            ("2026-03", "finalized"),
            ("2026-03", "finalized"),
            ("2026-04", "draft"),
        ]
        .iter()
        .enumerate()
        {
            billing_invoices::ActiveModel {
                member_id: Set(a.id),
                id: Set(uuid::Uuid::now_v7()),
                kind: Set("invoice".into()),
                draft_key: Set(format!("k{i}")),
                period: Set((*period).into()),
                status: Set((*status).into()),
                number: Set((*status != "draft").then(|| format!("F-{i}"))),
                subtotal_cents: Set(100),
                vat_cents: Set(0),
                total_cents: Set(100),
                refers_to: Set(None),
                reason: Set(None),
                issued_on: Set(None),
                due_on: Set(None),
                paid_on: Set(None),
                finalized_at: Set(None),
                created_at: Set(now + chrono::Duration::seconds(i as i64)),
                updated_at: Set(now),
            }
            .insert(&ctx.db)
            .await
            .unwrap();
        }
        let (rows, sizes) = walk(&server, &dir, "/api/m/alpha/invoices", 2).await;
        assert_eq!(sizes, [2, 2, 1]);
        assert_eq!(field(&rows, "number"), ["F-4", "F-3", "F-2", "F-1", "F-0"]);
        let r = api_get(&server, &dir, "/api/m/alpha/invoices").await;
        assert_eq!(
            field(&r.json::<Vec<serde_json::Value>>(), "number"),
            ["F-4", "F-3", "F-2", "F-1", "F-0"]
        );
    })
    .await;
}

#[tokio::test]
async fn usage_events_invoices_and_audit_pages_are_index_ranges_at_100000_rows() {
    use mutualis_core::{audit::query, metering, time::Month};
    run(|_server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["billing"]).await;
        let b = kit.member("beta", &["billing"]).await;
        let db = &ctx.db;
        let backend = db.get_database_backend();
        let pg = backend == DbBackend::Postgres;
        let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        hire(db, a.id, "M1", "Durand", day, None).await;
        hire(db, b.id, "M1", "Durand", day, None).await;
        // 100,000 rows of each list for alpha, 1,000 for beta, written by the database.
        for (member, count) in [(a.id, 100_000), (b.id, 1_000)] {
            let (series, id, at) = if pg {
                (
                    format!("generate_series(1, {count}) AS i"),
                    "gen_random_uuid()",
                    "now() - i * interval '1 second'",
                )
            } else {
                (
                    format!("(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) SELECT i FROM n)"),
                    "randomblob(16)",
                    "'2026-03-' || printf('%02d', 1 + i % 28) || ' 10:00:00.' || printf('%06d', i) || '+00:00'",
                )
            };
            let from = if pg { format!("FROM {series}") } else { format!("FROM {series} AS s") };
            for sql in [
                format!(
                    "INSERT INTO usage_events (member_id, id, meter, quantity_micros, occurred_at, \
                     received_at, idempotency_key, source, unique_value, reason, properties, period) \
                     SELECT {member}, {id}, 'it.tickets', 1000000, {at}, {at}, 'k' || i, 'test', \
                     NULL, NULL, '{{}}', '2026-03' {from}"
                ),
                format!(
                    "INSERT INTO billing_invoices (member_id, id, kind, draft_key, period, status, \
                     number, subtotal_cents, vat_cents, total_cents, created_at, updated_at) \
                     SELECT {member}, {id}, 'invoice', 'k' || i, \
                     '20' || (10 + i % 17) || '-' || (CASE WHEN i % 12 < 9 THEN '0' ELSE '' END) || (1 + i % 12), \
                     'finalized', 'F' || i, 100, 0, 100, {at}, {at} {from}"
                ),
                format!(
                    "INSERT INTO payroll_lines (member_id, id, period, concerns, employee_id, \
                     matricule, code, quantity_micros, certificate, source, late, created_by, created_at) \
                     SELECT {member}, {id}, '2026-03', '2026-03', \
                     (SELECT e.id FROM hr_employees e WHERE e.member_id = {member}), \
                     'M' || (i % 5000), 'C' || (i % 7), 1000000, false, 'entry', false, 'test', {at} {from}"
                ),
                format!(
                    "INSERT INTO audit_log (seq, at, user_id, actor, member_id, object_type, object_id, \
                     action, details, prev_hash, hash) \
                     SELECT {member} * 1000000 + i, {at}, NULL, 'test', {member}, 'member', 'x', \
                     'update', '{{}}', '', '' {from}"
                ),
            ] {
                db.execute_unprepared(&sql).await.unwrap();
            }
        }
        db.execute_unprepared("ANALYZE").await.unwrap();
        let tenant = Coop::for_task("test: query plans").tenant(a.id);
        let march = Month::parse("2026-03").unwrap();
        let pages = |after: Vec<&str>| {
            [
                Page { limit: Some(50), after: None },
                Page { limit: Some(50), after: Some(after.into_iter().map(str::to_string).collect()) },
            ]
        };
        let zero = "00000000-0000-0000-0000-000000000000";
        let check = |p: String, index: Option<&str>, cursor: bool| {
            if let Some(index) = index {
                assert!(p.contains(index), "{index}: {p}");
            }
            assert!(!p.contains("TEMP B-TREE") && !p.contains("Sort"), "{p}");
            if pg && cursor {
                assert!(p.contains("Index Cond"), "{p}");
            }
        };
        for page in pages(vec!["2026-03-15T10:00:00.000500Z", zero]) {
            let st = metering::events_page_statement(backend, tenant, "it.tickets", march, &page).unwrap();
            check(plan(db, &st).await, Some("idx_usage_events_member_meter_period"), page.after.is_some());
        }
        for page in pages(vec!["2018-06", "2026-03-15T10:00:00.000500Z", zero]) {
            let st = mutualis_billing::service::issued_page_statement(backend, tenant, &page).unwrap();
            check(plan(db, &st).await, Some("idx_billing_invoices_member_period"), page.after.is_some());
        }
        for page in pages(vec!["M2500", "C3", zero]) {
            let st = mutualis_payroll::lines::page_statement(backend, tenant, march, &page).unwrap();
            check(plan(db, &st).await, Some("idx_payroll_lines_page"), page.after.is_some());
        }
        // A member's log among the others' (beta's thousand rows in 101,000): its index.
        let middle = (b.id * 1_000_000 + 500).to_string();
        for page in pages(vec![&middle]) {
            let st = query::page_statement(backend, Some(b.id), &page).unwrap();
            check(plan(db, &st).await, Some("idx_audit_log_member"), page.after.is_some());
            // The whole log: the primary key, read backwards.
            let st = query::page_statement(backend, None, &page).unwrap();
            check(plan(db, &st).await, None, page.after.is_some());
        }
    })
    .await;
}

/// The employee page sorts and pages on the server (UI.md: sortable columns, pages past
/// 50 rows), « à la française », through links that work without JavaScript.
#[tokio::test]
async fn the_employee_page_sorts_and_pages_on_the_server() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.web(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await).await;
        let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for (i, name) in ["Zola", "émile", "Durand", "Élie", "eymard"].iter().enumerate() {
            hire(&ctx.db, a.id, &format!("M{i}"), name, day, None).await;
        }
        for i in 0..55 {
            hire(&ctx.db, a.id, &format!("N{i}"), &format!("Nom{i:02}"), day + chrono::Days::new(i), None).await;
        }
        let names = |html: &str| -> Vec<String> {
            html.split("<th scope=\"row\" data-label=\"Nom\"><a href=\"")
                .skip(1)
                .map(|s| s.split('>').nth(1).unwrap().split(' ').next().unwrap().to_string())
                .collect()
        };
        let r = web_get(&server, &rh, "/m/alpha/hr").await;
        assert_eq!(r.status_code(), 200);
        let html = r.text();
        let first = names(&html);
        assert_eq!(first.len(), 50, "50 rows a page");
        assert_eq!(first[..5], ["Durand", "Élie", "émile", "eymard", "Nom00"], "accents and case ignored");
        assert!(html.contains("60 salariés (page 1 sur 2)"), "{html}");
        assert!(html.contains("aria-sort=\"ascending\"><a class=\"th-sort\" href=\"/m/alpha/hr?tri=nom&amp;ordre=desc\""), "{html}");
        assert!(html.contains("href=\"/m/alpha/hr?tri=nom&amp;page=2\" rel=\"next\""), "{html}");
        let second = names(&web_get(&server, &rh, "/m/alpha/hr?tri=nom&page=2").await.text());
        assert_eq!(second.len(), 10);
        assert_eq!(second.last().unwrap(), "Zola");
        // Newest entry first; matricules by their number (N2 before N10).
        let by_entry = names(&web_get(&server, &rh, "/m/alpha/hr?tri=entree&ordre=desc").await.text());
        assert_eq!(by_entry[..2], ["Nom54", "Nom53"]);
        let by_matricule = web_get(&server, &rh, "/m/alpha/hr?tri=matricule").await.text();
        let at = |m: &str| by_matricule.find(&format!("data-label=\"Matricule\">{m}<")).unwrap();
        assert!(at("N2") < at("N10"), "N2 before N10");
        // Anything else: the default order, never an error.
        let r = web_get(&server, &rh, "/m/alpha/hr?tri=%3Cx%3E&page=-4").await;
        assert_eq!(r.status_code(), 200);
        assert_eq!(names(&r.text())[..2], ["Durand", "Élie"]);
    })
    .await;
}
