//! The recap's text, read with pdftotext (poppler-utils), page by page.
use super::*;
use chrono::{TimeZone, Utc};

fn recap_ctx() -> RecapContext {
    RecapContext {
        member_name: "Association Les Tilleuls".into(),
        period: MAY,
        establishments: [
            ("00012".to_string(), "Foyer Les Tilleuls".to_string()),
            ("00025".to_string(), "SESSAD Les Cèdres".to_string()),
        ]
        .into_iter()
        .collect(),
        validated_by: Some("Jeanne Martin, directrice".into()),
        // 10:12 in Paris (summer time).
        validated_at: Some(Utc.with_ymd_and_hms(2026, 6, 2, 8, 12, 0).unwrap()),
        generated_at: Utc.with_ymd_and_hms(2026, 6, 2, 8, 15, 0).unwrap(),
    }
}

/// The text of `pdf`, page by page (pdftotext ends each page with a form feed), spaces
/// made plain and single.
fn pdf_pages(pdf: &[u8], name: &str) -> Vec<String> {
    keep(&format!("{name}.pdf"), pdf);
    let dir = std::env::temp_dir().join(format!("mutualis-payroll-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
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
    let mut pages: Vec<String> = text
        .split('\u{c}')
        .map(|p| {
            p.replace(['\u{a0}', '\u{202f}'], " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    if pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    pages
}

fn has(page: &str, text: &str) {
    assert!(page.contains(text), "« {text} » missing from:\n{page}");
}

#[test]
fn the_recap_has_a_section_per_establishment_for_the_director_to_sign() {
    let pdf = recap_pdf(&recap_ctx(), &month(), &staff()).unwrap();
    let pages = pdf_pages(&pdf, "recap_2026-05");
    // The home's elements fill a page: its totals go with the signature on the next.
    assert_eq!(pages.len(), 3, "{pages:#?}");
    let home = format!("{} {}", pages[0], pages[1]);
    let sessad = &pages[2];
    for section in [&home, sessad] {
        has(
            section,
            "Éléments variables de paie — mai 2026 Association Association Les Tilleuls",
        );
        has(section, "Période mai 2026");
        has(section, "Édité le 02/06/2026 à 10:15");
        has(
            section,
            "Validé par Jeanne Martin, directrice le 02/06/2026 à 10:12.",
        );
        has(section, "Signature du directeur");
    }
    // The home: Marie and Léa, their elements, the totals per code.
    has(
        &home,
        "Établissement Foyer Les Tilleuls — NIC 00012 Période mai 2026 Salariés 2 Éléments 11",
    );
    has(
        &home,
        "Marie Dupont Heures supplémentaires à 25 % 28/04/2026 3,5 h Matricule 00012 (HS25) Rappel sur avril 2026",
    );
    has(
        &home,
        "Arrêt maladie (MAL) 07/05/2026 6 jours au 12/05/2026 Arrêt initial, avis d’arrêt reçu",
    );
    has(
        &home,
        "Congés payés (jours ouvrables) 18/05/2026 6 jours (CP) au 23/05/2026",
    );
    has(&home, "Prime exceptionnelle — 250,00 € (PRIME_EXCEP)");
    has(&home, "Indemnités kilométriques (IK) — 142 km 0,636");
    has(
        &home,
        "Léa Fèvre-Dupré Arrêt maladie (MAL) 25/05/2026 2 jours Matricule 00027 au 26/05/2026 Prolongation, avis d’arrêt reçu",
    );
    // The page signed shows the totals and says what is certified.
    let signed = &pages[1];
    has(
        signed,
        "Totaux par élément — Foyer Les Tilleuls — NIC 00012",
    );
    has(signed, "Arrêt maladie (MAL) 2 8 jours");
    has(signed, "Heures supplémentaires à 25 % (HS25) 1 9,5 h");
    has(signed, "Prime exceptionnelle (PRIME_EXCEP) 1 250,00 €");
    has(signed, "Titres-restaurant (TR) 2 29");
    has(
        signed,
        "Je certifie exacts les éléments variables de paie de mai 2026 ci-dessus (Foyer Les Tilleuls — NIC 00012)",
    );
    has(signed, "Signature du directeur");
    assert!(!home.contains("Paul Martin"), "{home}");
    // The SESSAD: Paul alone, on its own page.
    has(
        sessad,
        "Établissement SESSAD Les Cèdres — NIC 00025 Période mai 2026 Salariés 1 Éléments 3",
    );
    has(
        sessad,
        "Paul Martin Astreintes (périodes) (AST) — 2 Matricule 00105",
    );
    has(sessad, "Remboursement de frais (FRAIS) 1 38,40 €");
    has(sessad, "Page 3 / 3");
    assert!(!sessad.contains("Marie Dupont"), "{sessad}");
}

#[test]
fn a_recap_not_yet_validated_leaves_the_lines_to_fill() {
    let mut ctx = recap_ctx();
    ctx.validated_by = None;
    ctx.validated_at = None;
    let pages = pdf_pages(&recap_pdf(&ctx, &[], &staff()).unwrap(), "recap_empty");
    assert_eq!(pages.len(), 1);
    has(
        &pages[0],
        "Établissement Sans établissement Période mai 2026 Salariés 0 Éléments 0",
    );
    has(&pages[0], EMPTY);
    has(&pages[0], "Validé par …………………………………………………… le ……/……/…………");
    has(&pages[0], "Signature du directeur");
}
