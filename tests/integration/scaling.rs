//! The schema stays ready to distribute by member (docs/SCALING.md): the live catalog
//! against the document's list of tables. Keys are checked on PostgreSQL (the engine
//! that is distributed; CI's second run); the list and the foreign keys on both.
use std::collections::{BTreeMap, BTreeSet};

use mutualis_core::{db::stmt, offboarding::catalog};
use sea_orm::{ConnectionTrait, DbBackend};

use crate::common;

/// The one foreign key between distributed tables that crosses members (a review of
/// another member's address), dropped by the Citus operator (docs/SCALING.md).
const CROSS_MEMBER_FK: (&str, &str) = ("practices_address_reviews", "address_member_id");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Distributed,
    Reference,
    Coordinator,
}

/// `| \`table\` | kind | why |` rows of docs/SCALING.md's table.
fn documented() -> BTreeMap<String, (Kind, String)> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/SCALING.md"))
        .expect("docs/SCALING.md");
    let mut out = BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, name, kind, why, ..] = cells.as_slice() else {
            continue;
        };
        let Some(name) = name.strip_prefix('`').and_then(|n| n.strip_suffix('`')) else {
            continue;
        };
        let kind = match *kind {
            "distributed" => Kind::Distributed,
            "reference" => Kind::Reference,
            "coordinator" => Kind::Coordinator,
            _ => continue,
        };
        assert!(
            out.insert(name.to_string(), (kind, (*why).to_string()))
                .is_none(),
            "{name} listed twice in docs/SCALING.md"
        );
    }
    out
}

async fn strings(db: &impl ConnectionTrait, sql: &str, col: &str) -> Vec<String> {
    db.query_all_raw(stmt(db, sql, vec![]))
        .await
        .expect("catalog query")
        .iter()
        .map(|r| r.try_get::<String>("", col).expect("column"))
        .collect()
}

async fn tables(db: &impl ConnectionTrait) -> BTreeSet<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    strings(db, sql, "name").await.into_iter().collect()
}

/// PostgreSQL: each table's primary key and unique indexes, as column lists.
async fn pg_keys(db: &impl ConnectionTrait) -> Vec<(String, String, Vec<String>)> {
    let sql = "SELECT t.relname::text AS tbl, i.relname::text AS idx, \
               (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) \
                FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord) \
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols \
               FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
               JOIN pg_class i ON i.oid = ix.indexrelid \
               JOIN pg_namespace n ON n.oid = t.relnamespace \
               WHERE n.nspname = current_schema() AND ix.indisunique ORDER BY 1, 2";
    db.query_all_raw(stmt(db, sql, vec![]))
        .await
        .expect("pg_index")
        .iter()
        .map(|r| {
            (
                r.try_get::<String>("", "tbl").expect("tbl"),
                r.try_get::<String>("", "idx").expect("idx"),
                r.try_get::<String>("", "cols")
                    .expect("cols")
                    .split(',')
                    .map(str::to_string)
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_member_owned_table_is_distributable_by_member() {
    let (boot, _fresh) = common::boot().await;
    let db = &boot.app_context.db;
    let doc = documented();
    let live = tables(db).await;
    let owned: BTreeSet<String> = catalog::member_tables(db)
        .await
        .expect("member tables")
        .into_iter()
        .collect();

    let missing: Vec<_> = live.iter().filter(|t| !doc.contains_key(*t)).collect();
    assert!(
        missing.is_empty(),
        "tables missing from docs/SCALING.md (say whether each is distributed, reference or coordinator): {missing:?}"
    );
    let stale: Vec<_> = doc.keys().filter(|t| !live.contains(*t)).collect();
    assert!(
        stale.is_empty(),
        "docs/SCALING.md lists tables the schema no longer has: {stale:?}"
    );
    for (table, (kind, why)) in &doc {
        match kind {
            Kind::Distributed => assert!(
                owned.contains(table),
                "{table} is listed as distributed but has no member_id column"
            ),
            Kind::Reference => assert!(
                !owned.contains(table),
                "{table} holds a member's rows (member_id): it cannot be a reference table"
            ),
            Kind::Coordinator => assert!(
                !owned.contains(table) || !why.is_empty(),
                "{table} holds member_id but stays on the coordinator: docs/SCALING.md must say why"
            ),
        }
    }
    let distributed: BTreeSet<&String> = doc
        .iter()
        .filter(|(_, (k, _))| *k == Kind::Distributed)
        .map(|(t, _)| t)
        .collect();
    assert!(distributed.contains(&"hr_employees".to_string()));

    // Foreign keys between distributed tables carry member_id on both sides.
    let mut cross_member_seen = false;
    for fk in catalog::foreign_keys(db).await.expect("foreign keys") {
        if !(distributed.contains(&fk.child) && distributed.contains(&fk.parent)) {
            continue;
        }
        if fk.child == CROSS_MEMBER_FK.0
            && fk.pairs.iter().any(|(from, _)| from == CROSS_MEMBER_FK.1)
        {
            cross_member_seen = true;
            continue;
        }
        assert!(
            fk.pairs
                .iter()
                .any(|(from, to)| from == "member_id" && to == "member_id"),
            "{} → {} ({:?}) does not carry member_id on both sides: the rows it joins could live on two nodes",
            fk.child,
            fk.parent,
            fk.pairs
        );
    }
    assert!(
        cross_member_seen,
        "the cross-member key of {} is gone: update docs/SCALING.md and this test",
        CROSS_MEMBER_FK.0
    );

    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let keys = pg_keys(db).await;
    for table in &distributed {
        let of_table: Vec<_> = keys.iter().filter(|(t, _, _)| t == *table).collect();
        assert!(!of_table.is_empty(), "{table} has no primary key");
        for (_, index, cols) in of_table {
            assert_eq!(
                cols.first().map(String::as_str),
                Some("member_id"),
                "{table}: the key {index} ({}) does not start with member_id",
                cols.join(", ")
            );
        }
    }
    // No sequence behind a gapless number: invoice numbers come from counter rows.
    let sequences = strings(
        db,
        "SELECT sequence_name::text AS name FROM information_schema.sequences \
         WHERE sequence_schema = current_schema()",
        "name",
    )
    .await;
    assert!(
        !sequences
            .iter()
            .any(|s| s.starts_with("billing_invoice") || s.contains("number")),
        "a billing number from a sequence (not gapless, not shared between nodes): {sequences:?}"
    );
    assert!(live.contains("billing_counters"));
}
