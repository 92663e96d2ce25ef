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
