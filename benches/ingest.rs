//! Ingestion benchmark: `POST /api/usage/events` throughput against a raw batched
//! SQLite `INSERT` of the same rows, measured in the same run.
//!
//! Every path writes the same 100 batches of 1,000 `it.support_hours` events (20
//! members, unique ids) into its own fresh SQLite file, booted through the real app in
//! the test environment (migrations, `core::db::connect` pragmas: WAL,
//! `synchronous=FULL`):
//!
//! - **raw SQL**: one multi-row `INSERT` of 1,000 rows per transaction on `ctx.db`;
//! - **ORM insert**: `metering::insert_events` (sea-orm `insert_many`, 500-row chunks,
//!   `ON CONFLICT DO NOTHING`), one transaction per batch;
//! - **core ingest**: `metering::ingest_batch` called in-process (member lookup,
//!   validation, ORM insert, audit-log row), no HTTP;
//! - **HTTP**: the real router served on 127.0.0.1, batches POSTed with `X-Api-Key` by
//!   one sender (like a source tool), then by 4 concurrent senders; a batch answered
//!   5xx is sent again (ids are idempotency keys) and counted as refused.
//!
//! The two middle paths only locate the cost; the goal compares HTTP with raw SQL.
//! Paths run in a rotating order for `INGEST_ROUNDS` rounds (default 5) and the median
//! is reported. `INGEST_BATCHES` (default 100) changes the volume. Each path checks the
//! row count and that one stored event is identical to the raw path's.
//!
//! Run: `cargo bench --bench ingest` (results: `docs/benchmarks.md`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    net::SocketAddr,
    path::PathBuf,
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    http::{Request, StatusCode},
};
use chrono::{DateTime, SubsecRound, Utc};
use http_body_util::{BodyExt, Full};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use loco_rs::{
    app::{AppContext, Hooks},
    boot::StartMode,
    environment::Environment,
};
use mutualis::app::App;
use mutualis_core::{
    audit::Actor,
    metering::{self, IncomingBatch, MAX_BATCH, NewEvent},
    scope::services,
    testkit::TestKit,
};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait, Value};
use serde_json::json;
use tokio::task::JoinSet;

const MEMBERS: usize = 20;
const SENDERS: usize = 4;
const METER: &str = "it.support_hours";
const QUANTITY: &str = "1.25";
const QUANTITY_MICROS: i64 = 1_250_000;
const OCCURRED_AT: &str = "2026-03-10T10:00:00Z";
const KEY_NAME: &str = "bench";
const SOURCE: &str = "api:bench";

/// The measured paths, in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathKind {
    Raw,
    Orm,
    Core,
    Http1,
    HttpN,
}

impl PathKind {
    const ALL: [Self; 5] = [Self::Raw, Self::Orm, Self::Core, Self::Http1, Self::HttpN];

    fn label(self) -> String {
        match self {
            Self::Raw => "raw SQL INSERT, 1,000 rows/txn".to_string(),
            Self::Orm => "ORM insert_events, 1 txn/batch".to_string(),
            Self::Core => "core ingest_batch, in-process".to_string(),
            Self::Http1 => "HTTP POST, 1 sender".to_string(),
            Self::HttpN => format!("HTTP POST, {SENDERS} senders"),
        }
    }
}

/// The workload: `batches` × `MAX_BATCH` events spread over the members.
struct Workload {
    batches: usize,
    slugs: Vec<String>,
    occurred_at: DateTime<Utc>,
}

impl Workload {
    fn events(&self) -> usize {
        self.batches * MAX_BATCH
    }

    fn key(n: usize) -> String {
        format!("evt-{n:07}")
    }

    /// Event numbers of batch `b`.
    fn range(b: usize) -> std::ops::Range<usize> {
        b * MAX_BATCH..(b + 1) * MAX_BATCH
    }

    /// The JSON events of batch `b`, as a source tool sends them.
    fn json_events(&self, b: usize) -> Vec<serde_json::Value> {
        Self::range(b)
            .map(|n| {
                json!({
                    "id": Self::key(n),
                    "member": self.slugs[n % MEMBERS],
                    "meter": METER,
                    "quantity": QUANTITY,
                    "occurred_at": OCCURRED_AT,
                })
            })
            .collect()
    }

    fn body(&self, b: usize) -> Bytes {
        Bytes::from(serde_json::to_vec(&json!({ "events": self.json_events(b) })).unwrap())
    }
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The app booted on its own fresh SQLite file, with members and an API key.
struct Fixture {
    ctx: AppContext,
    router: Router,
    api_key: String,
    member_ids: Vec<i64>,
    _dir: TempDir,
}

impl Fixture {
    async fn boot(w: &Workload) -> Self {
        let dir =
            std::env::temp_dir().join(format!("mutualis-bench-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let dir = TempDir(dir);
        let mut config = App::load_config(&Environment::Test)
            .await
            .expect("test config");
        config.database.uri = format!("sqlite://{}?mode=rwc", dir.0.join("bench.sqlite").display());
        let boot = App::boot(StartMode::ServerOnly, &Environment::Test, config)
            .await
            .expect("boot");
        let ctx = boot.app_context.clone();
        let router = boot.router.expect("router");
        let kit = TestKit::new(&ctx);
        let mut member_ids = Vec::with_capacity(MEMBERS);
        for slug in &w.slugs {
            member_ids.push(kit.member(slug, &[]).await.id);
        }
        let api_key = kit.api_key(KEY_NAME).await;
        Self {
            ctx,
            router,
            api_key,
            member_ids,
            _dir: dir,
        }
    }

    async fn count(&self) -> i64 {
        let row = self
            .ctx
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT COUNT(*) AS n FROM usage_events",
            ))
            .await
            .expect("count")
            .expect("a row");
        row.try_get("", "n").expect("n")
    }

    /// The stored columns of one event (for `id` and `received_at`, which differ by
    /// construction, their storage class), to check that every path stores the same row.
    async fn probe(&self, n: usize) -> String {
        let sql = format!(
            "SELECT m.slug || '|' || e.meter || '|' || e.quantity_micros || '|' || \
                    e.occurred_at || '|' || e.idempotency_key || '|' || e.source || '|' || \
                    COALESCE(e.unique_value, 'NULL') || '|' || COALESCE(e.reason, 'NULL') || \
                    '|' || e.properties || '|' || e.period || '|' || typeof(e.id) || length(e.id) || '|' || \
                    typeof(e.received_at) AS s \
             FROM usage_events e JOIN members m ON m.id = e.member_id \
             WHERE e.idempotency_key = '{}'",
            Workload::key(n)
        );
        let row = self
            .ctx
            .db
            .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
            .await
            .expect("probe")
            .expect("the probe event");
        row.try_get("", "s").expect("s")
    }

    async fn close(self) {
        self.ctx.db.close_by_ref().await.ok();
    }
}

/// Raw path: one multi-row `INSERT` of a whole batch per transaction.
async fn run_raw(f: &Fixture, w: &Workload) -> Duration {
    const COLUMNS: usize = 12;
    let row = format!("({})", ["?"; COLUMNS].join(", "));
    let sql = format!(
        "INSERT INTO usage_events (member_id, id, meter, quantity_micros, occurred_at, \
         received_at, idempotency_key, source, unique_value, reason, properties, period) \
         VALUES {}",
        vec![row; MAX_BATCH].join(", ")
    );
    // No period is closed in a fresh database: the event's month in Europe/Paris.
    let period = metering::period_of(w.occurred_at, &[]).to_string();
    let start = Instant::now();
    for b in 0..w.batches {
        let received_at = Utc::now().trunc_subsecs(6);
        let mut values: Vec<Value> = Vec::with_capacity(MAX_BATCH * COLUMNS);
        for n in Workload::range(b) {
            values.extend([
                f.member_ids[n % MEMBERS].into(),
                uuid::Uuid::now_v7().into(),
                METER.into(),
                QUANTITY_MICROS.into(),
                w.occurred_at.into(),
                received_at.into(),
                Workload::key(n).into(),
                SOURCE.into(),
                Option::<String>::None.into(),
                Option::<String>::None.into(),
                "{}".into(),
                period.as_str().into(),
            ]);
        }
        let txn = f.ctx.db.begin().await.expect("begin");
        let res = txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                sql.as_str(),
                values,
            ))
            .await
            .expect("raw insert");
        assert_eq!(res.rows_affected(), MAX_BATCH as u64);
        txn.commit().await.expect("commit");
    }
    start.elapsed()
}

/// ORM path: the storage step of ingestion alone, one transaction per batch.
async fn run_orm(f: &Fixture, w: &Workload) -> Duration {
    let start = Instant::now();
    for b in 0..w.batches {
        let events: Vec<NewEvent> = Workload::range(b)
            .map(|n| NewEvent {
                member_id: f.member_ids[n % MEMBERS],
                meter: METER.to_string(),
                quantity_micros: QUANTITY_MICROS,
                occurred_at: w.occurred_at,
                idempotency_key: Workload::key(n),
                source: SOURCE.to_string(),
                unique_value: None,
                reason: None,
                properties: json!({}),
            })
            .collect();
        let txn = f.ctx.db.begin().await.expect("begin");
        let n = metering::insert_events(&txn, &events)
            .await
            .expect("insert_events");
        assert_eq!(n, MAX_BATCH as u64);
        txn.commit().await.expect("commit");
    }
    start.elapsed()
}

/// Core path: what the HTTP handler calls, without HTTP, JSON parsing or the API key.
/// Only the calls are timed (building the JSON values is the client's work).
async fn run_core(f: &Fixture, w: &Workload) -> Duration {
    let svc = services(&f.ctx).expect("services");
    let actor = Actor::api_key(KEY_NAME);
    let mut spent = Duration::ZERO;
    for b in 0..w.batches {
        let batch = IncomingBatch {
            events: w.json_events(b),
        };
        let start = Instant::now();
        let out = metering::ingest_batch(&f.ctx.db, &svc.meters, &actor, SOURCE, &batch)
            .await
            .expect("ingest_batch");
        spent += start.elapsed();
        assert_eq!(out.accepted, MAX_BATCH as u64, "{:?}", out.rejected.first());
    }
    spent
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// How many times a sender re-sends a batch the server refused with a 5xx.
const MAX_ATTEMPTS: usize = 100;

/// POSTs one batch; `Ok((accepted, duplicates))`, or `Err` with the body of a 5xx
/// answer (the batch was rolled back: sending it again is safe).
async fn post_batch(
    client: &HttpClient,
    uri: &str,
    key: &str,
    body: Bytes,
) -> Result<(u64, u64), String> {
    let req = Request::post(uri)
        .header("content-type", "application/json")
        .header("x-api-key", key)
        .body(Full::new(body))
        .expect("request");
    let res = client.request(req).await.expect("POST");
    let status = res.status();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    if status.is_server_error() {
        return Err(format!("{status}: {text}"));
    }
    assert_eq!(status, StatusCode::OK, "{text}");
    let out: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON answer");
    assert_eq!(out["rejected"], json!([]), "{out}");
    let n = |f: &str| out[f].as_u64().expect("a count");
    Ok((n("accepted"), n("duplicates")))
}

/// HTTP path: the real router on a real socket; `senders` clients share the batches
/// and, like a source tool, send again a batch refused with a 5xx (the event ids are
/// idempotency keys). Bodies are serialized before the clock starts. Returns the time
/// and the number of refused attempts.
async fn run_http(f: &Fixture, w: &Workload, senders: usize) -> (Duration, u64) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let service = f
        .router
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, service).await });
    let uri = format!("http://{addr}/api/usage/events");
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let mut queues: Vec<Vec<Bytes>> = vec![Vec::new(); senders];
    for b in 0..w.batches {
        queues[b % senders].push(w.body(b));
    }
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for queue in queues {
        let (client, uri, key) = (client.clone(), uri.clone(), f.api_key.clone());
        tasks.spawn(async move {
            let (mut accepted, mut refused, mut first) = (0u64, 0u64, None);
            for body in queue {
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    match post_batch(&client, &uri, &key, body.clone()).await {
                        Ok((a, d)) => {
                            assert_eq!(a + d, MAX_BATCH as u64);
                            accepted += a;
                            break;
                        }
                        Err(e) if attempt < MAX_ATTEMPTS => {
                            first.get_or_insert(e);
                            refused += 1;
                        }
                        Err(e) => panic!("batch refused {attempt} times: {e}"),
                    }
                }
            }
            (accepted, refused, first)
        });
    }
    let (mut accepted, mut refused, mut first) = (0, 0, None);
    while let Some(done) = tasks.join_next().await {
        let (a, r, e) = done.expect("sender");
        accepted += a;
        refused += r;
        first = first.or(e);
    }
    let elapsed = start.elapsed();
    server.abort();
    if let Some(e) = first {
        eprintln!("  {refused} attempt(s) refused and sent again, e.g. {e}");
    }
    assert_eq!(accepted, w.events() as u64, "events accepted");
    (elapsed, refused)
}

/// Runs one path on a fresh database; the time, the probe row and the refused attempts.
async fn run(kind: PathKind, w: &Workload) -> (Duration, String, u64) {
    let f = Fixture::boot(w).await;
    let (elapsed, refused) = match kind {
        PathKind::Raw => (run_raw(&f, w).await, 0),
        PathKind::Orm => (run_orm(&f, w).await, 0),
        PathKind::Core => (run_core(&f, w).await, 0),
        PathKind::Http1 => run_http(&f, w, 1).await,
        PathKind::HttpN => run_http(&f, w, SENDERS).await,
    };
    let rows = f.count().await;
    assert_eq!(
        rows,
        i64::try_from(w.events()).expect("events"),
        "{kind:?}: rows stored"
    );
    // The middle event: its columns are compared across paths.
    let probe = f.probe(w.events() / 2).await;
    f.close().await;
    (elapsed, probe, refused)
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&v| v > 0)
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        f64::midpoint(v[m - 1], v[m])
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".to_string())
}

#[tokio::main]
async fn main() {
    let w = Workload {
        batches: env_usize("INGEST_BATCHES", 100),
        slugs: (b'a'..)
            .take(MEMBERS)
            .map(|c| format!("bench-{}", char::from(c)))
            .collect(),
        occurred_at: DateTime::parse_from_rfc3339(OCCURRED_AT)
            .expect("date")
            .to_utc(),
    };
    let rounds = env_usize("INGEST_ROUNDS", 5);
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let profile = if cfg!(debug_assertions) {
        "debug (unoptimized: numbers are not meaningful)"
    } else {
        "optimized (cargo bench profile)"
    };
    println!("Mutualis ingestion benchmark (benches/ingest.rs)");
    println!("machine : {cpus} CPUs (nproc), {}", cpu_model());
    println!("build   : {profile}");
    println!(
        "database: SQLite, WAL, synchronous=FULL (core::db::connect), fresh file per path and round"
    );
    println!(
        "workload: {} batches x {MAX_BATCH} events = {} events per path, {rounds} round(s), median shown",
        w.batches,
        w.events()
    );
    println!("load avg: {} (start)", load_average());
    println!();

    let mut results: Vec<Vec<f64>> = vec![Vec::new(); PathKind::ALL.len()];
    let mut refused = [0u64; PathKind::ALL.len()];
    let mut reference_probe: Option<String> = None;
    for round in 0..rounds {
        for i in 0..PathKind::ALL.len() {
            let k = (i + round) % PathKind::ALL.len();
            let kind = PathKind::ALL[k];
            let (elapsed, probe, r) = run(kind, &w).await;
            refused[k] += r;
            match &reference_probe {
                None => reference_probe = Some(probe),
                Some(p) => assert_eq!(&probe, p, "{kind:?}: stored columns differ"),
            }
            let rate = w.events() as f64 / elapsed.as_secs_f64();
            eprintln!(
                "round {}/{rounds}: {:<34} {:>9.3} s  {rate:>9.0} events/s  {r} refused",
                round + 1,
                kind.label(),
                elapsed.as_secs_f64()
            );
            results[k].push(rate);
        }
    }
    eprintln!();

    let raw = median(results[0].clone());
    println!(
        "{:<34} {:>12} {:>12} {:>10} {:>8} {:>9}",
        "path", "median ev/s", "best ev/s", "ms/batch", "vs raw", "refused"
    );
    println!("{}", "-".repeat(90));
    let mut http_ratio = 0.0;
    for ((kind, rates), refused) in PathKind::ALL.iter().zip(&results).zip(refused) {
        let med = median(rates.clone());
        let best = rates.iter().copied().fold(0.0, f64::max);
        let ratio = med / raw;
        if *kind == PathKind::Http1 {
            http_ratio = ratio;
        }
        println!(
            "{:<34} {med:>12.0} {best:>12.0} {:>10.1} {:>7.0} % {refused:>9}",
            kind.label(),
            MAX_BATCH as f64 * 1000.0 / med,
            ratio * 100.0
        );
    }
    println!(
        "(refused: batches answered 5xx and sent again, summed over the rounds; \
         ms/batch: wall time / batches)"
    );
    println!();
    println!(
        "rows    : {} in every database (checked); stored columns identical across paths (checked)",
        w.events()
    );
    println!("probe   : {}", reference_probe.unwrap_or_default());
    let paired = |k: PathKind| -> String {
        let i = PathKind::ALL.iter().position(|p| *p == k).expect("a path");
        results[i]
            .iter()
            .zip(&results[0])
            .map(|(h, r)| format!("{:.0} %", h / r * 100.0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "per round, HTTP 1 sender / raw : {}",
        paired(PathKind::Http1)
    );
    println!(
        "per round, HTTP {SENDERS} senders / raw: {}",
        paired(PathKind::HttpN)
    );
    println!(
        "goal    : HTTP (1 sender) >= 50 % of raw SQL -> {:.0} % (medians): {}",
        http_ratio * 100.0,
        if http_ratio >= 0.5 { "MET" } else { "NOT MET" }
    );
    println!("load avg: {} (end)", load_average());
}
