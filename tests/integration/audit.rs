//! The audit log: every change written, hash chain detecting an edited row, visibility.
use mutualis_core::{
    audit::{self, ChainReport},
    authz::Role,
};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn the_chain_detects_an_edited_row() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let s = kit.web(&admin).await;
        // Some activity: an establishment and a subscription through the UI.
        let siret = mutualis_core::seed::luhn_complete(&format!("{}0001", a.siren));
        let r = web_post(
            &server,
            &s,
            "/coop/members/alpha/establishments",
            &[("name", "Foyer"), ("siret", siret.as_str())],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        let ChainReport::Intact { rows } = audit::verify(&ctx.db).await.unwrap() else {
            panic!("chain should be intact");
        };
        assert!(rows >= 4, "{rows}");
        // The establishment creation was audited, with who and which member.
        let (entries, _) = audit::page(&ctx.db, Some(a.id), 50, 0).await.unwrap();
        let e = entries
            .iter()
            .find(|e| e.object_type == "establishment")
            .unwrap();
        assert_eq!(e.actor, "admin@coop.test");
        assert_eq!(e.action, "create");

        // Someone edits a row directly in the database…
        let backend = ctx.db.get_database_backend();
        ctx.db
            .execute_raw(sea_orm::Statement::from_string(
                backend,
                format!(
                    "UPDATE audit_log SET actor = 'quelqu-un' WHERE seq = {}",
                    e.seq
                ),
            ))
            .await
            .unwrap();
        assert_eq!(
            audit::verify(&ctx.db).await.unwrap(),
            ChainReport::Broken {
                seq: e.seq,
                reason: "le contenu de la ligne a été modifié".to_string()
            }
        );
        // …and the coop admin sees it on the audit page.
        let page = web_get(&server, &s, "/coop/audit?verify=1").await.text();
        assert!(
            page.contains(&format!("Chaîne rompue à la ligne {}", e.seq)),
            "{page}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_deleted_row_breaks_the_chain_too() {
    run(|_server, ctx| async move {
        let kit = TestKit::new(&ctx);
        kit.member("alpha", &["hr", "gdpr"]).await;
        let backend = ctx.db.get_database_backend();
        ctx.db
            .execute_raw(sea_orm::Statement::from_string(
                backend,
                "DELETE FROM audit_log WHERE seq = 2".to_string(),
            ))
            .await
            .unwrap();
        let ChainReport::Broken { seq, .. } = audit::verify(&ctx.db).await.unwrap() else {
            panic!("a missing row must break the chain");
        };
        assert_eq!(seq, 2);
    })
    .await;
}

#[tokio::test]
async fn a_director_sees_only_their_members_log() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &[]).await;
        kit.member("beta", &[]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let s = kit.web(&dir).await;
        let page = web_get(&server, &s, "/m/alpha/audit").await;
        assert_eq!(page.status_code(), 200);
        let text = page.text();
        // Exactly alpha's entries: as many as the log holds for alpha, none of beta's
        // (beta's creation names "Association beta", which nothing else on the page does).
        let (_, alpha_total) = audit::page(&ctx.db, Some(a.id), 50, 0).await.unwrap();
        let (_, all_total) = audit::page(&ctx.db, None, 50, 0).await.unwrap();
        assert!(alpha_total >= 1 && all_total > alpha_total);
        assert!(text.contains(&format!("<p>{alpha_total} entrée")), "{text}");
        assert!(
            !text.contains("Association beta"),
            "beta's entries leak into alpha's log"
        );
        assert_eq!(web_get(&server, &s, "/coop/audit").await.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn concurrent_appends_keep_one_chain() {
    run(|_server, ctx| async move {
        let actor = mutualis_core::audit::Actor::system("test");
        let mut tasks = Vec::new();
        for i in 0..16 {
            let db = ctx.db.clone();
            let actor = actor.clone();
            tasks.push(tokio::spawn(async move {
                audit::record(
                    &db,
                    &actor,
                    None,
                    "test",
                    &i.to_string(),
                    "create",
                    json!({"i": i}),
                )
                .await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(
            audit::verify(&ctx.db).await.unwrap(),
            ChainReport::Intact { rows: 16 }
        );
    })
    .await;
}
