//! IT support in real headless Chromium: the IT staff open their desk, record an
//! intervention for a member and see it counted; the member's director sees it on the
//! member's page and in the monthly recap PDF.
use fantoccini::Locator;
use mutualis_core::authz::Role;

use crate::{
    browser::{BROWSER, Browser, click, fill, flash, h1, login, serve, text, wait_path},
    common::*,
};

#[tokio::test]
async fn the_it_staff_record_an_intervention_and_the_director_sees_it_in_the_recap() {
    let _one = BROWSER.lock().await;
    let (boot, _db) = boot().await;
    let ctx = boot.app_context.clone();
    let kit = TestKit::new(&ctx);
    let a = kit.member("alpha", &["it"]).await;
    kit.user("it@coop.test", Role::ItSupport, Some(&a)).await;
    kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
    let base = serve(boot.router.clone().unwrap()).await;

    // The IT staff: the desk from the navigation, the member, the form.
    let browser = Browser::start().await;
    let c = &browser.client;
    login(c, &base, "it@coop.test").await;
    let nav = text(c, "nav.sidenav").await;
    assert!(
        nav.to_lowercase().contains("adhérents suivis") && nav.contains("Support informatique"),
        "{nav}"
    );
    click(c, "nav.sidenav a[href='/coop/it']").await;
    wait_path(c, "/coop/it").await;
    assert_eq!(h1(c).await, "Support informatique");
    click(c, "main table tbody a[href^='/m/alpha/it']").await;
    wait_path(c, "/m/alpha/it").await;
    assert_eq!(h1(c).await, "Support informatique — Association alpha");
    click(c, "main .page-header a.btn-primary").await;
    wait_path(c, "/m/alpha/it/interventions").await;
    fill(c, "#champ-minutes", "50").await;
    c.find(Locator::Css("#champ-category"))
        .await
        .unwrap()
        .select_by_value("messagerie")
        .await
        .unwrap();
    fill(c, "#champ-ticket", "HD-77").await;
    fill(c, "#champ-description", "Boîte de l’accueil réparée").await;
    click(c, "main form button[type=submit]").await;
    let msg = flash(c).await;
    assert!(
        msg.contains("durée comptée : 1 h (50 min saisies, arrondies)"),
        "{msg}"
    );
    // Counted: the month's total and the hours billing uses.
    let cards = text(c, "main ul.cards").await;
    assert!(
        cards.contains("Heures retenues pour la facturation") && cards.matches("1 h").count() >= 2,
        "{cards}"
    );
    let row = text(c, "main table tbody tr").await;
    assert!(
        row.contains("Boîte de l’accueil réparée") && row.contains("En cours"),
        "{row}"
    );
    browser.stop().await;

    // The director: the member's page and the recap PDF.
    let browser = Browser::start().await;
    let c = &browser.client;
    login(c, &base, "dir@alpha.test").await;
    c.goto(&format!("{base}/m/alpha/it")).await.unwrap();
    let body = text(c, "main").await;
    assert!(
        body.contains("Boîte de l’accueil réparée")
            && !body.contains("Enregistrer une intervention"),
        "{body}"
    );
    let href = c
        .find(Locator::Css("a[href*='/recap.pdf']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    // Fetched by the page itself, with the director's session.
    let bytes = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))));",
            vec![serde_json::Value::String(href)],
        )
        .await
        .unwrap();
    let pdf: Vec<u8> = bytes
        .as_array()
        .unwrap()
        .iter()
        .map(|b| u8::try_from(b.as_u64().unwrap()).unwrap())
        .collect();
    assert!(pdf.starts_with(b"%PDF"));
    let recap = pdf_pages(&pdf, "it-recap-browser").join("\n");
    assert!(
        recap.contains("Boîte de l’accueil réparée") && recap.contains("Ticket HD-77"),
        "{recap}"
    );
    assert!(recap.contains("Heures retenues"), "{recap}");
    browser.stop().await;
    ctx.db.close_by_ref().await.ok();
}
