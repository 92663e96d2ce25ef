//! The memory an upload costs the server, measured: a global allocator records the peak
//! heap while each file goes through the HR import route (parse, validate, stage), one
//! at a time. For every file the growth above the cost of refusing a one-byte file must
//! stay under min(10 × the file's uncompressed size, 256 MiB); the figures are printed
//! for docs/benchmarks.md (`cargo test --test upload_memory -- --nocapture`).
//!
//! A binary of its own: the allocator is process-wide, and no other test may allocate
//! while one upload is measured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "integration/common.rs"]
#[allow(dead_code)]
mod common;

use axum_test::{
    TestServer,
    multipart::{MultipartForm, Part},
};
use chrono::{Datelike, NaiveDate};
use common::*;
use mutualis_core::{authz::Role, sheet::bombs};
use peak_alloc::PeakAlloc;
use rust_xlsxwriter::Workbook;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const MIB: f64 = 1024.0 * 1024.0;
const CAP: usize = 256 * 1024 * 1024;
/// Fixed buffers any zip read needs whatever its size (inflate's 32 KiB window,
/// calamine's and the pre-pass's read buffers): a file of a few kilobytes cannot cost
/// less than this, and 10× its size would be less.
const FLOOR: usize = 1024 * 1024;

/// A valid NIR for the row (sex, birth date, a serial).
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

/// The import template's 18 columns for `rows` employees, each with a CDI.
fn employees(rows: usize) -> Vec<Vec<String>> {
    let mut out = vec![
        mutualis_hr::import::COLUMNS
            .iter()
            .map(|(_, t)| (*t).to_string())
            .collect::<Vec<_>>(),
    ];
    for i in 0..rows {
        let birth = NaiveDate::from_ymd_opt(
            1960 + i32::try_from(i % 40).unwrap(),
            1 + u32::try_from(i % 12).unwrap(),
            1 + u32::try_from(i % 28).unwrap(),
        )
        .unwrap();
        let sex = if i % 2 == 0 { 2 } else { 1 };
        out.push(
            [
                format!("E{i:06}"),
                ["Martin", "Bernard", "Dubois", "Petit"][i % 4].to_string(),
                ["Claire", "Léo", "Nadia", "Julien"][i % 4].to_string(),
                if sex == 2 { "F" } else { "M" }.to_string(),
                birth.format("%d/%m/%Y").to_string(),
                "française".to_string(),
                nir(sex, birth, i),
                format!("{:02}/{:02}/20{:02}", 1 + i % 28, 1 + i % 12, 10 + i % 15),
                String::new(),
                "CDI".to_string(),
                String::new(),
                String::new(),
                "35".to_string(),
                "CCN 66".to_string(),
                "Éducateur spécialisé".to_string(),
                "DEES".to_string(),
                "434".to_string(),
                (i % 10).to_string(),
            ]
            .to_vec(),
        );
    }
    out
}

fn xlsx_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), v)
                    .unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn csv_of(rows: &[Vec<String>]) -> Vec<u8> {
    rows.iter()
        .map(|r| r.join(";"))
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes()
}

/// Uploads the file and returns (status, peak heap growth during the request, time).
async fn measure(
    server: &TestServer,
    bearer: &str,
    name: &str,
    bytes: &[u8],
) -> (u16, usize, std::time::Duration) {
    let form = MultipartForm::new().add_part("file", Part::bytes(bytes.to_vec()).file_name(name));
    let request = server
        .post("/api/m/alpha/hr/imports")
        .add_header("authorization", bearer)
        .multipart(form);
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let t = std::time::Instant::now();
    let status = request.await.status_code().as_u16();
    let took = t.elapsed();
    (status, HEAP.peak_usage().saturating_sub(before), took)
}

#[tokio::test]
async fn no_upload_grows_the_heap_past_ten_times_its_uncompressed_size_or_256_mib() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.bearer(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await);
        // UPLOAD_MEMORY_ROWS: the legitimate files' employees (default 20,000).
        let n: usize = std::env::var("UPLOAD_MEMORY_ROWS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20_000);
        let staff = employees(n);
        // The same rows, each wrong three times (sex, NIR, entry date): the report.
        let mut wrong = staff.clone();
        for row in wrong.iter_mut().skip(1) {
            row[3] = "X".into();
            row[6] = "123".into();
            row[7] = "hier".into();
        }
        let (xlsx_name, csv_name, wrong_name) = (
            format!("salaries-{n}.xlsx"),
            format!("salaries-{n}.csv"),
            format!("erreurs-{n}.csv"),
        );
        let files: Vec<(&str, Vec<u8>, u16)> = vec![
            (&xlsx_name, xlsx_of(&staff), 201),
            (&csv_name, csv_of(&staff), 201),
            (&wrong_name, csv_of(&wrong), 201),
            ("creux-20000.xlsx", bombs::sparse_rows(20_000), 422),
            ("cellules-courtes.csv", bombs::short_cells_csv(200_000), 422),
            ("feuille-200mo.xlsx", bombs::repeated_rows(200), 422),
            ("zeros-200mo.xlsx", bombs::zeros_entry(200), 422),
            ("texte-20ko.xlsx", bombs::long_shared_string(), 422),
            (
                "partages-1m5.xlsx",
                bombs::many_shared_strings(1_500_000),
                422,
            ),
            ("ALL10000.xlsx", bombs::far_cell(Some("A1")), 422),
            ("ALL10000-sans-dimension.xlsx", bombs::far_cell(None), 422),
            ("repetitions.ods", bombs::ods_repeats(), 422),
            ("espaces.ods", bombs::ods_spaces(), 422),
        ];
        drop((staff, wrong));
        // What refusing any file costs (the request, the session, the refusal page).
        let (status, base, _) = measure(&server, &rh, "x.png", b"x").await;
        assert_eq!(status, 422);
        println!(
            "baseline (a one-byte file refused): {:.2} MiB",
            base as f64 / MIB
        );
        println!("| file | size | uncompressed | answer | time | peak heap growth | bound |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for (name, bytes, _) in &files[..2] {
            let before = HEAP.current_usage();
            HEAP.reset_peak_usage();
            let rows = mutualis_hr::import::read_rows(name, bytes).unwrap();
            let held = HEAP.current_usage() - before;
            let peak = HEAP.peak_usage() - before;
            drop(rows);
            println!(
                "the reader alone, {name}: rows held {:.1} MiB, peak {:.1} MiB",
                held as f64 / MIB,
                peak as f64 / MIB
            );
        }
        for (name, bytes, want) in files {
            let unpacked = usize::try_from(bombs::uncompressed_size(&bytes)).unwrap();
            let (status, grew, took) = measure(&server, &rh, name, &bytes).await;
            let net = grew.saturating_sub(base);
            let bound = unpacked.saturating_mul(10).clamp(FLOOR, CAP);
            println!(
                "| {name} | {:.2} MiB | {:.1} MiB | {status} | {:.2} s | {:.1} MiB | {:.1} MiB |",
                bytes.len() as f64 / MIB,
                unpacked as f64 / MIB,
                took.as_secs_f64(),
                net as f64 / MIB,
                bound as f64 / MIB
            );
            assert_eq!(status, want, "{name}");
            assert!(net <= bound, "{name}: grew {net} bytes, bound {bound}");
        }
    })
    .await;
}
