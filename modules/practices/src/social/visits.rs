//! A reader's visits of the landing page, the digest's opt-in, and the sheets published
//! since a moment (the news, the digest).
use super::*;

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
    // A search refined, a page turned: a visit seen less than a minute ago is not
    // written again (the search page takes no write lock while its reader browses).
    let now = Utc::now();
    if let Some(r) = reader_row(db, user_id).await?
        && r.last_visit_at
            .is_some_and(|l| now - l < Duration::minutes(1))
    {
        return Ok(r.previous_visit_at);
    }
    let txn = mutualis_core::db::begin_write(db).await?;
    let old = reader_row(&txn, user_id).await?;
    let (last, previous) = next_visits(
        old.as_ref().and_then(|r| r.last_visit_at),
        old.as_ref().and_then(|r| r.previous_visit_at),
        now,
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
