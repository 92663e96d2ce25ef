//! The library's use cases: templates and their versions (draft → published, never
//! changed again → superseded), the members told of a new version, the documents members
//! generate (metered in the same transaction) and their files, made again identical from
//! the version and values kept.
use std::collections::BTreeMap;

use chrono::Utc;
use mutualis_core::{
    audit::{self, Actor},
    db::begin_write,
    entities::members,
    error::{AppError, AppResult, FieldError},
    metering::Usage,
    tenant::{Coop, CoopOwned, MemberOwned, Tenant},
    write::Write,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    entities::{legal_documents, legal_notices, legal_template_versions, legal_templates},
    files,
    source::{self, Context, Source},
    values,
};

/// Version states.
pub mod status {
    pub const DRAFT: &str = "draft";
    pub const PUBLISHED: &str = "published";
    pub const SUPERSEDED: &str = "superseded";
}

/// A template with one of its versions.
#[derive(Debug, Clone)]
pub struct Versioned {
    pub template: legal_templates::Model,
    pub version: legal_template_versions::Model,
    /// The members told of this version (its publication only).
    pub told: Vec<i64>,
}

fn check_slug(slug: &str) -> AppResult<String> {
    let s = slug.trim();
    let ok = (2..=60).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(AppError::field(
            "slug",
            "L’identifiant du modèle : 2 à 60 minuscules, chiffres ou tirets (« cdd-remplacement »).",
        ))
    }
}

fn parsed(source: &str) -> AppResult<Source> {
    source::parse(source).map_err(AppError::Validation)
}

/// A template by its slug.
///
/// # Errors
/// 404; database errors.
pub async fn template<C: ConnectionTrait>(db: &C, slug: &str) -> AppResult<legal_templates::Model> {
    legal_templates::Entity::find_shared()
        .filter(legal_templates::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// One version of a template.
///
/// # Errors
/// 404; database errors.
pub async fn version<C: ConnectionTrait>(
    db: &C,
    template_id: i64,
    version: i32,
) -> AppResult<legal_template_versions::Model> {
    legal_template_versions::Entity::find_shared()
        .filter(legal_template_versions::Column::TemplateId.eq(template_id))
        .filter(legal_template_versions::Column::Version.eq(version))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every version of a template, the latest first.
///
/// # Errors
/// Database errors.
pub async fn versions<C: ConnectionTrait>(
    db: &C,
    template_id: i64,
) -> AppResult<Vec<legal_template_versions::Model>> {
    Ok(legal_template_versions::Entity::find_shared()
        .filter(legal_template_versions::Column::TemplateId.eq(template_id))
        .order_by_desc(legal_template_versions::Column::Version)
        .all(db)
        .await?)
}

/// Every template, by category and title.
///
/// # Errors
/// Database errors.
pub async fn all<C: ConnectionTrait>(db: &C) -> AppResult<Vec<legal_templates::Model>> {
    Ok(legal_templates::Entity::find_shared()
        .order_by_asc(legal_templates::Column::Category)
        .order_by_asc(legal_templates::Column::Title)
        .all(db)
        .await?)
}

/// The published templates with their version in force, parsed (what members fill).
///
/// # Errors
/// Database errors; a stored published source no longer parsing (a bug, 500).
pub async fn published<C: ConnectionTrait>(db: &C) -> AppResult<Vec<(Versioned, Source)>> {
    let mut out = Vec::new();
    for t in all(db).await? {
        if let Some(v) = t.published_version {
            let row = version(db, t.id, v).await?;
            let s = source::parse(&row.source)
                .map_err(|e| AppError::Unexpected(anyhow::anyhow!("published source: {e:?}")))?;
            out.push((
                Versioned {
                    template: t,
                    version: row,
                    told: Vec::new(),
                },
                s,
            ));
        }
    }
    Ok(out)
}

/// Creates a template and its first version, a draft.
///
/// # Errors
/// 422 on `slug` (bad or taken) or `source` (with its line); database errors.
pub async fn create<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    coop: Coop,
    actor: &Actor,
    slug: &str,
    src: &str,
) -> AppResult<Versioned> {
    let slug = check_slug(slug)?;
    let s = parsed(src)?;
    if template(db, &slug).await.is_ok() {
        return Err(AppError::field(
            "slug",
            "Un modèle porte déjà cet identifiant.",
        ));
    }
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let t = legal_templates::Entity::insert_coop(
        coop,
        legal_templates::ActiveModel {
            slug: Set(slug.clone()),
            title: Set(s.title.clone()),
            category: Set(s.category.clone()),
            latest_version: Set(1),
            published_version: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
        &txn,
    )
    .await?;
    let v = legal_template_versions::Entity::insert_coop(
        coop,
        legal_template_versions::ActiveModel {
            template_id: Set(t.id),
            version: Set(1),
            status: Set(status::DRAFT.to_string()),
            title: Set(s.title.clone()),
            source: Set(src.to_string()),
            changelog: Set(None),
            created_by: Set(actor.label.clone()),
            created_at: Set(now),
            published_at: Set(None),
            ..Default::default()
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        None,
        "legal_template",
        &slug,
        "create",
        json!({"title": s.title, "version": 1}),
    )
    .await?;
    txn.commit().await?;
    Ok(Versioned {
        template: t,
        version: v,
        told: Vec::new(),
    })
}

/// A new source: the latest version when it is still a draft, else a new draft version
/// (a published version never changes).
///
/// # Errors
/// 422 on `source`; 404; database errors.
pub async fn edit<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    coop: Coop,
    actor: &Actor,
    slug: &str,
    src: &str,
) -> AppResult<Versioned> {
    let t = template(db, slug).await?;
    let s = parsed(src)?;
    let latest = version(db, t.id, t.latest_version).await?;
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let v = if latest.status == status::DRAFT {
        let mut a: legal_template_versions::ActiveModel = latest.into();
        a.source = Set(src.to_string());
        a.title = Set(s.title.clone());
        a.created_by = Set(actor.label.clone());
        legal_template_versions::Entity::update_coop(coop, a, &txn).await?
    } else {
        legal_template_versions::Entity::insert_coop(
            coop,
            legal_template_versions::ActiveModel {
                template_id: Set(t.id),
                version: Set(t.latest_version + 1),
                status: Set(status::DRAFT.to_string()),
                title: Set(s.title.clone()),
                source: Set(src.to_string()),
                changelog: Set(None),
                created_by: Set(actor.label.clone()),
                created_at: Set(now),
                published_at: Set(None),
                ..Default::default()
            },
            &txn,
        )
        .await?
    };
    let mut ta: legal_templates::ActiveModel = t.into();
    ta.latest_version = Set(v.version);
    ta.updated_at = Set(now);
    let t = legal_templates::Entity::update_coop(coop, ta, &txn).await?;
    audit::record(
        &txn,
        actor,
        None,
        "legal_template",
        slug,
        "update",
        json!({"version": v.version}),
    )
    .await?;
    txn.commit().await?;
    Ok(Versioned {
        template: t,
        version: v,
        told: Vec::new(),
    })
}

/// Publishes the latest draft with its changelog line: the version in force before is
/// superseded, and every member that generated a document from an earlier version is
/// told (a notice in its space).
///
/// # Errors
/// 422 without a changelog line; 409 when there is no draft to publish; 404; database
/// errors.
pub async fn publish<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    coop: Coop,
    actor: &Actor,
    slug: &str,
    changelog: &str,
) -> AppResult<Versioned> {
    let t = template(db, slug).await?;
    let changelog = changelog.trim();
    if changelog.is_empty() {
        return Err(AppError::field(
            "changelog",
            "Dites en une ligne ce qui change dans cette version (les adhérents le liront).",
        ));
    }
    if changelog.chars().count() > 300 {
        return Err(AppError::field("changelog", "300 caractères au plus."));
    }
    let latest = version(db, t.id, t.latest_version).await?;
    if latest.status != status::DRAFT {
        return Err(AppError::Conflict(
            "Aucun brouillon à publier : la dernière version est déjà publiée.".to_string(),
        ));
    }
    let s = parsed(&latest.source)?;
    let txn = begin_write(db).await?;
    let now = Utc::now();
    if let Some(prev) = t.published_version {
        let old = version(&txn, t.id, prev).await?;
        let mut a: legal_template_versions::ActiveModel = old.into();
        a.status = Set(status::SUPERSEDED.to_string());
        legal_template_versions::Entity::update_coop(coop, a, &txn).await?;
    }
    let mut a: legal_template_versions::ActiveModel = latest.into();
    a.status = Set(status::PUBLISHED.to_string());
    a.changelog = Set(Some(changelog.to_string()));
    a.published_at = Set(Some(now));
    let v = legal_template_versions::Entity::update_coop(coop, a, &txn).await?;
    let mut ta: legal_templates::ActiveModel = t.clone().into();
    ta.published_version = Set(Some(v.version));
    ta.title = Set(s.title.clone());
    ta.category = Set(s.category.clone());
    ta.updated_at = Set(now);
    let t = legal_templates::Entity::update_coop(coop, ta, &txn).await?;
    // The members that used an earlier version, each told once.
    let mut told: BTreeMap<i64, i32> = BTreeMap::new();
    for d in legal_documents::Entity::find_across(coop)
        .filter(legal_documents::Column::TemplateId.eq(t.id))
        .filter(legal_documents::Column::TemplateVersion.lt(v.version))
        .all(&txn)
        .await?
    {
        let e = told.entry(d.member_id).or_insert(d.template_version);
        *e = (*e).max(d.template_version);
    }
    let notices: Vec<legal_notices::ActiveModel> = told
        .iter()
        .map(|(member, from)| legal_notices::ActiveModel {
            member_id: Set(*member),
            id: Set(Uuid::now_v7()),
            template_id: Set(t.id),
            title: Set(t.title.clone()),
            from_version: Set(*from),
            to_version: Set(v.version),
            changelog: Set(Some(changelog.to_string())),
            created_at: Set(now),
            read_at: Set(None),
        })
        .collect();
    if !notices.is_empty() {
        legal_notices::Entity::insert_many_across(coop, notices, &txn).await?;
    }
    let told_members: Vec<i64> = told.keys().copied().collect();
    audit::record(
        &txn,
        actor,
        None,
        "legal_template",
        slug,
        "publish",
        json!({"version": v.version, "changelog": changelog, "members": told.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(Versioned {
        template: t,
        version: v,
        told: told_members,
    })
}

/// The clauses changed between two versions of a template.
///
/// # Errors
/// 404 for an unknown template or version; database errors.
pub async fn diff<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    from: i32,
    to: i32,
) -> AppResult<Vec<source::ClauseChange>> {
    let t = template(db, slug).await?;
    let (a, b) = (version(db, t.id, from).await?, version(db, t.id, to).await?);
    let body = |src: &str| {
        source::parse(src)
            .map(|s| s.body)
            .unwrap_or_else(|_| src.to_string())
    };
    Ok(source::diff(&body(&a.source), &body(&b.source)))
}

/// The member's profile as templates read it (`membre.*`): `directeur` is the name of
/// the account holding the member's director role (empty when there is none).
#[must_use]
pub fn member_fields(m: &members::Model, director: Option<&str>) -> BTreeMap<String, String> {
    [
        ("nom", m.name.clone()),
        ("siren", m.siren.clone()),
        ("adresse", m.address.clone()),
        ("directeur", director.unwrap_or_default().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The member's profile (`membre.*`), its director looked up among the member's accounts.
///
/// # Errors
/// Database errors.
pub async fn member_profile<C: ConnectionTrait>(
    db: &C,
    authz: &mutualis_core::authz::Authz,
    m: &members::Model,
) -> AppResult<BTreeMap<String, String>> {
    let director = mutualis_core::team::director_name(db, authz, m.id).await?;
    Ok(member_fields(m, director.as_deref()))
}

/// An HR employee as templates read it (`salarie.*`, `contrat.*`).
#[must_use]
pub fn employee_fields(
    e: &mutualis_hr::facts::ForDocuments,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    use mutualis_core::time::fr_date;
    let map = |pairs: Vec<(&str, String)>| {
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>()
    };
    let salarie = map(vec![
        ("nom", e.last_name.clone()),
        ("prenom", e.first_name.clone()),
        ("nom_complet", format!("{} {}", e.first_name, e.last_name)),
        ("matricule", e.matricule.clone()),
        ("date_naissance", fr_date(e.birth_date)),
        ("nationalite", e.nationality.clone()),
        ("date_entree", fr_date(e.entry_date)),
        (
            "emploi",
            e.contract
                .as_ref()
                .map(|c| c.position.clone())
                .unwrap_or_default(),
        ),
    ]);
    let contrat = e.contract.as_ref().map_or_else(BTreeMap::new, |c| {
        map(vec![
            ("type", c.kind.clone()),
            ("debut", fr_date(c.start)),
            ("fin", c.end.map(fr_date).unwrap_or_default()),
            ("motif", c.cdd_reason.clone().unwrap_or_default()),
            ("heures_hebdomadaires", c.weekly_hours.replace('.', ",")),
            ("emploi", c.position.clone()),
            ("convention", c.agreement.clone()),
            (
                "coefficient",
                c.coefficient.map(|x| x.to_string()).unwrap_or_default(),
            ),
        ])
    });
    (salarie, contrat)
}

/// Generates a document from the template's published version: the values checked, the
/// body rendered once (to refuse now what could not render later), the version and
/// values kept, `legal.documents_generated` counted — in the write's transaction.
///
/// # Errors
/// 404 for a template not published; 422 on `values.<name>`; database errors.
pub async fn generate(
    w: &Write<'_>,
    by: &str,
    membre: BTreeMap<String, String>,
    slug: &str,
    input: &BTreeMap<String, Value>,
    employee: Option<Uuid>,
) -> AppResult<legal_documents::Model> {
    let t = template(w.txn(), slug).await?;
    let v = version(
        w.txn(),
        t.id,
        t.published_version.ok_or(AppError::NotFound)?,
    )
    .await?;
    let s = parsed(&v.source)?;
    let shown = values::check(&s.variables, input).map_err(AppError::Validation)?;
    let (salarie, contrat) = match employee {
        None => (BTreeMap::new(), BTreeMap::new()),
        Some(id) => {
            let e = mutualis_hr::facts::for_documents(w.txn(), w.tenant(), id)
                .await?
                .ok_or_else(|| {
                    AppError::field(
                        "employee_id",
                        "Ce salarié n’est pas un salarié de l’adhérent.",
                    )
                })?;
            employee_fields(&e)
        }
    };
    let ctx = Context {
        values: shown,
        membre,
        salarie,
        contrat,
    };
    source::render(&s, &ctx).map_err(|e| {
        AppError::Validation(vec![FieldError::new(
            "values",
            format!("Le modèle ne se remplit pas : {e}"),
        )])
    })?;
    let doc = legal_documents::Entity::insert_in(
        w.tenant(),
        legal_documents::ActiveModel {
            id: Set(Uuid::now_v7()),
            template_id: Set(t.id),
            template_slug: Set(t.slug.clone()),
            template_version: Set(v.version),
            title: Set(s.title.clone()),
            input: Set(serde_json::to_string(&ctx).unwrap_or_default()),
            created_by: Set(by.to_string()),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "legal_document",
        &doc.id.to_string(),
        "generate",
        json!({"template": t.slug, "version": v.version}),
    )
    .await?;
    w.usage(Usage::new(
        crate::DOCUMENTS_GENERATED.code,
        rust_decimal::Decimal::ONE,
        &format!("legal.documents_generated:{}", doc.id),
    ))
    .await?;
    Ok(doc)
}

/// The member's documents, the latest first.
///
/// # Errors
/// Database errors.
pub async fn documents<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<legal_documents::Model>> {
    Ok(legal_documents::Entity::find_in(tenant)
        .order_by_desc(legal_documents::Column::CreatedAt)
        .all(db)
        .await?)
}

/// One of the member's documents.
///
/// # Errors
/// 404; database errors.
pub async fn document<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<legal_documents::Model> {
    legal_documents::Entity::find_in(tenant)
        .filter(legal_documents::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The member's notices of new versions not yet read.
///
/// # Errors
/// Database errors.
pub async fn notices<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<legal_notices::Model>> {
    Ok(legal_notices::Entity::find_in(tenant)
        .filter(legal_notices::Column::ReadAt.is_null())
        .order_by_desc(legal_notices::Column::CreatedAt)
        .all(db)
        .await?)
}

/// A document's file, made again from its version and values: the same bytes each time.
/// `(media type, file name, bytes)`.
///
/// # Errors
/// 404; database errors; a layout failure (500).
pub async fn file<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    member: &members::Model,
    id: Uuid,
    pdf: bool,
) -> AppResult<(&'static str, String, Vec<u8>)> {
    let d = document(db, tenant, id).await?;
    let v = version(db, d.template_id, d.template_version).await?;
    let s = parsed(&v.source)?;
    let ctx: Context = serde_json::from_str(&d.input).unwrap_or_default();
    let md = source::render(&s, &ctx).map_err(|e| AppError::Unexpected(anyhow::anyhow!(e)))?;
    let blocks = files::blocks(&md);
    let name = format!(
        "{}-{}",
        d.template_slug,
        d.created_at.format("%Y%m%d-%H%M%S")
    );
    let footer = format!(
        "{} — {} (version {})",
        member.name, s.title, d.template_version
    );
    if pdf {
        let bytes =
            files::pdf(&s.title, &footer, &blocks, d.created_at).map_err(AppError::Unexpected)?;
        Ok(("application/pdf", format!("{name}.pdf"), bytes))
    } else {
        let bytes = files::docx(&s.title, &footer, &blocks).map_err(AppError::Unexpected)?;
        Ok((
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            format!("{name}.docx"),
            bytes,
        ))
    }
}

/// Every document of the member, PDF and DOCX made again from its version and values,
/// for its export on departure (`ModuleDef::exports`).
pub fn exports(
    ctx: &loco_rs::app::AppContext,
    tenant: Tenant,
) -> mutualis_core::module::BoxFut<'_, AppResult<Vec<mutualis_core::module::ExportFile>>> {
    Box::pin(async move {
        let Some(m) = mutualis_core::member::find_by_id(&ctx.db, tenant.member_id()).await? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for d in documents(&ctx.db, tenant).await? {
            for pdf in [true, false] {
                let (_, name, bytes) = file(&ctx.db, tenant, &m, d.id, pdf).await?;
                out.push(mutualis_core::module::ExportFile {
                    path: format!("documents/{}-{name}", d.id),
                    bytes,
                });
            }
        }
        Ok(out)
    })
}
