//! Column helpers shared by the migrations (the SQL they produce never changes).
use sea_orm_migration::prelude::*;

pub fn ts(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

pub fn ts_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

pub fn text(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string()
        .not_null()
        .to_owned()
}

pub fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string().null().to_owned()
}

pub fn big(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .not_null()
        .to_owned()
}

pub fn pk_auto(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

pub fn uuid_col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .uuid()
        .not_null()
        .to_owned()
}

pub fn a(name: &str) -> Alias {
    Alias::new(name)
}

pub fn big_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .null()
        .to_owned()
}

pub fn date_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).date().null().to_owned()
}

/// A member-owned table: `member_id BIGINT NOT NULL` referencing `members`, a UUIDv7
/// `id` from the application, primary key `(member_id, id)`. Add the table's own
/// columns, then `member_ref` for each row it points at, and `.to_owned()`.
pub fn member_owned_table(table: &str) -> TableCreateStatement {
    Table::create()
        .table(a(table))
        .col(big("member_id"))
        .col(uuid_col("id"))
        .primary_key(Index::create().col(a("member_id")).col(a("id")))
        .foreign_key(
            ForeignKey::create()
                .from(a(table), a("member_id"))
                .to(a("members"), a("id")),
        )
        .to_owned()
}

/// A reference from a member-owned table to a row of another, through
/// `(member_id, column)`: a row can never point at another member's row.
pub fn member_ref(table: &str, column: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(a(table), (a("member_id"), a(column)))
        .to(a(to), (a("member_id"), a("id")))
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The helper writes exactly what the hand-written HR tables say (applied
    /// migrations must not change).
    #[test]
    fn a_member_owned_table_is_the_hand_written_shape() {
        let by_hand = Table::create()
            .table(a("t"))
            .col(ColumnDef::new(a("member_id")).big_integer().not_null())
            .col(uuid_col("id"))
            .col(text("name"))
            .col(uuid_col("employee_id"))
            .primary_key(Index::create().col(a("member_id")).col(a("id")))
            .foreign_key(
                ForeignKey::create()
                    .from(a("t"), a("member_id"))
                    .to(a("members"), a("id")),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(a("t"), (a("member_id"), a("employee_id")))
                    .to(a("hr_employees"), (a("member_id"), a("id"))),
            )
            .to_owned();
        let helper = member_owned_table("t")
            .col(text("name"))
            .col(uuid_col("employee_id"))
            .foreign_key(&mut member_ref("t", "employee_id", "hr_employees"))
            .to_owned();
        for (x, y) in [
            (
                by_hand.to_string(SqliteQueryBuilder),
                helper.to_string(SqliteQueryBuilder),
            ),
            (
                by_hand.to_string(PostgresQueryBuilder),
                helper.to_string(PostgresQueryBuilder),
            ),
        ] {
            assert_eq!(x, y);
        }
        assert!(
            helper
                .to_string(PostgresQueryBuilder)
                .contains(r#"PRIMARY KEY ("member_id", "id")"#)
        );
    }
}
