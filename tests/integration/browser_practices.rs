//! The practice exchange in real headless Chromium: a director searches without accents,
//! narrows by theme and opens a sheet; the cooperative's moderator publishes a sheet
//! submitted by a member, which its readers then find.
use std::net::SocketAddr;

use axum_test::TestServer;
use fantoccini::Locator;
use mutualis_core::authz::Role;
use serde_json::{Value, json};

use crate::{
    browser::{BROWSER, Browser, click, fill, flash, h1, login, serve, text, wait_path},
    common::*,
};

/// A sheet written by `bearer` for alpha, then moved through `actions` (`submit`,
/// `publish` — the latter by `moderator`).
async fn sheet(
    server: &TestServer,
    (author, moderator): (&str, &str),
    title: &str,
    body: &str,
    theme: &str,
    actions: &[&str],
) {
    let r = server
        .post("/api/practices/sheets")
        .add_header("authorization", author)
        .json(&json!({"member": "alpha", "title": title, "summary": format!("{title}, en bref."),
                      "body": body, "themes": [theme], "tags": [], "establishment_types": ["EHPAD"]}))
        .await;
    assert_eq!(r.status_code(), 201, "{}", r.text());
    let id = r.json::<Value>()["id"].as_str().unwrap().to_string();
    for a in actions {
        let who = if *a == "submit" { author } else { moderator };
        let r = server
            .post(&format!("/api/practices/sheets/{id}/{a}"))
            .add_header("authorization", who)
            .json(&json!({"comment": ""}))
            .await;
        assert_eq!(r.status_code(), 200, "{a}: {}", r.text());
    }
}

#[tokio::test]
async fn a_director_finds_a_sheet_without_accents_and_a_moderator_publishes_one() {
    let _one = BROWSER.lock().await;
    let (boot, _db) = boot().await;
    let ctx = boot.app_context.clone();
    let kit = TestKit::new(&ctx);
    let a = kit.member("alpha", &["practices"]).await;
    let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
    let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
    kit.user("moderation@coop.test", Role::Moderator, None)
        .await;
    let router = boot.router.clone().unwrap();
    let server = TestServer::new(
        router
            .clone()
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .unwrap();
    let who = (dir.as_str(), admin.as_str());
    sheet(
        &server,
        who,
        "Accueillir les bénévoles en EHPAD",
        "Un bénévole référent par étage.",
        "personnes_accompagnees",
        &["submit", "publish"],
    )
    .await;
    sheet(
        &server,
        who,
        "Former les bénévoles à l’écoute",
        "Deux demi-journées pour chaque bénévole.",
        "formation",
        &["submit", "publish"],
    )
    .await;
    sheet(
        &server,
        who,
        "Le tutorat des apprentis",
        "Un tuteur par apprenti, une heure par semaine.",
        "formation",
        &["submit"],
    )
    .await;
    let base = serve(router).await;

    // The director: the exchange from the navigation, words typed without accents.
    let browser = Browser::start().await;
    let c = &browser.client;
    login(c, &base, "dir@alpha.test").await;
    click(c, "nav.sidenav a[href='/m/alpha/practices']").await;
    wait_path(c, "/m/alpha/practices").await;
    assert_eq!(h1(c).await, "Échange de pratiques");
    fill(c, "#champ-q", "benevoles").await;
    click(c, "form[role=search] button[type=submit]").await;
    let found = c
        .wait()
        .for_element(Locator::XPath("//h2[@id='resultats'][text()='2 fiches']"))
        .await;
    assert!(found.is_ok(), "{}", text(c, "main").await);
    let hits = text(c, "main section").await;
    assert!(
        hits.contains("Accueillir les bénévoles en EHPAD") && hits.contains("Former les bénévoles"),
        "{hits}"
    );
    // Narrowed by a theme from the counts beside the results.
    let aside = text(c, "main aside").await;
    assert!(
        aside.contains("Personnes accompagnées (1)") && aside.contains("Formation (1)"),
        "{aside}"
    );
    click(c, "main aside a[href*='theme=formation']").await;
    c.wait()
        .for_element(Locator::XPath("//h2[@id='resultats'][text()='1 fiche']"))
        .await
        .unwrap();
    assert!(text(c, "main").await.contains("Thème : Formation"));
    click(c, "main article h3 a").await;
    c.wait()
        .for_element(Locator::Css("main article.card"))
        .await
        .unwrap();
    assert_eq!(h1(c).await, "Former les bénévoles à l’écoute");
    // The submitted sheet is not among what readers find.
    assert!(!text(c, "main").await.contains("tutorat"));
    browser.stop().await;

    // The moderator: the queue from the navigation, published with a comment.
    let browser = Browser::start().await;
    let c = &browser.client;
    login(c, &base, "moderation@coop.test").await;
    click(c, "nav.sidenav a[href='/coop/practices']").await;
    wait_path(c, "/coop/practices").await;
    let queue = text(c, "main").await;
    assert!(queue.contains("Le tutorat des apprentis"), "{queue}");
    fill(
        c,
        "main form textarea[name=comment]",
        "Clair et transposable, merci.",
    )
    .await;
    click(c, "main form button.btn-primary").await;
    let msg = flash(c).await;
    assert!(
        msg.contains("Fiche « Le tutorat des apprentis » publiée"),
        "{msg}"
    );
    browser.stop().await;
    let found = server
        .get("/api/practices/search?q=tutorat")
        .add_header("authorization", dir.as_str())
        .await
        .json::<Value>();
    assert_eq!(found["total"], 1, "{found}");
    ctx.db.close_by_ref().await.ok();
}
