//! Test helpers of the HR module (feature `testkit`, for the integration tests): an
//! employee written straight into the database, and NIRs with their key.
#![allow(clippy::disallowed_methods)] // tests set up rows of any member
#![allow(clippy::expect_used)]

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use uuid::Uuid;

use crate::entities::hr_employees;

/// A valid NIR whose 13 characters are `body` (panics on a malformed body: tests only).
#[must_use]
pub fn nir(body: &str) -> String {
    crate::nir::with_key(body).unwrap_or_else(|| panic!("NIR body of 13 digits: {body}"))
}

/// An employee of `member_id` (Camille `last_name`, F, born 1984-12-03) hired on `entry`
/// and gone on `exit`, written without the app's checks; returns its id.
///
/// # Panics
/// On a database error (tests only).
pub async fn hire(
    db: &DatabaseConnection,
    member_id: i64,
    matricule: &str,
    last_name: &str,
    entry: NaiveDate,
    exit: Option<NaiveDate>,
) -> Uuid {
    let now = Utc::now();
    hr_employees::ActiveModel {
        member_id: Set(member_id),
        id: Set(Uuid::now_v7()),
        matricule: Set(matricule.to_string()),
        first_name: Set("Camille".to_string()),
        last_name: Set(last_name.to_string()),
        sex: Set("F".to_string()),
        birth_date: Set(NaiveDate::from_ymd_opt(1984, 12, 3).unwrap_or_default()),
        nationality: Set("française".to_string()),
        nir: Set(nir("2841275123456")),
        establishment_id: Set(None),
        entry_date: Set(entry),
        exit_date: Set(exit),
        email: Set(None),
        address: Set(None),
        phone: Set(None),
        permit_type: Set(None),
        permit_number: Set(None),
        permit_expiry: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .expect("employee inserted")
    .id
}
