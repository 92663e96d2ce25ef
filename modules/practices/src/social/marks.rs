//! “Utile” marks: one per user and sheet, a toggle; the counts the search may boost by.
use super::*;
use crate::search::SearchIndex;

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
    index: Option<&SearchIndex>,
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
        // The search's order follows the marks (the demo seed rebuilds the index after).
        if let Some(index) = index {
            sheets::follow(db, index, &sheet).await;
        }
    }
    useful_of(db, &sheet, author.id).await
}
