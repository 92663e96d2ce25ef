//! What the exports show, read once from the database for an authorized scope.
use std::collections::HashMap;

use mutualis_core::{
    auth,
    authz::{Authz, Role},
    entities::members,
    member,
    scope::Scope,
    tenant::{MemberOwned, Tenant},
    time::fr_datetime,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder};

use super::*;
use crate::{
    activities::{self, end_of_day},
    entities::{gdpr_activities, gdpr_activity_versions},
    processors,
};

/// "07/12/2026 à 10:15" (Europe/Paris): when the document was made.
fn generated_now() -> String {
    fr_datetime(mutualis_core::time::now()).replacen(' ', " à ", 1)
}

fn member_facts(m: &members::Model) -> MemberFacts {
    MemberFacts {
        slug: m.slug.clone(),
        name: m.name.clone(),
        siren: m.siren.clone(),
        address: m.address.clone(),
        finess: m.finess.clone().filter(|f| !f.trim().is_empty()),
    }
}

/// The member's DPOs on the platform (users granted the DPO role there, active
/// accounts), "Name (e-mail)", by name.
///
/// # Errors
/// Database errors.
pub async fn dpos<C: ConnectionTrait>(db: &C, scope: &Scope) -> AppResult<Vec<String>> {
    dpos_of(db, &scope.services().authz, scope.member_id()).await
}

async fn dpos_of<C: ConnectionTrait>(
    db: &C,
    authz: &Authz,
    member_id: i64,
) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    for g in authz.all_grants().await {
        if g.role != Role::Dpo || g.member_id != Some(member_id) {
            continue;
        }
        if let Some(u) = auth::find_user(db, g.user_id).await?
            && u.disabled_at.is_none()
        {
            out.push(format!("{} ({})", u.name.trim(), u.email));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The DPO's check as it stood at `end` (a later check replaced the recommendations
/// of any earlier one, so they are shown only when made before `end`).
fn check_at(a: &gdpr_activities::Model, end: DateTime<Utc>) -> Option<DpoCheck> {
    let at = a.checked_at.filter(|at| *at < end)?;
    Some(DpoCheck {
        by: a.checked_by.clone().unwrap_or_default(),
        at,
        recommendations: a.recommendations.clone().filter(|r| !r.trim().is_empty()),
    })
}

/// The register at the end of `at`: its activities, the processors recorded by then,
/// the cooperative's services for the modules the member subscribed to that day.
///
/// # Errors
/// Database errors.
pub async fn register<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    at: NaiveDate,
) -> AppResult<RegisterDoc> {
    register_for(
        db,
        &scope.services().authz,
        scope.member(),
        scope.tenant(),
        at,
    )
    .await
}

/// The same for a member's tenant outside a request (its export on departure).
///
/// # Errors
/// Database errors.
pub async fn register_for<C: ConnectionTrait>(
    db: &C,
    authz: &Authz,
    m: &members::Model,
    tenant: Tenant,
    at: NaiveDate,
) -> AppResult<RegisterDoc> {
    let end = end_of_day(at);
    let rows: HashMap<Uuid, gdpr_activities::Model> = activities::list(db, tenant)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let activities = activities::register_at(db, tenant, at)
        .await?
        .into_iter()
        .filter_map(|e| {
            let row = rows.get(&e.activity_id)?;
            Some(ActivitySheet {
                id: e.activity_id,
                version: e.version,
                status: e.status,
                recorded_at: e.recorded_at,
                created_at: row.created_at,
                fields: e.fields,
                dpia_required: e.dpia_required,
                dpia_override: row.dpia_override.clone(),
                dpia_override_reason: row.dpia_override_reason.clone(),
                check: check_at(row, end),
                archived_at: None,
                history: Vec::new(),
            })
        })
        .collect();
    let processors = processors::list(db, tenant)
        .await?
        .into_iter()
        .filter(|p| p.created_at < end)
        .map(|p| ProcessorLine {
            name: p.name,
            service: p.service,
            country: p.country,
            art28_clauses: p.art28_clauses,
            contract_document: p.contract_document,
            guarantees: p.guarantees,
            own_register: p.own_register,
            transfers: p.transfers,
            dpo_contact: p.dpo_contact,
            expires_on: p.expires_on,
            recorded_on: paris_date(p.created_at),
        })
        .collect();
    let modules = member::active_modules(db, m.id, at).await?;
    let coop_services = processors::coop_services(db, &modules)
        .await?
        .into_iter()
        .map(|s| CoopService {
            name: s.name,
            purposes: s.purposes,
            data_categories: s.data_categories,
            subprocessors: s.subprocessors,
            transfers: s.transfers,
            security: s.security,
        })
        .collect();
    Ok(RegisterDoc {
        member: member_facts(m),
        at,
        generated_at: generated_now(),
        dpos: dpos_of(db, authz, m.id).await?,
        activities,
        processors,
        coop_services,
    })
}

/// Every version of one activity, oldest first.
async fn history<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<Vec<VersionLine>> {
    Ok(gdpr_activity_versions::Entity::find_in(tenant)
        .filter(gdpr_activity_versions::Column::ActivityId.eq(id))
        .order_by_asc(gdpr_activity_versions::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|v| VersionLine {
            version: v.version,
            status: v.status,
            recorded_at: v.recorded_at,
            recorded_by: v.recorded_by,
        })
        .collect())
}

/// One activity as it stands today (archived ones too), with its history.
///
/// # Errors
/// 404 when the activity is not the member's; database errors.
pub async fn activity<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<ActivityDoc> {
    let tenant = scope.tenant();
    let a = activities::get(db, tenant, id).await?;
    let history = history(db, tenant, id).await?;
    let check = check_at(&a, DateTime::<Utc>::MAX_UTC);
    Ok(ActivityDoc {
        member: member_facts(scope.member()),
        generated_at: generated_now(),
        dpos: dpos(db, scope).await?,
        activity: ActivitySheet {
            id: a.id,
            version: a.version,
            status: a.status.clone(),
            // The latest version's record (the row's own time when none is found).
            recorded_at: history.last().map_or(a.updated_at, |v| v.recorded_at),
            created_at: a.created_at,
            fields: ActivityFields::parse(&a.fields),
            dpia_required: a.dpia_required,
            dpia_override: a.dpia_override.clone(),
            dpia_override_reason: a.dpia_override_reason.clone(),
            check,
            archived_at: a.archived_at,
            history,
        },
    })
}

/// The register of today, PDF and XLSX, for the member's export on departure
/// (`ModuleDef::exports`); nothing when the member never recorded an activity.
pub fn exports(
    ctx: &loco_rs::app::AppContext,
    tenant: Tenant,
) -> mutualis_core::module::BoxFut<'_, AppResult<Vec<mutualis_core::module::ExportFile>>> {
    Box::pin(async move {
        let Some(m) = member::find_by_id(&ctx.db, tenant.member_id()).await? else {
            return Ok(Vec::new());
        };
        let svc = mutualis_core::scope::services(ctx)?;
        let at = today();
        let r = register_for(&ctx.db, &svc.authz, &m, tenant, at).await?;
        if r.activities.is_empty() && r.processors.is_empty() {
            return Ok(Vec::new());
        }
        let pdf = super::pdf::register_pdf(&r)
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e.to_string())))?;
        Ok(vec![
            mutualis_core::module::ExportFile {
                path: register_file_name(&m.slug, at, "pdf"),
                bytes: pdf,
            },
            mutualis_core::module::ExportFile {
                path: register_file_name(&m.slug, at, "xlsx"),
                bytes: super::xlsx::register_xlsx(&r)?,
            },
        ])
    })
}
