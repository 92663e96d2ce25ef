//! The context every page renders with (see `assets/views/_layout.html`): user,
//! CSRF token, member switcher, left navigation, breadcrumbs and flash message.
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine as _;
use loco_rs::{
    app::AppContext,
    controller::views::{ViewEngine, ViewRenderer, engines::TeraView},
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    error::AppResult,
    scope::{CoopScope, Identity, MemberAccess, Scope, members_of, services},
    web::error::PageError,
};

const FLASH_COOKIE: &str = "mutualis_flash";

/// A flash message shown once on the next page.
#[derive(Debug, Clone, Serialize)]
pub struct Flash {
    pub kind: String,
    pub message: String,
}

/// Reads the pending flash message, if any.
#[must_use]
pub fn take_flash(jar: &CookieJar) -> Option<Flash> {
    let raw = jar.get(FLASH_COOKIE)?.value().to_string();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .ok()?;
    let s = String::from_utf8(bytes).ok()?;
    let (kind, message) = s.split_once('\n')?;
    Some(Flash {
        kind: if kind == "error" { "error" } else { "success" }.to_string(),
        message: message.to_string(),
    })
}

/// A 303 redirect carrying a flash message.
#[must_use]
pub fn redirect_with_flash(to: &str, kind: &str, message: &str) -> Response {
    let v = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}\n{message}"));
    let mut c = Cookie::new(FLASH_COOKIE, v);
    c.set_path("/");
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    (CookieJar::new().add(c), axum::response::Redirect::to(to)).into_response()
}

/// A plain 303 redirect.
#[must_use]
pub fn redirect(to: &str) -> Response {
    axum::response::Redirect::to(to).into_response()
}

#[derive(Debug, Clone, Serialize)]
struct NavItem {
    label: String,
    href: String,
    active: bool,
}

#[derive(Debug, Clone, Serialize)]
struct NavSection {
    title: String,
    items: Vec<NavItem>,
}

/// A page under construction.
#[derive(Debug)]
pub struct Page {
    title: String,
    user: Value,
    csrf: String,
    switcher: Vec<Value>,
    current_member: Value,
    nav: Vec<NavSection>,
    breadcrumbs: Vec<Value>,
    path: String,
}

fn item(label: &str, href: String, path: &str) -> NavItem {
    let active = path == href || (href.len() > 3 && path.starts_with(&format!("{href}/")));
    NavItem {
        label: label.to_string(),
        href,
        active,
    }
}

/// The cooperative's pages this user may open, as navigation items: each decided by
/// casbin with the object and action its page authorizes (`CoopAccess::authorize`).
async fn coop_nav(ctx: &AppContext, uid: i64, path: &str) -> AppResult<Vec<NavItem>> {
    let svc = services(ctx)?;
    let checks = [
        ("Tableau de bord", "/coop", "coop.members", "read"),
        ("Adhérents", "/coop/members", "coop.members", "read"),
        ("Utilisateurs et rôles", "/coop/users", "coop.users", "read"),
        ("Consommation", "/coop/usage", "usage", "read"),
        ("Compteurs", "/coop/meters", "coop.meters", "read"),
        ("Clés d’API", "/coop/api-keys", "coop.api_keys", "read"),
        ("Journal d’audit", "/coop/audit", "coop.audit", "read"),
    ];
    let extra: Vec<(&str, &str, &str, &str)> = svc
        .coop_nav
        .iter()
        .map(|n| (n.label, n.href, n.obj, n.act))
        .collect();
    let mut coop = Vec::new();
    for (label, href, obj, act) in checks.into_iter().chain(extra) {
        if svc.authz.allowed(uid, crate::authz::COOP, obj, act).await? {
            coop.push(if href == "/coop" {
                NavItem {
                    label: label.to_string(),
                    href: href.to_string(),
                    active: path == "/coop",
                }
            } else {
                item(label, href.to_string(), path)
            });
        }
    }
    Ok(coop)
}

/// The pages across the members this user serves (`ModuleDef::served_nav`): each shown
/// when casbin allows its object in at least one member subscribing to its module.
async fn served_nav(ctx: &AppContext, uid: i64, path: &str) -> AppResult<Vec<NavItem>> {
    let svc = services(ctx)?;
    if svc.served_nav.is_empty() {
        return Ok(Vec::new());
    }
    // Rendered with every page: the user's members and their modules are read once, each
    // entry then decided by casbin (in memory) — not `served::members_where` per entry.
    let mut ids: Vec<i64> = svc
        .authz
        .grants_of(uid)
        .await
        .into_iter()
        .filter_map(|g| g.member_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let today = crate::time::paris_today();
    let mut modules = Vec::with_capacity(ids.len());
    for id in &ids {
        modules.push(svc.caches.active_modules(&ctx.db, *id, today).await?);
    }
    let mut out = Vec::new();
    for n in &svc.served_nav {
        let module = n.obj.split('.').next().unwrap_or_default();
        for (id, subscribed) in ids.iter().zip(&modules) {
            if subscribed.iter().any(|m| m == module)
                && svc
                    .authz
                    .allowed(uid, &crate::authz::member_domain(*id), n.obj, n.act)
                    .await?
            {
                out.push(item(n.label, n.href.to_string(), path));
                break;
            }
        }
    }
    Ok(out)
}

/// The pages across the members this user serves, as `(label, href)` (the home page's
/// cards).
///
/// # Errors
/// Database or casbin errors.
pub async fn served_entries(ctx: &AppContext, uid: i64) -> AppResult<Vec<(String, String)>> {
    Ok(served_nav(ctx, uid, "")
        .await?
        .into_iter()
        .map(|i| (i.label, i.href))
        .collect())
}

/// The first cooperative page this user may open (the home page's « Coopérative » card),
/// or none.
///
/// # Errors
/// casbin errors.
pub async fn coop_entry(ctx: &AppContext, uid: i64) -> AppResult<Option<String>> {
    Ok(coop_nav(ctx, uid, "")
        .await?
        .into_iter()
        .next()
        .map(|i| i.href))
}

impl Page {
    /// A page for a signed-in user, with the cooperative section of the navigation.
    ///
    /// # Errors
    /// Database or casbin errors.
    pub async fn new(ctx: &AppContext, id: &Identity, title: &str, path: &str) -> AppResult<Self> {
        let svc = services(ctx)?;
        let members = members_of(ctx, &svc.authz, id.user.id).await?;
        let current = id.session.as_ref().and_then(|s| s.member_slug.clone());
        let switcher = members
            .iter()
            .map(|m| json!({"slug": m.slug, "name": m.name, "current": current.as_deref() == Some(m.slug.as_str())}))
            .collect();
        let mut page = Self {
            title: title.to_string(),
            user: json!({"email": id.user.email, "name": id.user.name}),
            csrf: id
                .session
                .as_ref()
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
            switcher,
            current_member: Value::Null,
            nav: Vec::new(),
            breadcrumbs: Vec::new(),
            path: path.to_string(),
        };
        if members.len() == 1
            && let Some(m) = members.first()
        {
            page.current_member = json!({"slug": m.slug, "name": m.name});
        }
        let coop = coop_nav(ctx, id.user.id, path).await?;
        let served: Vec<NavItem> = served_nav(ctx, id.user.id, path)
            .await?
            .into_iter()
            .filter(|s| !coop.iter().any(|c| c.href == s.href))
            .collect();
        if !coop.is_empty() {
            page.nav.push(NavSection {
                title: "Coopérative".to_string(),
                items: coop,
            });
        }
        if !served.is_empty() {
            page.nav.push(NavSection {
                title: "Adhérents suivis".to_string(),
                items: served,
            });
        }
        Ok(page)
    }

    /// A page on a member's path: the member's section of the navigation shows the
    /// subscribed modules and pages this user may open, nothing else.
    ///
    /// # Errors
    /// Database or casbin errors.
    pub async fn for_member(
        ctx: &AppContext,
        access: &MemberAccess,
        title: &str,
        path: &str,
    ) -> AppResult<Self> {
        let mut page = Self::new(ctx, access.identity(), title, path).await?;
        let m = access.member();
        page.current_member = json!({"slug": m.slug, "name": m.name});
        for s in &mut page.switcher {
            let current = s.get("slug").and_then(Value::as_str) == Some(m.slug.as_str());
            s["current"] = Value::Bool(current);
        }
        let base = format!("/m/{}", m.slug);
        let mut items = Vec::new();
        // The member's home page authorizes `member.profile` read.
        if access.can("member.profile", "read").await? {
            items.push(NavItem {
                label: "Accueil".to_string(),
                href: base.clone(),
                active: path == base,
            });
        }
        for code in access.active_modules() {
            if let Some((label, href)) = module_entry(access, code).await? {
                items.push(item(label, format!("{base}/{href}"), path));
            }
        }
        let extra = [
            ("Consommation", "usage", "usage", "read"),
            ("Utilisateurs", "users", "member.users", "read"),
            ("Journal d’audit", "audit", "audit", "read"),
        ];
        for (label, sub, obj, act) in extra {
            if access.can(obj, act).await? {
                items.push(item(label, format!("{base}/{sub}"), path));
            }
        }
        page.nav.insert(
            0,
            NavSection {
                title: m.name.clone(),
                items,
            },
        );
        Ok(page)
    }

    /// A page for an authorized member request.
    ///
    /// # Errors
    /// Database or casbin errors.
    pub async fn for_scope(
        ctx: &AppContext,
        scope: &Scope,
        title: &str,
        path: &str,
    ) -> AppResult<Self> {
        Self::for_member(ctx, scope.access(), title, path).await
    }

    /// A page for an authorized cooperative request.
    ///
    /// # Errors
    /// Database or casbin errors.
    pub async fn for_coop(
        ctx: &AppContext,
        scope: &CoopScope,
        title: &str,
        path: &str,
    ) -> AppResult<Self> {
        Self::new(ctx, scope.identity(), title, path).await
    }

    /// A page for an anonymous visitor (login, password reset).
    #[must_use]
    pub fn anonymous(title: &str, csrf: &str) -> Self {
        Self {
            title: title.to_string(),
            user: Value::Null,
            csrf: csrf.to_string(),
            switcher: Vec::new(),
            current_member: Value::Null,
            nav: Vec::new(),
            breadcrumbs: Vec::new(),
            path: String::new(),
        }
    }

    /// Adds a breadcrumb.
    #[must_use]
    pub fn crumb(mut self, label: &str, href: &str) -> Self {
        self.breadcrumbs.push(json!({"label": label, "href": href}));
        self
    }

    #[must_use]
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// Renders with another status than 200 (a form re-shown with its errors: 422).
    ///
    /// # Errors
    /// Template errors.
    pub fn render_with_status(
        self,
        v: &ViewEngine<TeraView>,
        jar: &CookieJar,
        template: &str,
        data: Value,
        status: axum::http::StatusCode,
    ) -> Result<Response, PageError> {
        let mut res = self.render(v, jar, template, data)?;
        *res.status_mut() = status;
        Ok(res)
    }

    /// Renders `template` with the layout context merged with `data`; consumes the
    /// pending flash message.
    ///
    /// # Errors
    /// Template errors.
    pub fn render(
        self,
        v: &ViewEngine<TeraView>,
        jar: &CookieJar,
        template: &str,
        data: Value,
    ) -> Result<Response, PageError> {
        let flash = take_flash(jar);
        let mut ctx = json!({
            "page_title": self.title,
            "user": self.user,
            "csrf": self.csrf,
            "switcher": self.switcher,
            "current_member": self.current_member,
            "nav": self.nav,
            "breadcrumbs": self.breadcrumbs,
            "flash": flash,
            "path": self.path,
        });
        if let (Some(obj), Value::Object(extra)) = (ctx.as_object_mut(), data) {
            obj.extend(extra);
        }
        let html = v.0.render(template, ctx).map_err(|e| {
            tracing::error!(template, error = %e, "template rendering failed");
            crate::error::AppError::Unexpected(anyhow::anyhow!("template {template}: {e}"))
        })?;
        let mut res = axum::response::Html(html).into_response();
        if flash.is_some() {
            let mut c = Cookie::new(FLASH_COOKIE, "");
            c.set_path("/");
            c.make_removal();
            if let Ok(v) = c.to_string().parse() {
                res.headers_mut().append(axum::http::header::SET_COOKIE, v);
            }
        }
        Ok(res)
    }
}

/// The XLSX content type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file to download: its bytes, type and name.
#[must_use]
pub fn download(content_type: &str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The navigation entry of a subscribed module for this user: the first of the
/// module's declared entries the user may open (label, path under `/m/{slug}/`), or
/// none.
///
/// # Errors
/// casbin errors.
pub async fn module_entry(
    access: &MemberAccess,
    code: &str,
) -> AppResult<Option<(&'static str, &'static str)>> {
    let Some(def) = crate::module::get(code) else {
        return Ok(None);
    };
    for n in def.nav() {
        let obj = if n.obj.is_empty() {
            format!("{code}.home")
        } else {
            n.obj.to_string()
        };
        if access.can(&obj, n.act).await? {
            return Ok(Some((n.label, n.path)));
        }
    }
    Ok(None)
}
