//! The cooperative's pages: members, subscriptions, users and roles, API keys, meters,
//! usage (the audit log: `audit_pages`).
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use axum_extra::extract::CookieJar;
use chrono::NaiveDate;
use loco_rs::{
    app::AppContext,
    controller::views::{ViewEngine, engines::TeraView},
};
use rust_decimal::Decimal;
use sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    auth::{self, NewUser},
    authz::Role,
    entities::{api_keys, users},
    error::AppError,
    member::{self, MemberInput, module_label},
    metering,
    scope::CoopAccess,
    team,
    time::{Month, fr_date, fr_datetime, fr_decimal, paris_today},
    web::{
        error::PageError,
        forms::{Done, WebForm, form_reply},
        page::{Page, redirect_with_flash},
        views,
    },
};

/// `GET /coop`
pub async fn dashboard(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.members", "read").await?;
    let members = member::list(&ctx.db).await?;
    let users = users::Entity::find().all(&ctx.db).await?;
    let grants = scope.services().authz.all_grants().await;
    Page::for_coop(&ctx, &scope, "Tableau de bord de la coopérative", "/coop")
        .await?
        .render(
            &ViewEngine(v),
            &jar,
            "coop/dashboard.html",
            json!({
                "members": members.len(),
                "users": users.len(),
                "grants": grants.len(),
                "meters": scope.services().meters.all().len(),
                "can_admin": scope.can("coop.members", "write").await?,
                // Each card links to a page authorizing this object and action.
                "can_members": scope.can("coop.members", "read").await?,
                "can_users": scope.can("coop.users", "read").await?,
                "can_meters": scope.can("coop.meters", "read").await?,
            }),
        )
}

async fn members_page(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    scope: &crate::scope::CoopScope,
    form: &MemberInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let today = paris_today();
    let mut rows = Vec::new();
    for m in member::list(&ctx.db).await? {
        let modules: Vec<&str> = member::active_modules(&ctx.db, m.id, today)
            .await?
            .iter()
            .map(|c| module_label(c))
            .collect();
        let mut row = views::member(&m);
        row["modules"] = json!(modules.join(", "));
        rows.push(row);
    }
    Page::for_coop(ctx, scope, "Adhérents", "/coop/members")
        .await?
        .render_with_status(
            v,
            jar,
            "coop/members.html",
            json!({
                "rows": rows,
                "form": form,
                "errors": errors,
                "can_admin": scope.can("coop.members", "write").await?,
                "vat_options": [
                    {"value": "exempt", "label": "Exonéré – membre du groupement (art. 261 B CGI)"},
                    {"value": "liable", "label": "Assujetti à la TVA"},
                ],
            }),
            status,
        )
}

/// `GET /coop/members`
pub async fn members(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.members", "read").await?;
    let form = MemberInput {
        vat_status: "exempt".to_string(),
        ..Default::default()
    };
    members_page(&ctx, &v, &jar, &scope, &form, json!({}), StatusCode::OK).await
}

/// `POST /coop/members`
pub async fn create_member(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
    form: WebForm<MemberInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.members", "write").await?;
    form_reply(
        member::create_member(&ctx.db, &scope.actor(), &form.value).await,
        |m| {
            Done::new(
                format!("/coop/members/{}", m.slug),
                format!("Adhérent « {} » créé.", m.name),
            )
        },
        |errors| {
            members_page(
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

/// `GET /coop/members/{slug}`
pub async fn member(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Path(slug): Path<String>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.members", "read").await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    let today = paris_today();
    let establishments: Vec<_> = member::establishments(&ctx.db, m.id)
        .await?
        .into_iter()
        .map(|e| json!({"name": e.name, "siret": e.siret, "nic": e.nic}))
        .collect();
    let subs: Vec<_> = member::subscriptions(&ctx.db, m.id)
        .await?
        .into_iter()
        .map(|s| {
            let active = member::covers(&s, today);
            let status = if active {
                "active"
            } else if s.start_date > today {
                "upcoming"
            } else {
                "ended"
            };
            json!({
                "status": status,
                "id": s.id.to_string(), "module": s.module, "label": module_label(&s.module),
                "start": fr_date(s.start_date), "end": s.end_date.map(fr_date),
                "active": active, "open_ended": s.end_date.is_none(),
            })
        })
        .collect();
    let modules: Vec<_> = member::catalogue(&ctx.db)
        .await?
        .into_iter()
        .map(|c| json!({"value": c.code, "label": c.name}))
        .collect();
    Page::for_coop(&ctx, &scope, &m.name, "/coop/members")
        .await?
        .crumb("Adhérents", "/coop/members")
        .crumb(&m.name, "")
        .render(
            &ViewEngine(v),
            &jar,
            "coop/member.html",
            json!({
                "member": views::member(&m),
                "establishments": establishments,
                "subscriptions": subs,
                "modules": modules,
                "today": today.to_string(),
                "can_admin": scope.can("coop.members", "write").await?,
                "can_offboard": scope.can("coop.members", "offboard").await?,
                "erased_at": m.erased_at.map(crate::time::fr_datetime),
                // The member's home page authorizes `member.profile` read.
                "can_open_space": scope.can("member.profile", "read").await?,
            }),
        )
}

#[derive(Debug, Deserialize, Default)]
pub struct EstablishmentForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub siret: String,
}

/// `POST /coop/members/{slug}/establishments`
pub async fn add_establishment(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    access: CoopAccess,
    form: WebForm<EstablishmentForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    let back = format!("/coop/members/{slug}");
    match member::add_establishment(
        &ctx.db,
        &scope.actor(),
        &m,
        &form.value.name,
        &form.value.siret,
    )
    .await
    {
        Ok(e) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!("Établissement « {} » ajouté.", e.name),
        )),
        Err(e @ AppError::Validation(_)) => Ok(redirect_with_flash(&back, "error", &e.message())),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct SubscriptionForm {
    #[serde(default)]
    pub module: String,
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub end_date: String,
}

fn parse_date(field: &str, raw: &str) -> Result<Option<NaiveDate>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| {
            AppError::field(
                field,
                format!("Date « {raw} » invalide (format JJ/MM/AAAA)."),
            )
        })
}

/// `POST /coop/members/{slug}/subscriptions`
pub async fn subscribe(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    access: CoopAccess,
    form: WebForm<SubscriptionForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    let back = format!("/coop/members/{slug}");
    let f = form.value;
    let result = async {
        let start = parse_date("start_date", &f.start_date)?
            .ok_or_else(|| AppError::field("start_date", "La date de début est obligatoire."))?;
        let end = parse_date("end_date", &f.end_date)?;
        member::subscribe(&ctx.db, &scope.actor(), &m, &f.module, start, end).await
    }
    .await;
    match result {
        Ok(s) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Abonnement au module « {} » enregistré.",
                module_label(&s.module)
            ),
        )),
        Err(e @ AppError::Validation(_)) => Ok(redirect_with_flash(&back, "error", &e.message())),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct EndForm {
    #[serde(default)]
    pub end_date: String,
}

/// `POST /coop/members/{slug}/subscriptions/{id}/end`
pub async fn end_subscription(
    State(ctx): State<AppContext>,
    Path((slug, id)): Path<(String, uuid::Uuid)>,
    access: CoopAccess,
    form: WebForm<EndForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    let back = format!("/coop/members/{slug}");
    let end = match parse_date("end_date", &form.value.end_date) {
        Ok(Some(d)) => d,
        Ok(None) => paris_today(),
        Err(e) => return Ok(redirect_with_flash(&back, "error", &e.message())),
    };
    match member::end_subscription(&ctx.db, &scope.actor(), &m, id, end).await {
        Ok(_) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!("Abonnement terminé au {}.", fr_date(end)),
        )),
        Err(e @ AppError::Validation(_)) => Ok(redirect_with_flash(&back, "error", &e.message())),
        Err(e) => Err(e.into()),
    }
}

async fn users_page(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    scope: &crate::scope::CoopScope,
    form: Value,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let all = users::Entity::find()
        .order_by_asc(users::Column::Name)
        .all(&ctx.db)
        .await?;
    let grants = scope.services().authz.all_grants().await;
    let members = member::list(&ctx.db).await?;
    let rows: Vec<_> = all
        .iter()
        .map(|u| {
            let roles: Vec<String> = grants
                .iter()
                .filter(|g| g.user_id == u.id)
                .map(|g| match g.member_id.and_then(|id| members.iter().find(|m| m.id == id)) {
                    Some(m) => format!("{} ({})", g.role.label(), m.name),
                    None => g.role.label().to_string(),
                })
                .collect();
            json!({"id": u.id, "name": u.name, "email": u.email, "roles": roles.join(" · "), "disabled": u.disabled_at.is_some()})
        })
        .collect();
    Page::for_coop(ctx, scope, "Utilisateurs et rôles", "/coop/users")
        .await?
        .render_with_status(
            v,
            jar,
            "coop/users.html",
            json!({"rows": rows, "form": form, "errors": errors, "can_admin": scope.can("coop.users", "write").await?}), status)
}

/// `GET /coop/users`
pub async fn users(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.users", "read").await?;
    users_page(
        &ctx,
        &v,
        &jar,
        &scope,
        json!({"email": "", "name": ""}),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /coop/users`
pub async fn create_user(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
    form: WebForm<NewUser>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.users", "write").await?;
    form_reply(
        auth::create_user(&ctx.db, &scope.actor(), &form.value).await,
        |u| {
            Done::new(
                format!("/coop/users/{}", u.id),
                format!(
                    "Compte créé pour {}. Attribuez-lui maintenant ses rôles.",
                    u.email
                ),
            )
        },
        |errors| {
            let f = json!({"email": form.value.email, "name": form.value.name});
            users_page(
                &ctx,
                &v,
                &jar,
                &scope,
                f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `GET /coop/users/{id}`
pub async fn user(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Path(id): Path<i64>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.users", "read").await?;
    let u = auth::find_user(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = member::list(&ctx.db).await?;
    let grants: Vec<_> = scope
        .services()
        .authz
        .grants_of(u.id)
        .await
        .into_iter()
        .map(|g| {
            let m = g.member_id.and_then(|id| members.iter().find(|m| m.id == id));
            json!({
                "role": g.role.as_str(), "role_label": g.role.label(),
                "member_id": g.member_id, "where": m.map_or("Coopérative".to_string(), |m| m.name.clone()),
            })
        })
        .collect();
    let member_options: Vec<_> = members
        .iter()
        .map(|m| json!({"value": m.id.to_string(), "label": m.name}))
        .collect();
    Page::for_coop(&ctx, &scope, &u.name, "/coop/users")
        .await?
        .crumb("Utilisateurs et rôles", "/coop/users")
        .crumb(&u.name, "")
        .render(
            &ViewEngine(v),
            &jar,
            "coop/user.html",
            json!({
                "u": {"id": u.id, "name": u.name, "email": u.email, "disabled": u.disabled_at.is_some(), "created": fr_datetime(u.created_at)},
                "grants": grants,
                "roles": views::role_options(&Role::ALL),
                "members": member_options,
                "can_admin": scope.can("coop.users", "write").await?,
            }),
        )
}

#[derive(Debug, Deserialize, Default)]
pub struct GrantForm {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub member_id: String,
}

fn grant_member(f: &GrantForm) -> Option<i64> {
    f.member_id.trim().parse().ok()
}

/// `POST /coop/users/{id}/grants`
pub async fn grant(
    State(ctx): State<AppContext>,
    Path(id): Path<i64>,
    access: CoopAccess,
    form: WebForm<GrantForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.roles", "write").await?;
    let back = format!("/coop/users/{id}");
    let u = auth::find_user(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(role) = Role::parse(&form.value.role) else {
        return Ok(redirect_with_flash(&back, "error", "Choisissez un rôle."));
    };
    let member_id = if role.is_coop() {
        None
    } else {
        grant_member(&form.value)
    };
    match team::grant(
        &ctx.db,
        &scope.services().authz,
        &scope.actor(),
        u.id,
        role,
        member_id,
    )
    .await
    {
        Ok(()) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!("Rôle « {} » attribué.", role.label()),
        )),
        Err(e @ AppError::Validation(_)) => Ok(redirect_with_flash(&back, "error", &e.message())),
        Err(e) => Err(e.into()),
    }
}

/// `POST /coop/users/{id}/grants/revoke`
pub async fn revoke(
    State(ctx): State<AppContext>,
    Path(id): Path<i64>,
    access: CoopAccess,
    form: WebForm<GrantForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.roles", "write").await?;
    let Some(role) = Role::parse(&form.value.role) else {
        return Err(AppError::NotFound.into());
    };
    let member_id = if role.is_coop() {
        None
    } else {
        grant_member(&form.value)
    };
    let back = format!("/coop/users/{id}");
    match team::revoke(
        &ctx.db,
        &scope.services().authz,
        &scope.actor(),
        id,
        role,
        member_id,
    )
    .await
    {
        Ok(_) => {}
        Err(e @ AppError::Conflict(_)) => {
            return Ok(redirect_with_flash(&back, "error", &e.message()));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect_with_flash(
        &format!("/coop/users/{id}"),
        "success",
        "Rôle retiré.",
    ))
}

#[derive(Debug, Deserialize, Default)]
pub struct StatusForm {
    #[serde(default)]
    pub disabled: String,
}

/// `POST /coop/users/{id}/status`: disable or re-enable an account.
pub async fn set_status(
    State(ctx): State<AppContext>,
    Path(id): Path<i64>,
    access: CoopAccess,
    form: WebForm<StatusForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.users", "write").await?;
    let disable = form.value.disabled == "1";
    if disable && id == scope.identity().user.id {
        return Ok(redirect_with_flash(
            &format!("/coop/users/{id}"),
            "error",
            "Vous ne pouvez pas désactiver votre propre compte.",
        ));
    }
    auth::set_disabled(&ctx.db, &scope.actor(), id, disable).await?;
    Ok(redirect_with_flash(
        &format!("/coop/users/{id}"),
        "success",
        if disable {
            "Compte désactivé : ses sessions sont fermées."
        } else {
            "Compte réactivé."
        },
    ))
}

async fn api_keys_page(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    scope: &crate::scope::CoopScope,
    new_key: Option<String>,
    errors: Value,
) -> Result<Response, PageError> {
    let rows: Vec<_> = api_keys::Entity::find()
        .order_by_desc(api_keys::Column::CreatedAt)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|k| json!({
            "id": k.id, "name": k.name, "prefix": k.prefix, "created": fr_datetime(k.created_at),
            "last_used": k.last_used_at.map(fr_datetime), "revoked": k.revoked_at.is_some(),
        }))
        .collect();
    Page::for_coop(ctx, scope, "Clés d’API", "/coop/api-keys")
        .await?
        .render(v, jar, "coop/api_keys.html", json!({"rows": rows, "new_key": new_key, "errors": errors, "can_admin": scope.can("coop.api_keys", "write").await?, "can_meters": scope.can("coop.meters", "read").await?}))
}

/// `GET /coop/api-keys`
pub async fn api_keys(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.api_keys", "read").await?;
    api_keys_page(&ctx, &v, &jar, &scope, None, json!({})).await
}

#[derive(Debug, Deserialize, Default)]
pub struct ApiKeyForm {
    #[serde(default)]
    pub name: String,
}

/// `POST /coop/api-keys`: the key is shown once, on this page only.
pub async fn create_api_key(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
    form: WebForm<ApiKeyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.api_keys", "write").await?;
    match auth::create_api_key(&ctx.db, &scope.actor(), &form.value.name).await {
        Ok((_, key)) => api_keys_page(&ctx, &v, &jar, &scope, Some(key), json!({})).await,
        Err(AppError::Validation(errs)) => {
            let mut res =
                api_keys_page(&ctx, &v, &jar, &scope, None, views::errors_map(errs)).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /coop/api-keys/{id}/revoke`
pub async fn revoke_api_key(
    State(ctx): State<AppContext>,
    Path(id): Path<i64>,
    access: CoopAccess,
    _form: WebForm<ApiKeyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.api_keys", "write").await?;
    auth::revoke_api_key(&ctx.db, &scope.actor(), id).await?;
    Ok(redirect_with_flash(
        "/coop/api-keys",
        "success",
        "Clé révoquée : elle ne permet plus d’envoyer des événements.",
    ))
}

/// `GET /coop/meters`
pub async fn meters(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.meters", "read").await?;
    let rows: Vec<_> = scope
        .services()
        .meters
        .all()
        .iter()
        .map(|m| json!({"code": m.code, "module": module_label(m.module), "label": m.label, "aggregation": m.aggregation.label(), "unit": m.unit}))
        .collect();
    Page::for_coop(&ctx, &scope, "Compteurs", "/coop/meters")
        .await?
        .render(
            &ViewEngine(v),
            &jar,
            "coop/meters.html",
            json!({"rows": rows, "can_api_keys": scope.can("coop.api_keys", "read").await?}),
        )
}

#[derive(Debug, Deserialize, Default)]
pub struct UsageQuery {
    #[serde(default)]
    pub period: String,
}

/// The month's usage table: one row per member, one column per meter.
async fn usage_table(
    ctx: &AppContext,
    scope: &crate::scope::CoopScope,
    period: &str,
) -> Result<(Month, Vec<Value>, Vec<(String, Vec<Decimal>)>), PageError> {
    let month = if period.is_empty() {
        Month::of(chrono::Utc::now())
    } else {
        Month::parse(period)?
    };
    let meters = &scope.services().meters;
    let mut totals = metering::usage_all_members(&ctx.db, meters, month).await?;
    let columns: Vec<Value> = meters
        .all()
        .iter()
        .map(|m| json!({"code": m.code, "label": m.label, "unit": m.unit}))
        .collect();
    let rows = member::list(&ctx.db)
        .await?
        .into_iter()
        .map(|mb| {
            let cells = meters
                .all()
                .iter()
                .map(|m| {
                    totals
                        .remove(&(mb.id, m.code.to_string()))
                        .map_or(Decimal::ZERO, |u| u.quantity)
                })
                .collect();
            (mb.name, cells)
        })
        .collect();
    Ok((month, columns, rows))
}

/// `GET /coop/usage?period=YYYY-MM`: every member's usage for the month (board, admin).
pub async fn usage(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<UsageQuery>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("usage", "read").await?;
    let (month, columns, rows) = usage_table(&ctx, &scope, &q.period).await?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(name, cells)| json!({"name": name, "cells": cells.into_iter().map(fr_decimal).collect::<Vec<_>>()}))
        .collect();
    let prev = month.prev();
    Page::for_coop(&ctx, &scope, "Consommation des adhérents", "/coop/usage")
        .await?
        .render(
            &ViewEngine(v),
            &jar,
            "coop/usage.html",
            json!({
                "period": month.to_string(),
                "period_label": views::month_label(month),
                "prev": prev.to_string(),
                "next": month.next().to_string(),
                "columns": columns,
                "rows": rows,
            }),
        )
}

/// `GET /coop/usage.csv?period=YYYY-MM`: the same table for a spreadsheet (`;`, decimal
/// comma, UTF-8 with BOM so that Excel reads the accents).
pub async fn usage_csv(
    State(ctx): State<AppContext>,
    Query(q): Query<UsageQuery>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("usage", "read").await?;
    let (month, columns, rows) = usage_table(&ctx, &scope, &q.period).await?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let mut header = vec!["Adhérent".to_string()];
    header.extend(columns.iter().map(|c| {
        format!(
            "{} ({})",
            c["label"].as_str().unwrap_or_default(),
            c["unit"].as_str().unwrap_or_default()
        )
    }));
    w.write_record(&header)
        .map_err(|e| AppError::Unexpected(e.into()))?;
    for (name, cells) in rows {
        let mut rec = vec![name];
        rec.extend(cells.into_iter().map(|d| d.to_string().replace('.', ",")));
        w.write_record(&rec)
            .map_err(|e| AppError::Unexpected(e.into()))?;
    }
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(
        w.into_inner()
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e.to_string())))?,
    );
    Ok(crate::web::page::download(
        "text/csv; charset=utf-8",
        &format!("consommation-{month}.csv"),
        body,
    ))
}
