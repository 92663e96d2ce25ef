//! Shared helpers for the integration tests.
use std::future::Future;

use std::net::SocketAddr;

use axum_test::{TestResponse, TestServer};
use loco_rs::{
    app::{AppContext, Hooks},
    boot::{BootResult, StartMode},
    environment::Environment,
};
use mutualis::app::App;
pub use mutualis_core::testkit::{TestKit, WebSession};
use sea_orm::{ConnectionTrait, Database, Statement};

/// A fresh database for one test: a temporary SQLite file, or a new PostgreSQL
/// database next to the one `DATABASE_URL` names. Dropped when the test ends, even
/// when it fails (`DROP DATABASE … WITH (FORCE)` closes lingering connections).
pub struct FreshDb {
    pub uri: String,
    admin_uri: Option<String>,
    name: String,
    dir: Option<std::path::PathBuf>,
}

impl FreshDb {
    pub async fn create(base: &str) -> Self {
        let name = format!("mutualis_t_{}", uuid::Uuid::now_v7().simple());
        if base.starts_with("postgres") {
            let admin = Database::connect(base)
                .await
                .expect("connect to the base PostgreSQL database");
            admin
                .execute_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("CREATE DATABASE {name}"),
                ))
                .await
                .expect("create the test database");
            admin.close().await.ok();
            let (head, _) = base
                .rsplit_once('/')
                .expect("a database name in DATABASE_URL");
            let query = base
                .split_once('?')
                .map(|(_, q)| format!("?{q}"))
                .unwrap_or_default();
            Self {
                uri: format!("{head}/{name}{query}"),
                admin_uri: Some(base.to_string()),
                name,
                dir: None,
            }
        } else {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).expect("temp dir");
            let uri = format!("sqlite://{}?mode=rwc", dir.join("test.sqlite").display());
            Self {
                uri,
                admin_uri: None,
                name,
                dir: Some(dir),
            }
        }
    }
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(admin) = self.admin_uri.clone() {
            let name = self.name.clone();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Runtime::new().expect("runtime");
                rt.block_on(async {
                    if let Ok(db) = Database::connect(&admin).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = db
                            .execute_raw(Statement::from_string(db.get_database_backend(), sql))
                            .await;
                        let _ = db.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Boots the app in the test environment on its own fresh database.
pub async fn boot() -> (BootResult, FreshDb) {
    let mut config = App::load_config(&Environment::Test)
        .await
        .expect("test config");
    let fresh = FreshDb::create(&config.database.uri).await;
    config.database.uri = fresh.uri.clone();
    let boot = App::boot(StartMode::ServerOnly, &Environment::Test, config)
        .await
        .expect("boot");
    (boot, fresh)
}

/// Runs a test against the real router with its own fresh database.
pub async fn run<F, Fut>(f: F)
where
    F: FnOnce(TestServer, AppContext) -> Fut,
    Fut: Future<Output = ()>,
{
    let (boot, _fresh) = boot().await;
    let router = boot.router.clone().expect("router");
    let server = TestServer::new(router.into_make_service_with_connect_info::<SocketAddr>())
        .expect("test server");
    f(server, boot.app_context.clone()).await;
    every_audit_row_reads_in_french(&boot.app_context).await;
    boot.app_context.db.close_by_ref().await.ok();
}

/// Whatever a test did, each audit row it left has its French labels (object type,
/// action, detail keys): a module recording a row it did not declare in its
/// `ModuleDef::audit_labels` fails the tests that record it. Rows of type `test` are
/// the audit tests' own.
async fn every_audit_row_reads_in_french(ctx: &AppContext) {
    use mutualis_core::audit::{Filter, labels::describe, query};
    let (rows, _) = query::export(&ctx.db, &Filter::default(), 1_000_000)
        .await
        .expect("read the audit log");
    let missing: std::collections::BTreeSet<String> = rows
        .iter()
        .filter(|r| r.object_type != "test")
        .flat_map(|r| describe(r).unlabelled)
        .collect();
    assert!(
        missing.is_empty(),
        "audit rows without their French labels (declare them in the module's audit_labels): {missing:#?}"
    );
}

/// GET with a web session.
pub async fn web_get(server: &TestServer, s: &WebSession, path: &str) -> TestResponse {
    server
        .get(path)
        .add_header("cookie", s.cookie.as_str())
        .await
}

/// A web session for an account that already exists (the demo's, or one made earlier).
pub async fn web_of(kit: &TestKit<'_>, email: &str) -> WebSession {
    let u = mutualis_core::auth::find_user_by_email(&kit.ctx.db, email)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no account {email}"));
    kit.web(&u).await
}

/// POST a form with a web session and its CSRF token.
pub async fn web_post(
    server: &TestServer,
    s: &WebSession,
    path: &str,
    fields: &[(&str, &str)],
) -> TestResponse {
    let mut form: Vec<(&str, &str)> = vec![("csrf", s.csrf.as_str())];
    form.extend_from_slice(fields);
    server
        .post(path)
        .add_header("cookie", s.cookie.as_str())
        .form(&form)
        .await
}

/// GET on the API with a bearer token.
pub async fn api_get(server: &TestServer, bearer: &str, path: &str) -> TestResponse {
    server.get(path).add_header("authorization", bearer).await
}

/// Follows a redirect as a browser would: the session cookie plus the flash cookie the
/// response set.
pub async fn follow(server: &TestServer, s: &WebSession, res: &TestResponse) -> TestResponse {
    let to = res
        .headers()
        .get("location")
        .expect("a redirect")
        .to_str()
        .unwrap()
        .to_string();
    // A browser keeps the fragment to itself.
    let to = to.split('#').next().unwrap_or_default().to_string();
    let mut cookie = s.cookie.clone();
    for v in res.headers().get_all("set-cookie") {
        if let Some(pair) = v.to_str().unwrap().split(';').next() {
            cookie.push_str("; ");
            cookie.push_str(pair);
        }
    }
    server.get(&to).add_header("cookie", cookie.as_str()).await
}

/// The text of `pdf`, page by page (pdftotext ends each page with a form feed).
pub fn pdf_pages(pdf: &[u8], name: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("mutualis-pdf-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    if let Ok(out) = std::env::var("MUTUALIS_PDF_OUT") {
        std::fs::create_dir_all(&out).unwrap();
        std::fs::copy(
            &path,
            std::path::Path::new(&out).join(format!("{name}.pdf")),
        )
        .unwrap();
    }
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The anonymous forms' CSRF cookie, matching the form field `csrf=token-abc`.
pub fn csrf_cookie() -> (&'static str, &'static str) {
    ("cookie", "mutualis_csrf=token-abc")
}

/// POST JSON with a bearer token → (status, body; `null` when empty).
pub async fn post_json(
    server: &TestServer,
    bearer: &str,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = server
        .post(path)
        .add_header("authorization", bearer)
        .json(&body)
        .await;
    let status = r.status_code().as_u16();
    let v = if r.text().is_empty() {
        serde_json::Value::Null
    } else {
        r.json::<serde_json::Value>()
    };
    (status, v)
}

/// A new charge version, as the cooperative admin (201 expected).
pub async fn charge(server: &TestServer, admin: &str, body: serde_json::Value) {
    let r = server
        .post("/api/coop/billing/charges")
        .add_header("authorization", admin)
        .json(&body)
        .await;
    assert_eq!(r.status_code(), 201, "{}", r.text());
}

/// Usage events from a source with its API key (200 expected).
pub async fn events(server: &TestServer, key: &str, events: serde_json::Value) {
    let r = server
        .post("/api/usage/events")
        .add_header("x-api-key", key)
        .json(&serde_json::json!({"events": events}))
        .await;
    assert_eq!(r.status_code(), 200);
}

/// The board approves every draft invoice a period's close made (each 200 expected):
/// the approved invoices, numbered.
pub async fn approve_all(
    server: &TestServer,
    board: &str,
    drafts: &serde_json::Value,
) -> Vec<serde_json::Value> {
    let mut approved = Vec::new();
    for d in drafts["invoices"].as_array().into_iter().flatten() {
        let r = server
            .post(&format!(
                "/api/coop/billing/invoices/{}/approve",
                d["id"].as_str().unwrap_or_default()
            ))
            .add_header("authorization", board)
            .await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        approved.push(r.json::<serde_json::Value>());
    }
    approved
}
