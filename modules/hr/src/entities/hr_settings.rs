//! A member's HR settings.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hr_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    /// Good Friday and 26 December are public holidays (Bas-Rhin, Haut-Rhin, Moselle).
    pub alsace_moselle: bool,
    pub first_interview_months: i32,
    pub interview_every_years: i32,
    pub review_every_years: i32,
    pub reminder_days: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
