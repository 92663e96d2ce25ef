//! Payroll preparation benchmark: a month of 100,000 variable elements (5,000 employees ×
//! 20 lines) from one xlsx file — imported, checked and exported — against calamine's
//! bare parse of the same file, measured in the same run (the limit):
//!
//! - **calamine bare parse**: open the workbook and walk every cell of the first sheet;
//! - **Mutualis chain**, through the real router on a fresh SQLite file: `POST …/imports`
//!   (parse, check every row, stage) → `…/imports/{id}/confirm` (one transaction) →
//!   `GET …/findings` (every check over the month) → `…/submit` → `…/validate` →
//!   `…/export` (the generic CSV, the XLSX, the 123Paie file and the recap PDF, stored).
//!
//! The employees (with their contracts) are set up first through HR's import, untimed.
//! `PAYROLL_LINES` (default 100000) and `PAYROLL_ROUNDS` (default 3) change the volume;
//! the median is reported. Run: `cargo bench --bench payroll` (results in
//! `docs/benchmarks.md`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::Cursor,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use axum_test::{
    TestServer,
    multipart::{MultipartForm, Part},
};
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use loco_rs::{app::Hooks, boot::StartMode, environment::Environment};
use mutualis::app::App;
use mutualis_core::{authz::Role, testkit::TestKit, time::Month};
use rust_xlsxwriter::Workbook;
use serde_json::Value;

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The staff list HR imports (matricule, names, sex, birth, nationality, NIR, entry, a
/// CDI of 35 hours).
fn staff_csv(employees: usize) -> Vec<u8> {
    let mut s = String::from(
        "Matricule;Nom;Prénom;Sexe;Date de naissance;Nationalité;NIR;Date d'entrée;Établissement (NIC);Type de contrat;Date de fin;Motif du CDD;Heures hebdomadaires;Convention collective;Emploi;Qualification;Coefficient;Échelon\n",
    );
    for i in 0..employees {
        let body = format!("2840375{:03}{:03}", i % 1000, (i / 1000) % 1000);
        let key = 97 - body.parse::<u64>().unwrap() % 97;
        s.push_str(&format!(
            "E{i:05};NOM{i};Prénom;F;12/03/1984;française;{body}{key:02};08/01/2024;;CDI;;;35;Autre;Agent;;;\n"
        ));
    }
    s.into_bytes()
}

const CODES: [(&str, &str, &str); 5] = [
    ("TR", "1", ""),
    ("HNUIT", "1.5", ""),
    ("REPAS", "1", ""),
    ("IK", "12.5", ""),
    ("PRIME_EXCEP", "", "25.00"),
];

/// The month's elements: `lines` rows over `employees` employees.
fn generate(path: &Path, lines: usize, employees: usize) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, t) in ["Matricule", "Code", "Quantité", "Montant", "Commentaire"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, u16::try_from(c).unwrap(), *t).unwrap();
    }
    for i in 0..lines {
        let r = u32::try_from(i + 1).unwrap();
        let (code, qty, amount) = CODES[i % CODES.len()];
        ws.write_string(r, 0, format!("E{:05}", i % employees))
            .unwrap();
        ws.write_string(r, 1, code).unwrap();
        if !qty.is_empty() {
            ws.write_number(r, 2, qty.parse::<f64>().unwrap()).unwrap();
        }
        if !amount.is_empty() {
            ws.write_number(r, 3, amount.parse::<f64>().unwrap())
                .unwrap();
        }
        ws.write_string(r, 4, "Saisie du service").unwrap();
    }
    wb.save(path).unwrap();
}

fn bare_parse(path: &Path) -> (Duration, usize) {
    let t = Instant::now();
    let bytes = std::fs::read(path).unwrap();
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let mut cells = 0usize;
    for row in range.rows() {
        for c in row {
            if !matches!(c, Data::Empty) {
                cells += 1;
            }
        }
    }
    (t.elapsed(), cells)
}

async fn post(server: &TestServer, bearer: &str, path: &str, body: Value) -> Value {
    let r = server
        .post(path)
        .add_header("authorization", bearer)
        .json(&body)
        .await;
    assert!(r.status_code().is_success(), "{path}: {}", r.text());
    r.json()
}

/// The chain through the router; returns (total, steps).
async fn chain(
    path: &Path,
    dir: &Path,
    round: usize,
    employees: usize,
) -> (Duration, Vec<(&'static str, Duration)>) {
    let mut config = App::load_config(&Environment::Test).await.unwrap();
    config.database.uri = format!(
        "sqlite://{}?mode=rwc",
        dir.join(format!("p{round}.sqlite")).display()
    );
    let boot = App::boot(StartMode::ServerOnly, &Environment::Test, config)
        .await
        .unwrap();
    let ctx = boot.app_context.clone();
    let kit = TestKit::new(&ctx);
    let m = kit.member("bench", &["hr", "payroll"]).await;
    let rh = kit.bearer(&kit.user("rh@bench.test", Role::HrOfficer, Some(&m)).await);
    let dir_user = kit.bearer(&kit.user("dir@bench.test", Role::Director, Some(&m)).await);
    let server = TestServer::new(
        boot.router
            .unwrap()
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .unwrap();
    // Untimed: the staff through HR's import.
    let r = server
        .post("/api/m/bench/hr/imports")
        .add_header("authorization", rh.as_str())
        .multipart(MultipartForm::new().add_part(
            "file",
            Part::bytes(staff_csv(employees)).file_name("staff.csv"),
        ))
        .await;
    let id = r.json::<Value>()["id"].as_str().unwrap().to_string();
    post(
        &server,
        &rh,
        &format!("/api/m/bench/hr/imports/{id}/confirm"),
        serde_json::json!({}),
    )
    .await;

    // A month to come: no line is late.
    let month = Month::of(chrono::Utc::now()).next();
    let p = |rest: &str| format!("/api/m/bench/payroll/periods/{month}{rest}");
    let bytes = std::fs::read(path).unwrap();
    let mut steps = Vec::new();
    let t = Instant::now();
    let mut lap = Instant::now();
    let r = server
        .post(&p("/imports"))
        .add_header("authorization", rh.as_str())
        .multipart(MultipartForm::new().add_part("file", Part::bytes(bytes).file_name("evp.xlsx")))
        .await;
    assert_eq!(r.status_code(), 201, "{}", r.text());
    let staged: Value = r.json();
    assert_eq!(staged["errors"], serde_json::json!([]), "a clean file");
    steps.push(("import (lecture, contrôle des lignes)", lap.elapsed()));
    lap = Instant::now();
    let id = staged["id"].as_str().unwrap().to_string();
    post(
        &server,
        &rh,
        &p(&format!("/imports/{id}/confirm")),
        serde_json::json!({}),
    )
    .await;
    steps.push(("confirmation (écriture)", lap.elapsed()));
    lap = Instant::now();
    let findings = server
        .get(&p("/findings"))
        .add_header("authorization", rh.as_str())
        .await;
    assert_eq!(
        findings.json::<Value>(),
        serde_json::json!([]),
        "a clean month"
    );
    steps.push(("contrôles du mois", lap.elapsed()));
    lap = Instant::now();
    post(&server, &rh, &p("/submit"), serde_json::json!({})).await;
    post(&server, &dir_user, &p("/validate"), serde_json::json!({})).await;
    steps.push(("soumission et validation", lap.elapsed()));
    lap = Instant::now();
    let v = post(
        &server,
        &dir_user,
        &p("/export"),
        serde_json::json!({"profile": "generic"}),
    )
    .await;
    assert_eq!(v["status"], "exported");
    steps.push(("export (CSV, XLSX, 123Paie, PDF)", lap.elapsed()));
    let total = t.elapsed();
    ctx.db.close_by_ref().await.ok();
    (total, steps)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let lines: usize = std::env::var("PAYROLL_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rounds: usize = std::env::var("PAYROLL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let employees = (lines / 20).max(1);
    let dir = std::env::temp_dir().join(format!(
        "mutualis-payroll-{}",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let dir = TempDir(dir);
    let file = dir.0.join("evp.xlsx");
    generate(&file, lines, employees);
    let size = std::fs::metadata(&file).unwrap().len();
    println!(
        "{lines} lines for {employees} employees, {:.1} MB xlsx, {rounds} rounds",
        size as f64 / 1e6
    );
    let (mut bare, mut ours) = (Vec::new(), Vec::new());
    let mut last_steps = Vec::new();
    for round in 0..rounds {
        let (d, cells) = bare_parse(&file);
        assert!(cells >= lines * 3);
        bare.push(d);
        let (d, steps) = chain(&file, &dir.0, round, employees).await;
        ours.push(d);
        last_steps = steps;
        println!(
            "round {round}: bare {:.3} s, chain {:.3} s",
            bare[round].as_secs_f64(),
            d.as_secs_f64()
        );
    }
    let (b, o) = (median(bare), median(ours));
    println!();
    println!("| step (last round) | seconds |");
    println!("|---|---:|");
    for (name, d) in &last_steps {
        println!("| {name} | {:.3} |", d.as_secs_f64());
    }
    println!();
    println!("| measure | median seconds | × bare parse |");
    println!("|---|---:|---:|");
    println!(
        "| calamine bare parse (the limit) | {:.3} | 1.0 |",
        b.as_secs_f64()
    );
    println!(
        "| import + check + export | {:.3} | {:.1} |",
        o.as_secs_f64(),
        o.as_secs_f64() / b.as_secs_f64()
    );
}
