//! Who acts, for which member, with which rights. The `Scope` is the only way a
//! handler reaches member-owned data: it is built by `MemberAccess::authorize`, which
//! checks the user's grant in the member's domain (or, explicitly, a cooperative role
//! that reaches it), the member's subscription to the route's module, and casbin.
use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{FromRequestParts, Path},
    http::{HeaderMap, request::Parts},
};
use axum_extra::extract::CookieJar;
use loco_rs::app::AppContext;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    audit::Actor,
    auth,
    authz::{Authz, COOP, Role, member_domain},
    entities::{members, sessions, users},
    error::{AppError, AppResult},
    member::{self, module_label},
    metering::Meters,
    module,
    tenant::{Coop, Tenant},
    time::paris_today,
    web::error::PageError,
};

/// The session cookie.
pub const SESSION_COOKIE: &str = "mutualis_session";

/// Services shared by every request, built at boot.
#[derive(Debug, Clone)]
pub struct Services {
    pub authz: Authz,
    pub meters: Meters,
    pub jwt_secret: String,
    pub jwt_ttl_seconds: u64,
    pub secure_cookies: bool,
    /// Cooperative pages that modules add to the navigation.
    pub coop_nav: Vec<NavEntry>,
    /// Pages across the members a user serves (`ModuleDef::served_nav`).
    pub served_nav: Vec<NavEntry>,
    /// Accounts, members and subscriptions read by every request (`core::cache`).
    pub caches: crate::cache::Caches,
}

/// A navigation entry a module contributes: shown when the user may `act` on `obj`.
#[derive(Debug, Clone)]
pub struct NavEntry {
    pub label: &'static str,
    pub href: &'static str,
    pub obj: &'static str,
    pub act: &'static str,
}

/// The shared services of the app.
///
/// # Errors
/// When the app was not booted through `Hooks::before_run` (a programming error).
pub fn services(ctx: &AppContext) -> AppResult<Arc<Services>> {
    ctx.shared_store
        .get::<Arc<Services>>()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("services not initialised")))
}

/// The client's IP address, when the server knows it (for login throttling): the one
/// loco's `remote_ip` middleware resolves when it is enabled (behind a reverse proxy:
/// `BEHIND_PROXY=true` in production, see docs/OPERATIONS.md), else the TCP peer's.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use loco_rs::controller::middleware::remote_ip::RemoteIP;
        let resolved = match RemoteIP::from_request_parts(parts, state).await {
            Ok(RemoteIP::Forwarded(ip) | RemoteIP::Socket(ip)) => Some(ip),
            _ => None,
        };
        Ok(Self(
            resolved
                .or_else(|| {
                    parts
                        .extensions
                        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                        .map(|c| c.0.ip())
                })
                .map(|ip| ip.to_string()),
        ))
    }
}

/// An authenticated user: through the session cookie on web pages, through a
/// `Bearer` JWT on `/api/` routes (never a cookie there: no CSRF on the API).
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: users::Model,
    /// The web session (None on the API).
    pub session: Option<sessions::Model>,
}

impl Identity {
    #[must_use]
    pub fn actor(&self) -> Actor {
        Actor::user(self.user.id, &self.user.email)
    }
}

/// True for API paths (JSON errors, bearer auth).
#[must_use]
pub fn is_api(parts: &Parts) -> bool {
    parts.uri.path().starts_with("/api/")
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

impl FromRequestParts<AppContext> for Identity {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &AppContext,
    ) -> Result<Self, Self::Rejection> {
        let api = is_api(parts);
        let wrap = |e: AppError| PageError::new(e, !api, parts.uri.path());
        if let Some(id) = parts.extensions.get::<Self>() {
            return Ok(id.clone());
        }
        let id = if api {
            let svc = services(ctx).map_err(wrap)?;
            let uid = bearer(&parts.headers)
                .and_then(|t| auth::verify_jwt(&svc.jwt_secret, t))
                .ok_or_else(|| wrap(AppError::Unauthorized))?;
            let user = svc
                .caches
                .user(&ctx.db, uid)
                .await
                .map_err(wrap)?
                .filter(|u| u.disabled_at.is_none())
                .ok_or_else(|| wrap(AppError::Unauthorized))?;
            Self {
                user: (*user).clone(),
                session: None,
            }
        } else {
            let jar = CookieJar::from_headers(&parts.headers);
            let token = jar
                .get(SESSION_COOKIE)
                .map(|c| c.value().to_string())
                .ok_or_else(|| wrap(AppError::Unauthorized))?;
            let svc = services(ctx).map_err(wrap)?;
            let (session, user) = auth::load_session(&ctx.db, &svc.caches, &token)
                .await
                .map_err(wrap)?
                .ok_or_else(|| wrap(AppError::Unauthorized))?;
            Self {
                user,
                session: Some(session),
            }
        };
        parts.extensions.insert(id.clone());
        Ok(id)
    }
}

/// A request on a member's path (`/m/{slug}/…`, `/api/m/{slug}/…`), not yet authorized.
#[derive(Debug, Clone)]
pub struct MemberAccess {
    identity: Identity,
    /// Private: a member's id reaches queries only as the `Tenant` of an authorized
    /// `Scope`.
    member: members::Model,
    /// The user's roles in this member's domain.
    roles: Vec<Role>,
    /// The user's cooperative roles.
    coop_roles: Vec<Role>,
    services: Arc<Services>,
    html: bool,
    path: String,
    active_modules: Vec<String>,
}

impl FromRequestParts<AppContext> for MemberAccess {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &AppContext,
    ) -> Result<Self, Self::Rejection> {
        let identity = Identity::from_request_parts(parts, ctx).await?;
        let html = !is_api(parts);
        let path = parts.uri.path().to_string();
        let wrap = |e: AppError| PageError::new(e, html, &path);
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, ctx)
            .await
            .map_err(|_| wrap(AppError::NotFound))?;
        let slug = params.get("slug").ok_or_else(|| wrap(AppError::NotFound))?;
        let svc = services(ctx).map_err(wrap)?;
        // Unknown member and member the user has nothing to do with look the same.
        let entry = svc
            .caches
            .member(&ctx.db, slug)
            .await
            .map_err(wrap)?
            .ok_or_else(|| wrap(AppError::NotFound))?;
        let member = entry.member.clone();
        let roles = svc.authz.roles_in(identity.user.id, member.id).await;
        let coop_roles = svc.authz.coop_roles(identity.user.id).await;
        if roles.is_empty() && coop_roles.is_empty() {
            tracing::warn!(user_id = identity.user.id, member = %member.slug, "access to a member without any role");
            return Err(wrap(AppError::NotFound));
        }
        let active_modules = member::active_on(&entry.subscriptions, paris_today());
        Ok(Self {
            identity,
            member,
            roles,
            coop_roles,
            services: svc,
            html,
            path,
            active_modules,
        })
    }
}

impl MemberAccess {
    /// The member the path names (before authorization: for display only).
    #[must_use]
    pub fn member(&self) -> &members::Model {
        &self.member
    }

    /// The user.
    #[must_use]
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The user's roles in this member's domain.
    #[must_use]
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// The user's cooperative roles.
    #[must_use]
    pub fn coop_roles(&self) -> &[Role] {
        &self.coop_roles
    }

    /// Whether the user may `act` on `obj` here: in the member's domain, or through a
    /// cooperative role (the one place where a coop role reaches a member's data).
    ///
    /// # Errors
    /// casbin errors.
    pub async fn can(&self, obj: &str, act: &str) -> AppResult<bool> {
        let uid = self.identity.user.id;
        Ok(self
            .services
            .authz
            .allowed(uid, &member_domain(self.member.id), obj, act)
            .await?
            || self.services.authz.allowed(uid, COOP, obj, act).await?)
    }

    /// The modules the member subscribes to today.
    #[must_use]
    pub fn active_modules(&self) -> &[String] {
        &self.active_modules
    }

    /// Authorizes `act` on `obj`; an object whose prefix is a module (`hr.employees`)
    /// also requires the member's subscription to that module.
    ///
    /// # Errors
    /// 403 with a French message (not allowed, or module not subscribed).
    pub async fn authorize(self, obj: &str, act: &str) -> Result<Scope, PageError> {
        let wrap = |e: AppError| PageError::new(e, self.html, &self.path);
        let module = obj.split('.').next().unwrap_or_default();
        // An object is core's or a listed module's: anything else (a module not in the
        // app's list) is refused, never served unchecked.
        if !module::is_module(module) && !module::CORE_AREAS.contains(&module) {
            tracing::error!(obj, "authorization asked for an object of no listed module");
            return Err(wrap(AppError::NotFound));
        }
        let unsubscribed_read =
            act == "read" && module::get(module).is_some_and(|m| m.read_unsubscribed);
        if module::is_module(module)
            && !unsubscribed_read
            && !self.active_modules.iter().any(|m| m == module)
        {
            tracing::warn!(user_id = self.identity.user.id, member = %self.member.slug, module, "module not subscribed");
            return Err(wrap(AppError::NotSubscribed(
                module_label(module).to_string(),
            )));
        }
        if !self.can(obj, act).await.map_err(wrap)? {
            tracing::warn!(user_id = self.identity.user.id, member = %self.member.slug, obj, act, "access denied");
            return Err(wrap(AppError::Forbidden(
                "Vous n’avez pas les droits nécessaires pour cette action. \
                 Adressez-vous à la direction de votre association ou à la coopérative."
                    .to_string(),
            )));
        }
        Ok(Scope { access: self })
    }
}

/// An authorized request on one member's data. Every member-owned query takes it.
#[derive(Debug, Clone)]
pub struct Scope {
    access: MemberAccess,
}

impl Scope {
    /// The member's tenant handle: what every member-owned query takes.
    #[must_use]
    pub fn tenant(&self) -> Tenant {
        Tenant::authorized(self.access.member.id)
    }

    #[must_use]
    pub fn member_id(&self) -> i64 {
        self.access.member.id
    }

    /// The cooperative-wide handle for a computation over every member whose result
    /// the member sees only its own part of (its share of a pooled cost is computed
    /// from every member's usage). `why` is logged; `grep -rn coop_computation` lists
    /// every use.
    #[must_use]
    pub fn coop_computation(&self, why: &'static str) -> Coop {
        tracing::debug!(member = %self.access.member.slug, why, "cooperative-wide computation");
        Coop::authorized()
    }

    #[must_use]
    pub fn member(&self) -> &members::Model {
        &self.access.member
    }

    #[must_use]
    pub fn user(&self) -> &users::Model {
        &self.access.identity.user
    }

    #[must_use]
    pub fn identity(&self) -> &Identity {
        &self.access.identity
    }

    #[must_use]
    pub fn access(&self) -> &MemberAccess {
        &self.access
    }

    #[must_use]
    pub fn services(&self) -> &Services {
        &self.access.services
    }

    #[must_use]
    pub fn actor(&self) -> Actor {
        self.access.identity.actor()
    }

    /// A further check inside an authorized request (e.g. to show a button).
    ///
    /// # Errors
    /// casbin errors.
    pub async fn can(&self, obj: &str, act: &str) -> AppResult<bool> {
        self.access.can(obj, act).await
    }
}

/// A request on a cooperative path (`/coop/…`, `/api/coop/…`), not yet authorized.
#[derive(Debug, Clone)]
pub struct CoopAccess {
    pub identity: Identity,
    services: Arc<Services>,
    html: bool,
    path: String,
}

impl FromRequestParts<AppContext> for CoopAccess {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &AppContext,
    ) -> Result<Self, Self::Rejection> {
        let identity = Identity::from_request_parts(parts, ctx).await?;
        let html = !is_api(parts);
        let path = parts.uri.path().to_string();
        let services = services(ctx).map_err(|e| PageError::new(e, html, &path))?;
        // Refused before the handler reads a body: a member's user learns nothing of
        // the cooperative's request shapes.
        if services.authz.coop_roles(identity.user.id).await.is_empty() {
            tracing::warn!(
                user_id = identity.user.id,
                path,
                "cooperative route without a cooperative role"
            );
            return Err(PageError::new(
                AppError::Forbidden("Réservé à l’équipe de la coopérative.".to_string()),
                html,
                &path,
            ));
        }
        Ok(Self {
            identity,
            services,
            html,
            path,
        })
    }
}

impl CoopAccess {
    /// Authorizes `act` on `obj` in the cooperative's domain.
    ///
    /// # Errors
    /// 403 with a French message.
    pub async fn authorize(self, obj: &str, act: &str) -> Result<CoopScope, PageError> {
        let allowed = self
            .services
            .authz
            .allowed(self.identity.user.id, COOP, obj, act)
            .await
            .map_err(|e| PageError::new(e, self.html, &self.path))?;
        if !allowed {
            tracing::warn!(
                user_id = self.identity.user.id,
                obj,
                act,
                "coop access denied"
            );
            return Err(PageError::new(
                AppError::Forbidden(
                    "Cette page est réservée à la coopérative (conseil d’administration ou administration)."
                        .to_string(),
                ),
                self.html,
                &self.path,
            ));
        }
        Ok(CoopScope { access: self })
    }
}

/// An authorized cooperative-wide request.
#[derive(Debug, Clone)]
pub struct CoopScope {
    access: CoopAccess,
}

impl CoopScope {
    /// The cooperative-wide handle (coop tables, reads across members).
    #[must_use]
    pub fn coop(&self) -> Coop {
        Coop::authorized()
    }

    /// The tenant of one member, for the cooperative's work on it.
    #[must_use]
    pub fn tenant(&self, member_id: i64) -> Tenant {
        Coop::authorized().tenant(member_id)
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

    /// A further check (e.g. to show a button).
    ///
    /// # Errors
    /// casbin errors.
    pub async fn can(&self, obj: &str, act: &str) -> AppResult<bool> {
        self.access
            .services
            .authz
            .allowed(self.access.identity.user.id, COOP, obj, act)
            .await
    }
}

/// The members a user holds roles in, by name.
///
/// # Errors
/// Database errors.
pub async fn members_of(
    ctx: &AppContext,
    authz: &Authz,
    user_id: i64,
) -> AppResult<Vec<members::Model>> {
    let mut ids: Vec<i64> = authz
        .grants_of(user_id)
        .await
        .into_iter()
        .filter_map(|g| g.member_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(members::Entity::find()
        .filter(members::Column::Id.is_in(ids))
        .order_by_asc(members::Column::Name)
        .all(&ctx.db)
        .await?)
}
