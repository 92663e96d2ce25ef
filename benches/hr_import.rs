//! Spreadsheet import benchmark: 100,000 employee rows (employee + contract) from one
//! xlsx file, validated and stored, against two references measured in the same run:
//!
//! - **calamine bare parse** (the limit): open the workbook and walk every cell of the
//!   first sheet, nothing else;
//! - **Mutualis import**: `POST /api/m/{slug}/hr/imports` (multipart upload: parse,
//!   validate every row, stage the valid ones and the per-row report) then
//!   `POST …/imports/{id}/confirm` (one transaction: employees and contracts), through
//!   the real router on a fresh SQLite file (WAL, `synchronous=FULL`);
//! - **openpyxl script** (what a user would otherwise write):
//!   `scripts/bench/import_openpyxl.py` reads the same file with openpyxl (read-only
//!   mode), applies the same validation rules and stores the valid rows in SQLite in one
//!   transaction (`pip install -r scripts/bench/requirements.txt`).
//!
//! The file has 1 bad row in 80 (a NIR with a wrong key); every path must find the same
//! number of valid rows. `HR_IMPORT_ROWS` (default 100000) and `HR_IMPORT_ROUNDS`
//! (default 3) change the volume; the median is reported.
//!
//! Run: `cargo bench --bench hr_import` (results: `docs/benchmarks.md`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::Cursor,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use axum_test::{
    TestServer,
    multipart::{MultipartForm, Part},
};
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::{Datelike, NaiveDate};
use loco_rs::{app::Hooks, boot::StartMode, environment::Environment};
use mutualis::app::App;
use mutualis_core::{authz::Role, testkit::TestKit};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;

const FIRST: [&str; 8] = [
    "Claire", "Léo", "Nadia", "Julien", "Sophie", "Karim", "Émilie", "Lucas",
];
const LAST: [&str; 8] = [
    "Martin", "Bernard", "Dubois", "Petit", "Durand", "Leroy", "Moreau", "Diallo",
];

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn nir(sex: u8, birth: NaiveDate, n: usize) -> String {
    let body = format!(
        "{sex}{:02}{:02}75{:03}{:03}",
        birth.year() % 100,
        birth.month(),
        n % 1000,
        (n / 1000) % 1000
    );
    let key = 97 - body.parse::<u64>().unwrap() % 97;
    format!("{body}{key:02}")
}

/// Writes the file; returns the number of valid rows it holds.
fn generate(path: &Path, rows: usize) -> usize {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let ws = wb.add_worksheet();
    for (c, t) in mutualis_hr::import::COLUMNS.iter().enumerate() {
        ws.write_string(0, u16::try_from(c).unwrap(), t.1).unwrap();
    }
    let mut valid = 0;
    for i in 0..rows {
        let r = u32::try_from(i + 1).unwrap();
        let female = i % 2 == 0;
        let birth = NaiveDate::from_ymd_opt(
            1960 + i32::try_from(i % 40).unwrap(),
            1 + u32::try_from(i % 12).unwrap(),
            1 + u32::try_from(i % 28).unwrap(),
        )
        .unwrap();
        let mut n = nir(if female { 2 } else { 1 }, birth, i);
        let bad = i % 80 == 79;
        if bad {
            n.replace_range(13.., if &n[13..] == "01" { "02" } else { "01" });
        } else {
            valid += 1;
        }
        let cdd = i % 10 == 3;
        ws.write_string(r, 0, format!("E{i:06}")).unwrap();
        ws.write_string(r, 1, LAST[i % LAST.len()]).unwrap();
        ws.write_string(r, 2, FIRST[(i / 3) % FIRST.len()]).unwrap();
        ws.write_string(r, 3, if female { "F" } else { "M" })
            .unwrap();
        ws.write_datetime_with_format(
            r,
            4,
            ExcelDateTime::from_ymd(
                u16::try_from(birth.year()).unwrap(),
                u8::try_from(birth.month()).unwrap(),
                u8::try_from(birth.day()).unwrap(),
            )
            .unwrap(),
            &date,
        )
        .unwrap();
        ws.write_string(r, 5, "française").unwrap();
        ws.write_string(r, 6, &n).unwrap();
        ws.write_string(
            r,
            7,
            format!("{:02}/{:02}/20{:02}", 1 + i % 28, 1 + i % 12, 10 + i % 15),
        )
        .unwrap();
        ws.write_string(r, 9, if cdd { "CDD" } else { "CDI" })
            .unwrap();
        if cdd {
            ws.write_string(r, 10, "31/12/2030").unwrap();
            ws.write_string(r, 11, "Remplacement d’un salarié absent")
                .unwrap();
        }
        ws.write_number(r, 12, if i % 7 == 0 { 24.5 } else { 35.0 })
            .unwrap();
        ws.write_string(r, 13, "CCN 66").unwrap();
        ws.write_string(r, 14, "Éducateur spécialisé").unwrap();
        ws.write_string(r, 15, "DEES").unwrap();
        ws.write_number(r, 16, 434.0).unwrap();
        ws.write_number(r, 17, f64::from(u32::try_from(i % 10).unwrap()))
            .unwrap();
    }
    wb.save(path).unwrap();
    valid
}

/// calamine alone: open and walk every cell.
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

/// The real import through the router on a fresh database.
async fn mutualis_import(path: &Path, dir: &Path, round: usize) -> (Duration, i64) {
    let mut config = App::load_config(&Environment::Test).await.unwrap();
    config.database.uri = format!(
        "sqlite://{}?mode=rwc",
        dir.join(format!("m{round}.sqlite")).display()
    );
    let boot = App::boot(StartMode::ServerOnly, &Environment::Test, config)
        .await
        .unwrap();
    let ctx = boot.app_context.clone();
    let kit = TestKit::new(&ctx);
    let m = kit.member("bench", &["hr"]).await;
    let bearer = kit.bearer(&kit.user("rh@bench.test", Role::HrOfficer, Some(&m)).await);
    let server = TestServer::new(
        boot.router
            .unwrap()
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .unwrap();
    let bytes = std::fs::read(path).unwrap();
    let t = Instant::now();
    let r = server
        .post("/api/m/bench/hr/imports")
        .add_header("authorization", bearer.as_str())
        .multipart(
            MultipartForm::new().add_part("file", Part::bytes(bytes).file_name("salaries.xlsx")),
        )
        .await;
    assert_eq!(r.status_code(), 201, "{}", r.text());
    let staged: Value = r.json();
    let upload = t.elapsed();
    if let Some(first) = staged["errors"].as_array().and_then(|e| e.first()) {
        println!("  first refused row: {first}");
    }
    let id = staged["id"].as_str().unwrap().to_string();
    let r = server
        .post(&format!("/api/m/bench/hr/imports/{id}/confirm"))
        .add_header("authorization", bearer.as_str())
        .await;
    assert_eq!(r.status_code(), 200, "{}", r.text());
    let elapsed = t.elapsed();
    println!(
        "  upload + staging {:.2} s, confirm {:.2} s",
        upload.as_secs_f64(),
        (elapsed - upload).as_secs_f64()
    );
    let imported = r.json::<Value>()["imported"].as_i64().unwrap();
    ctx.db.close_by_ref().await.ok();
    (elapsed, imported)
}

/// The openpyxl script: (wall time of the process, its own timing, valid rows).
fn openpyxl(path: &Path, dir: &Path, round: usize) -> Option<(Duration, f64, i64)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench/import_openpyxl.py");
    let t = Instant::now();
    let out = Command::new("python3")
        .arg(script)
        .arg(path)
        .arg(dir.join(format!("p{round}.sqlite")))
        .output()
        .ok()?;
    let wall = t.elapsed();
    if !out.status.success() {
        eprintln!(
            "openpyxl script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let v: Value = serde_json::from_slice(&out.stdout).ok()?;
    Some((wall, v["seconds"].as_f64()?, v["valid"].as_i64()?))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("HR_IMPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rounds: usize = std::env::var("HR_IMPORT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let dir = std::env::temp_dir().join(format!(
        "mutualis-hr-import-{}",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let dir = TempDir(dir);
    let file = dir.0.join("salaries.xlsx");
    let valid = generate(&file, rows);
    let size = std::fs::metadata(&file).unwrap().len();
    println!(
        "{rows} rows ({valid} valid), {:.1} MB xlsx, {rounds} rounds",
        size as f64 / 1e6
    );
    let (mut bare, mut ours, mut py, mut py_own) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (d, cells) = bare_parse(&file);
        assert!(cells > rows * 15);
        bare.push(d);
        let (d, imported) = mutualis_import(&file, &dir.0, round).await;
        assert_eq!(
            imported,
            i64::try_from(valid).unwrap(),
            "Mutualis imported every valid row"
        );
        ours.push(d);
        if let Some((wall, own, n)) = openpyxl(&file, &dir.0, round) {
            assert_eq!(
                n,
                i64::try_from(valid).unwrap(),
                "openpyxl found the same valid rows"
            );
            py.push(wall);
            py_own.push(Duration::from_secs_f64(own));
        }
        println!(
            "round {}: bare {:.2} s, Mutualis {:.2} s, openpyxl {}",
            round + 1,
            bare[round].as_secs_f64(),
            ours[round].as_secs_f64(),
            py.get(round)
                .map_or("—".to_string(), |d| format!("{:.2} s", d.as_secs_f64()))
        );
    }
    let (b, o) = (median(bare), median(ours));
    println!();
    println!("| path | median | rows/s | vs Mutualis |");
    println!("|---|---:|---:|---:|");
    let rate = |d: Duration| rows as f64 / d.as_secs_f64();
    println!(
        "| calamine bare parse (the limit) | {:.2} s | {:.0} | {:.2}× |",
        b.as_secs_f64(),
        rate(b),
        b.as_secs_f64() / o.as_secs_f64()
    );
    println!(
        "| Mutualis import (upload + staging + confirm) | {:.2} s | {:.0} | 1× |",
        o.as_secs_f64(),
        rate(o)
    );
    if !py.is_empty() {
        let (p, po) = (median(py), median(py_own));
        println!(
            "| openpyxl script (whole process) | {:.2} s | {:.0} | {:.1}× slower |",
            p.as_secs_f64(),
            rate(p),
            p.as_secs_f64() / o.as_secs_f64()
        );
        println!(
            "| openpyxl script (its own timer: read + validate + store) | {:.2} s | {:.0} | {:.1}× slower |",
            po.as_secs_f64(),
            rate(po),
            po.as_secs_f64() / o.as_secs_f64()
        );
    } else {
        println!(
            "| openpyxl script | not run (python3 -m pip install -r scripts/bench/requirements.txt) | | |"
        );
    }
}
