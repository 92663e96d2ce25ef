//! The tenant handles: the only values module queries accept.
//!
//! A member-owned table (one with `member_id`) is declared once with
//! [`member_owned!`](crate::member_owned); its rows are then reached only through
//! [`MemberOwned`] (`find_in`, `insert_in`, `update_in`, `delete_in`…), each of which
//! takes a [`Tenant`]. A `Tenant` is made by [`Scope::tenant`](crate::scope::Scope::tenant)
//! after authorization, by [`CoopScope::tenant`](crate::scope::CoopScope::tenant) when the
//! cooperative's staff act on one member (billing), or — explicitly, and easy to grep —
//! by [`Tenant::for_task`] in background tasks, seeds and tests.
//!
//! A cooperative-wide table (no `member_id`: point values, the cooperative's charges) is
//! declared with [`coop_owned!`](crate::coop_owned) and reached through [`CoopOwned`],
//! which takes a [`Coop`] handle, made by `CoopScope::coop` or [`Coop::for_task`].
//!
//! Module crates cannot call sea-orm's unscoped entry points (`Entity::find`,
//! `ActiveModel::insert`…): `modules/clippy.toml` forbids them, and CI runs clippy with
//! `-D warnings`, so a query of a member-owned table without the member does not build.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, DeleteMany, EntityTrait,
    IntoActiveModel, QueryFilter, Select, UpdateMany,
};

use crate::error::{AppError, AppResult};

/// One member's tenancy, proved by an authorization (or named as a task's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tenant {
    member_id: i64,
}

impl Tenant {
    /// Made by `Scope`/`CoopScope`/`ServedScope` only.
    pub(crate) const fn authorized(member_id: i64) -> Self {
        Self { member_id }
    }

    /// For [`OwnedRow`] (the `member_owned!` macro): a loaded row's tenant.
    #[doc(hidden)]
    #[must_use]
    pub const fn of_row(member_id: i64) -> Self {
        Self { member_id }
    }

    /// The tenant of a background task, a seed or a test: the caller states which
    /// member it works for, and `why` says so in the logs. Never used by a request
    /// handler (`grep -rn for_task` lists every use).
    #[must_use]
    pub fn for_task(member_id: i64, why: &'static str) -> Self {
        tracing::trace!(member_id, why, "tenant for a task");
        Self { member_id }
    }

    /// The member's id (for foreign keys and logs; queries take the `Tenant` itself).
    #[must_use]
    pub const fn member_id(self) -> i64 {
        self.member_id
    }
}

/// The cooperative-wide handle: coop tables and cross-member reads take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coop {
    _private: (),
}

impl Coop {
    /// Made by `CoopScope` only.
    pub(crate) const fn authorized() -> Self {
        Self { _private: () }
    }

    /// The cooperative's handle for a background task, a seed or a test.
    #[must_use]
    pub fn for_task(why: &'static str) -> Self {
        tracing::trace!(why, "coop handle for a task");
        Self { _private: () }
    }

    /// The tenant of one member, for the cooperative's work on it (invoicing,
    /// closing a period).
    #[must_use]
    pub const fn tenant(self, member_id: i64) -> Tenant {
        Tenant::authorized(member_id)
    }
}

/// A table whose rows belong to one member.
///
/// Declared with [`member_owned!`](crate::member_owned). Every provided method scopes
/// the statement by the tenant's `member_id`; writes set it, so a row cannot be
/// written for another member.
#[allow(clippy::disallowed_methods)]
pub trait MemberOwned: EntityTrait {
    /// The `member_id` column.
    fn member_column() -> Self::Column;

    /// `SELECT … WHERE member_id = tenant`.
    #[must_use]
    fn find_in(tenant: Tenant) -> Select<Self> {
        Self::find().filter(Self::member_column().eq(tenant.member_id))
    }

    /// `SELECT …` across every member: the cooperative's reports and tasks only, so it
    /// takes the [`Coop`] handle.
    #[must_use]
    fn find_across(_coop: Coop) -> Select<Self> {
        Self::find()
    }

    /// `DELETE … WHERE member_id = tenant` (add filters for the rows to delete).
    #[must_use]
    fn delete_in(tenant: Tenant) -> DeleteMany<Self> {
        Self::delete_many().filter(Self::member_column().eq(tenant.member_id))
    }

    /// `UPDATE … WHERE member_id = tenant` (add `col_expr` and filters).
    #[must_use]
    fn update_many_in(tenant: Tenant) -> UpdateMany<Self> {
        Self::update_many().filter(Self::member_column().eq(tenant.member_id))
    }

    /// Inserts a row of the tenant: `member_id` is set from the tenant, whatever the
    /// active model held.
    ///
    /// # Errors
    /// Database errors.
    fn insert_in<A, C>(
        tenant: Tenant,
        mut row: A,
        db: &C,
    ) -> impl Future<Output = Result<Self::Model, DbErr>> + Send
    where
        A: ActiveModelTrait<Entity = Self> + sea_orm::ActiveModelBehavior + Send,
        Self::Model: IntoActiveModel<A>,
        C: ConnectionTrait,
    {
        row.set(Self::member_column(), tenant.member_id.into());
        async move { row.insert(db).await }
    }

    /// The `INSERT` statement of one row of the tenant (`member_id` set from it), for
    /// what `insert_in` does not say (`on_conflict`).
    #[must_use]
    fn insert_stmt_in<A>(tenant: Tenant, mut row: A) -> sea_orm::Insert<A>
    where
        A: ActiveModelTrait<Entity = Self>,
    {
        row.set(Self::member_column(), tenant.member_id.into());
        Self::insert(row)
    }

    /// Inserts rows of the tenant (`member_id` set from it); nothing for no rows.
    ///
    /// # Errors
    /// Database errors.
    fn insert_many_in<A, C>(
        tenant: Tenant,
        rows: Vec<A>,
        db: &C,
    ) -> impl Future<Output = Result<(), DbErr>> + Send
    where
        A: ActiveModelTrait<Entity = Self> + sea_orm::ActiveModelBehavior + Send,
        C: ConnectionTrait,
    {
        let rows: Vec<A> = rows
            .into_iter()
            .map(|mut r| {
                r.set(Self::member_column(), tenant.member_id.into());
                r
            })
            .collect();
        async move {
            if !rows.is_empty() {
                Self::insert_many(rows).exec(db).await?;
            }
            Ok(())
        }
    }

    /// Inserts rows of several members at once, each keeping the `member_id` it holds:
    /// the cooperative's bulk writes (closing a period), so it takes the [`Coop`] handle.
    ///
    /// # Errors
    /// Database errors.
    fn insert_many_across<A, C>(
        _coop: Coop,
        rows: Vec<A>,
        db: &C,
    ) -> impl Future<Output = Result<(), DbErr>> + Send
    where
        A: ActiveModelTrait<Entity = Self> + Send,
        C: ConnectionTrait,
    {
        async move {
            if !rows.is_empty() {
                Self::insert_many(rows).exec_without_returning(db).await?;
            }
            Ok(())
        }
    }

    /// Updates one row of the tenant by its primary key; 404 when the row is not the
    /// tenant's (or is gone). `member_id` cannot be changed.
    ///
    /// # Errors
    /// 404; database errors.
    fn update_in<A, C>(
        tenant: Tenant,
        mut row: A,
        db: &C,
    ) -> impl Future<Output = AppResult<Self::Model>> + Send
    where
        A: ActiveModelTrait<Entity = Self> + sea_orm::ActiveModelBehavior + Send,
        Self::Model: IntoActiveModel<A>,
        C: ConnectionTrait,
    {
        // Part of the key, the member column selects the tenant's row; otherwise it is
        // rewritten to the tenant, and the filter below still requires the row to be
        // the tenant's already: a row never changes member.
        row.set(Self::member_column(), tenant.member_id.into());
        async move {
            let query = Self::update(row)
                .validate()?
                .filter(Self::member_column().eq(tenant.member_id));
            match query.exec(db).await {
                Ok(m) => Ok(m),
                Err(sea_orm::DbErr::RecordNotUpdated | sea_orm::DbErr::RecordNotFound(_)) => {
                    Err(AppError::NotFound)
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// A row of a member-owned table knows its tenant: having loaded it (through
/// `find_in`, or `find_across` with the cooperative's handle) is the authorization to
/// reach the rows that hang from it (an invoice's lines, a request's entries).
pub trait OwnedRow {
    /// The tenant the row belongs to.
    fn tenant(&self) -> Tenant;
}

/// A cooperative-wide table: reached with the [`Coop`] handle.
#[allow(clippy::disallowed_methods)]
pub trait CoopOwned: EntityTrait {
    /// `SELECT …` of reference data that every member reads (point values, the
    /// charges catalogue): no handle needed to read, one to write.
    #[must_use]
    fn find_shared() -> Select<Self> {
        Self::find()
    }

    /// `SELECT …` of the cooperative's table.
    #[must_use]
    fn find_coop(_coop: Coop) -> Select<Self> {
        Self::find()
    }

    /// Updates a cooperative row.
    ///
    /// # Errors
    /// Database errors.
    fn update_coop<A, C>(
        _coop: Coop,
        row: A,
        db: &C,
    ) -> impl Future<Output = Result<Self::Model, DbErr>> + Send
    where
        A: ActiveModelTrait<Entity = Self> + sea_orm::ActiveModelBehavior + Send,
        Self::Model: IntoActiveModel<A>,
        C: ConnectionTrait,
    {
        async move { row.update(db).await }
    }

    /// Inserts a cooperative row.
    ///
    /// # Errors
    /// Database errors.
    fn insert_coop<A, C>(
        _coop: Coop,
        row: A,
        db: &C,
    ) -> impl Future<Output = Result<Self::Model, DbErr>> + Send
    where
        A: ActiveModelTrait<Entity = Self> + sea_orm::ActiveModelBehavior + Send,
        Self::Model: IntoActiveModel<A>,
        C: ConnectionTrait,
    {
        async move { row.insert(db).await }
    }
}

/// Declares member-owned entities: `member_owned!(hr_employees, hr_contracts);` for
/// entity modules whose `Column::MemberId` is the member.
#[macro_export]
macro_rules! member_owned {
    ($($entity:ident),+ $(,)?) => {
        $(impl $crate::tenant::MemberOwned for $entity::Entity {
            fn member_column() -> Self::Column {
                $entity::Column::MemberId
            }
        }
        impl $crate::tenant::OwnedRow for $entity::Model {
            fn tenant(&self) -> $crate::tenant::Tenant {
                $crate::tenant::Tenant::of_row(self.member_id)
            }
        })+
    };
}

/// Declares cooperative-wide entities: `coop_owned!(hr_point_values);`.
#[macro_export]
macro_rules! coop_owned {
    ($($entity:ident),+ $(,)?) => {
        $(impl $crate::tenant::CoopOwned for $entity::Entity {})+
    };
}
