//! The live catalog: which tables hold a member's rows (every table with a `member_id`
//! column — a new module's table is never forgotten), their columns, and the foreign
//! keys between them (to erase children before their parents).
use sea_orm::{ConnectionTrait, DbBackend};

use crate::{db::stmt, error::AppResult};

/// A column of a member-owned table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// Bytes (`bytea`; on SQLite, a blob that is not a 16-byte UUID): exported as
    /// their length, the bytes themselves come as files.
    pub binary: bool,
}

/// A foreign key: `child`'s `(from…)` columns point at `parent`'s `(to…)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub child: String,
    pub parent: String,
    pub pairs: Vec<(String, String)>,
}

/// The tables with a `member_id` column, by name.
///
/// # Errors
/// Database errors.
pub async fn member_tables<C: ConnectionTrait>(db: &C) -> AppResult<Vec<String>> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT c.table_name AS name FROM information_schema.columns c \
             JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND c.column_name = 'member_id' AND t.table_type = 'BASE TABLE' \
             ORDER BY 1"
        }
        _ => {
            "SELECT m.name AS name FROM sqlite_master m \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'member_id') \
             ORDER BY 1"
        }
    };
    let rows = db.query_all_raw(stmt(db, sql, vec![])).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(r.try_get::<String>("", "name")?);
    }
    Ok(out)
}

/// The columns of a table, in order.
///
/// # Errors
/// Database errors.
pub async fn columns<C: ConnectionTrait>(db: &C, table: &str) -> AppResult<Vec<Column>> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT column_name AS name, data_type AS kind FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
        }
        _ => "SELECT name, type AS kind FROM pragma_table_info(?) ORDER BY cid",
    };
    let rows = db.query_all_raw(stmt(db, sql, vec![table.into()])).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let kind = r.try_get::<String>("", "kind")?.to_ascii_lowercase();
        out.push(Column {
            name: r.try_get("", "name")?,
            binary: kind == "bytea" || kind == "blob",
        });
    }
    Ok(out)
}

/// Every foreign key between tables of the database.
///
/// # Errors
/// Database errors.
pub async fn foreign_keys<C: ConnectionTrait>(db: &C) -> AppResult<Vec<ForeignKey>> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT c.oid::bigint AS fk, cl.relname::text AS child, pcl.relname::text AS parent, \
                    a.attname::text AS from_col, pa.attname::text AS to_col \
             FROM pg_constraint c \
             JOIN pg_class cl ON cl.oid = c.conrelid \
             JOIN pg_namespace n ON n.oid = cl.relnamespace \
             JOIN pg_class pcl ON pcl.oid = c.confrelid \
             CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(ck, pk) \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.ck \
             JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.pk \
             WHERE c.contype = 'f' AND n.nspname = current_schema() \
             ORDER BY 1, 2"
        }
        _ => {
            "SELECT f.id AS fk, m.name AS child, f.\"table\" AS parent, f.\"from\" AS from_col, \
                    f.\"to\" AS to_col \
             FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' ORDER BY 2, 1, f.seq"
        }
    };
    let rows = db.query_all_raw(stmt(db, sql, vec![])).await?;
    let mut out: Vec<ForeignKey> = Vec::new();
    let mut last: Option<(i64, String)> = None;
    for r in rows {
        let fk: i64 = r.try_get("", "fk")?;
        let child: String = r.try_get("", "child")?;
        let parent: String = r.try_get("", "parent")?;
        let pair = (
            r.try_get::<String>("", "from_col")?,
            r.try_get::<String>("", "to_col")?,
        );
        let key = (fk, child.clone());
        match out.last_mut() {
            Some(f) if last.as_ref() == Some(&key) => f.pairs.push(pair),
            _ => out.push(ForeignKey {
                child,
                parent,
                pairs: vec![pair],
            }),
        }
        last = Some(key);
    }
    Ok(out)
}

/// `tables` ordered so that a table comes before every table it points at (children
/// first: the order of deletion). A cycle (not expected) keeps the remaining tables in
/// name order at the end.
#[must_use]
pub fn children_first(tables: &[String], fks: &[ForeignKey]) -> Vec<String> {
    let mut left: Vec<String> = tables.to_vec();
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        // A table no remaining table points at can go now.
        let free: Vec<String> = left
            .iter()
            .filter(|t| {
                !fks.iter()
                    .any(|f| &f.parent == *t && f.child != f.parent && left.contains(&f.child))
            })
            .cloned()
            .collect();
        if free.is_empty() {
            out.append(&mut left);
            break;
        }
        left.retain(|t| !free.contains(t));
        out.extend(free);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_come_first() {
        let t = |s: &[&str]| s.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
        let fk = |c: &str, p: &str| ForeignKey {
            child: c.into(),
            parent: p.into(),
            pairs: vec![],
        };
        let order = children_first(
            &t(&["a_employees", "a_contracts", "establishments", "a_lines"]),
            &[
                fk("a_contracts", "a_employees"),
                fk("a_employees", "establishments"),
                fk("a_employees", "members"),
                fk("a_lines", "a_lines"),
            ],
        );
        let pos = |n: &str| order.iter().position(|x| x == n).unwrap();
        assert!(pos("a_contracts") < pos("a_employees"));
        assert!(pos("a_employees") < pos("establishments"));
        assert_eq!(order.len(), 4);
    }
}
