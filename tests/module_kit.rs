//! The module kit: a throwaway module, declared once and added to the app's list, is
//! routed, navigable, metered and policed with no other edit; a module missing from the
//! catalogue (or a catalogue row no module declares) stops the boot.
//!
//! Its own test binary: the list of modules is installed once per process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]
use std::net::SocketAddr;

use axum::{extract::State, response::Html, routing::get, routing::post};
use axum_test::TestServer;
use loco_rs::{
    app::{AppContext, Hooks},
    boot::{BootResult, StartMode},
    controller::Routes,
    environment::Environment,
};
use migration::{Migrator, MigratorTrait};
use mutualis::app::{AppWith, MODULES, ModuleList};
use mutualis_core::{
    authz::Role,
    db::begin_write,
    metering::{self, Aggregation, Meter, Usage},
    module::{MemberNav, ModuleDef},
    scope::MemberAccess,
    testkit::TestKit,
    web::error::PageError,
};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Database, Statement};

#[path = "integration/common.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the integration binary's helpers; this binary uses FreshDb"
)]
mod common;

async fn page(access: MemberAccess) -> Result<Html<String>, PageError> {
    let scope = access.authorize("essai.home", "read").await?;
    Ok(Html(format!("Page d’essai de {}", scope.member().name)))
}

async fn things(
    State(ctx): State<AppContext>,
    access: MemberAccess,
) -> Result<&'static str, PageError> {
    let scope = access.authorize("essai.things", "write").await?;
    let txn = begin_write(&ctx.db)
        .await
        .map_err(mutualis_core::AppError::from)?;
    metering::record_usage(
        &txn,
        &scope,
        Usage::new("essai.things", Decimal::ONE, "essai-1"),
    )
    .await?;
    txn.commit().await.map_err(mutualis_core::AppError::from)?;
    Ok("ok")
}

fn routes() -> Vec<Routes> {
    vec![
        Routes::new().prefix("/m/{slug}/essai").add("/", get(page)),
        Routes::new()
            .prefix("/api/m/{slug}/essai")
            .add("/things", post(things)),
    ]
}

/// The throwaway module: nothing of it is written anywhere but here.
static ESSAI: ModuleDef = ModuleDef::new("essai", "Module d’essai")
    .routes(routes)
    .member_nav(&[MemberNav {
        label: "Module d’essai",
        path: "essai",
        obj: "essai.home",
        act: "read",
    }])
    .meters(&[Meter {
        code: "essai.things",
        module: "essai",
        aggregation: Aggregation::Count,
        unit: "choses",
        label: "Choses d’essai",
        max_per_event: 1_000_000,
    }])
    .policies(&[
        (Role::Director, "essai.*", "*"),
        (Role::HrOfficer, "essai.home", "read"),
    ]);

struct WithEssai;

impl ModuleList for WithEssai {
    /// The app's list plus the throwaway module.
    fn modules() -> &'static [&'static ModuleDef] {
        static LIST: std::sync::LazyLock<Vec<&'static ModuleDef>> =
            std::sync::LazyLock::new(|| MODULES.iter().copied().chain([&ESSAI]).collect());
        &LIST
    }
}

type EssaiApp = AppWith<WithEssai>;

/// Boots the app with the throwaway module on a fresh database; `catalogue` says
/// whether the module's migration (its catalogue row) ran.
async fn boot(catalogue: bool) -> (loco_rs::Result<BootResult>, common::FreshDb) {
    let mut config = EssaiApp::load_config(&Environment::Test)
        .await
        .expect("test config");
    let fresh = common::FreshDb::create(&config.database.uri).await;
    config.database.uri = fresh.uri.clone();
    // The module's own migration: its catalogue row.
    let db = Database::connect(&fresh.uri).await.expect("connect");
    Migrator::up(&db, None).await.expect("migrate");
    if catalogue {
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            "INSERT INTO modules (code, name, description, position) \
             VALUES ('essai', 'Module d’essai', 'Essai', 99)"
                .to_string(),
        ))
        .await
        .expect("catalogue row");
    }
    db.close().await.ok();
    let boot = EssaiApp::boot(StartMode::ServerOnly, &Environment::Test, config).await;
    (boot, fresh)
}

#[tokio::test]
async fn a_module_missing_from_the_catalogue_stops_the_boot() {
    let (boot, _fresh) = boot(false).await;
    let Err(e) = boot else {
        panic!("the boot should fail without the catalogue row");
    };
    let msg = e.to_string();
    assert!(
        msg.contains("absent from the catalogue") && msg.contains("essai"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_listed_module_is_routed_navigable_metered_and_policed() {
    let (boot, _fresh) = boot(true).await;
    let boot = boot.expect("boot");
    let ctx = boot.app_context.clone();
    let server = TestServer::new(
        boot.router
            .clone()
            .expect("router")
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .expect("server");
    let kit = TestKit::new(&ctx);
    let alpha = kit.member("alpha", &["essai"]).await;
    let beta = kit.member("beta", &["hr"]).await;
    let director = kit
        .user("dir@alpha.test", Role::Director, Some(&alpha))
        .await;
    let hr = kit
        .user("rh@alpha.test", Role::HrOfficer, Some(&alpha))
        .await;
    let staff = kit
        .user("staff@alpha.test", Role::Staff, Some(&alpha))
        .await;
    let beta_dir = kit.user("dir@beta.test", Role::Director, Some(&beta)).await;
    kit.grant(&beta_dir, Role::Director, Some(&alpha)).await;

    // Routed and navigable: the page answers and the member's navigation links it.
    let s = kit.web(&director).await;
    let home = server
        .get("/m/alpha")
        .add_header("cookie", s.cookie.as_str())
        .await;
    assert_eq!(home.status_code(), 200);
    assert!(
        home.text().contains("href=\"/m/alpha/essai\""),
        "navigation"
    );
    assert!(home.text().contains("Module d’essai"));
    let page = server
        .get("/m/alpha/essai")
        .add_header("cookie", s.cookie.as_str())
        .await;
    assert_eq!(page.status_code(), 200);
    assert!(page.text().contains("Page d’essai de"));

    // Policed: staff has no policy on the module's objects; HR may read, not write.
    let st = kit.web(&staff).await;
    let denied = server
        .get("/m/alpha/essai")
        .add_header("cookie", st.cookie.as_str())
        .await;
    assert_eq!(denied.status_code(), 403);
    let staff_home = server
        .get("/m/alpha")
        .add_header("cookie", st.cookie.as_str())
        .await;
    assert!(!staff_home.text().contains("href=\"/m/alpha/essai\""));
    let w = server
        .post("/api/m/alpha/essai/things")
        .add_header("authorization", kit.bearer(&hr))
        .await;
    assert_eq!(w.status_code(), 403);

    // Subscription checked: beta does not subscribe to the module.
    let b = server
        .get("/m/beta/essai")
        .add_header("cookie", kit.web(&beta_dir).await.cookie.as_str())
        .await;
    assert_eq!(b.status_code(), 403);
    assert!(
        b.text().contains("Module d’essai"),
        "the refusal names the module"
    );

    // Metered: the meter is registered and the action's usage is recorded.
    let meters = server
        .get("/api/meters")
        .add_header("authorization", kit.bearer(&director))
        .await;
    assert!(meters.text().contains("essai.things"), "{}", meters.text());
    let ok = server
        .post("/api/m/alpha/essai/things")
        .add_header("authorization", kit.bearer(&director))
        .await;
    assert_eq!(ok.status_code(), 200, "{}", ok.text());
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let usage = server
        .get(&format!("/api/m/alpha/usage?period={month}"))
        .add_header("authorization", kit.bearer(&director))
        .await;
    let body: serde_json::Value = usage.json();
    let line = body["meters"]
        .as_array()
        .and_then(|a| a.iter().find(|l| l["meter"] == "essai.things"))
        .cloned()
        .unwrap_or_else(|| panic!("no essai.things in {body}"));
    assert_eq!(line["quantity"], "1", "{line}");
    ctx.db.close_by_ref().await.ok();
}
