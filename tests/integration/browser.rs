//! Browser tests in real headless Chromium driven through chromedriver (Debian's
//! `chromium` and `chromium-driver`): sign in, switch member, create a member.
use std::{net::SocketAddr, process::Stdio, time::Duration};

use fantoccini::{Client, ClientBuilder, Locator};
use mutualis_core::authz::Role;
use std::process::{Child, Command};

use tokio::{net::TcpListener, sync::Mutex};

use crate::common::*;

/// One browser at a time: two Chromiums on two cores only slow each other down.
pub(crate) static BROWSER: Mutex<()> = Mutex::const_new(());

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

pub(crate) struct Browser {
    pub(crate) client: Client,
    driver: Child,
    _profile: std::path::PathBuf,
}

impl Browser {
    pub(crate) async fn start() -> Self {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "browser tests need Debian's chromium and chromium-driver: \
             `sudo apt-get install chromium chromium-driver` (see README)"
        );
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile =
            std::env::temp_dir().join(format!("mutualis-chrome-{}", uuid::Uuid::now_v7().simple()));
        let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }))
        .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        driver,
                        _profile: profile,
                    };
                }
                Err(e) => {
                    last = Some(e.to_string());
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("chromedriver did not answer: {last:?}");
    }

    pub(crate) async fn stop(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    /// chromedriver (and its Chromium) never outlive the test, even a failed one.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self._profile);
    }
}

/// Serves the app on a real socket; returns its base URL.
pub(crate) async fn serve(router: axum::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .ok();
    });
    format!("http://{addr}")
}

pub(crate) async fn fill(c: &Client, css: &str, text: &str) {
    let el = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    el.clear().await.ok();
    el.send_keys(text).await.unwrap();
}

pub(crate) async fn login(c: &Client, base: &str, email: &str) {
    login_with(c, base, email, mutualis_core::testkit::PASSWORD).await;
}

/// Signs in a demo account (the demo's password), leaving any earlier session.
pub(crate) async fn login_demo(c: &Client, base: &str, email: &str) {
    c.delete_all_cookies().await.ok();
    login_with(c, base, email, mutualis_core::seed::DEMO_PASSWORD).await;
}

async fn login_with(c: &Client, base: &str, email: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "input[name=email]", email).await;
    fill(c, "input[name=password]", password).await;
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Signed in once the logout form of the top bar is there.
    c.wait()
        .for_element(Locator::Css("form[action='/logout']"))
        .await
        .unwrap();
}

/// Waits until the browser shows `path` (navigation after a click is asynchronous).
pub(crate) async fn wait_path(c: &Client, path: &str) {
    for _ in 0..100 {
        if c.current_url()
            .await
            .map(|u| u.path() == path)
            .unwrap_or(false)
            && c.find(Locator::Css("main h1")).await.is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the browser never reached {path}");
}

/// The text of the first element `css` selects (it must be there).
pub(crate) async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Clicks the first element `css` selects (it must be there).
pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// The flash message shown after an action, once it is there.
pub(crate) async fn flash(c: &Client) -> String {
    c.wait()
        .for_element(Locator::Css(".flash"))
        .await
        .expect("a flash message")
        .text()
        .await
        .unwrap()
}

pub(crate) async fn h1(c: &Client) -> String {
    c.find(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_in_then_switch_member() {
    let _one = BROWSER.lock().await;
    let (boot, _db) = boot().await;
    let ctx = boot.app_context.clone();
    let kit = TestKit::new(&ctx);
    let a = kit.member("alpha", &["gdpr"]).await;
    let b = kit.member("beta", &["gdpr"]).await;
    let dpo = kit.user("dpo@coop.test", Role::Dpo, Some(&a)).await;
    kit.grant(&dpo, Role::Dpo, Some(&b)).await;
    let base = serve(boot.router.clone().unwrap()).await;
    let browser = Browser::start().await;
    let c = &browser.client;

    // A wrong password keeps us on the login page with a French message.
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "input[name=email]", "dpo@coop.test").await;
    fill(c, "input[name=password]", "pas le bon").await;
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let body = c
        .wait()
        .for_element(Locator::Css("[role=alert]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("E-mail ou mot de passe incorrect."), "{body}");

    login(c, &base, "dpo@coop.test").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/");
    let body = c
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("Association alpha") && body.contains("Association beta"),
        "{body}"
    );

    // The switcher lists both members; choosing beta opens beta's space.
    let select = c
        .find(Locator::Css("form[action='/switch'] select[name=member]"))
        .await
        .unwrap();
    select.select_by_value("beta").await.unwrap();
    c.find(Locator::Css("form[action='/switch'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(c, "/m/beta").await;
    assert_eq!(h1(c).await, "Association beta");
    // The top bar says which member we are in, and the navigation offers its modules.
    let header = c
        .find(Locator::Css("header"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(header.contains("Association beta"), "{header}");
    let nav = c
        .find(Locator::Css("nav.sidenav"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(nav.contains("RGPD"), "{nav}");

    browser.stop().await;
    ctx.db.close_by_ref().await.ok();
}

#[tokio::test]
async fn a_coop_admin_creates_a_member_in_the_browser() {
    let _one = BROWSER.lock().await;
    let (boot, _db) = boot().await;
    let ctx = boot.app_context.clone();
    let kit = TestKit::new(&ctx);
    kit.user("admin@coop.test", Role::CoopAdmin, None).await;
    let base = serve(boot.router.clone().unwrap()).await;
    let browser = Browser::start().await;
    let c = &browser.client;

    login(c, &base, "admin@coop.test").await;
    c.goto(&format!("{base}/coop/members")).await.unwrap();
    assert_eq!(h1(c).await, "Adhérents");
    // First with a bad SIREN: the error is shown next to the field and values are kept.
    fill(c, "#champ-name", "Les Mimosas").await;
    fill(c, "#champ-slug", "mimosas").await;
    fill(c, "#champ-siren", "123 456 789").await;
    fill(c, "#champ-address", "2 rue des Fleurs, 06000 Nice").await;
    fill(c, "#champ-billing_email", "compta@mimosas.test").await;
    c.find(Locator::Css("#nouveau button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let err = c
        .wait()
        .for_element(Locator::Css("#champ-siren-erreur"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(err.contains("clé de contrôle"), "{err}");
    let kept = c
        .find(Locator::Css("#champ-name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Les Mimosas"));

    fill(c, "#champ-siren", "732 829 320").await;
    c.find(Locator::Css("#nouveau button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(c, "/coop/members/mimosas").await;
    let msg = c
        .find(Locator::Css(".flash"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(msg.contains("Adhérent « Les Mimosas » créé."), "{msg}");
    assert!(
        mutualis_core::member::find_by_slug(&ctx.db, "mimosas")
            .await
            .unwrap()
            .is_some()
    );

    browser.stop().await;
    ctx.db.close_by_ref().await.ok();
}

#[tokio::test]
async fn staff_ask_for_leave_and_the_director_approves_it_in_the_browser() {
    use sea_orm::{ActiveModelTrait, Set};
    let _one = BROWSER.lock().await;
    let (boot, _db) = boot().await;
    let ctx = boot.app_context.clone();
    let kit = TestKit::new(&ctx);
    let a = kit.member("alpha", &["hr"]).await;
    kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
    kit.user("claire@alpha.test", Role::Staff, Some(&a)).await;
    // Claire's employee record, her contract since June 2025, three months accrued.
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let id = mutualis_core::ids::new_id();
    let now = chrono::Utc::now();
    mutualis_hr::entities::hr_employees::ActiveModel {
        member_id: Set(a.id),
        id: Set(id),
        matricule: Set("A1".into()),
        first_name: Set("Claire".into()),
        last_name: Set("MARTIN".into()),
        sex: Set("F".into()),
        birth_date: Set(day(1984, 3, 12)),
        nationality: Set("française".into()),
        nir: Set("284037511234593".into()),
        establishment_id: Set(None),
        entry_date: Set(day(2025, 6, 2)),
        exit_date: Set(None),
        email: Set(Some("claire@alpha.test".into())),
        address: Set(None),
        phone: Set(None),
        permit_type: Set(None),
        permit_number: Set(None),
        permit_expiry: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&ctx.db)
    .await
    .unwrap();
    let terms = mutualis_hr::contracts::ContractInput {
        kind: "CDI".into(),
        start_date: "2025-06-01".into(),
        weekly_hours: "35".into(),
        agreement: "Autre".into(),
        position: "Secrétaire".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    mutualis_hr::contracts::insert_new(
        &ctx.db,
        mutualis_core::tenant::Tenant::for_task(a.id, "test"),
        id,
        &terms,
        "test",
    )
    .await
    .unwrap();
    for m in ["2025-06", "2025-07", "2025-08"] {
        mutualis_hr::ledger::run_accruals(
            &ctx.db,
            mutualis_core::tenant::Tenant::for_task(a.id, "test"),
            mutualis_core::time::Month::parse(m).unwrap(),
            &mutualis_core::audit::Actor::system("test"),
        )
        .await
        .unwrap();
    }
    let base = serve(boot.router.clone().unwrap()).await;

    // Claire asks for Monday 7 to Wednesday 9 December 2026: 3 jours ouvrables.
    let browser = Browser::start().await;
    let c = &browser.client;
    login(c, &base, "claire@alpha.test").await;
    let nav = c
        .find(Locator::Css("nav.sidenav"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        nav.contains("Mes congés") && !nav.contains("Ressources humaines"),
        "{nav}"
    );
    c.goto(&format!("{base}/m/alpha/hr/me")).await.unwrap();
    assert_eq!(h1(c).await, "Mes congés — Association alpha");
    c.find(Locator::Css("#champ-leave_type"))
        .await
        .unwrap()
        .select_by_value("CP")
        .await
        .unwrap();
    c.execute(
        "document.querySelector('#champ-start_date').value = '2026-12-07';
         document.querySelector('#champ-end_date').value = '2026-12-09';",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css("#demande button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let msg = flash(c).await;
    assert!(
        msg.contains("Demande envoyée") && msg.contains("3 j"),
        "{msg}"
    );
    browser.stop().await;

    // The director sees it waiting, approves it, and the balance drops from 7,5 to 4,5.
    let browser = Browser::start().await;
    let c = &browser.client;
    login(c, &base, "dir@alpha.test").await;
    c.goto(&format!("{base}/m/alpha/hr/leave")).await.unwrap();
    let row = c
        .find(Locator::Css("main table tbody tr"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        row.contains("MARTIN Claire") && row.contains("07/12/2026"),
        "{row}"
    );
    c.find(Locator::Css("button[name=decision][value=approve]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let msg = flash(c).await;
    assert!(msg.contains("Demande approuvée"), "{msg}");
    let body = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Aucune demande en attente."), "{body}");
    let cell = c
        .find(Locator::Css("td[data-label='Congés payés']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(cell, "4,5");
    browser.stop().await;
    ctx.db.close_by_ref().await.ok();
}
