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

// ---------------------------------------------------------------------------------
// Comments.

/// A comment as shown.
#[derive(Debug, Clone)]
pub struct Comment {
    pub row: practices_comments::Model,
    /// The name of the member its author read through.
    pub member: Option<String>,
    pub can_delete: bool,
}

async fn member_names<C: ConnectionTrait>(db: &C) -> AppResult<HashMap<i64, String>> {
    Ok(member::list(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect())
}

/// The comments of a sheet its reader may see, oldest first.
///
/// # Errors
/// 404; database errors.
pub async fn comments<C: ConnectionTrait>(
    db: &C,
    reader: &Reader,
    user_id: i64,
    sheet_id: &str,
) -> AppResult<Vec<Comment>> {
    let sheet = sheets::get(db, reader, sheet_id).await?;
    comments_of(db, &sheet, reader, user_id).await
}

/// The comments of a sheet already read.
///
/// # Errors
/// Database errors.
pub async fn comments_of<C: ConnectionTrait>(
    db: &C,
    sheet: &Sheet,
    reader: &Reader,
    user_id: i64,
) -> AppResult<Vec<Comment>> {
    let rows = practices_comments::Entity::find_in(sheet.row.tenant())
        .filter(practices_comments::Column::SheetId.eq(sheet.row.id))
        .order_by_asc(practices_comments::Column::CreatedAt)
        .order_by_asc(practices_comments::Column::Id)
        .all(db)
        .await?;
    let names = if rows.is_empty() {
        HashMap::new()
    } else {
        member_names(db).await?
    };
    Ok(rows
        .into_iter()
        .map(|row| Comment {
            member: row.author_member_id.and_then(|m| names.get(&m).cloned()),
            can_delete: may_delete(row.author_id, user_id, reader.moderator),
            row,
        })
        .collect())
}

/// Adds a comment to a published sheet, by its reader; `author_member` is the member the
/// author reads through.
///
/// # Errors
/// 404 (not visible), 409 (not published), 422 (`body`); database errors.
pub async fn add_comment<C>(
    db: &C,
    svc: &Services,
    reader: &Reader,
    author: &Author,
    author_member: Option<i64>,
    sheet_id: &str,
    body: &str,
) -> AppResult<Comment>
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    let sheet = sheets::get(db, reader, sheet_id).await?;
    must_be_published(&sheet, "Commentaire impossible")?;
    let body = comment_text(body).map_err(|e| AppError::Validation(vec![e]))?;
    let w = Write::begin(db, sheet.row.tenant(), author.actor.clone(), &svc.meters).await?;
    let row = practices_comments::Entity::insert_in(
        w.tenant(),
        practices_comments::ActiveModel {
            member_id: Set(0),
            id: Set(Uuid::now_v7()),
            sheet_id: Set(sheet.row.id),
            author_id: Set(author.id),
            author_name: Set(author.name.clone()),
            author_member_id: Set(author_member),
            body: Set(body),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "practices_comment",
        &row.id.to_string(),
        "create",
        serde_json::json!({"title": sheet.row.title}),
    )
    .await?;
    w.commit().await?;
    let member = match author_member {
        Some(id) => member::find_by_id(db, id).await?.map(|m| m.name),
        None => None,
    };
    Ok(Comment {
        member,
        can_delete: true,
        row,
    })
}

/// Deletes a comment: its author, or a moderator.
///
/// # Errors
/// 404 (sheet not visible, or no such comment on it), 403; database errors.
pub async fn delete_comment<C>(
    db: &C,
    svc: &Services,
    reader: &Reader,
    author: &Author,
    sheet_id: &str,
    comment_id: &str,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    let sheet = sheets::get(db, reader, sheet_id).await?;
    let comment_id = Uuid::parse_str(comment_id).map_err(|_| AppError::NotFound)?;
    let row = practices_comments::Entity::find_in(sheet.row.tenant())
        .filter(practices_comments::Column::SheetId.eq(sheet.row.id))
        .filter(practices_comments::Column::Id.eq(comment_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_delete(row.author_id, author.id, reader.moderator) {
        return Err(AppError::Forbidden(
            "Seuls l’auteur du commentaire et les modérateurs le suppriment.".to_string(),
        ));
    }
    let w = Write::begin(db, sheet.row.tenant(), author.actor.clone(), &svc.meters).await?;
    practices_comments::Entity::delete_in(w.tenant())
        .filter(practices_comments::Column::Id.eq(row.id))
        .exec(w.txn())
        .await?;
    w.audit(
        "practices_comment",
        &row.id.to_string(),
        "delete",
        serde_json::json!({"title": sheet.row.title, "author": row.author_name}),
    )
    .await?;
    w.commit().await
}

// ---------------------------------------------------------------------------------
// “Utile” marks.

/// A sheet's marks as its reader sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Useful {
    pub count: u64,
    pub marked: bool,
}

/// The marks of a sheet already read, and whether `user_id` marked it.
///
/// # Errors
/// Database errors.
pub async fn useful_of<C: ConnectionTrait>(
    db: &C,
    sheet: &Sheet,
    user_id: i64,
) -> AppResult<Useful> {
    let q = practices_useful_marks::Entity::find_in(sheet.row.tenant())
        .filter(practices_useful_marks::Column::SheetId.eq(sheet.row.id));
    let count = q.clone().count(db).await?;
    let marked = q
        .filter(practices_useful_marks::Column::UserId.eq(user_id))
        .count(db)
        .await?
        > 0;
    Ok(Useful { count, marked })
}

/// The number of “utile” marks of each sheet named (sheets without any are absent): the
/// search's boost.
///
/// # Errors
/// Database errors.
pub async fn useful_counts<C: ConnectionTrait>(
    db: &C,
    sheet_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, u64>> {
    let mut out = HashMap::new();
    if sheet_ids.is_empty() {
        return Ok(out);
    }
    let coop = Coop::for_task("practices: the marks of sheets found, for the search's order");
    for chunk in sheet_ids.chunks(500) {
        let rows: Vec<(Uuid, i64)> = practices_useful_marks::Entity::find_across(coop)
            .select_only()
            .column(practices_useful_marks::Column::SheetId)
            .column_as(practices_useful_marks::Column::Id.count(), "n")
            .filter(practices_useful_marks::Column::SheetId.is_in(chunk.iter().copied()))
            .group_by(practices_useful_marks::Column::SheetId)
            .into_tuple()
            .all(db)
            .await?;
        for (id, n) in rows {
            out.insert(id, u64::try_from(n).unwrap_or(0));
        }
    }
    Ok(out)
}

/// Marks (`on`) or unmarks a published sheet as useful for its reader; doing it twice
/// changes nothing.
///
/// # Errors
/// 404 (not visible), 409 (not published); database errors.
pub async fn set_useful<C>(
    db: &C,
    svc: &Services,
    reader: &Reader,
    author: &Author,
    sheet_id: &str,
    on: bool,
) -> AppResult<Useful>
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    let sheet = sheets::get(db, reader, sheet_id).await?;
    must_be_published(&sheet, "Mention « utile » impossible")?;
    let before = useful_of(db, &sheet, author.id).await?;
    if before.marked != on {
        let w = Write::begin(db, sheet.row.tenant(), author.actor.clone(), &svc.meters).await?;
        if on {
            let insert = practices_useful_marks::Entity::insert_stmt_in(
                w.tenant(),
                practices_useful_marks::ActiveModel {
                    member_id: Set(0),
                    id: Set(Uuid::now_v7()),
                    sheet_id: Set(sheet.row.id),
                    user_id: Set(author.id),
                    created_at: Set(Utc::now()),
                },
            )
            .on_conflict(
                sea_orm::sea_query::OnConflict::columns([
                    practices_useful_marks::Column::MemberId,
                    practices_useful_marks::Column::SheetId,
                    practices_useful_marks::Column::UserId,
                ])
                .do_nothing()
                .to_owned(),
            );
            insert.exec_without_returning(w.txn()).await?;
        } else {
            practices_useful_marks::Entity::delete_in(w.tenant())
                .filter(practices_useful_marks::Column::SheetId.eq(sheet.row.id))
                .filter(practices_useful_marks::Column::UserId.eq(author.id))
                .exec(w.txn())
                .await?;
        }
        w.audit(
            "practices_sheet",
            &sheet.row.id.to_string(),
            if on { "useful" } else { "not_useful" },
            serde_json::json!({"title": sheet.row.title}),
        )
        .await?;
        w.commit().await?;
    }
    useful_of(db, &sheet, author.id).await
}

// ---------------------------------------------------------------------------------
// Visits, the digest's opt-in, the news.

fn readers_coop() -> Coop {
    Coop::for_task("practices: a user's own reading preferences")
}

/// The reader's row, if any.
///
/// # Errors
/// Database errors.
pub async fn reader_row<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> AppResult<Option<practices_readers::Model>> {
    Ok(practices_readers::Entity::find_coop(readers_coop())
        .filter(practices_readers::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

async fn save_reader<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    change: impl FnOnce(&mut practices_readers::ActiveModel),
) -> AppResult<practices_readers::Model> {
    let now = Utc::now();
    Ok(match reader_row(db, user_id).await? {
        Some(r) => {
            let mut a: practices_readers::ActiveModel = r.into();
            change(&mut a);
            a.updated_at = Set(now);
            practices_readers::Entity::update_coop(readers_coop(), a, db).await?
        }
        None => {
            let mut a = practices_readers::ActiveModel {
                id: sea_orm::NotSet,
                user_id: Set(user_id),
                last_visit_at: Set(None),
                previous_visit_at: Set(None),
                digest: Set(false),
                updated_at: Set(now),
            };
            change(&mut a);
            practices_readers::Entity::insert_coop(readers_coop(), a, db).await?
        }
    })
}

/// Records a visit of the landing page; the visit « depuis votre dernière visite » counts
/// from (none the first time).
///
/// # Errors
/// Database errors.
pub async fn visit<C>(db: &C, user_id: i64) -> AppResult<Option<DateTime<Utc>>>
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    let txn = mutualis_core::db::begin_write(db).await?;
    let old = reader_row(&txn, user_id).await?;
    let (last, previous) = next_visits(
        old.as_ref().and_then(|r| r.last_visit_at),
        old.as_ref().and_then(|r| r.previous_visit_at),
        Utc::now(),
    );
    save_reader(&txn, user_id, |a| {
        a.last_visit_at = Set(Some(last));
        a.previous_visit_at = Set(previous);
    })
    .await?;
    txn.commit().await?;
    Ok(previous)
}

/// Opts the user in (or out of) the monthly digest; audited in the member of the page.
///
/// # Errors
/// Database errors.
pub async fn set_digest(w: &Write<'_>, user_id: i64, on: bool) -> AppResult<()> {
    let before = reader_row(w.txn(), user_id)
        .await?
        .is_some_and(|r| r.digest);
    if before == on {
        return Ok(());
    }
    let row = save_reader(w.txn(), user_id, |a| a.digest = Set(on)).await?;
    w.audit(
        "practices_reader",
        &row.user_id.to_string(),
        if on { "digest_on" } else { "digest_off" },
        serde_json::json!({}),
    )
    .await
}

/// The sheets published in `[since, until)` that `reader` may see, the latest first (at
/// most `limit`).
///
/// # Errors
/// Database errors.
pub async fn published_between<C: ConnectionTrait>(
    db: &C,
    reader: &Reader,
    since: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    limit: u64,
) -> AppResult<Vec<Sheet>> {
    // Every member's published sheets, then each kept only if the reader may see it.
    let coop = Coop::for_task("practices: sheets published lately, filtered by the reader");
    let mut q = practices_sheets::Entity::find_across(coop)
        .filter(practices_sheets::Column::Status.eq(status::PUBLISHED))
        .filter(practices_sheets::Column::PublishedAt.gt(since));
    if let Some(until) = until {
        q = q.filter(practices_sheets::Column::PublishedAt.lt(until));
    }
    let rows = q
        .order_by_desc(practices_sheets::Column::PublishedAt)
        .limit(limit)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let slugs: HashMap<i64, String> = member::list(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.slug))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let slug = slugs.get(&r.member_id).cloned().unwrap_or_default();
            sheets::visible(reader, &slug, &r.status).then(|| Sheet::of(r, slug))
        })
        .collect())
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
