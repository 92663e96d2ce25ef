//! A request across the members a user serves (`/coop/gdpr`, `/api/coop/gdpr/…`: the
//! shared DPO's desk and templates). Any signed-in user may ask; each member is reached
//! only where casbin allows the object in that member's domain and the member subscribes
//! to the object's module — a member the user does not serve is invisible.
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use loco_rs::app::AppContext;
use sea_orm::ConnectionTrait;

use crate::{
    audit::Actor,
    authz::member_domain,
    entities::members,
    error::{AppError, AppResult},
    member,
    scope::{Identity, Services, is_api, services},
    tenant::{Coop, Tenant},
    time::paris_today,
    web::error::PageError,
};

/// A member the user serves, with its tenant handle.
#[derive(Debug, Clone)]
pub struct Served {
    pub member: members::Model,
    tenant: Tenant,
}

impl Served {
    /// The member's tenant handle (casbin allowed the object there).
    #[must_use]
    pub const fn tenant(&self) -> Tenant {
        self.tenant
    }
}

/// A request on the members a user serves, not yet authorized.
#[derive(Debug, Clone)]
pub struct ServedAccess {
    identity: Identity,
    services: Arc<Services>,
    html: bool,
    path: String,
}

impl FromRequestParts<AppContext> for ServedAccess {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &AppContext,
    ) -> Result<Self, Self::Rejection> {
        let identity = Identity::from_request_parts(parts, ctx).await?;
        let html = !is_api(parts);
        let path = parts.uri.path().to_string();
        let services = services(ctx).map_err(|e| PageError::new(e, html, &path))?;
        Ok(Self {
            identity,
            services,
            html,
            path,
        })
    }
}

/// The members where `user_id` may `act` on `obj`: a grant in the member's domain that
/// casbin allows, and a subscription to the object's module today. By name.
///
/// # Errors
/// Database or casbin errors.
pub async fn members_where<C: ConnectionTrait>(
    db: &C,
    services: &Services,
    user_id: i64,
    obj: &str,
    act: &str,
) -> AppResult<Vec<Served>> {
    let module = obj.split('.').next().unwrap_or_default();
    let mut ids: Vec<i64> = services
        .authz
        .grants_of(user_id)
        .await
        .into_iter()
        .filter_map(|g| g.member_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let today = paris_today();
    let mut out = Vec::new();
    for id in ids {
        if !services
            .authz
            .allowed(user_id, &member_domain(id), obj, act)
            .await?
        {
            continue;
        }
        if crate::module::is_module(module)
            && !member::active_modules(db, id, today)
                .await?
                .iter()
                .any(|m| m == module)
        {
            continue;
        }
        if let Some(m) = member::find_by_id(db, id).await? {
            out.push(Served {
                member: m,
                tenant: Tenant::authorized(id),
            });
        }
    }
    out.sort_by(|a, b| a.member.name.cmp(&b.member.name));
    Ok(out)
}

impl ServedAccess {
    /// The members where the user may `act` on `obj`; 403 when there is none.
    ///
    /// # Errors
    /// 403 with a French message; database or casbin errors.
    pub async fn authorize<C: ConnectionTrait>(
        self,
        db: &C,
        obj: &str,
        act: &str,
    ) -> Result<ServedScope, PageError> {
        let wrap = |e: AppError| PageError::new(e, self.html, &self.path);
        let members = members_where(db, &self.services, self.identity.user.id, obj, act)
            .await
            .map_err(wrap)?;
        if members.is_empty() {
            tracing::warn!(
                user_id = self.identity.user.id,
                obj,
                act,
                "no member served"
            );
            return Err(wrap(AppError::Forbidden(
                "Cette page est réservée aux personnes qui suivent des adhérents (DPO mutualisé)."
                    .to_string(),
            )));
        }
        Ok(ServedScope {
            access: self,
            members,
        })
    }
}

/// An authorized request over the members a user serves.
#[derive(Debug, Clone)]
pub struct ServedScope {
    access: ServedAccess,
    members: Vec<Served>,
}

impl ServedScope {
    /// The members served, by name.
    #[must_use]
    pub fn members(&self) -> &[Served] {
        &self.members
    }

    /// The member served whose slug is `slug`.
    #[must_use]
    pub fn member(&self, slug: &str) -> Option<&Served> {
        self.members.iter().find(|s| s.member.slug == slug)
    }

    #[must_use]
    pub fn identity(&self) -> &Identity {
        &self.access.identity
    }

    #[must_use]
    pub fn actor(&self) -> Actor {
        self.access.identity.actor()
    }

    #[must_use]
    pub fn services(&self) -> &Services {
        &self.access.services
    }

    /// The cooperative handle for the reference data that the people serving members
    /// keep for all of them (the DPO's templates); `why` is logged.
    #[must_use]
    pub fn shared_reference(&self, why: &'static str) -> Coop {
        tracing::debug!(
            user_id = self.access.identity.user.id,
            why,
            "shared reference data"
        );
        Coop::authorized()
    }

    /// Whether the page is HTML (errors as the French page).
    #[must_use]
    pub fn html(&self) -> bool {
        self.access.html
    }
}
