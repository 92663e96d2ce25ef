//! Between readers: comments on published sheets, “utile” marks, « nouveautés depuis
//! votre dernière visite », and the `practices.active_readers` meter. Rules first (plain
//! functions, unit-tested), then the queries and writes (one audited transaction each).
//!
//! Where the rows live: a comment and a mark belong to the **sheet's** member (they are
//! part of its thread; the moderator's publication writes there too); a reader's
//! preferences (visits, digest opt-in) are the **user's**, whichever member they read
//! through (`practices_readers`, a cooperative table keyed by user).
//!
//! The meter: an opened *published* sheet records one event
//! `practices.active_readers:{YYYY-MM}:{user}` (property `user`), counted for the member
//! the reader reads through — on a page, the member of its `{slug}`; on the API, the
//! sheet's own member when the reader belongs to it, otherwise the first of the reader's
//! members (by slug). A moderator outside every member is not counted. The key makes a
//! second opening in the month a no-op, whatever the sheet.
use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use chrono_tz::Europe::Paris;
use mutualis_core::{
    error::{AppError, AppResult, FieldError},
    limits::Text,
    member,
    metering::{Aggregation, Meter, Meters, Usage, record_usage_for},
    scope::Services,
    served::{Served, members_where},
    tenant::{Coop, CoopOwned, MemberOwned, OwnedRow, Tenant},
    time::Month,
    write::Write,
};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    entities::{practices_comments, practices_readers, practices_sheets, practices_useful_marks},
    search::Reader,
    sheets::{self, Author, READ_OBJ, Sheet, status},
};

mod comments;
mod demo;
mod marks;
mod visits;
pub use comments::*;
pub use demo::seed_demo;
pub use marks::*;
pub use visits::*;

/// `practices.active_readers`: distinct users who opened a published sheet in the month.
pub const ACTIVE_READERS: Meter = Meter {
    code: "practices.active_readers",
    module: "practices",
    aggregation: Aggregation::UniqueCount { property: "user" },
    unit: "lecteurs",
    label: "Lecteurs actifs de l’échange de pratiques",
    max_per_event: 1_000_000,
};

/// A visit this long after the last one starts a new one: « depuis votre dernière
/// visite » then counts from the last one (a reload keeps the block).
pub const NEW_VISIT_AFTER_MINUTES: i64 = 30;

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// « 7 décembre 2026 » (Europe/Paris).
#[must_use]
pub fn fr_long_date(at: DateTime<Utc>) -> String {
    let p = at.with_timezone(&Paris);
    format!("{} {} {}", p.day(), MONTHS[p.month0() as usize], p.year())
}

/// « le 7 décembre 2026 à 14:05 » (Europe/Paris).
#[must_use]
pub fn fr_when(at: DateTime<Utc>) -> String {
    let p = at.with_timezone(&Paris);
    format!(
        "le {} à {:02}:{:02}",
        fr_long_date(at),
        p.hour(),
        p.minute()
    )
}

/// « le 2 décembre » (the year said only when it is not `now`'s), « aujourd’hui à
/// 14:05 » on `now`'s day.
#[must_use]
pub fn fr_day(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let p = at.with_timezone(&Paris);
    if p.date_naive() == now.with_timezone(&Paris).date_naive() {
        format!("aujourd’hui à {:02}:{:02}", p.hour(), p.minute())
    } else if p.year() == now.with_timezone(&Paris).year() {
        format!("le {} {}", p.day(), MONTHS[p.month0() as usize])
    } else {
        format!("le {}", fr_long_date(at))
    }
}

/// The landing page's line: « 3 nouvelles fiches depuis votre dernière visite, le 2
/// décembre ».
#[must_use]
pub fn news_line(n: usize, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let what = match n {
        0 => "Aucune nouvelle fiche".to_string(),
        1 => "1 nouvelle fiche".to_string(),
        n => format!("{n} nouvelles fiches"),
    };
    format!(
        "{what} depuis votre dernière visite, {}.",
        fr_day(since, now)
    )
}

/// The visits after one at `now`: `(last, previous)`. A visit within
/// [`NEW_VISIT_AFTER_MINUTES`] of the last one keeps the previous visit.
#[must_use]
pub fn next_visits(
    last: Option<DateTime<Utc>>,
    previous: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    match last {
        None => (now, None),
        Some(l) if now - l >= Duration::minutes(NEW_VISIT_AFTER_MINUTES) => (now, Some(l)),
        Some(_) => (now, previous),
    }
}

/// A comment's text, checked.
///
/// # Errors
/// The field `body` in error, in French.
pub fn comment_text(raw: &str) -> Result<String, FieldError> {
    match mutualis_core::limits::text(raw, Text::Note) {
        Ok(Some(t)) => Ok(t),
        Ok(None) => Err(FieldError::new("body", "Écrivez votre commentaire.")),
        Err(m) => Err(FieldError::new("body", format!("Le commentaire : {m}"))),
    }
}

/// Who may delete a comment: its author, or a moderator.
#[must_use]
pub const fn may_delete(comment_author: i64, user: i64, moderator: bool) -> bool {
    comment_author == user || moderator
}

/// The member an API reader reads a sheet of `sheet_member` through: that member when
/// the reader belongs to it, otherwise the first of theirs by slug.
#[must_use]
pub fn reading_member<'a>(served: &'a [Served], sheet_member: &str) -> Option<&'a Served> {
    served
        .iter()
        .find(|s| s.member.slug == sheet_member)
        .or_else(|| {
            served
                .iter()
                .min_by(|a, b| a.member.slug.cmp(&b.member.slug))
        })
}

fn must_be_published(sheet: &Sheet, what: &str) -> AppResult<()> {
    if sheet.row.status == status::PUBLISHED {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "{what} : la fiche est « {} », seules les fiches publiées en reçoivent.",
            sheets::label(&sheet.row.status)
        )))
    }
}

// ---------------------------------------------------------------------------------
// The meter.

/// Records that `user_id` opened `sheet` (a published one only), for `tenant`. A failure
/// is logged and never refuses the reading.
pub async fn record_reading<C>(db: &C, meters: &Meters, tenant: Tenant, user_id: i64, sheet: &Sheet)
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    if sheet.row.status != status::PUBLISHED {
        return;
    }
    let now = Utc::now();
    let key = format!("{}:{}:{user_id}", ACTIVE_READERS.code, Month::of(now));
    let usage = Usage::new(ACTIVE_READERS.code, Decimal::ONE, &key)
        .properties(serde_json::json!({"user": user_id.to_string()}))
        .at(now);
    let result = async {
        let txn = mutualis_core::db::begin_write(db).await?;
        record_usage_for(&txn, meters, tenant, usage).await?;
        txn.commit().await?;
        AppResult::Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::error!(user_id, sheet = %sheet.row.id, error = %e.message(), "practices.active_readers not recorded");
    }
}

/// The same for an API reader: counted for [`reading_member`].
///
/// # Errors
/// Database or casbin errors (listing the reader's members).
pub async fn record_api_reading<C>(
    db: &C,
    svc: &Services,
    user_id: i64,
    sheet: &Sheet,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    if sheet.row.status != status::PUBLISHED {
        return Ok(());
    }
    let served = members_where(db, svc, user_id, READ_OBJ, "read").await?;
    if let Some(s) = reading_member(&served, &sheet.member) {
        record_reading(db, &svc.meters, s.tenant(), user_id, sheet).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn dates_read_in_french_in_paris() {
        assert_eq!(
            fr_when(at(2026, 12, 7, 13, 5)),
            "le 7 décembre 2026 à 14:05"
        );
        assert_eq!(fr_when(at(2026, 7, 31, 22, 30)), "le 1 août 2026 à 00:30");
        let now = at(2026, 12, 7, 12, 0);
        assert_eq!(fr_day(at(2026, 12, 2, 9, 0), now), "le 2 décembre");
        assert_eq!(fr_day(at(2025, 12, 2, 9, 0), now), "le 2 décembre 2025");
        assert_eq!(fr_day(at(2026, 12, 7, 8, 30), now), "aujourd’hui à 09:30");
        assert_eq!(
            news_line(3, at(2026, 12, 2, 9, 0), now),
            "3 nouvelles fiches depuis votre dernière visite, le 2 décembre."
        );
        assert_eq!(
            news_line(1, at(2026, 12, 2, 9, 0), now),
            "1 nouvelle fiche depuis votre dernière visite, le 2 décembre."
        );
        assert!(news_line(0, at(2026, 12, 2, 9, 0), now).starts_with("Aucune nouvelle fiche"));
    }

    #[test]
    fn a_reload_keeps_the_previous_visit() {
        let t0 = at(2026, 12, 1, 9, 0);
        assert_eq!(next_visits(None, None, t0), (t0, None));
        let t1 = at(2026, 12, 7, 9, 0);
        assert_eq!(next_visits(Some(t0), None, t1), (t1, Some(t0)));
        let t2 = t1 + Duration::minutes(5);
        assert_eq!(next_visits(Some(t1), Some(t0), t2), (t2, Some(t0)));
        let t3 = t2 + Duration::minutes(NEW_VISIT_AFTER_MINUTES);
        assert_eq!(next_visits(Some(t2), Some(t0), t3), (t3, Some(t2)));
    }

    #[test]
    fn a_comment_is_a_note() {
        assert_eq!(comment_text("  Merci !  ").unwrap(), "Merci !");
        assert_eq!(comment_text("   ").unwrap_err().field, "body");
        let long = "a".repeat(5_001);
        let e = comment_text(&long).unwrap_err();
        assert_eq!(e.field, "body");
        assert!(e.message.starts_with("Le commentaire"), "{}", e.message);
        assert!(comment_text("a\u{0}b").is_err());
        assert!(may_delete(1, 1, false) && may_delete(1, 2, true) && !may_delete(1, 2, false));
    }
}
