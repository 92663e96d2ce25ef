//! Comments on published sheets: listed with their author's member, written by any
//! reader, deleted by their author or a moderator.
use super::*;

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
