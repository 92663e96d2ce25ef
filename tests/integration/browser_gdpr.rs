//! The shared DPO's morning in real headless Chromium, on the demo data: sign in, the
//! desk sorted by urgency (the late request first), open it, answer it; the desk no
//! longer lists it.
use fantoccini::Locator;
use mutualis::app::MODULES;

use crate::{browser::*, common::*};

#[tokio::test]
async fn the_dpo_answers_the_late_request_from_the_desk() {
    let _one = BROWSER.lock().await;
    let (boot, _db) = boot().await;
    mutualis_core::kit::seed(&boot.app_context, MODULES)
        .await
        .unwrap();
    let base = serve(boot.router.clone().unwrap()).await;
    let browser = Browser::start().await;
    let c = &browser.client;

    login_demo(c, &base, "dpo@coop.example").await;
    // The home page offers the desk to this DPO, who holds no cooperative role.
    c.find(Locator::LinkText("Bureau du DPO"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(c, "/coop/gdpr").await;
    assert_eq!(h1(c).await, "Bureau du DPO");

    // Sorted by urgency: the overdue request first, then the soonest clocks.
    let rows = c.find_all(Locator::Css("tr.desk-row")).await.unwrap();
    assert!(rows.len() >= 3, "the demo has running clocks");
    let first = rows[0].text().await.unwrap();
    assert!(first.contains("en retard de"), "{first}");
    assert!(first.contains("Demande d’accès"), "{first}");
    assert!(
        !first.contains("Cèdres"),
        "an in-house DPO's member is not served: {first}"
    );
    let second = rows[1].text().await.unwrap();
    assert!(
        !second.contains("en retard"),
        "only one clock is overdue: {second}"
    );
    let body = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains("Les Cèdres"), "{body}");

    // Open the late request and answer it.
    rows[0]
        .find(Locator::Css("a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("form[action*='/answer']"))
        .await
        .unwrap();
    let title = h1(c).await;
    assert!(
        title.contains("Demande d’accès") && title.contains("En retard"),
        "{title}"
    );
    fill(
        c,
        "textarea[name=answer]",
        "Copie du dossier administratif remise à M. Lemoine.",
    )
    .await;
    fill(c, "input[name=channel]", "remise en main propre").await;
    c.find(Locator::Css("form[action*='/answer'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let msg = flash(c).await;
    assert!(
        msg.contains("Réponse enregistrée, après l’échéance"),
        "{msg}"
    );
    let body = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("remise en main propre"), "{body}");

    // Back on the desk: one clock less, and nothing is overdue any more.
    c.goto(&format!("{base}/coop/gdpr")).await.unwrap();
    wait_path(c, "/coop/gdpr").await;
    let after = c.find_all(Locator::Css("tr.desk-row")).await.unwrap();
    assert_eq!(after.len(), rows.len() - 1);
    let body = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains("en retard de"), "{body}");
    browser.stop().await;
}
