//! "Mon compte": changing one's password (current one checked under the sign-in
//! throttle, other sessions ended, audited).
use mutualis_core::{audit, auth, authz::Role, testkit::PASSWORD};

use crate::common::*;

const NEW: &str = "une phrase de passe neuve";

async fn password_changes(ctx: &loco_rs::app::AppContext) -> usize {
    let (rows, _) = audit::page(&ctx.db, None, 1000, 0).await.unwrap();
    rows.iter()
        .filter(|r| r.object_type == "user" && r.action == "password_change")
        .count()
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("alpha", &[]).await;
        let u = kit.user("dir@alpha.test", Role::Director, Some(&m)).await;
        let s = kit.web(&u).await;
        let other = kit.web(&u).await;

        let page = web_get(&server, &s, "/me").await;
        assert_eq!(page.status_code(), 200);
        let text = page.text();
        assert!(text.contains("Changer de mot de passe"), "{text}");
        assert!(text.contains("name=\"current_password\""));

        let r = web_post(
            &server,
            &s,
            "/me/password",
            &[
                ("current_password", "pas le bon mot de passe"),
                ("password", NEW),
                ("password_confirm", NEW),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        let text = r.text();
        assert!(
            text.contains("Le mot de passe actuel est incorrect."),
            "{text}"
        );
        assert!(text.contains("href=\"#champ-current_password\""), "{text}");
        // Nothing changed: the old password still signs in, the other session lives,
        // nothing was audited.
        assert!(
            auth::authenticate(&ctx.db, "dir@alpha.test", PASSWORD, None)
                .await
                .is_ok()
        );
        assert_eq!(web_get(&server, &other, "/me").await.status_code(), 200);
        assert_eq!(password_changes(&ctx).await, 0);

        // The new password is checked too, each error under its field.
        let r = web_post(
            &server,
            &s,
            "/me/password",
            &[
                ("current_password", PASSWORD),
                ("password", "court"),
                ("password_confirm", "autre chose"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        let text = r.text();
        assert!(text.contains("au moins 12 caractères"), "{text}");
        assert!(
            text.contains("Les deux mots de passe ne sont pas identiques."),
            "{text}"
        );
        assert!(!text.contains("Le mot de passe actuel est incorrect."));
        let r = web_post(
            &server,
            &s,
            "/me/password",
            &[
                ("current_password", PASSWORD),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("différent de l’actuel"));
        assert!(
            auth::authenticate(&ctx.db, "dir@alpha.test", PASSWORD, None)
                .await
                .is_ok()
        );
        assert_eq!(password_changes(&ctx).await, 0);
    })
    .await;
}

#[tokio::test]
async fn a_change_ends_the_other_sessions_and_is_audited() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("alpha", &[]).await;
        let u = kit.user("dir@alpha.test", Role::Director, Some(&m)).await;
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let s = kit.web(&u).await;
        let laptop = kit.web(&u).await;
        let phone = kit.web(&u).await;

        let r = web_post(
            &server,
            &s,
            "/me/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW),
                ("password_confirm", NEW),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        assert_eq!(r.headers().get("location").unwrap(), "/me");
        let page = follow(&server, &s, &r).await;
        assert_eq!(page.status_code(), 200);
        assert!(
            page.text()
                .contains("Mot de passe modifié. Vos autres sessions ouvertes ont été fermées."),
            "{}",
            page.text()
        );

        // This session goes on; the two others are over (back to the sign-in page).
        assert_eq!(web_get(&server, &s, "/me").await.status_code(), 200);
        for other in [&laptop, &phone] {
            let r = web_get(&server, other, "/me").await;
            assert_eq!(r.status_code(), 303);
            assert!(
                r.headers()
                    .get("location")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with("/login")
            );
        }
        // The new password signs in, the old one no longer does.
        assert!(
            auth::authenticate(&ctx.db, "dir@alpha.test", NEW, None)
                .await
                .is_ok()
        );
        assert!(
            auth::authenticate(&ctx.db, "dir@alpha.test", PASSWORD, None)
                .await
                .is_err()
        );

        // Audited, with who and how many sessions ended, and readable in French.
        let (rows, _) = audit::page(&ctx.db, None, 1000, 0).await.unwrap();
        let row = rows
            .iter()
            .find(|r| r.action == "password_change")
            .expect("the change is audited");
        assert_eq!(row.actor, "dir@alpha.test");
        assert_eq!(row.object_id, u.id.to_string());
        let d = audit::labels::describe(row);
        assert_eq!(d.action, "Changement du mot de passe");
        assert_eq!(d.details_line(), "Autres sessions fermées : 2");
        let log = web_get(&server, &kit.web(&admin).await, "/coop/audit").await;
        assert!(log.text().contains("Changement du mot de passe"));
    })
    .await;
}

#[tokio::test]
async fn wrong_current_passwords_meet_the_sign_in_throttle() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("alpha", &[]).await;
        let u = kit.user("dir@alpha.test", Role::Director, Some(&m)).await;
        let s = kit.web(&u).await;
        for i in 0..auth::MAX_FAILURES_PER_MINUTE {
            let guess = format!("devinette numéro {i}");
            let r = web_post(
                &server,
                &s,
                "/me/password",
                &[
                    ("current_password", guess.as_str()),
                    ("password", NEW),
                    ("password_confirm", NEW),
                ],
            )
            .await;
            assert_eq!(r.status_code(), 422, "attempt {i}");
        }
        // Even the right password is refused now, and nothing changes.
        let r = web_post(
            &server,
            &s,
            "/me/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW),
                ("password_confirm", NEW),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 429);
        assert_eq!(r.headers().get("retry-after").unwrap(), "60");
        assert!(r.text().contains("Trop de tentatives"), "{}", r.text());
        assert_eq!(password_changes(&ctx).await, 0);
        // The guesses count against the account's sign-in as well.
        let (k, v) = csrf_cookie();
        let login = server
            .post("/login")
            .add_header(k, v)
            .form(&[
                ("csrf", "token-abc"),
                ("email", "dir@alpha.test"),
                ("password", PASSWORD),
            ])
            .await;
        assert_eq!(login.status_code(), 429);
    })
    .await;
}
