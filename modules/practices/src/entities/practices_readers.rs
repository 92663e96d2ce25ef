//! A user's reading of the exchange: the last two visits of the landing page (for « les
//! nouveautés depuis votre dernière visite ») and the monthly digest opt-in. One row per
//! user, whichever member they read through.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practices_readers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub last_visit_at: Option<DateTimeUtc>,
    pub previous_visit_at: Option<DateTimeUtc>,
    pub digest: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
