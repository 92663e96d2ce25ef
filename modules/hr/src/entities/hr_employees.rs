//! Entity for the `hr_employees` table (written by hand; see migrations).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hr_employees")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    pub sex: String,
    pub birth_date: Date,
    pub nationality: String,
    /// Sensitive: masked in lists, shown in full only on the record, each view audited.
    pub nir: String,
    pub establishment_id: Option<Uuid>,
    pub entry_date: Date,
    pub exit_date: Option<Date>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// Work permit of a foreign worker (register): type, number, expiry.
    pub permit_type: Option<String>,
    pub permit_number: Option<String>,
    pub permit_expiry: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
