//! Benchmark of the billing period close on SQLite: 1,000 members × 20 meters ×
//! 10 million usage events (one month), against the bare aggregation query over the same
//! table — the floor any close must pay. Goals (issue 3): close ≤ 1.5 × the bare query
//! and ≤ 10 s on a 2-core machine. Prints a table; run with
//! `cargo bench --bench close` (`CLOSE_EVENTS=1000000` for a quicker run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Instant;

use loco_rs::{app::Hooks, boot::StartMode, environment::Environment};
use mutualis::app::App;
use mutualis_core::{
    audit::Actor,
    metering::{Aggregation, Meter, Meters},
    time::Month,
};
use sea_orm::{ConnectionTrait, Statement};

const MEMBERS: usize = 1000;
const METERS: usize = 20;

fn meter_codes() -> Vec<&'static str> {
    (1..=METERS)
        .map(|i| &*Box::leak(format!("bench.m{i:02}").into_boxed_str()))
        .collect()
}

async fn exec(db: &impl ConnectionTrait, sql: &str) {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_string(),
    ))
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let events: u64 = std::env::var("CLOSE_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let dir = std::env::temp_dir().join(format!("mutualis-close-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = App::load_config(&Environment::Test).await.unwrap();
    config.database.uri = format!("sqlite://{}?mode=rwc", dir.join("bench.sqlite").display());
    let boot = App::boot(StartMode::ServerOnly, &Environment::Test, config)
        .await
        .unwrap();
    let db = boot.app_context.db.clone();

    // --- setup (not measured) ---------------------------------------------------
    let t = Instant::now();
    exec(&db, &format!(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {MEMBERS}) \
         INSERT INTO members (slug, name, siren, address, finess, vat_status, billing_email, created_at, updated_at) \
         SELECT 'm' || x, 'Adhérent ' || x, '732829320', 'adresse', NULL, 'exempt', 'c@m.test', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00' FROM c"
    ))
    .await;
    exec(&db, "INSERT INTO subscriptions (member_id, id, module, start_date, end_date, created_at) \
               SELECT id, randomblob(16), 'billing', '2020-01-01', NULL, '2026-01-01T00:00:00+00:00' FROM members")
        .await;
    let codes = meter_codes();
    let meters = Meters::new(codes.iter().map(|c| Meter {
        code: c,
        module: "it",
        aggregation: Aggregation::Sum,
        unit: "heures",
        label: "compteur de banc d’essai",
        max_per_event: 1_000_000,
    }))
    .unwrap();
    let actor = Actor::system("bench");
    mutualis_billing::charges::create_version(
        &db,
        mutualis_core::tenant::Coop::for_task("bench"),
        &meters,
        &actor,
        &mutualis_billing::charges::ChargeInput {
            module: "billing".into(),
            code: "abonnement".into(),
            label: "Abonnement".into(),
            kind: "subscription".into(),
            effective_from: "2026-01".into(),
            active: true,
            amount: "10.00".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for (i, code) in codes.iter().enumerate() {
        mutualis_billing::charges::create_version(
            &db,
            mutualis_core::tenant::Coop::for_task("bench"),
            &meters,
            &actor,
            &mutualis_billing::charges::ChargeInput {
                module: "it".into(),
                code: format!("pool-{i:02}"),
                label: format!("Pool {i}"),
                kind: "cost_pool".into(),
                effective_from: "2026-01".into(),
                active: true,
                amount: "12345.67".into(),
                meter: (*code).to_string(),
                fixed_share: "20".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    // Events in bulk, indexes built afterwards (as a restore would).
    for idx in [
        "idx_usage_events_idempotency",
        "idx_usage_events_member_meter_period",
        "idx_usage_events_period_totals",
    ] {
        exec(&db, &format!("DROP INDEX {idx}")).await;
    }
    let chunk = 1_000_000u64;
    let mut done = 0;
    while done < events {
        let n = chunk.min(events - done);
        exec(&db, &format!(
            "WITH RECURSIVE c(x) AS (SELECT {done} UNION ALL SELECT x + 1 FROM c WHERE x < {last}) \
             INSERT INTO usage_events (member_id, id, meter, quantity_micros, occurred_at, received_at, idempotency_key, source, unique_value, reason, properties, period) \
             SELECT (x % {MEMBERS}) + 1, randomblob(16), printf('bench.m%02d', (x / {MEMBERS}) % {METERS} + 1), ((x % 7) + 1) * 250000, \
                    '2026-03-15T10:00:00+00:00', '2026-03-15T10:00:00+00:00', 'k' || x, 'bench', NULL, NULL, '{{}}', '2026-03' FROM c",
            last = done + n - 1
        ))
        .await;
        done += n;
    }
    exec(&db, "CREATE UNIQUE INDEX idx_usage_events_idempotency ON usage_events (member_id, idempotency_key)").await;
    exec(&db, "CREATE INDEX idx_usage_events_member_meter_period ON usage_events (member_id, meter, period, occurred_at, id)").await;
    exec(
        &db,
        "CREATE INDEX idx_usage_events_period_totals ON usage_events (period, member_id, meter, quantity_micros)",
    )
    .await;
    // The running totals of events loaded in bulk, as the boot fills them.
    mutualis_core::metering::fill_totals(&db).await.unwrap();
    exec(&db, "ANALYZE").await;
    let setup = t.elapsed();

    // --- measured ---------------------------------------------------------------
    // Warm the page cache the same way for both: one full pass first.
    exec(
        &db,
        "SELECT COUNT(*), SUM(quantity_micros) FROM usage_events",
    )
    .await;
    let t = Instant::now();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT member_id, meter, SUM(quantity_micros) FROM usage_events GROUP BY member_id, meter".to_string(),
        ))
        .await
        .unwrap();
    let bare = t.elapsed();
    assert_eq!(rows.len(), MEMBERS * METERS);

    // The same sum restricted to the period, as the close reads it (index-only scan).
    let t = Instant::now();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT member_id, meter, SUM(quantity_micros) FROM usage_events WHERE period = '2026-03' GROUP BY member_id, meter".to_string(),
        ))
        .await
        .unwrap();
    let bare_period = t.elapsed();
    assert_eq!(rows.len(), MEMBERS * METERS);

    let t = Instant::now();
    let drafts = mutualis_billing::service::close_period(
        &db,
        mutualis_core::tenant::Coop::for_task("bench"),
        &meters,
        &actor,
        Month::parse("2026-03").unwrap(),
    )
    .await
    .unwrap();
    let close = t.elapsed();
    assert_eq!(drafts.len(), MEMBERS);
    let total: i64 = drafts.iter().map(|d| d.total_cents).sum();
    // 20 pools of 12 345,67 € and 1,000 subscriptions of 10,00 €, to the cent.
    assert_eq!(total, 20 * 1_234_567 + 1000 * 1000);

    // PDF rendering rate: the invoices just drafted, rendered one after the other.
    let seller = mutualis_billing::Seller {
        name: "Mutualis, coopérative de services partagés".into(),
        address: "10 rue de la Coopération".into(),
        postcode: "37000".into(),
        city: "Tours".into(),
        country: "FR".into(),
        siren: "782456909".into(),
        vat_id: "FR33782456909".into(),
        email: "facturation@mutualis.example".into(),
        iban: "FR76 3000 4000 0312 3456 7890 143".into(),
        late_penalty: "trois fois le taux d’intérêt légal".into(),
    };
    let members = mutualis_billing::service::members_by_id(&db).await.unwrap();
    let sample: Vec<_> = drafts.iter().take(300).collect();
    let mut inputs = Vec::new();
    for inv in &sample {
        let lines = mutualis_billing::service::lines_of(&db, inv).await.unwrap();
        inputs.push((
            (*inv).clone(),
            lines,
            members.get(&inv.member_id).unwrap().clone(),
        ));
    }
    let t = Instant::now();
    let mut bytes = 0usize;
    for (inv, lines, member) in &inputs {
        bytes += mutualis_billing::pdf::invoice_pdf(&seller, member, inv, lines, None)
            .unwrap()
            .len();
    }
    let pdf = t.elapsed();
    let pdf_rate = inputs.len() as f64 / pdf.as_secs_f64();

    let ratio = close.as_secs_f64() / bare.as_secs_f64();
    println!();
    println!(
        "Period close on SQLite — {MEMBERS} members × {METERS} meters × {events} events ({} cores, release)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| step | time | goal |");
    println!("|---|---:|---|");
    println!(
        "| setup: bulk load + indexes (not measured) | {:.1} s | |",
        setup.as_secs_f64()
    );
    println!(
        "| bare `SELECT member, meter, SUM(quantity) GROUP BY` | {:.2} s | the floor |",
        bare.as_secs_f64()
    );
    println!(
        "| `close_period` (freeze, aggregate, compute, store {} drafts / {} lines) | {:.2} s | ≤ 10 s |",
        drafts.len(),
        drafts.len() * (METERS + 1),
        close.as_secs_f64()
    );
    println!("| ratio close / bare query | {ratio:.2} × | ≤ 1.5 × |");
    println!(
        "| same sum `WHERE period = …` (covering index, as the close reads it) | {:.2} s | |",
        bare_period.as_secs_f64()
    );
    println!(
        "| ratio close / that query | {:.2} × | |",
        close.as_secs_f64() / bare_period.as_secs_f64()
    );
    println!(
        "| PDF rendering, {} invoices of {} lines, one core | {pdf_rate:.0} invoices/s ({} KB each) | ≥ 200 /s |",
        inputs.len(),
        METERS + 1,
        bytes / inputs.len().max(1) / 1024
    );
    let _ = std::fs::remove_dir_all(&dir);
}
