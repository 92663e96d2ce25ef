//! The load test's limit (`benches/load/run.sh`): the query and the JSON of
//! `GET /api/m/{slug}/hr/employees`, served by a bare axum handler — no token, no
//! account, no member lookup, no casbin, no middleware — on the same database file,
//! with the app's own connection pool (WAL, `synchronous=FULL`).
//!
//! ```sh
//! LOAD_DATABASE_URL='sqlite:///tmp/load/load.sqlite?mode=rwc' LOAD_BARE_PORT=5171 \
//!   LOAD_BARE_MEMBER=tilleuls cargo run --profile bench --features load-bench --bin load_bare
//! ```
//! It serves `GET /bare/employees` until killed.
// A measuring tool, not the platform: it stops on the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::{Json, Router, extract::State, routing::get};
use loco_rs::{
    app::{AppContext, Hooks},
    boot::StartMode,
    environment::Environment,
};
use mutualis::app::App;
use mutualis_core::{member, tenant::Coop};
use mutualis_hr::{api::Employee, employees};

#[derive(Clone)]
struct Bare {
    ctx: AppContext,
    member_id: i64,
}

/// The same function as the API's handler (`hr::employees::list`), the same body.
async fn bare_list(State(b): State<Bare>) -> Json<Vec<Employee>> {
    let tenant = Coop::for_task("load test: the bare handler").tenant(b.member_id);
    let all = employees::list_in(&b.ctx.db, tenant).await.expect("query");
    Json(all.iter().map(|e| Employee::of(e, false)).collect())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let url = std::env::var("LOAD_DATABASE_URL").expect("LOAD_DATABASE_URL");
        let port: u16 = std::env::var("LOAD_BARE_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(5171);
        let slug = std::env::var("LOAD_BARE_MEMBER").unwrap_or_else(|_| "tilleuls".into());
        let mut config = App::load_config(&Environment::Development)
            .await
            .expect("config");
        config.database.uri = url;
        // Its own search index: the server's directory is locked by the server.
        let index =
            std::env::temp_dir().join(format!("mutualis-bare-index-{}", std::process::id()));
        if let Some(serde_json::Value::Object(s)) = config.settings.as_mut() {
            s.insert(
                "practices_index_dir".into(),
                index.display().to_string().into(),
            );
        }
        let boot = App::boot(StartMode::ServerOnly, &Environment::Development, config)
            .await
            .expect("boot");
        let ctx = boot.app_context.clone();
        let m = member::find_by_slug(&ctx.db, &slug)
            .await
            .expect("member")
            .expect("the member exists (demo data)");
        let app = Router::new()
            .route("/bare/employees", get(bare_list))
            .with_state(Bare {
                ctx,
                member_id: m.id,
            });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind");
        eprintln!("bare handler on 127.0.0.1:{port}/bare/employees");
        axum::serve(listener, app).await.expect("serve");
    });
}
