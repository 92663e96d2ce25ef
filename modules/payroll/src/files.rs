//! The member's codes at its payroll provider, the export profiles (cooperative data), and
//! the export files of each period, hashed and versioned: a re-export makes a new current
//! version and keeps the earlier ones.
use std::collections::BTreeMap;

use chrono::Utc;
use mutualis_core::{
    error::{AppError, AppResult},
    ids::new_id,
    limits::{Check, Text},
    tenant::{CoopOwned, MemberOwned, Tenant},
    time::Month,
    write::Write,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, sea_query::OnConflict};
use sha2::{Digest, Sha256};

use crate::{
    domain::code_def,
    entities::{payroll_code_maps, payroll_exports, payroll_profiles},
};

/// The member's provider codes, by catalogue code.
///
/// # Errors
/// Database errors.
pub async fn code_map<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<BTreeMap<String, String>> {
    Ok(payroll_code_maps::Entity::find_in(tenant)
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.code, m.provider_code))
        .collect())
}

/// Maps one of the catalogue's codes to the member's provider code (audited).
///
/// # Errors
/// 422 on an unknown code or an invalid provider code; database errors.
pub async fn set_code(w: &Write<'_>, code: &str, provider_code: &str) -> AppResult<()> {
    let mut c = Check::new();
    let code = code.trim().to_uppercase();
    if code_def(&code).is_none() {
        c.error("code", "Code inconnu du catalogue.");
    }
    let provider = c.text(
        "provider_code",
        "Le code du logiciel de paie",
        provider_code,
        Text::Code,
        "Indiquez le code de l’élément dans votre logiciel de paie.",
    );
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    payroll_code_maps::Entity::insert_stmt_in(
        w.tenant(),
        payroll_code_maps::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            code: Set(code.clone()),
            provider_code: Set(provider.clone()),
        },
    )
    .on_conflict(
        OnConflict::columns([
            payroll_code_maps::Column::MemberId,
            payroll_code_maps::Column::Code,
        ])
        .update_column(payroll_code_maps::Column::ProviderCode)
        .to_owned(),
    )
    .exec_without_returning(w.txn())
    .await?;
    w.audit(
        "payroll_settings",
        &code,
        "update",
        serde_json::json!({"code": code, "provider_code": provider}),
    )
    .await?;
    Ok(())
}

/// The export profiles, by code.
///
/// # Errors
/// Database errors.
pub async fn profiles<C: ConnectionTrait>(db: &C) -> AppResult<Vec<payroll_profiles::Model>> {
    Ok(payroll_profiles::Entity::find_shared()
        .order_by_asc(payroll_profiles::Column::Code)
        .all(db)
        .await?)
}

/// A file of a period stored as its new current version.
///
/// # Errors
/// Database errors.
pub async fn store(
    w: &Write<'_>,
    by: &str,
    month: Month,
    kind: &str,
    profile: &str,
    name: &str,
    content: Vec<u8>,
) -> AppResult<payroll_exports::Model> {
    let earlier = payroll_exports::Entity::find_in(w.tenant())
        .filter(payroll_exports::Column::Period.eq(month.to_string()))
        .filter(payroll_exports::Column::Kind.eq(kind))
        .order_by_desc(payroll_exports::Column::Version)
        .all(w.txn())
        .await?;
    let version = earlier.first().map_or(1, |e| e.version + 1);
    payroll_exports::Entity::update_many_in(w.tenant())
        .col_expr(
            payroll_exports::Column::Current,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(payroll_exports::Column::Period.eq(month.to_string()))
        .filter(payroll_exports::Column::Kind.eq(kind))
        .exec(w.txn())
        .await?;
    Ok(payroll_exports::Entity::insert_in(
        w.tenant(),
        payroll_exports::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            period: Set(month.to_string()),
            kind: Set(kind.to_string()),
            profile: Set(profile.to_string()),
            version: Set(version),
            name: Set(name.to_string()),
            sha256: Set(hex::encode(Sha256::digest(&content))),
            content: Set(content),
            current: Set(true),
            created_by: Set(by.to_string()),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?)
}

/// The current file of a kind for a period.
///
/// # Errors
/// 404 when the period was never exported so; database errors.
pub async fn current<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
    kind: &str,
) -> AppResult<payroll_exports::Model> {
    payroll_exports::Entity::find_in(tenant)
        .filter(payroll_exports::Column::Period.eq(month.to_string()))
        .filter(payroll_exports::Column::Kind.eq(kind))
        .filter(payroll_exports::Column::Current.eq(true))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every file of a period, the newest first (earlier versions kept).
///
/// # Errors
/// Database errors.
pub async fn history<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
) -> AppResult<Vec<payroll_exports::Model>> {
    Ok(payroll_exports::Entity::find_in(tenant)
        .filter(payroll_exports::Column::Period.eq(month.to_string()))
        .order_by_desc(payroll_exports::Column::CreatedAt)
        .all(db)
        .await?)
}

/// At boot: the built-in profiles (generic, 123Paie) stored in the cooperative's table
/// when missing, so every profile is data the cooperative can read and add to; a stored
/// profile that no longer reads stops the boot, naming it.
///
/// # Errors
/// Database errors; an invalid stored profile.
pub async fn ensure_profiles<C: ConnectionTrait>(db: &C) -> AppResult<()> {
    let coop = mutualis_core::tenant::Coop::for_task("payroll profiles at boot");
    let stored = profiles(db).await?;
    for p in &stored {
        crate::formats::ExportProfile::from_json(&p.config).map_err(|m| {
            AppError::Unexpected(anyhow::anyhow!(
                "profil d’export « {} » invalide : {m}",
                p.code
            ))
        })?;
    }
    for (code, name, json) in [
        (
            "generic",
            "Format générique (CSV ; virgule décimale)",
            crate::formats::GENERIC_JSON,
        ),
        (
            "123paie",
            "123Paie (tabulations, CRLF, ASCII)",
            crate::formats::PAIE123_JSON,
        ),
    ] {
        if stored.iter().any(|p| p.code == code) {
            continue;
        }
        payroll_profiles::Entity::insert_coop(
            coop,
            payroll_profiles::ActiveModel {
                code: Set(code.to_string()),
                name: Set(name.to_string()),
                config: Set(json.to_string()),
                created_at: Set(Utc::now()),
                ..Default::default()
            },
            db,
        )
        .await?;
    }
    Ok(())
}
