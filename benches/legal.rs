//! Legal documents benchmark: filled five-page documents made into PDF (core's documents
//! layer) and DOCX (docx-rs), documents per second — the work of each download of a
//! document (`library::file`: parse the version's source, render the values, lay out).
//!
//! The template is the shipped « contrat de séjour » lengthened to five A4 pages (its
//! clauses repeated); `LEGAL_DOCS` (default 1000) changes the volume.
//! Run: `cargo bench --bench legal` (results in `docs/benchmarks.md`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use mutualis_legal::{
    files, seed,
    source::{self, Context},
    values,
};

fn main() {
    let n: usize = std::env::var("LEGAL_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let base = seed::LIBRARY[5].1;
    // Five pages: the body's clauses repeated, each under its own heading.
    let (front, body) = base.split_at(base.find("\n# ").unwrap());
    let mut long = front.to_string();
    long.push_str(body);
    for i in 2..=14 {
        long.push_str(&body.replace("# Contrat de séjour", &format!("## Annexe {i}")));
    }
    let src = source::parse(&long).unwrap();
    let input: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "personne": "Mme Jeanne Moreau", "etablissement": "Maison d’accueil Les Cèdres",
        "admission": "2027-01-04", "hebergement": "hébergement permanent", "tarif_journalier": "78.40",
    }))
    .unwrap();
    let shown = values::check(&src.variables, &input).unwrap();
    let ctx = Context {
        values: shown,
        membre: [
            ("nom", "Les Cèdres"),
            ("siren", "814536900"),
            ("adresse", "21 chemin des Cèdres, 36000 Châteauroux"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        ..Context::default()
    };
    let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let md = source::render(&src, &ctx).unwrap();
    let blocks = files::blocks(&md);
    let pages = files::pdf("Contrat de séjour", "Les Cèdres", &blocks, at).unwrap();
    let page_count = String::from_utf8_lossy(&pages)
        .matches("/Type/Page/")
        .count();

    let t = Instant::now();
    let mut bytes = 0usize;
    for _ in 0..n {
        let md = source::render(&source::parse(&long).unwrap(), &ctx).unwrap();
        let b = files::blocks(&md);
        bytes += files::pdf("Contrat de séjour", "Les Cèdres", &b, at)
            .unwrap()
            .len();
    }
    let pdf = t.elapsed();
    let t = Instant::now();
    for _ in 0..n {
        let md = source::render(&source::parse(&long).unwrap(), &ctx).unwrap();
        let b = files::blocks(&md);
        bytes += files::docx(
            "Contrat de séjour",
            "Association — Contrat de séjour (version 1)",
            &b,
        )
        .unwrap()
        .len();
    }
    let docx = t.elapsed();
    println!("| format | documents | pages each | total (s) | documents/s |");
    println!("|---|---:|---:|---:|---:|");
    for (name, d) in [("PDF", pdf), ("DOCX", docx)] {
        println!(
            "| {name} | {n} | {page_count} | {:.2} | {:.1} |",
            d.as_secs_f64(),
            n as f64 / d.as_secs_f64()
        );
    }
    eprintln!("({bytes} bytes written)");
}
