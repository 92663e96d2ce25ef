//! The practice exchange between readers, through the router: comments on published
//! sheets (who writes, who deletes, on the page with their French date), “utile” marks,
//! the `practices.active_readers` meter; the news since the last visit and the monthly
//! digest (to whom, once).
use chrono::{Duration, Utc};
use mutualis_core::{authz::Role, time::Month};
use mutualis_practices::entities::{practices_readers, practices_sheets};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::common::*;

async fn call(
    server: &axum_test::TestServer,
    method: &str,
    bearer: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let r = match method {
        "GET" => server.get(path),
        "DELETE" => server.delete(path),
        _ => server.post(path).json(&body),
    }
    .add_header("authorization", bearer)
    .await;
    let status = r.status_code().as_u16();
    let text = r.text();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A sheet of `member` written by `author`, published by `moderator`; its id.
async fn published(
    server: &axum_test::TestServer,
    author: &str,
    moderator: &str,
    member: &str,
    title: &str,
) -> String {
    let (s, v) = call(server, "POST", author, "/api/practices/sheets", json!({"member": member, "title": title, "summary": format!("Résumé : {title}."), "body": "Le **contenu**.", "themes": ["salaries"]})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let one = format!("/api/practices/sheets/{id}");
    assert_eq!(
        call(server, "POST", author, &format!("{one}/submit"), json!({}))
            .await
            .0,
        200
    );
    assert_eq!(
        call(
            server,
            "POST",
            moderator,
            &format!("{one}/publish"),
            json!({})
        )
        .await
        .0,
        200
    );
    id
}

#[tokio::test]
async fn readers_comment_mark_useful_and_are_counted_once_a_month() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["practices"]).await;
        let b = kit.member("beta", &["practices"]).await;
        let author_u = kit.user("staff@alpha.test", Role::Staff, Some(&a)).await;
        let author = kit.bearer(&author_u);
        let dir_a = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let dir_b = kit.bearer(&kit.user("dir@beta.test", Role::Director, Some(&b)).await);
        let moderator = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        let id = published(&server, &author, &moderator, "alpha", "Accueillir un bénévole").await;
        let one = format!("/api/practices/sheets/{id}");
        let (s, v) = call(&server, "POST", &author, "/api/practices/sheets", json!({"member": "alpha", "title": "Brouillon", "summary": "Pas fini.", "body": "…", "themes": ["salaries"]})).await;
        assert_eq!(s, 201, "{v}");
        let draft = format!("/api/practices/sheets/{}", v["id"].as_str().unwrap());

        // Comments: on published sheets only, a note's length, the field named.
        let (s, v) = call(&server, "POST", &author, &format!("{draft}/comments"), json!({"body": "Moi-même"})).await;
        assert_eq!(s, 409, "{v}");
        assert!(v["error"].as_str().unwrap().contains("publiées"), "{v}");
        let (s, v) = call(&server, "POST", &dir_b, &format!("{draft}/comments"), json!({"body": "x"})).await;
        assert_eq!(s, 404, "another member's draft is not seen: {v}");
        for bad in ["   ", &"a".repeat(5_001)] {
            let (s, v) = call(&server, "POST", &dir_b, &format!("{one}/comments"), json!({"body": bad})).await;
            assert_eq!((s, v["errors"][0]["field"].as_str()), (422, Some("body")), "{v}");
        }
        let (s, v) = call(&server, "POST", &dir_b, &format!("{one}/comments"), json!({"body": "Nous faisons pareil, merci !"})).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!((v["author"].as_str(), v["member"].as_str(), v["can_delete"].as_bool()), (Some("dir"), Some("Association beta"), Some(true)), "{v}");
        let by_b = v["id"].as_str().unwrap().to_string();
        let (s, v) = call(&server, "POST", &moderator, &format!("{one}/comments"), json!({"body": "Bravo."})).await;
        assert_eq!((s, &v["member"]), (201, &Value::Null), "{v}");
        let by_moderator = v["id"].as_str().unwrap().to_string();
        let (s, v) = call(&server, "GET", &author, &format!("{one}/comments"), json!({})).await;
        assert_eq!(s, 200);
        let seen: Vec<(&str, bool)> = v.as_array().unwrap().iter().map(|c| (c["body"].as_str().unwrap(), c["can_delete"].as_bool().unwrap())).collect();
        assert_eq!(seen, [("Nous faisons pareil, merci !", false), ("Bravo.", false)]);
        // Deleting: not someone else's (403), its author's own, any for a moderator.
        assert_eq!(call(&server, "DELETE", &author, &format!("{one}/comments/{by_b}"), json!({})).await.0, 403);
        assert_eq!(call(&server, "DELETE", &dir_b, &format!("{one}/comments/{by_moderator}"), json!({})).await.0, 403);
        assert_eq!(call(&server, "DELETE", &moderator, &format!("{one}/comments/{by_b}"), json!({})).await.0, 204);
        assert_eq!(call(&server, "DELETE", &moderator, &format!("{one}/comments/{by_b}"), json!({})).await.0, 404);
        assert_eq!(call(&server, "DELETE", &moderator, &format!("{draft}/comments/{by_moderator}"), json!({})).await.0, 404, "a comment is deleted through its own sheet");

        // “Utile”: one per user, a toggle; the sheet's body says it.
        assert_eq!(call(&server, "POST", &dir_b, &format!("{draft}/useful"), json!({})).await.0, 404);
        assert_eq!(call(&server, "POST", &author, &format!("{draft}/useful"), json!({})).await.0, 409);
        for _ in 0..2 {
            let (s, v) = call(&server, "POST", &dir_b, &format!("{one}/useful"), json!({})).await;
            assert_eq!((s, v), (200, json!({"useful_count": 1, "marked_useful": true})));
        }
        let (_, v) = call(&server, "POST", &dir_a, &format!("{one}/useful"), json!({})).await;
        assert_eq!(v["useful_count"], 2);
        let (_, v) = call(&server, "DELETE", &dir_a, &format!("{one}/useful"), json!({})).await;
        assert_eq!(v, json!({"useful_count": 1, "marked_useful": false}));
        let (s, v) = call(&server, "GET", &dir_b, &one, json!({})).await;
        assert_eq!((s, &v["useful_count"], &v["marked_useful"]), (200, &json!(1), &json!(true)), "{v}");
        let uuid = uuid::Uuid::parse_str(&id).unwrap();
        let counts = mutualis_practices::social::useful_counts(&ctx.db, &[uuid, uuid::Uuid::now_v7()]).await.unwrap();
        assert_eq!(counts.into_iter().collect::<Vec<_>>(), [(uuid, 1)]);
        // The search follows the marks: of two sheets alike, the one found useful ranks
        // first (the other is even a little newer).
        let twin = published(&server, &author, &moderator, "alpha", "Accueillir un bénévole").await;
        let (_, v) = call(&server, "GET", &dir_a, "/api/practices/search?q=benevole", json!({})).await;
        let score = |sheet: &str| v["hits"].as_array().unwrap().iter().find(|h| h["id"] == sheet).map(|h| h["score"].as_f64().unwrap()).unwrap();
        assert!(score(&id) > score(&twin), "{v}");

        // The page: the comment with its author, member and French date; a comment
        // refused shows the form again with its error; the author deletes their own.
        let web = kit.web(&author_u).await;
        let page = format!("/m/alpha/practices/sheets/{id}");
        let r = web_post(&server, &web, &format!("{page}/comments"), &[("body", " ")]).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("Écrivez votre commentaire."), "{}", r.text());
        let r = web_post(&server, &web, &format!("{page}/comments"), &[("body", "Nous l’avons écrite à deux.")]).await;
        assert_eq!(r.status_code(), 303);
        let html = follow(&server, &web, &r).await.text();
        assert!(html.contains("Commentaire publié."), "{html}");
        assert!(html.contains("Nous l’avons écrite à deux.") && html.contains("Association alpha") && html.contains("Bravo."), "{html}");
        let today = mutualis_practices::social::fr_long_date(Utc::now());
        assert!(html.contains(&format!("le {today} à ")), "{html}");
        assert!(html.contains("1 personne la trouve utile."), "{html}");
        assert_eq!(html.matches("/delete\"").count(), 1, "only their own comment has a delete button");
        let r = web_post(&server, &web, &format!("{page}/useful"), &[("on", "1")]).await;
        assert_eq!(r.status_code(), 303);
        assert!(follow(&server, &web, &r).await.text().contains("2 personnes la trouvent utile."));

        // The meter: alpha's author opened the page (twice), alpha's director the API:
        // 2 readers for alpha this month; beta's director, 1 for beta; the moderator, none.
        for _ in 0..2 {
            assert_eq!(web_get(&server, &web, &page).await.status_code(), 200);
        }
        for who in [&dir_a, &dir_a, &moderator] {
            assert_eq!(call(&server, "GET", who, &one, json!({})).await.0, 200);
        }
        assert_eq!(call(&server, "GET", &author, &draft, json!({})).await.0, 200);
        let svc = mutualis_core::scope::services(&ctx).unwrap();
        let month = Month::of(Utc::now());
        let readers = |usage: Vec<mutualis_core::metering::MeterUsage>| {
            let u = usage.into_iter().find(|u| u.meter == "practices.active_readers").unwrap();
            (u.quantity.normalize().to_string(), u.events)
        };
        let alpha = mutualis_core::metering::usage_for_month(&ctx.db, &svc.meters, a.id, month).await.unwrap();
        assert_eq!(readers(alpha), ("2".to_string(), 2));
        let beta = mutualis_core::metering::usage_for_month(&ctx.db, &svc.meters, b.id, month).await.unwrap();
        assert_eq!(readers(beta), ("1".to_string(), 1));
    })
    .await;
}

#[tokio::test]
async fn news_since_the_last_visit_and_the_monthly_digest() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["practices"]).await;
        let b = kit.member("beta", &["practices"]).await;
        let author_u = kit.user("staff@alpha.test", Role::Staff, Some(&a)).await;
        let author = kit.bearer(&author_u);
        let reader_u = kit.user("dir@beta.test", Role::Director, Some(&b)).await;
        let reader = kit.bearer(&reader_u);
        let moderator = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        let web = kit.web(&reader_u).await;

        // First visit: a welcome, no news; the API says since when.
        let html = web_get(&server, &web, "/m/beta/practices").await.text();
        assert!(html.contains("Bienvenue") && !html.contains("depuis votre dernière visite"), "{html}");
        let (s, v) = call(&server, "GET", &reader, "/api/practices/news", json!({})).await;
        assert_eq!((s, v["sheets"].as_array().map(Vec::len)), (200, Some(0)), "{v}");
        assert!(v["since"].is_string(), "{v}");

        // Two hours later, a sheet was published meanwhile.
        let row = practices_readers::Entity::find()
            .filter(practices_readers::Column::UserId.eq(reader_u.id))
            .one(&ctx.db).await.unwrap().unwrap();
        let mut back: practices_readers::ActiveModel = row.into();
        back.last_visit_at = Set(Some(Utc::now() - Duration::hours(2)));
        back.update(&ctx.db).await.unwrap();
        let id = published(&server, &author, &moderator, "alpha", "Le cahier de liaison").await;
        let (_, v) = call(&server, "GET", &reader, "/api/practices/news", json!({})).await;
        assert_eq!((v["sheets"][0]["id"].as_str(), v["sheets"][0]["member"].as_str()), (Some(id.as_str()), Some("alpha")), "{v}");
        let html = web_get(&server, &web, "/m/beta/practices").await.text();
        assert!(html.contains("1 nouvelle fiche depuis votre dernière visite, "), "{html}");
        assert!(html.contains("Le cahier de liaison") && html.contains("Association alpha"), "{html}");
        // A reload keeps the block.
        assert!(web_get(&server, &web, "/m/beta/practices").await.text().contains("1 nouvelle fiche depuis"));

        // The digest: the reader opts in; the author opts in, then out.
        let r = web_post(&server, &web, "/m/beta/practices/preferences", &[("digest", "on")]).await;
        assert_eq!(r.status_code(), 303);
        assert!(follow(&server, &web, &r).await.text().contains("vous recevrez chaque mois"));
        let web_author = kit.web(&author_u).await;
        assert_eq!(web_post(&server, &web_author, "/m/alpha/practices/preferences", &[("digest", "on")]).await.status_code(), 303);
        assert_eq!(web_post(&server, &web_author, "/m/alpha/practices/preferences", &[]).await.status_code(), 303);
        let html = web_get(&server, &web, "/m/beta/practices").await.text();
        assert!(html.contains("name=\"digest\" value=\"on\" checked"), "{html}");

        // The sheet counts for last month (Paris); a draft never does.
        let last = Month::of(Utc::now()).prev();
        let (start, _) = last.utc_window();
        let sheet = practices_sheets::Entity::find()
            .filter(practices_sheets::Column::Id.eq(uuid::Uuid::parse_str(&id).unwrap()))
            .one(&ctx.db).await.unwrap().unwrap();
        let mut s: practices_sheets::ActiveModel = sheet.into();
        s.published_at = Set(Some(start + Duration::days(3)));
        s.update(&ctx.db).await.unwrap();
        call(&server, "POST", &author, "/api/practices/sheets", json!({"member": "alpha", "title": "Brouillon secret", "summary": "Pas fini.", "body": "…", "themes": ["salaries"]})).await;

        let svc = mutualis_core::scope::services(&ctx).unwrap();
        let mails = || ctx.mailer.as_ref().unwrap().deliveries();
        let before = mails().count;
        let sent = mutualis_practices::digest::send_digests(&ctx, &svc, last).await.unwrap();
        assert_eq!(sent, ["dir@beta.test"]);
        let d = mails();
        assert_eq!(d.count - before, 1);
        let body = d.messages.join("\n").replace("=\r\n", "");
        assert!(body.contains("dir@beta.test") && body.contains("Le cahier de liaison") && !body.contains("Brouillon secret"), "{body}");
        // Never twice for a month; nothing for a month without sheets.
        assert!(mutualis_practices::digest::send_digests(&ctx, &svc, last).await.unwrap().is_empty());
        assert!(mutualis_practices::digest::send_digests(&ctx, &svc, last.prev()).await.unwrap().is_empty());
        assert_eq!(mails().count - before, 1);
    })
    .await;
}
