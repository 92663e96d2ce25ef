//! Members, establishments and subscriptions through the admin pages and the API.
use mutualis_core::authz::Role;
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn a_coop_admin_creates_a_member_and_bad_input_is_named_in_french() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let s = kit.web(&admin).await;
        let bad = web_post(
            &server,
            &s,
            "/coop/members",
            &[
                ("name", "Les Mimosas"),
                ("slug", "Les Mimosas"),
                ("siren", "123456789"),
                ("address", ""),
                ("billing_email", "compta@mimosas.test"),
                ("vat_status", "exempt"),
            ],
        )
        .await;
        assert_eq!(bad.status_code(), 422);
        let text = bad.text();
        assert!(
            text.contains("clé de contrôle incorrecte"),
            "SIREN error shown"
        );
        assert!(
            text.contains("L’identifiant doit comporter"),
            "slug error shown"
        );
        assert!(text.contains("L’adresse est obligatoire."));
        // Values are kept after an error.
        assert!(text.contains("value=\"Les Mimosas\""));
        // Nothing was written.
        assert_eq!(mutualis_core::member::list(&ctx.db).await.unwrap().len(), 0);

        let ok = web_post(
            &server,
            &s,
            "/coop/members",
            &[
                ("name", "Les Mimosas"),
                ("slug", "mimosas"),
                ("siren", "732 829 320"),
                ("address", "2 rue des Fleurs, 06000 Nice"),
                ("billing_email", "compta@mimosas.test"),
                ("vat_status", "exempt"),
                ("finess", ""),
            ],
        )
        .await;
        assert_eq!(ok.status_code(), 303);
        assert_eq!(
            ok.headers().get("location").unwrap(),
            "/coop/members/mimosas"
        );
        let page = follow(&server, &s, &ok).await.text();
        assert!(
            page.contains("Adhérent « Les Mimosas » créé."),
            "flash shown"
        );
        assert!(page.contains("732829320"));
        // The same slug twice is refused with a clear message.
        let dup = web_post(
            &server,
            &s,
            "/coop/members",
            &[
                ("name", "Autre"),
                ("slug", "mimosas"),
                ("siren", "552100554"),
                ("address", "x"),
                ("billing_email", "a@b.test"),
                ("vat_status", "exempt"),
            ],
        )
        .await;
        assert_eq!(dup.status_code(), 422);
        assert!(dup.text().contains("déjà utilisé"));
        // The same SIREN under another slug: one association adheres once. A route word
        // is no slug.
        for (slug, siren, says) in [
            (
                "mimosas-bis",
                "732829320",
                "déjà celui de l’adhérent « Les Mimosas »",
            ),
            ("api", "552100554", "mot réservé"),
        ] {
            let r = web_post(
                &server,
                &s,
                "/coop/members",
                &[
                    ("name", "Autre"),
                    ("slug", slug),
                    ("siren", siren),
                    ("address", "x"),
                    ("billing_email", "a@b.test"),
                    ("vat_status", "exempt"),
                ],
            )
            .await;
            assert_eq!(r.status_code(), 422, "{slug}");
            assert!(r.text().contains(says), "{slug}: {}", r.text());
        }
        assert_eq!(mutualis_core::member::list(&ctx.db).await.unwrap().len(), 1);
        // A board member reads members but cannot create one.
        let board = kit.user("ca@coop.test", Role::Board, None).await;
        let b = kit.web(&board).await;
        assert_eq!(
            web_get(&server, &b, "/coop/members").await.status_code(),
            200
        );
        let r = web_post(&server, &b, "/coop/members", &[("name", "X")]).await;
        assert_eq!(r.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn subscriptions_open_and_close_modules() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let bearer_admin = kit.bearer(&admin);
        let bearer_dir = kit.bearer(&dir);
        assert_eq!(
            api_get(&server, &bearer_dir, "/api/m/alpha/modules/hr")
                .await
                .status_code(),
            403
        );
        let r = server
            .post("/api/coop/members/alpha/subscriptions")
            .add_header("authorization", bearer_admin.as_str())
            .json(&json!({"module": "hr", "start_date": "2025-01-01"}))
            .await;
        assert_eq!(r.status_code(), 201);
        let status: Value = api_get(&server, &bearer_dir, "/api/m/alpha/modules/hr")
            .await
            .json();
        assert_eq!(status["start_date"], "2025-01-01");
        // Overlapping subscription refused.
        let r = server
            .post("/api/coop/members/alpha/subscriptions")
            .add_header("authorization", bearer_admin.as_str())
            .json(&json!({"module": "hr", "start_date": "2025-06-01"}))
            .await;
        assert_eq!(r.status_code(), 422);
        // Ending it closes the module the next day.
        let subs = mutualis_core::member::subscriptions(&ctx.db, a.id)
            .await
            .unwrap();
        let s = kit.web(&admin).await;
        let yesterday =
            (mutualis_core::time::paris_today() - chrono::Duration::days(1)).to_string();
        let r = web_post(
            &server,
            &s,
            &format!("/coop/members/alpha/subscriptions/{}/end", subs[0].id),
            &[("end_date", yesterday.as_str())],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        assert_eq!(
            api_get(&server, &bearer_dir, "/api/m/alpha/modules/hr")
                .await
                .status_code(),
            403
        );
        // A director cannot subscribe their own member.
        let r = server
            .post("/api/coop/members/alpha/subscriptions")
            .add_header("authorization", bearer_dir.as_str())
            .json(&json!({"module": "payroll", "start_date": "2025-01-01"}))
            .await;
        assert_eq!(r.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn establishments_must_belong_to_the_members_siren() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let s = kit.web(&admin).await;
        let foreign = mutualis_core::seed::luhn_complete("7328293200001");
        let r = web_post(
            &server,
            &s,
            "/coop/members/alpha/establishments",
            &[("name", "Ailleurs"), ("siret", foreign.as_str())],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        let page = follow(&server, &s, &r).await.text();
        assert!(page.contains("n’appartient pas à l’association"), "{page}");
        // Shown once: the next visit has no flash.
        assert!(
            !web_get(&server, &s, "/coop/members/alpha")
                .await
                .text()
                .contains("n’appartient pas")
        );
        assert!(
            mutualis_core::member::establishments(&ctx.db, a.id)
                .await
                .unwrap()
                .is_empty()
        );
        let own = mutualis_core::seed::luhn_complete(&format!("{}0001", a.siren));
        web_post(
            &server,
            &s,
            "/coop/members/alpha/establishments",
            &[("name", "Foyer"), ("siret", own.as_str())],
        )
        .await;
        let list = mutualis_core::member::establishments(&ctx.db, a.id)
            .await
            .unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].nic, &own[9..]);
    })
    .await;
}

#[tokio::test]
async fn meters_are_listed_for_signed_in_users() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        let u = kit.user("staff@alpha.test", Role::Staff, Some(&a)).await;
        let r = api_get(&server, &kit.bearer(&u), "/api/meters").await;
        assert_eq!(r.status_code(), 200);
        let list: Value = r.json();
        let hours = list
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["code"] == "it.support_hours")
            .unwrap();
        assert_eq!(hours["aggregation"], "sum");
        assert_eq!(hours["unit"], "heures");
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .any(|m| m["code"] == "it.tickets" && m["aggregation"] == "count")
        );
        assert_eq!(server.get("/api/meters").await.status_code(), 401);
    })
    .await;
}

/// Issue 9: nobody grants a role they do not hold; director is the coop_admin's to grant.
#[tokio::test]
async fn it_support_cannot_grant_itself_director_nor_a_role_it_does_not_hold() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let it = kit.user("it@coop.test", Role::ItSupport, Some(&a)).await;
        let s = kit.web(&it).await;
        for role in ["director", "hr_officer"] {
            let r = web_post(
                &server,
                &s,
                "/m/alpha/users",
                &[
                    ("email", "it@coop.test"),
                    ("name", ""),
                    ("password", ""),
                    ("role", role),
                ],
            )
            .await;
            assert_eq!(r.status_code(), 422, "{role}");
            assert!(r.text().contains("rôle"), "{}", r.text());
        }
        let grants = mutualis_core::scope::services(&ctx)
            .unwrap()
            .authz
            .grants_of(it.id)
            .await;
        assert_eq!(grants.len(), 1, "still it_support only: {grants:?}");
        // The role it holds, it gives (casbin's roles.it_support grant).
        let r = web_post(
            &server,
            &s,
            "/m/alpha/users",
            &[
                ("email", "it2@coop.test"),
                ("name", "Second support"),
                ("password", "Un-mot-de-passe-2026!"),
                ("role", "it_support"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        // The member's director gives the HR role; not the director role.
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let d = kit.web(&dir).await;
        let ok = web_post(
            &server,
            &d,
            "/m/alpha/users",
            &[
                ("email", "new@alpha.test"),
                ("name", "Nouvelle RH"),
                ("password", "Un-mot-de-passe-2026!"),
                ("role", "hr_officer"),
            ],
        )
        .await;
        assert_eq!(ok.status_code(), 303, "{}", ok.text());
        let no = web_post(
            &server,
            &d,
            "/m/alpha/users",
            &[
                ("email", "new@alpha.test"),
                ("name", ""),
                ("password", ""),
                ("role", "director"),
            ],
        )
        .await;
        assert_eq!(no.status_code(), 422);
        // A refused grant creates no account.
        let refused = web_post(
            &server,
            &d,
            "/m/alpha/users",
            &[
                ("email", "chef@alpha.test"),
                ("name", "Chef"),
                ("password", "Un-mot-de-passe-2026!"),
                ("role", "director"),
            ],
        )
        .await;
        assert_eq!(refused.status_code(), 422);
        assert!(
            mutualis_core::auth::find_user_by_email(&ctx.db, "chef@alpha.test")
                .await
                .unwrap()
                .is_none()
        );
    })
    .await;
}
