//! Practice sheets: written by a member's users, moderated by the cooperative
//! (draft → submitted → published, or returned to its author → archived), every earlier
//! version kept. Each write is one transaction with its audit row; the search index
//! follows once it is committed.
use chrono::Utc;
use mutualis_core::{
    audit::Actor,
    authz::COOP,
    entities::members,
    error::{AppError, AppResult, FieldError},
    limits::{Check, Text},
    member,
    scope::Services,
    served::members_where,
    tenant::{Coop, CoopOwned, MemberOwned, OwnedRow},
    write::Write,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    entities::{practices_sheet_versions, practices_sheets, practices_themes},
    markdown,
    search::{IndexedSheet, Reader, SearchIndex},
};

/// A sheet's states.
pub mod status {
    pub const DRAFT: &str = "draft";
    pub const SUBMITTED: &str = "submitted";
    pub const PUBLISHED: &str = "published";
    pub const RETURNED: &str = "returned";
    pub const ARCHIVED: &str = "archived";
}

/// The establishment types a sheet may name.
pub const ESTABLISHMENT_TYPES: &[&str] = &[
    "EHPAD", "IME", "ESAT", "SAVS", "SAMSAH", "CHRS", "SESSAD", "MAS", "FAM", "ITEP", "MECS",
    "SSIAD", "SAAD", "CAMSP", "CMPP", "CADA", "FJT", "EEAP", "LHSS", "SIAE",
];

/// The object the module's readers are allowed.
pub const READ_OBJ: &str = "practices.sheets";
/// The cooperative's moderation.
pub const MODERATION_OBJ: &str = "practices.moderation";

/// What a sheet says, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = PracticesSheetInput)]
#[serde(default)]
pub struct Input {
    /// Slug of the member the sheet belongs to (creation only).
    pub member: String,
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    pub themes: Vec<String>,
    pub tags: Vec<String>,
    pub establishment_types: Vec<String>,
}

/// A sheet's content, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub themes: Vec<String>,
    pub tags: Vec<String>,
    pub establishment_types: Vec<String>,
}

/// Checks a sheet's content against the known theme codes.
///
/// # Errors
/// The fields in error, in French.
pub fn validate(input: &Input, known_themes: &[String]) -> Result<Content, Vec<FieldError>> {
    let mut c = Check::new();
    let title = c.text(
        "title",
        "Le titre",
        &input.title,
        Text::Title,
        "Donnez un titre à la fiche.",
    );
    let summary = c.text(
        "summary",
        "Le résumé",
        &input.summary,
        Text::Short,
        "Résumez la pratique en une ou deux phrases.",
    );
    let body = c.text(
        "body",
        "Le contenu",
        &input.body,
        Text::Long,
        "Décrivez la pratique.",
    );
    let mut themes = Vec::new();
    for t in &input.themes {
        let t = t.trim();
        if known_themes.iter().any(|k| k == t) {
            if !themes.iter().any(|x| x == t) {
                themes.push(t.to_string());
            }
        } else {
            c.error("themes", format!("Thème inconnu : « {t} »."));
        }
    }
    if themes.is_empty() && !c.has_error("themes") {
        c.error("themes", "Choisissez au moins un thème.");
    }
    let mut tags: Vec<String> = Vec::new();
    for t in &input.tags {
        match mutualis_core::limits::text(t, Text::Name) {
            Ok(Some(t)) if t.chars().count() <= 40 => {
                let t = t.to_lowercase();
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
            Ok(None) => {}
            _ => c.error("tags", "Un mot-clé : 40 caractères au plus, sur une ligne."),
        }
    }
    if tags.len() > 12 {
        c.error("tags", "12 mots-clés au plus.");
    }
    let mut types: Vec<String> = Vec::new();
    for t in &input.establishment_types {
        let t = t.trim().to_uppercase();
        if ESTABLISHMENT_TYPES.contains(&t.as_str()) {
            if !types.contains(&t) {
                types.push(t);
            }
        } else {
            c.error(
                "establishment_types",
                format!("Type d’établissement inconnu : « {t} » (EHPAD, IME, ESAT…)."),
            );
        }
    }
    c.finish(|| {
        Some(Content {
            title,
            summary,
            body,
            themes,
            tags,
            establishment_types: types,
        })
    })
}

/// Whether a reader may see a sheet of `member` in `status` (the rule the search query
/// spells too).
#[must_use]
pub fn visible(reader: &Reader, member: &str, status: &str) -> bool {
    let mine = reader.members.iter().any(|m| m == member);
    match status {
        status::PUBLISHED => mine || !reader.members.is_empty() || reader.moderator,
        status::DRAFT => mine,
        status::SUBMITTED | status::RETURNED => mine || reader.moderator,
        status::ARCHIVED => reader.moderator,
        _ => false,
    }
}

/// The next state of a sheet, or why not.
///
/// # Errors
/// 409 with a French message.
pub fn transition(from: &str, action: &str) -> AppResult<&'static str> {
    let to = match (action, from) {
        ("submit", status::DRAFT | status::RETURNED) => status::SUBMITTED,
        ("publish", status::SUBMITTED) => status::PUBLISHED,
        ("return", status::SUBMITTED) => status::RETURNED,
        ("archive", status::PUBLISHED | status::SUBMITTED | status::RETURNED) => status::ARCHIVED,
        _ => {
            return Err(AppError::Conflict(format!(
                "Action impossible sur une fiche « {} ».",
                label(from)
            )));
        }
    };
    Ok(to)
}

/// A state in French.
#[must_use]
pub fn label(status: &str) -> &'static str {
    match status {
        status::DRAFT => "brouillon",
        status::SUBMITTED => "soumise",
        status::PUBLISHED => "publiée",
        status::RETURNED => "renvoyée",
        status::ARCHIVED => "archivée",
        _ => "inconnue",
    }
}

fn list(raw: &str) -> Vec<String> {
    serde_json::from_str(raw).unwrap_or_default()
}

fn json(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

/// A sheet with its member, as readers get it.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub row: practices_sheets::Model,
    pub member: String,
    pub themes: Vec<String>,
    pub tags: Vec<String>,
    pub establishment_types: Vec<String>,
    pub body_html: String,
    /// The same for the platform's pages (no link to another host).
    pub page_html: String,
}

/// Whether a sheet in `status` is still its author's to change (text and files): a
/// draft or a sheet sent back.
#[must_use]
pub fn open_for_changes(status: &str) -> bool {
    [status::DRAFT, status::RETURNED].contains(&status)
}

impl Sheet {
    /// Whether `user_id` may change it now: its author, while it is open for changes.
    #[must_use]
    pub fn editable_by(&self, user_id: i64) -> bool {
        self.row.author_id == user_id && open_for_changes(&self.row.status)
    }

    pub(crate) fn of(row: practices_sheets::Model, member: String) -> Self {
        Self {
            themes: list(&row.themes),
            tags: list(&row.tags),
            establishment_types: list(&row.establishment_types),
            body_html: markdown::render(&row.body),
            page_html: markdown::render_page(&row.body),
            member,
            row,
        }
    }

    /// The sheet as the index holds it.
    #[must_use]
    pub fn indexed(&self) -> IndexedSheet {
        IndexedSheet {
            id: self.row.id.to_string(),
            member: self.member.clone(),
            status: self.row.status.clone(),
            title: self.row.title.clone(),
            summary: self.row.summary.clone(),
            body: markdown::plain(&self.row.body),
            themes: self.themes.clone(),
            tags: self.tags.clone(),
            establishment_types: self.establishment_types.clone(),
            published: self
                .row
                .published_at
                .unwrap_or(self.row.created_at)
                .timestamp(),
            useful: 0,
        }
    }
}

/// The themes, in order.
///
/// # Errors
/// Database errors.
pub async fn themes<C: ConnectionTrait>(db: &C) -> AppResult<Vec<practices_themes::Model>> {
    Ok(practices_themes::Entity::find_shared()
        .order_by_asc(practices_themes::Column::Position)
        .all(db)
        .await?)
}

async fn theme_codes<C: ConnectionTrait>(db: &C) -> AppResult<Vec<String>> {
    Ok(themes(db).await?.into_iter().map(|t| t.code).collect())
}

/// What `user_id` may see: the members where it reads the exchange, and whether it
/// moderates.
///
/// # Errors
/// Database or casbin errors.
pub async fn reader<C: ConnectionTrait>(db: &C, svc: &Services, user_id: i64) -> AppResult<Reader> {
    let members = members_where(db, svc, user_id, READ_OBJ, "read")
        .await?
        .into_iter()
        .map(|s| s.member.slug)
        .collect();
    let moderator = svc
        .authz
        .allowed(user_id, COOP, MODERATION_OBJ, "write")
        .await?;
    Ok(Reader { members, moderator })
}

async fn slug_of<C: ConnectionTrait>(db: &C, member_id: i64) -> AppResult<String> {
    Ok(member::find_by_id(db, member_id)
        .await?
        .map(|m: members::Model| m.slug)
        .unwrap_or_default())
}

/// A sheet by its id, as its reader may see it (404 otherwise, never saying which).
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(db: &C, reader: &Reader, id: &str) -> AppResult<Sheet> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    // A sheet is found by its id among every member's, then shown only if its reader
    // may see it (the rule `visible`).
    let coop = Coop::for_task("practices: a sheet is looked up by id, then checked");
    let row = practices_sheets::Entity::find_across(coop)
        .filter(practices_sheets::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let member = slug_of(db, row.member_id).await?;
    if !visible(reader, &member, &row.status) {
        return Err(AppError::NotFound);
    }
    Ok(Sheet::of(row, member))
}

/// Every sheet of every member, as the index holds them (`reindex`, boot).
///
/// # Errors
/// Database errors.
pub async fn all_indexed<C: ConnectionTrait>(db: &C) -> AppResult<Vec<IndexedSheet>> {
    let coop = Coop::for_task("practices: the search index is rebuilt from every sheet");
    let rows = practices_sheets::Entity::find_across(coop)
        .order_by_asc(practices_sheets::Column::CreatedAt)
        .all(db)
        .await?;
    let mut slugs = std::collections::HashMap::new();
    for m in member::list(db).await? {
        slugs.insert(m.id, m.slug);
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let useful = crate::social::useful_counts(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let slug = slugs.get(&r.member_id).cloned().unwrap_or_default();
            let n = useful.get(&r.id).copied().unwrap_or(0);
            let mut indexed = Sheet::of(r, slug).indexed();
            indexed.useful = n;
            indexed
        })
        .collect())
}

/// Puts the sheet as it is now, with its « utile » marks, in the index (after its change
/// was committed; a failure is logged: `cargo loco task reindex` mends it).
pub(crate) async fn follow<C: ConnectionTrait>(db: &C, index: &SearchIndex, sheet: &Sheet) {
    let mut indexed = sheet.indexed();
    match crate::social::useful_counts(db, &[sheet.row.id]).await {
        Ok(counts) => indexed.useful = counts.get(&sheet.row.id).copied().unwrap_or(0),
        Err(e) => {
            tracing::warn!(sheet = %sheet.row.id, error = %e.message(), "marks not read for the index")
        }
    }
    if let Err(e) = index.upsert(&indexed) {
        tracing::error!(sheet = %sheet.row.id, error = %e.message(), "search index not updated; run `cargo loco task reindex`");
    }
}

/// Who acts: the user, for the audit, and its name on the sheet.
#[derive(Debug, Clone)]
pub struct Author {
    pub id: i64,
    pub name: String,
    pub actor: Actor,
}

/// Creates a draft for `input.member`, a member where the author may write sheets.
///
/// # Errors
/// 422 (fields, or a member the author does not write for); database errors.
pub async fn create<C>(
    db: &C,
    svc: &Services,
    index: &SearchIndex,
    author: &Author,
    input: &Input,
) -> AppResult<Sheet>
where
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let writable = members_where(db, svc, author.id, READ_OBJ, "write").await?;
    let served = writable
        .iter()
        .find(|s| s.member.slug == input.member.trim());
    let content = validate(input, &theme_codes(db).await?);
    let (served, content) = match (served, content) {
        (Some(s), Ok(c)) => (s, c),
        (s, c) => {
            let mut errors = c.err().unwrap_or_default();
            if s.is_none() {
                errors.insert(
                    0,
                    FieldError::new(
                        "member",
                        "Choisissez un adhérent dont vous faites partie et qui participe à l’échange de pratiques.",
                    ),
                );
            }
            return Err(AppError::Validation(errors));
        }
    };
    let now = Utc::now();
    let w = Write::begin(db, served.tenant(), author.actor.clone(), &svc.meters).await?;
    let row = practices_sheets::Entity::insert_in(
        w.tenant(),
        practices_sheets::ActiveModel {
            member_id: Set(0),
            id: Set(Uuid::now_v7()),
            title: Set(content.title),
            summary: Set(content.summary),
            body: Set(content.body),
            themes: Set(json(&content.themes)),
            tags: Set(json(&content.tags)),
            establishment_types: Set(json(&content.establishment_types)),
            status: Set(status::DRAFT.to_string()),
            version: Set(1),
            author_id: Set(author.id),
            author_name: Set(author.name.clone()),
            moderator_comment: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            published_at: Set(None),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "practices_sheet",
        &row.id.to_string(),
        "create",
        serde_json::json!({"title": row.title}),
    )
    .await?;
    w.commit().await?;
    let sheet = Sheet::of(row, served.member.slug.clone());
    follow(db, index, &sheet).await;
    Ok(sheet)
}

/// A sheet its author may edit now: a draft or a sheet sent back, of theirs.
///
/// # Errors
/// 404 (not visible), 403 (not its author), 409 (submitted, published, archived).
pub async fn editable<C: ConnectionTrait>(
    db: &C,
    reader: &Reader,
    user_id: i64,
    id: &str,
) -> AppResult<Sheet> {
    let sheet = get(db, reader, id).await?;
    if sheet.row.author_id != user_id {
        return Err(AppError::Forbidden(
            "Seul l’auteur modifie sa fiche.".to_string(),
        ));
    }
    if !open_for_changes(&sheet.row.status) {
        return Err(AppError::Conflict(format!(
            "Une fiche « {} » ne se modifie plus.",
            label(&sheet.row.status)
        )));
    }
    Ok(sheet)
}

/// The author edits a draft or a sheet sent back: the previous content is kept as a
/// version, the version number goes up.
///
/// # Errors
/// 404 (not visible), 403 (not its author), 409 (submitted, published, archived), 422.
pub async fn update<C>(
    db: &C,
    svc: &Services,
    index: &SearchIndex,
    reader: &Reader,
    author: &Author,
    id: &str,
    input: &Input,
) -> AppResult<Sheet>
where
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let sheet = editable(db, reader, author.id, id).await?;
    let content = validate(input, &theme_codes(db).await?).map_err(AppError::Validation)?;
    let old = sheet.row;
    let w = Write::begin(db, old.tenant(), author.actor.clone(), &svc.meters).await?;
    practices_sheet_versions::Entity::insert_in(
        w.tenant(),
        practices_sheet_versions::ActiveModel {
            member_id: Set(0),
            id: Set(Uuid::now_v7()),
            sheet_id: Set(old.id),
            version: Set(old.version),
            title: Set(old.title.clone()),
            summary: Set(old.summary.clone()),
            body: Set(old.body.clone()),
            themes: Set(old.themes.clone()),
            tags: Set(old.tags.clone()),
            establishment_types: Set(old.establishment_types.clone()),
            author_id: Set(old.author_id),
            created_at: Set(old.updated_at),
        },
        w.txn(),
    )
    .await?;
    let mut row: practices_sheets::ActiveModel = old.clone().into();
    row.title = Set(content.title);
    row.summary = Set(content.summary);
    row.body = Set(content.body);
    row.themes = Set(json(&content.themes));
    row.tags = Set(json(&content.tags));
    row.establishment_types = Set(json(&content.establishment_types));
    row.version = Set(old.version + 1);
    row.updated_at = Set(Utc::now());
    let row = practices_sheets::Entity::update_in(w.tenant(), row, w.txn()).await?;
    w.audit(
        "practices_sheet",
        &row.id.to_string(),
        "edit",
        serde_json::json!({"version": row.version}),
    )
    .await?;
    w.commit().await?;
    let sheet = Sheet::of(row, sheet.member);
    follow(db, index, &sheet).await;
    Ok(sheet)
}

/// The earlier versions of a sheet, the latest first.
///
/// # Errors
/// 404; database errors.
pub async fn versions<C: ConnectionTrait>(
    db: &C,
    reader: &Reader,
    id: &str,
) -> AppResult<Vec<practices_sheet_versions::Model>> {
    let sheet = get(db, reader, id).await?;
    Ok(
        practices_sheet_versions::Entity::find_in(sheet.row.tenant())
            .filter(practices_sheet_versions::Column::SheetId.eq(sheet.row.id))
            .order_by_desc(practices_sheet_versions::Column::Version)
            .all(db)
            .await?,
    )
}

/// `submit` (its author), `publish`, `return` (with a comment), `archive` (moderators).
///
/// # Errors
/// 404 (not visible), 403 (not allowed), 409 (wrong state), 422 (a return without a
/// comment).
#[allow(clippy::too_many_arguments)]
pub async fn act<C>(
    db: &C,
    svc: &Services,
    index: &SearchIndex,
    reader: &Reader,
    author: &Author,
    id: &str,
    action: &str,
    comment: &str,
) -> AppResult<Sheet>
where
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let sheet = get(db, reader, id).await?;
    let allowed = if action == "submit" {
        sheet.row.author_id == author.id
    } else {
        reader.moderator
    };
    if !allowed {
        return Err(AppError::Forbidden(if action == "submit" {
            "Seul l’auteur soumet sa fiche.".to_string()
        } else {
            "Réservé aux modérateurs de la coopérative.".to_string()
        }));
    }
    let comment = mutualis_core::limits::text(comment, Text::Note)
        .map_err(|m| AppError::field("comment", format!("Le commentaire : {m}")))?;
    if action == "return" && comment.is_none() {
        return Err(AppError::field(
            "comment",
            "Dites à l’auteur ce qu’il faut reprendre.",
        ));
    }
    let to = transition(&sheet.row.status, action)?;
    let old = sheet.row;
    let now = Utc::now();
    let w = Write::begin(db, old.tenant(), author.actor.clone(), &svc.meters).await?;
    let mut row: practices_sheets::ActiveModel = old.clone().into();
    row.status = Set(to.to_string());
    row.updated_at = Set(now);
    if matches!(action, "publish" | "return") {
        row.moderator_comment = Set(comment.clone());
    }
    if action == "publish" {
        row.published_at = Set(Some(now));
    }
    let row = practices_sheets::Entity::update_in(w.tenant(), row, w.txn()).await?;
    w.audit(
        "practices_sheet",
        &row.id.to_string(),
        action,
        serde_json::json!({"title": row.title, "comment": comment}),
    )
    .await?;
    w.commit().await?;
    let sheet = Sheet::of(row, sheet.member);
    follow(db, index, &sheet).await;
    Ok(sheet)
}

/// Every sheet of the tenant's member (`slug`), whatever its state, the latest changed
/// first: the member's own list (« Fiches de l'adhérent »).
///
/// # Errors
/// Database errors.
pub async fn of_member<C: ConnectionTrait>(
    db: &C,
    tenant: mutualis_core::tenant::Tenant,
    slug: &str,
) -> AppResult<Vec<Sheet>> {
    Ok(practices_sheets::Entity::find_in(tenant)
        .order_by_desc(practices_sheets::Column::UpdatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Sheet::of(r, slug.to_string()))
        .collect())
}

/// The sheets awaiting moderation, every member's, oldest first.
///
/// # Errors
/// Database errors.
pub async fn submitted<C: ConnectionTrait>(db: &C, coop: Coop) -> AppResult<Vec<Sheet>> {
    let rows = practices_sheets::Entity::find_across(coop)
        .filter(practices_sheets::Column::Status.eq(status::SUBMITTED))
        .order_by_asc(practices_sheets::Column::UpdatedAt)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let slug = slug_of(db, r.member_id).await?;
        out.push(Sheet::of(r, slug));
    }
    Ok(out)
}
