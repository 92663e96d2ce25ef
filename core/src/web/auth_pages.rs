//! Sign-in, sign-out, password reset, member switcher and the account page.
use axum::{
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use loco_rs::{
    app::AppContext,
    controller::views::{ViewEngine, engines::TeraView},
    mailer::Mailer,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    auth::{self, BAD_CREDENTIALS},
    authz::Role,
    error::AppError,
    member,
    scope::{ClientIp, Identity, SESSION_COOKIE, members_of, services},
    web::{
        error::PageError,
        forms::{AnonForm, Done, WebForm, anon_csrf, form_reply},
        page::{Page, redirect, redirect_with_flash},
    },
};

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    pub next: String,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

fn login_page(
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    ctx: &AppContext,
    email: &str,
    next: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let secure = services(ctx).map(|s| s.secure_cookies).unwrap_or(true);
    let (csrf, cookie) = anon_csrf(jar, secure);
    let page = Page::anonymous("Connexion", &csrf);
    let mut res = page.render(
        v,
        jar,
        "auth/login.html",
        json!({"email": email, "next": next, "error": error}),
    )?;
    *res.status_mut() = status;
    if let Some(c) = cookie
        && let Ok(h) = c.to_string().parse()
    {
        res.headers_mut().append(header::SET_COOKIE, h);
    }
    Ok(res)
}

/// `GET /login`
pub async fn login_form(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    login_page(
        &ViewEngine(v),
        &jar,
        &ctx,
        "",
        &q.next,
        None,
        StatusCode::OK,
    )
}

fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    let mut c = Cookie::new(SESSION_COOKIE, token);
    c.set_path("/");
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(secure);
    c
}

/// `POST /login`: a new session at every login.
pub async fn login(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    ClientIp(ip): ClientIp,
    form: AnonForm<LoginForm>,
) -> Result<Response, PageError> {
    let f = form.value;
    let v = ViewEngine(v);
    match auth::authenticate(&ctx.db, &f.email, &f.password, ip.as_deref()).await {
        Ok(user) => {
            // Drop any previous session presented with this request.
            if let Some(old) = jar.get(SESSION_COOKIE) {
                auth::close_session(&ctx.db, old.value()).await?;
            }
            let (token, _) = auth::open_session(&ctx.db, user.id).await?;
            let svc = services(&ctx)?;
            let jar = jar.add(session_cookie(token, svc.secure_cookies));
            Ok((jar, redirect(safe_next(&f.next))).into_response())
        }
        Err(AppError::TooManyRequests) => login_page(
            &v,
            &jar,
            &ctx,
            &f.email,
            &f.next,
            Some(&AppError::TooManyRequests.message()),
            StatusCode::TOO_MANY_REQUESTS,
        )
        .map(|mut r| {
            r.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(auth::RETRY_AFTER_SECONDS),
            );
            r
        }),
        Err(AppError::Unauthorized) => login_page(
            &v,
            &jar,
            &ctx,
            &f.email,
            &f.next,
            Some(BAD_CREDENTIALS),
            StatusCode::UNAUTHORIZED,
        ),
        Err(e) => Err(e.into()),
    }
}

/// `POST /logout`: ends the session server-side.
pub async fn logout(
    State(ctx): State<AppContext>,
    jar: CookieJar,
    _form: WebForm<crate::web::forms::EmptyForm>,
) -> Result<Response, PageError> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        auth::close_session(&ctx.db, c.value()).await?;
    }
    let mut removal = Cookie::new(SESSION_COOKIE, "");
    removal.set_path("/");
    removal.make_removal();
    let res = redirect_with_flash("/login", "success", "Vous êtes déconnecté·e.");
    Ok((jar.add(removal), res).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    pub email: String,
}

/// `GET /password/forgot`
pub async fn forgot_form(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let secure = services(&ctx)?.secure_cookies;
    let (csrf, cookie) = anon_csrf(&jar, secure);
    let res = Page::anonymous("Mot de passe oublié", &csrf).render(
        &ViewEngine(v),
        &jar,
        "auth/forgot.html",
        json!({"sent": false, "email": ""}),
    )?;
    Ok(match cookie {
        Some(c) => (CookieJar::new().add(c), res).into_response(),
        None => res,
    })
}

/// The password-reset e-mail.
#[derive(Debug)]
pub struct AuthMailer;
impl Mailer for AuthMailer {}

/// `POST /password/forgot`: the same answer whether or not the account exists.
pub async fn forgot(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    form: AnonForm<ForgotForm>,
) -> Result<Response, PageError> {
    // The lookup, the token and the e-mail happen after the answer: an address with an
    // account and one without take the same time to answer (no enumeration by timing).
    let email = form.value.email.clone();
    let job_ctx = ctx.clone();
    tokio::spawn(async move {
        let ctx = job_ctx;
        let sent: crate::AppResult<()> = async {
        if let Some((user, token)) = auth::start_password_reset(&ctx.db, &email).await? {
            let link = format!(
                "{}/password/reset?token={token}",
                ctx.config.server.full_url()
            );
            let text = format!(
                "Bonjour {},\n\nPour choisir un nouveau mot de passe Mutualis, ouvrez ce lien (valable une heure) :\n{link}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message.\n",
                user.name
            );
            let email = crate::mail::email(
                "Mutualis <ne-pas-repondre@mutualis.example>",
                &user.email,
                "Réinitialisation de votre mot de passe Mutualis",
                text,
            );
            if ctx.environment == loco_rs::environment::Environment::Development {
                tracing::info!(%link, "password reset link (development only)");
            }
            AuthMailer::mail(&ctx, &email).await?;
        }
            Ok(())
        }
        .await;
        if let Err(e) = sent {
            tracing::error!(error = %e, "password reset e-mail not sent");
        }
    });
    let csrf = jar
        .get(crate::web::forms::CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    Page::anonymous("Mot de passe oublié", &csrf).render(
        &ViewEngine(v),
        &jar,
        "auth/forgot.html",
        json!({"sent": true, "email": form.value.email}),
    )
}

#[derive(Debug, Deserialize, Default)]
pub struct ResetQuery {
    #[serde(default)]
    pub token: String,
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

/// `GET /password/reset?token=…`
pub async fn reset_form(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<ResetQuery>,
) -> Result<Response, PageError> {
    let secure = services(&ctx)?.secure_cookies;
    let (csrf, cookie) = anon_csrf(&jar, secure);
    let res = Page::anonymous("Nouveau mot de passe", &csrf).render(
        &ViewEngine(v),
        &jar,
        "auth/reset.html",
        json!({"token": q.token, "errors": {}}),
    )?;
    Ok(match cookie {
        Some(c) => (CookieJar::new().add(c), res).into_response(),
        None => res,
    })
}

/// `POST /password/reset`
pub async fn reset(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    form: AnonForm<ResetForm>,
) -> Result<Response, PageError> {
    let f = form.value;
    let result = if f.password == f.password_confirm {
        auth::finish_password_reset(&ctx.db, &f.token, &f.password).await
    } else {
        Err(AppError::field(
            "password_confirm",
            "Les deux mots de passe ne sont pas identiques.",
        ))
    };
    form_reply(
        result,
        |_| {
            Done::new(
                "/login",
                "Mot de passe modifié. Connectez-vous avec le nouveau mot de passe.",
            )
        },
        |errors| {
            let csrf = jar
                .get(crate::web::forms::CSRF_COOKIE)
                .map(|c| c.value().to_string())
                .unwrap_or_default();
            std::future::ready(
                Page::anonymous("Nouveau mot de passe", &csrf).render_with_status(
                    &ViewEngine(v),
                    &jar,
                    "auth/reset.html",
                    json!({"token": f.token, "errors": errors}),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, Default)]
pub struct SwitchQuery {
    #[serde(default)]
    pub member: String,
}

/// `GET /switch?member=slug`: remembers the chosen member and opens its home page.
pub async fn switch(
    State(ctx): State<AppContext>,
    id: Identity,
    Query(q): Query<SwitchQuery>,
) -> Result<Response, PageError> {
    let svc = services(&ctx)?;
    let mine = members_of(&ctx, &svc.authz, id.user.id).await?;
    let Some(m) = mine.into_iter().find(|m| m.slug == q.member) else {
        return Err(AppError::NotFound.into());
    };
    if let Some(s) = &id.session {
        auth::set_session_member(&ctx.db, s, &m.slug).await?;
    }
    Ok(redirect(&format!("/m/{}", m.slug)))
}

async fn me_page(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    id: &Identity,
    errors: serde_json::Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let svc = services(ctx)?;
    let grants = svc.authz.grants_of(id.user.id).await;
    let members = member::list(&ctx.db).await?;
    let rows: Vec<_> = grants
        .iter()
        .map(|g| {
            let m = g
                .member_id
                .and_then(|mid| members.iter().find(|m| m.id == mid));
            json!({
                "role": g.role.label(),
                "where": m.map_or("Coopérative".to_string(), |m| m.name.clone()),
                "href": m.map(|m| format!("/m/{}", m.slug)),
            })
        })
        .collect();
    Page::new(ctx, id, "Mon compte", "/me")
        .await?
        .render_with_status(
            v,
            jar,
            "auth/me.html",
            json!({"grants": rows, "errors": errors, "min_length": auth::MIN_PASSWORD_LENGTH}),
            status,
        )
}

/// `GET /me`: the account page with every role the user holds and the password form.
pub async fn me(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    id: Identity,
) -> Result<Response, PageError> {
    me_page(&ctx, &v, &jar, &id, json!({}), StatusCode::OK).await
}

/// `POST /me/password`: changes the password (current one checked, under the sign-in
/// throttle); the user's other sessions end, this one stays.
pub async fn change_password(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    ClientIp(ip): ClientIp,
    form: WebForm<auth::PasswordChange>,
) -> Result<Response, PageError> {
    let id = form.identity;
    let keep = id
        .session
        .as_ref()
        .map(|s| s.token_hash.clone())
        .unwrap_or_default();
    let result =
        auth::change_password(&ctx.db, id.user.id, &keep, &form.value, ip.as_deref()).await;
    if matches!(result, Err(AppError::TooManyRequests)) {
        let errors = json!({"current_password": AppError::TooManyRequests.message()});
        let mut res = me_page(&ctx, &v, &jar, &id, errors, StatusCode::TOO_MANY_REQUESTS).await?;
        res.headers_mut().insert(
            header::RETRY_AFTER,
            axum::http::HeaderValue::from(auth::RETRY_AFTER_SECONDS),
        );
        return Ok(res);
    }
    form_reply(
        result,
        |ended| {
            Done::new(
                "/me",
                if *ended > 0 {
                    "Mot de passe modifié. Vos autres sessions ouvertes ont été fermées."
                } else {
                    "Mot de passe modifié."
                },
            )
        },
        |errors| {
            me_page(
                &ctx,
                &v,
                &jar,
                &id,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `GET /`: the home page of each role: a card for the cooperative's pages and one per
/// member, each shown only when casbin lets the user open its target (the
/// cooperative's first page, the member's home: `member.profile` read).
pub async fn home(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    id: Identity,
) -> Result<Response, PageError> {
    let svc = services(&ctx)?;
    let uid = id.user.id;
    let coop_href = crate::web::page::coop_entry(&ctx, uid).await?;
    let coop_roles = svc.authz.coop_roles(uid).await;
    let mut open = Vec::new();
    for m in members_of(&ctx, &svc.authz, uid).await? {
        let domain = crate::authz::member_domain(m.id);
        if svc
            .authz
            .allowed(uid, &domain, "member.profile", "read")
            .await?
            || svc
                .authz
                .allowed(uid, crate::authz::COOP, "member.profile", "read")
                .await?
        {
            open.push(m);
        }
    }
    let served: Vec<Value> = crate::web::page::served_entries(&ctx, uid)
        .await?
        .into_iter()
        .map(|(label, href)| json!({"label": label, "href": href}))
        .collect();
    if coop_href.is_none()
        && served.is_empty()
        && open.len() == 1
        && let Some(m) = open.first()
    {
        return Ok(redirect(&format!("/m/{}", m.slug)));
    }
    let mut cards = Vec::new();
    for m in &open {
        let roles: Vec<&str> = svc
            .authz
            .roles_in(uid, m.id)
            .await
            .into_iter()
            .map(Role::label)
            .collect();
        cards.push(
            json!({"name": m.name, "href": format!("/m/{}", m.slug), "roles": roles.join(", ")}),
        );
    }
    let coop: Vec<&str> = coop_roles.into_iter().map(Role::label).collect();
    Page::new(&ctx, &id, "Accueil", "/").await?.render(
        &ViewEngine(v),
        &jar,
        "home.html",
        json!({"cards": cards, "coop_href": coop_href, "coop_roles": coop.join(", "), "served": served, "name": id.user.name}),
    )
}
