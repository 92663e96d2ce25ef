//! Every role's allowed and forbidden routes, cross-member isolation, module subscription.
use mutualis_core::authz::Role;

use crate::common::*;

/// (path, expected status) for one role, on the web UI.
async fn expect_web(
    server: &axum_test::TestServer,
    s: &WebSession,
    role: &str,
    cases: &[(&str, u16)],
) {
    for (path, want) in cases {
        let got = web_get(server, s, path).await.status_code().as_u16();
        assert_eq!(got, *want, "{role} GET {path}");
    }
}

#[tokio::test]
async fn every_role_sees_what_it_may_and_nothing_else() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit
            .member(
                "alpha",
                &[
                    "billing",
                    "hr",
                    "payroll",
                    "gdpr",
                    "legal",
                    "practices",
                    "it",
                ],
            )
            .await;
        let roles = [
            Role::Director,
            Role::HrOfficer,
            Role::Staff,
            Role::Dpo,
            Role::ItSupport,
            Role::PayrollOfficer,
        ];
        // Expected status per member route, in the order of `roles`.
        let table: [(&str, [u16; 6]); 14] = [
            ("/m/alpha", [200, 200, 200, 200, 200, 200]),
            ("/m/alpha/hr", [200, 200, 403, 403, 403, 403]),
            ("/m/alpha/payroll", [200, 200, 403, 403, 403, 200]),
            ("/m/alpha/gdpr", [200, 403, 403, 200, 403, 403]),
            ("/m/alpha/legal", [200, 200, 200, 200, 403, 403]),
            ("/m/alpha/practices", [200, 200, 200, 200, 403, 403]),
            ("/m/alpha/billing", [200, 403, 403, 403, 403, 403]),
            ("/m/alpha/usage", [200, 403, 403, 403, 200, 403]),
            ("/m/alpha/users", [200, 403, 403, 403, 200, 403]),
            ("/m/alpha/audit", [200, 403, 403, 403, 403, 403]),
            ("/m/alpha/it", [200, 403, 403, 403, 200, 403]),
            ("/m/alpha/it/interventions", [403, 403, 403, 403, 200, 403]),
            ("/coop/it", [403, 403, 403, 403, 200, 403]),
            ("/coop/members", [403, 403, 403, 403, 403, 403]),
        ];
        for (i, role) in roles.iter().enumerate() {
            let u = kit
                .user(&format!("{}@alpha.test", role.as_str()), *role, Some(&a))
                .await;
            let s = kit.web(&u).await;
            let cases: Vec<(&str, u16)> = table.iter().map(|(p, codes)| (*p, codes[i])).collect();
            expect_web(&server, &s, role.as_str(), &cases).await;
        }

        // Cooperative roles.
        let board = kit.user("ca@coop.test", Role::Board, None).await;
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let coop_table: [(&str, [u16; 2]); 15] = [
            ("/coop", [200, 200]),
            ("/coop/members", [200, 200]),
            ("/coop/members/alpha", [200, 200]),
            ("/coop/users", [403, 200]),
            ("/coop/api-keys", [403, 200]),
            ("/coop/meters", [200, 200]),
            ("/coop/audit", [403, 200]),
            ("/m/alpha/usage", [200, 200]),
            ("/m/alpha/billing", [200, 200]),
            ("/m/alpha/it", [200, 200]),
            ("/coop/it/settings", [200, 200]),
            // The IT desk and forms are the IT staff's.
            ("/coop/it", [403, 403]),
            ("/m/alpha/it/interventions", [403, 403]),
            // No personal records for the cooperative's roles.
            ("/m/alpha/hr", [403, 403]),
            ("/m/alpha/gdpr", [403, 403]),
        ];
        for (i, u) in [board, admin].iter().enumerate() {
            let s = kit.web(u).await;
            let cases: Vec<(&str, u16)> =
                coop_table.iter().map(|(p, codes)| (*p, codes[i])).collect();
            expect_web(&server, &s, &u.email, &cases).await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_director_of_a_never_reaches_b() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr", "billing"]).await;
        kit.member("beta", &["hr", "billing"]).await;
        let dir_a = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let s = kit.web(&dir_a).await;
        for path in [
            "/m/beta",
            "/m/beta/hr",
            "/m/beta/usage",
            "/m/beta/users",
            "/m/beta/audit",
            "/m/nowhere",
        ] {
            let r = web_get(&server, &s, path).await;
            assert_eq!(r.status_code(), 404, "GET {path}");
            assert!(
                !r.text().contains("Association beta"),
                "{path} leaks the member"
            );
        }
        let bearer = kit.bearer(&dir_a);
        for path in [
            "/api/m/beta/usage?period=2026-03",
            "/api/m/beta/modules/hr",
            "/api/m/nowhere/usage",
        ] {
            let r = api_get(&server, &bearer, path).await;
            assert_eq!(r.status_code(), 404, "GET {path}");
            assert!(!r.text().contains("beta\""), "{path}");
        }
        // Writes are refused too: granting oneself a role in beta through alpha's page
        // only ever lands in alpha.
        let r = web_post(
            &server,
            &s,
            "/m/beta/users",
            &[("email", "x@beta.test"), ("role", "director")],
        )
        .await;
        assert_eq!(r.status_code(), 404);
        // The switcher cannot open a member the user has no role in.
        assert_eq!(
            web_get(&server, &s, "/switch?member=beta")
                .await
                .status_code(),
            404
        );
    })
    .await;
}

#[tokio::test]
async fn an_unsubscribed_module_answers_403_in_french() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["billing"]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let s = kit.web(&dir).await;
        let r = web_get(&server, &s, "/m/alpha/hr").await;
        assert_eq!(r.status_code(), 403);
        assert!(
            r.text()
                .contains("n’est pas abonnée au module « Ressources humaines »"),
            "{}",
            r.text()
        );
        assert!(r.text().contains("Demandez à la coopérative"));
        let r = api_get(&server, &kit.bearer(&dir), "/api/m/alpha/modules/hr").await;
        assert_eq!(r.status_code(), 403);
        assert!(
            r.json::<serde_json::Value>()["error"]
                .as_str()
                .unwrap()
                .contains("Ressources humaines")
        );
        // Subscribed: open.
        assert_eq!(
            api_get(&server, &kit.bearer(&dir), "/api/m/alpha/modules/billing")
                .await
                .status_code(),
            200
        );
        // The navigation shows only what the user may open.
        let home = web_get(&server, &s, "/m/alpha").await.text();
        assert!(home.contains("href=\"/m/alpha/billing\""));
        assert!(!home.contains("href=\"/m/alpha/hr\""));
    })
    .await;
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let s = kit.web(&admin).await;
        let r = server
            .post("/coop/api-keys")
            .add_header("cookie", s.cookie.as_str())
            .form(&[("name", "outil"), ("csrf", "forged")])
            .await;
        assert_eq!(r.status_code(), 403);
        assert!(r.text().contains("Le formulaire a expiré"));
        let r = web_post(&server, &s, "/coop/api-keys", &[("name", "outil")]).await;
        assert_eq!(r.status_code(), 200);
        assert!(r.text().contains("mk_"));
    })
    .await;
}

#[tokio::test]
async fn grants_persist_through_the_casbin_adapter() {
    run(|_server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let u = kit.user("dpo@coop.test", Role::Dpo, Some(&a)).await;
        let svc = mutualis_core::scope::services(&ctx).unwrap();
        // A fresh enforcer loaded from the database sees the grant…
        let fresh = mutualis_core::authz::Authz::init(&ctx.db).await.unwrap();
        let dom = mutualis_core::authz::member_domain(a.id);
        assert!(
            fresh
                .allowed(u.id, &dom, "gdpr.activities", "write")
                .await
                .unwrap()
        );
        assert!(
            !fresh
                .allowed(u.id, &dom, "hr.employees", "read")
                .await
                .unwrap()
        );
        // …and no longer after a revoke written through the adapter.
        assert!(svc.authz.revoke(u.id, Role::Dpo, Some(a.id)).await.unwrap());
        let fresh = mutualis_core::authz::Authz::init(&ctx.db).await.unwrap();
        assert!(
            !fresh
                .allowed(u.id, &dom, "gdpr.activities", "write")
                .await
                .unwrap()
        );
        // A coop role cannot be granted inside a member.
        assert!(
            svc.authz
                .grant(u.id, Role::Board, Some(a.id))
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn nobody_locks_themselves_out() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let s = kit.web(&admin).await;
        let r = web_post(
            &server,
            &s,
            &format!("/coop/users/{}/grants/revoke", admin.id),
            &[("role", "coop_admin"), ("member_id", "")],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        assert!(
            follow(&server, &s, &r)
                .await
                .text()
                .contains("Vous ne pouvez pas retirer votre propre rôle")
        );
        let r = web_post(
            &server,
            &s,
            &format!("/coop/users/{}/status", admin.id),
            &[("disabled", "1")],
        )
        .await;
        assert!(
            follow(&server, &s, &r)
                .await
                .text()
                .contains("votre propre compte")
        );
        let d = kit.web(&dir).await;
        let r = web_post(
            &server,
            &d,
            "/m/alpha/users/revoke",
            &[("user_id", &dir.id.to_string()), ("role", "director")],
        )
        .await;
        assert!(
            follow(&server, &d, &r)
                .await
                .text()
                .contains("Vous ne pouvez pas retirer votre propre rôle")
        );
        // Still in place.
        let svc = mutualis_core::scope::services(&ctx).unwrap();
        assert_eq!(svc.authz.coop_roles(admin.id).await, [Role::CoopAdmin]);
        assert_eq!(svc.authz.roles_in(dir.id, a.id).await, [Role::Director]);
        // The admin can still remove the director's role.
        let r = web_post(
            &server,
            &s,
            &format!("/coop/users/{}/grants/revoke", dir.id),
            &[("role", "director"), ("member_id", &a.id.to_string())],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        assert!(svc.authz.roles_in(dir.id, a.id).await.is_empty());
    })
    .await;
}
