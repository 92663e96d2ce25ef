//! Login, throttling, logout, password reset, CSRF, `/api/me`.
use mutualis_core::authz::Role;
use mutualis_core::testkit::PASSWORD;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn login_form_opens_a_session_and_logout_ends_it_server_side() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("alpha", &["hr"]).await;
        kit.user("dir@alpha.test", Role::Director, Some(&m)).await;

        // The login page sets the anonymous CSRF cookie and embeds the same token.
        let page = server.get("/login").await;
        assert_eq!(page.status_code(), 200);
        assert!(page.text().contains("Connexion"));
        let set_cookie = page
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(set_cookie.contains("mutualis_csrf="), "{set_cookie}");
        assert!(set_cookie.contains("HttpOnly"));

        // Without the CSRF token: refused, nothing happens.
        let res = server
            .post("/login")
            .form(&[("email", "dir@alpha.test"), ("password", PASSWORD)])
            .await;
        assert_eq!(res.status_code(), 403);

        let (k, v) = csrf_cookie();
        let res = server
            .post("/login")
            .add_header(k, v)
            .form(&[
                ("csrf", "token-abc"),
                ("email", "DIR@alpha.test"),
                ("password", PASSWORD),
                ("next", "/m/alpha"),
            ])
            .await;
        assert_eq!(res.status_code(), 303);
        assert_eq!(res.headers().get("location").unwrap(), "/m/alpha");
        let cookie = res
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let session = cookie.split(';').next().unwrap().to_string();

        let home = server
            .get("/m/alpha")
            .add_header("cookie", session.as_str())
            .await;
        assert_eq!(home.status_code(), 200);
        assert!(home.text().contains("Association alpha"));
        let csrf = home
            .text()
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();

        // An open redirect is not followed.
        let res = server
            .post("/login")
            .add_header(k, v)
            .form(&[
                ("csrf", "token-abc"),
                ("email", "dir@alpha.test"),
                ("password", PASSWORD),
                ("next", "//evil.example"),
            ])
            .await;
        assert_eq!(res.headers().get("location").unwrap(), "/");

        let out = server
            .post("/logout")
            .add_header("cookie", session.as_str())
            .form(&[("csrf", csrf.as_str())])
            .await;
        assert_eq!(out.status_code(), 303);
        // The old cookie no longer opens anything: the session is gone server-side.
        let after = server
            .get("/m/alpha")
            .add_header("cookie", session.as_str())
            .await;
        assert_eq!(after.status_code(), 303);
        assert!(
            after
                .headers()
                .get("location")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("/login")
        );
    })
    .await;
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer_then_429() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("alpha", &[]).await;
        kit.user("dir@alpha.test", Role::Director, Some(&m)).await;
        let (k, v) = csrf_cookie();
        let wrong = server
            .post("/login")
            .add_header(k, v)
            .form(&[
                ("csrf", "token-abc"),
                ("email", "dir@alpha.test"),
                ("password", "nope"),
            ])
            .await;
        let unknown = server
            .post("/login")
            .add_header(k, v)
            .form(&[
                ("csrf", "token-abc"),
                ("email", "nobody@alpha.test"),
                ("password", "nope"),
            ])
            .await;
        assert_eq!(wrong.status_code(), 401);
        assert_eq!(unknown.status_code(), 401);
        assert!(wrong.text().contains("E-mail ou mot de passe incorrect."));
        assert!(unknown.text().contains("E-mail ou mot de passe incorrect."));
        // The typed e-mail is kept in the form.
        assert!(wrong.text().contains("value=\"dir@alpha.test\""));

        // One failure of this account so far from this address; four more through the
        // API make five within a minute: the next attempt is refused with 429, even with
        // the right password.
        for _ in 0..4 {
            let r = server
                .post("/api/auth/login")
                .json(&json!({"email": "dir@alpha.test", "password": "bad"}))
                .await;
            assert_eq!(r.status_code(), 401);
            assert_eq!(
                r.json::<serde_json::Value>()["error"],
                "E-mail ou mot de passe incorrect."
            );
        }
        let r = server
            .post("/api/auth/login")
            .json(&json!({"email": "dir@alpha.test", "password": PASSWORD}))
            .await;
        assert_eq!(r.status_code(), 429);
        assert!(
            r.json::<serde_json::Value>()["error"]
                .as_str()
                .unwrap()
                .contains("Trop de tentatives")
        );

        assert_eq!(
            r.header("retry-after").to_str().unwrap(),
            mutualis_core::auth::RETRY_AFTER_SECONDS.to_string()
        );

        // Per account, whatever the address: twenty failures from twenty addresses lock
        // the account; another account from a fresh address is not affected.
        let rh = kit.user("rh@alpha.test", Role::HrOfficer, Some(&m)).await;
        for i in 0..20 {
            let ip = format!("10.0.0.{i}");
            let e =
                mutualis_core::auth::authenticate(&ctx.db, "rh@alpha.test", "bad", Some(&ip)).await;
            assert!(matches!(e, Err(mutualis_core::AppError::Unauthorized)));
        }
        let e = mutualis_core::auth::authenticate(
            &ctx.db,
            "rh@alpha.test",
            PASSWORD,
            Some("10.0.0.99"),
        )
        .await;
        assert!(matches!(e, Err(mutualis_core::AppError::TooManyRequests)));
        let other = kit.user("staff@alpha.test", Role::Staff, Some(&m)).await;
        let ok = mutualis_core::auth::authenticate(
            &ctx.db,
            "staff@alpha.test",
            PASSWORD,
            Some("10.0.0.98"),
        )
        .await;
        assert_eq!(ok.unwrap().id, other.id);
        let _ = rh;

        // A whole association behind one office router: one colleague's mistakes do not
        // lock the others out of that address (the per-address ceiling is far higher).
        let shared = "192.0.2.10";
        for _ in 0..5 {
            let e =
                mutualis_core::auth::authenticate(&ctx.db, "dir@alpha.test", "bad", Some(shared))
                    .await;
            assert!(matches!(
                e,
                Err(mutualis_core::AppError::TooManyRequests
                    | mutualis_core::AppError::Unauthorized)
            ));
        }
        let colleague = kit.user("compta@alpha.test", Role::Staff, Some(&m)).await;
        let ok =
            mutualis_core::auth::authenticate(&ctx.db, "compta@alpha.test", PASSWORD, Some(shared))
                .await;
        assert_eq!(ok.unwrap().id, colleague.id);
        // The same account from the same address is throttled after five failures.
        for _ in 0..5 {
            let _ = mutualis_core::auth::authenticate(
                &ctx.db,
                "compta@alpha.test",
                "bad",
                Some(shared),
            )
            .await;
        }
        let e =
            mutualis_core::auth::authenticate(&ctx.db, "compta@alpha.test", PASSWORD, Some(shared))
                .await;
        assert!(matches!(e, Err(mutualis_core::AppError::TooManyRequests)));
    })
    .await;
}

/// A full hour's worth of failed sign-ins from `ip`, all at `at`.
async fn past_failures(
    db: &sea_orm::DatabaseConnection,
    ip: &str,
    at: chrono::DateTime<chrono::Utc>,
) {
    use mutualis_core::entities::login_failures;
    use sea_orm::{ActiveModelTrait, Set};
    for _ in 0..mutualis_core::auth::MAX_IP_FAILURES_PER_HOUR {
        login_failures::ActiveModel {
            throttle_key: Set(format!("ip:{ip}")),
            at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
}

/// Credential stuffing: leaked pairs tried over many accounts from one address, one
/// failure per account. The address is stopped after 100 failures within a minute, and
/// after 300 within an hour however slowly they come; the accounts themselves and
/// colleagues elsewhere are not locked out.
#[tokio::test]
async fn credential_stuffing_from_one_address_is_throttled() {
    use mutualis_core::{AppError, auth::authenticate, entities::login_failures};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    run(|_server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("alpha", &[]).await;
        let victim = kit.user("dir@alpha.test", Role::Director, Some(&m)).await;
        let bot = "203.0.113.66";
        for i in 0..mutualis_core::auth::MAX_IP_FAILURES_PER_MINUTE {
            // Mostly unknown accounts, one real one: the same answer for each.
            let email = if i == 50 {
                "dir@alpha.test".to_string()
            } else {
                format!("leaked{i}@example.test")
            };
            let e = authenticate(&ctx.db, &email, "Azerty123456!", Some(bot)).await;
            assert!(matches!(e, Err(AppError::Unauthorized)), "attempt {i}");
        }
        // The next one from that address is refused before any password is checked,
        // even with a right password.
        let e = authenticate(&ctx.db, "dir@alpha.test", PASSWORD, Some(bot)).await;
        assert!(matches!(e, Err(AppError::TooManyRequests)));
        // The account itself is not locked: its owner signs in from the office.
        let ok = authenticate(&ctx.db, "dir@alpha.test", PASSWORD, Some("198.51.100.7")).await;
        assert_eq!(ok.unwrap().id, victim.id);

        // A slow attack: 300 failures within the hour, none in the last minute.
        let slow = "203.0.113.77";
        let at = chrono::Utc::now() - chrono::Duration::minutes(30);
        past_failures(&ctx.db, slow, at).await;
        let e = authenticate(&ctx.db, "dir@alpha.test", PASSWORD, Some(slow)).await;
        assert!(matches!(e, Err(AppError::TooManyRequests)));
        // Failures older than an hour no longer count, and are purged as new ones come.
        let old = "203.0.113.88";
        let long_ago = chrono::Utc::now() - chrono::Duration::minutes(90);
        past_failures(&ctx.db, old, long_ago).await;
        let e = authenticate(&ctx.db, "dir@alpha.test", "wrong-password", Some(old)).await;
        assert!(matches!(e, Err(AppError::Unauthorized)));
        let left = login_failures::Entity::find()
            .filter(login_failures::Column::ThrottleKey.eq(format!("ip:{old}")))
            .count(&ctx.db)
            .await
            .unwrap();
        assert_eq!(left, 1, "the old failures of that address were purged");
    })
    .await;
}

#[tokio::test]
async fn api_login_then_me_lists_roles_per_member() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let b = kit.member("beta", &["gdpr"]).await;
        let u = kit.user("dpo@coop.test", Role::Dpo, Some(&a)).await;
        kit.grant(&u, Role::Dpo, Some(&b)).await;
        kit.grant(&u, Role::Board, None).await;

        let r = server
            .post("/api/auth/login")
            .json(&json!({"email": "dpo@coop.test", "password": PASSWORD}))
            .await;
        assert_eq!(r.status_code(), 200);
        let token = r.json::<serde_json::Value>()["token"]
            .as_str()
            .unwrap()
            .to_string();
        let me = server.get("/api/me").authorization_bearer(&token).await;
        assert_eq!(me.status_code(), 200);
        let me: serde_json::Value = me.json();
        assert_eq!(me["user"]["email"], "dpo@coop.test");
        assert_eq!(me["coop_roles"], json!(["board"]));
        assert_eq!(me["members"]["alpha"]["roles"], json!(["dpo"]));
        assert_eq!(me["members"]["beta"]["roles"], json!(["dpo"]));

        // No token, a forged token, or a session cookie on the API: 401.
        assert_eq!(server.get("/api/me").await.status_code(), 401);
        assert_eq!(
            server
                .get("/api/me")
                .authorization_bearer("x.y.z")
                .await
                .status_code(),
            401
        );
        let web = kit.web(&u).await;
        assert_eq!(
            server
                .get("/api/me")
                .add_header("cookie", web.cookie.as_str())
                .await
                .status_code(),
            401
        );
    })
    .await;
}

#[tokio::test]
async fn password_reset_by_emailed_token() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("alpha", &[]).await;
        let u = kit.user("dir@alpha.test", Role::Director, Some(&m)).await;
        let old_session = kit.web(&u).await;
        let (k, v) = csrf_cookie();

        // Unknown address: same page, no mail.
        let r = server
            .post("/password/forgot")
            .add_header(k, v)
            .form(&[("csrf", "token-abc"), ("email", "x@y.test")])
            .await;
        assert_eq!(r.status_code(), 200);
        assert!(r.text().contains("Si un compte existe"));
        // The e-mail goes after the answer (same time for an account and for none).
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(ctx.mailer.as_ref().unwrap().deliveries().count, 0);

        // A name typed with markup stays text in the HTML part.
        {
            use sea_orm::{ActiveModelTrait, Set};
            let mut a: mutualis_core::entities::users::ActiveModel = u.clone().into();
            a.name = Set("<b>Camille</b> & Cie".to_string());
            a.update(&ctx.db).await.unwrap();
        }
        let r = server
            .post("/password/forgot")
            .add_header(k, v)
            .form(&[("csrf", "token-abc"), ("email", "dir@alpha.test")])
            .await;
        assert!(r.text().contains("Si un compte existe"));
        wait_for_mails(&ctx, 1).await;
        let mails = ctx.mailer.as_ref().unwrap().deliveries();
        assert_eq!(mails.count, 1);
        let raw = mails.messages[0].replace("=\r\n", "").replace("=3D", "=");
        assert!(
            raw.contains("&lt;b&gt;Camille&lt;/b&gt; &amp; Cie"),
            "{raw}"
        );
        assert_eq!(
            raw.matches("<b>Camille").count(),
            1,
            "only the text part has it as typed: {raw}"
        );
        let token: String = raw
            .split("token=")
            .nth(1)
            .unwrap()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert!(token.len() > 30, "{raw}");

        // Weak password refused with its field named.
        let r = server
            .post("/password/reset")
            .add_header(k, v)
            .form(&[
                ("csrf", "token-abc"),
                ("token", token.as_str()),
                ("password", "court"),
                ("password_confirm", "court"),
            ])
            .await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("au moins 12 caractères"));

        let r = server
            .post("/password/reset")
            .add_header(k, v)
            .form(&[
                ("csrf", "token-abc"),
                ("token", token.as_str()),
                ("password", "un-nouveau-mot-de-passe"),
                ("password_confirm", "un-nouveau-mot-de-passe"),
            ])
            .await;
        assert_eq!(r.status_code(), 303);
        // Old sessions are closed; the token cannot be reused.
        assert_eq!(
            web_get(&server, &old_session, "/m/alpha")
                .await
                .status_code(),
            303
        );
        let again = server
            .post("/password/reset")
            .add_header(k, v)
            .form(&[
                ("csrf", "token-abc"),
                ("token", token.as_str()),
                ("password", "encore-un-autre-mdp"),
                ("password_confirm", "encore-un-autre-mdp"),
            ])
            .await;
        assert_eq!(again.status_code(), 422);
        let ok = server
            .post("/api/auth/login")
            .json(&json!({"email": "dir@alpha.test", "password": "un-nouveau-mot-de-passe"}))
            .await;
        assert_eq!(ok.status_code(), 200);

        // Nobody fills a mailbox with reset links: three within the hour, then the same
        // answer and nothing sent.
        let before = ctx.mailer.as_ref().unwrap().deliveries().count;
        for _ in 0..3 {
            let r = server
                .post("/password/forgot")
                .add_header(k, v)
                .form(&[("csrf", "token-abc"), ("email", "dir@alpha.test")])
                .await;
            assert!(r.text().contains("Si un compte existe"));
        }
        wait_for_mails(&ctx, before + 3).await;
        assert_eq!(
            ctx.mailer.as_ref().unwrap().deliveries().count,
            before + 2,
            "the first link and two more"
        );
    })
    .await;
}

#[tokio::test]
async fn a_disabled_account_loses_its_sessions() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("alpha", &[]).await;
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let u = kit.user("dir@alpha.test", Role::Director, Some(&m)).await;
        let s = kit.web(&u).await;
        let a = kit.web(&admin).await;
        let jwt = kit.jwt(&u);
        assert_eq!(web_get(&server, &s, "/m/alpha").await.status_code(), 200);
        let me = server.get("/api/me").authorization_bearer(&jwt).await;
        assert_eq!(me.status_code(), 200);
        let r = web_post(
            &server,
            &a,
            &format!("/coop/users/{}/status", u.id),
            &[("disabled", "1")],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        assert_eq!(web_get(&server, &s, "/m/alpha").await.status_code(), 303);
        // The token issued before stops at once too (it is checked against the account
        // on every request, not only at its expiry).
        let me = server.get("/api/me").authorization_bearer(&jwt).await;
        assert_eq!(me.status_code(), 401);
        let login = server
            .post("/api/auth/login")
            .json(&json!({"email": "dir@alpha.test", "password": PASSWORD}))
            .await;
        assert_eq!(login.status_code(), 401);
    })
    .await;
}

/// Waits (five seconds at most) until `count` e-mails were delivered: they are sent
/// after the answer.
async fn wait_for_mails(ctx: &loco_rs::app::AppContext, count: usize) {
    for _ in 0..100 {
        if ctx.mailer.as_ref().unwrap().deliveries().count >= count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
