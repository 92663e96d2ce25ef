//! A member's pages: home, module landing pages, usage, users and roles (the audit log:
//! `audit_pages`).
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use axum_extra::extract::CookieJar;
use loco_rs::{
    app::AppContext,
    controller::views::{ViewEngine, engines::TeraView},
};
use serde::Deserialize;
use serde_json::json;

use crate::{
    auth,
    authz::Role,
    error::AppError,
    member::{self, module_label},
    metering,
    scope::{MemberAccess, Scope},
    team::{self, MemberUserInput},
    time::{Month, fr_date, fr_decimal, paris_today},
    web::{
        error::PageError,
        forms::{Done, WebForm, form_reply},
        page::{Page, redirect_with_flash},
        views,
    },
};

/// `GET /m/{slug}`
pub async fn home(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("member.profile", "read").await?;
    let m = scope.member();
    let path = format!("/m/{}", m.slug);
    let mut modules = Vec::new();
    for code in scope.access().active_modules() {
        let entry = crate::web::page::module_entry(scope.access(), code).await?;
        let href = entry.map_or_else(|| format!("{path}/{code}"), |(_, h)| format!("{path}/{h}"));
        modules.push(json!({"code": code, "label": module_label(code), "href": href, "open": entry.is_some()}));
    }
    let establishments: Vec<_> = member::establishments(&ctx.db, scope.member_id())
        .await?
        .into_iter()
        .map(|e| json!({"name": e.name, "siret": e.siret, "nic": e.nic}))
        .collect();
    let roles: Vec<&str> = scope.access().roles().iter().map(|r| r.label()).collect();
    Page::for_scope(&ctx, &scope, &m.name, &path).await?.render(
        &ViewEngine(v),
        &jar,
        "member/home.html",
        json!({
            "member": views::member(m),
            "modules": modules,
            "establishments": establishments,
            "roles": roles.join(", "),
        }),
    )
}

/// `GET /m/{slug}/{module}`: the module's landing page (403 when not subscribed).
pub async fn module_home(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Path((_slug, module)): Path<(String, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    if !crate::module::is_module(&module) {
        return Err(AppError::NotFound.into());
    }
    let scope = access.authorize(&format!("{module}.home"), "read").await?;
    let m = scope.member();
    let month = Month::of(chrono::Utc::now());
    let usage: Vec<_> =
        metering::usage_for_month(&ctx.db, &scope.services().meters, scope.member_id(), month)
            .await?
            .into_iter()
            .filter(|u| u.module == module)
            .map(|u| json!({"label": u.label, "quantity": fr_decimal(u.quantity), "unit": u.unit}))
            .collect();
    let sub = member::subscriptions(&ctx.db, scope.member_id())
        .await?
        .into_iter()
        .find(|s| s.module == module && member::covers(s, paris_today()));
    let path = format!("/m/{}/{module}", m.slug);
    Page::for_scope(
        &ctx,
        &scope,
        &format!("{} — {}", module_label(&module), m.name),
        &path,
    )
    .await?
    .crumb(&m.name, &format!("/m/{}", m.slug))
    .crumb(module_label(&module), "")
    .render(
        &ViewEngine(v),
        &jar,
        "member/module.html",
        json!({
            "member": views::member(m),
            "module": module,
            "module_label": module_label(&module),
            "since": sub.as_ref().map(|s| fr_date(s.start_date)),
            "until": sub.as_ref().and_then(|s| s.end_date.map(fr_date)),
            "usage": usage,
            "month": month.to_string(),
            "month_label": views::month_label(month),
        }),
    )
}

#[derive(Debug, Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    pub period: String,
}

/// `GET /m/{slug}/usage?period=YYYY-MM`
pub async fn usage(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<PeriodQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("usage", "read").await?;
    let month = if q.period.is_empty() {
        Month::of(chrono::Utc::now())
    } else {
        Month::parse(&q.period)?
    };
    let rows: Vec<_> = metering::usage_for_month(&ctx.db, &scope.services().meters, scope.member_id(), month)
        .await?
        .into_iter()
        .map(|u| {
            json!({
                "meter": u.meter, "label": u.label, "module": module_label(&u.module),
                "aggregation": u.aggregation, "quantity": fr_decimal(u.quantity), "unit": u.unit, "events": u.events,
            })
        })
        .collect();
    let m = scope.member();
    let path = format!("/m/{}/usage", m.slug);
    let prev = month.prev();
    Page::for_scope(&ctx, &scope, &format!("Consommation — {}", m.name), &path)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Consommation", "")
        .render(
            &ViewEngine(v),
            &jar,
            "member/usage.html",
            json!({
                "member": views::member(m),
                "period": month.to_string(),
                "period_label": views::month_label(month),
                "prev": prev.to_string(),
                "next": month.next().to_string(),
                "rows": rows,
            }),
        )
}

async fn users_page(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    scope: &Scope,
    form: &MemberUserInput,
    errors: serde_json::Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let grants: Vec<_> = scope
        .services()
        .authz
        .all_grants()
        .await
        .into_iter()
        .filter(|g| g.member_id == Some(m.id))
        .collect();
    let mut rows = Vec::new();
    for g in &grants {
        if let Some(u) = auth::find_user(&ctx.db, g.user_id).await? {
            rows.push(json!({
                "user_id": u.id, "name": u.name, "email": u.email,
                "role": g.role.as_str(), "role_label": g.role.label(),
                "disabled": u.disabled_at.is_some(),
            }));
        }
    }
    let can_manage = scope.can("member.users", "write").await?;
    let path = format!("/m/{}/users", m.slug);
    Page::for_scope(ctx, scope, &format!("Utilisateurs — {}", m.name), &path)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Utilisateurs", "")
        .render_with_status(
            v,
            jar,
            "member/users.html",
            json!({
                "member": views::member(m),
                "rows": rows,
                "can_manage": can_manage,
                "roles": views::role_options(&Role::MEMBER_ROLES),
                "form": {"email": form.email, "name": form.name, "role": form.role},
                "errors": errors,
            }),
            status,
        )
}

/// `GET /m/{slug}/users`: who holds which role in this member.
pub async fn users(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("member.users", "read").await?;
    users_page(
        &ctx,
        &v,
        &jar,
        &scope,
        &MemberUserInput::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/users`: gives a member role to an existing account, or creates it.
pub async fn add_user(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<MemberUserInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("member.users", "write").await?;
    let back = format!("/m/{}/users", scope.member().slug);
    let result = team::add_member_user(
        &ctx.db,
        &scope.services().authz,
        &scope.actor(),
        scope.member_id(),
        &form.value,
    )
    .await;
    form_reply(
        result,
        |(user, role)| {
            Done::new(
                back,
                format!("Rôle « {} » attribué à {}.", role.label(), user.email),
            )
        },
        |errors| {
            users_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, Default)]
pub struct RevokeForm {
    #[serde(default)]
    pub user_id: i64,
    #[serde(default)]
    pub role: String,
}

/// `POST /m/{slug}/users/revoke`
pub async fn revoke_user(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    form: WebForm<RevokeForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("member.users", "write").await?;
    let back = format!("/m/{}/users", scope.member().slug);
    let Some(role) = Role::parse(&form.value.role).filter(|r| !r.is_coop()) else {
        return Err(AppError::NotFound.into());
    };
    match team::revoke(
        &ctx.db,
        &scope.services().authz,
        &scope.actor(),
        form.value.user_id,
        role,
        Some(scope.member_id()),
    )
    .await
    {
        Ok(_) => {}
        Err(e @ AppError::Conflict(_)) => {
            return Ok(redirect_with_flash(&back, "error", &e.message()));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect_with_flash(&back, "success", "Rôle retiré."))
}
