//! Payroll in real headless Chromium, on the demo data: the payroll officer opens the
//! board, a member's grid, and acknowledges a warning; the period cleared of its blocking
//! line and submitted, the director validates it.

use axum_test::TestServer;
use fantoccini::Locator;
use mutualis::app::MODULES;
use mutualis_core::time::Month;
use serde_json::{Value, json};

use crate::{browser::*, common::*};

#[tokio::test]
async fn the_payroll_officer_prepares_and_the_director_validates_in_the_browser() {
    let _one = BROWSER.lock().await;
    let (boot, _db) = boot().await;
    let ctx = boot.app_context.clone();
    mutualis_core::kit::seed(&ctx, MODULES).await.unwrap();
    let kit = TestKit::new(&ctx);
    let officer = mutualis_core::auth::find_user_by_email(&ctx.db, "paie@coop.example")
        .await
        .unwrap()
        .unwrap();
    let bearer = kit.bearer(&officer);
    let router = boot.router.clone().unwrap();
    let server = TestServer::new(
        router
            .clone()
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .unwrap();
    let month = Month::of(chrono::Utc::now());
    let period = format!("/m/tilleuls/payroll/periods/{month}");
    let api = format!("/api/m/tilleuls/payroll/periods/{month}");
    let base = serve(router).await;
    let browser = Browser::start().await;
    let c = &browser.client;

    // The officer's board: the members served, each linking to its current period.
    login_demo(c, &base, "paie@coop.example").await;
    c.goto(&format!("{base}/coop/payroll")).await.unwrap();
    assert!(h1(c).await.starts_with("Tableau de paie"));
    let board = c
        .find(Locator::Css("main table"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(board.contains("Association Les Tilleuls"), "{board}");
    click(c, &format!("main table a[href='{period}']")).await;
    wait_path(c, &period).await;
    assert!(h1(c).await.starts_with("Paie de "), "{}", h1(c).await);

    // The grid of the first establishment: one row per employee, the codes in columns.
    click(c, "main a[href*='/grid?establishment=']").await;
    wait_path(c, &format!("{period}/grid")).await;
    let grid = c.find(Locator::Css("main table")).await.unwrap();
    let head = grid
        .find(Locator::Css("thead"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(head.contains("TR"), "{head}");
    let rows = grid.find_all(Locator::Css("tbody tr")).await.unwrap();
    assert!(rows.len() > 1, "one row per employee");

    // A warning acknowledged with its comment.
    c.goto(&format!("{base}{period}")).await.unwrap();
    let form = c
        .find(Locator::Css("form[action$='/acknowledge']"))
        .await
        .expect("a warning to acknowledge");
    form.find(Locator::Css("input[name=comment]"))
        .await
        .unwrap()
        .send_keys("Vu avec la direction")
        .await
        .unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(flash(c).await.contains("Avertissement acquitté"));
    let found: Value = api_get(&server, &bearer, &format!("{api}/findings"))
        .await
        .json();
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["acknowledged"] == true && f["comment"] == "Vu avec la direction"),
        "{found}"
    );

    // The blocking lines removed (the demo's zero bonus, and any other) and the other
    // warnings acknowledged (through the API), then the officer submits in the browser.
    let found: Value = api_get(&server, &bearer, &format!("{api}/findings"))
        .await
        .json();
    for f in found.as_array().unwrap() {
        if f["severity"] == "blocking" {
            let id = f["line_id"].as_str().expect("a blocking line");
            let r = server
                .delete(&format!("{api}/lines/{id}"))
                .add_header("authorization", bearer.as_str())
                .await;
            assert_eq!(r.status_code(), 204, "{}", r.text());
        }
    }
    let found: Value = api_get(&server, &bearer, &format!("{api}/findings"))
        .await
        .json();
    for f in found.as_array().unwrap() {
        assert_eq!(f["severity"], "warning", "{found}");
        if f["acknowledged"] == false {
            let id = f["id"].as_str().unwrap();
            let (s, v) = post_json(
                &server,
                &bearer,
                &format!("{api}/findings/{id}/acknowledge"),
                json!({"comment": "Contrôlé"}),
            )
            .await;
            assert_eq!(s, 200, "{v}");
        }
    }
    c.goto(&format!("{base}{period}")).await.unwrap();
    click(c, "form[action$='/submit'] button").await;
    assert!(flash(c).await.contains("soumise à la direction"));

    // The director validates (the confirmation accepted).
    login_demo(c, &base, "directeur@tilleuls.example").await;
    c.goto(&format!("{base}{period}")).await.unwrap();
    c.execute("window.confirm = () => true;", vec![])
        .await
        .unwrap();
    click(c, "form[action$='/validate'] button").await;
    assert!(flash(c).await.contains("validée"));
    let v: Value = api_get(&server, &bearer, &api).await.json();
    assert_eq!(v["status"], "validated", "{v}");
    assert_eq!(v["validated_by"], "directeur@tilleuls.example", "{v}");

    browser.stop().await;
    ctx.db.close_by_ref().await.ok();
}
