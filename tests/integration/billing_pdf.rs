//! The invoice PDF: built from a real closed and approved period, read back with
//! `pdftotext -layout` (poppler-utils). Set `MUTUALIS_PDF_OUT=/some/dir` to keep the
//! PDFs for a look.

use mutualis_billing::entities::{billing_invoice_lines, billing_invoices};
use mutualis_core::{authz::Role, entities::members, time::fr_date};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::common::*;

/// Whitespace made plain and single: pdftotext may turn no-break spaces into spaces,
/// and a wrapped sentence continues on the next line.
fn normalize(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_has(text: &str, needle: &str) {
    assert!(
        text.contains(&normalize(needle)),
        "« {needle} » missing from:\n{text}"
    );
}

/// Three members share a 100.00 € IT pool (alpha gets the extra cent: 33.34 €); the
/// period is closed and every invoice approved by the board. Returns the invoices.
async fn finalized_march(
    server: &axum_test::TestServer,
    kit: &TestKit<'_>,
) -> (String, String, Vec<Value>) {
    for slug in ["alpha", "beta", "gamma"] {
        kit.member(slug, &["billing"]).await;
    }
    let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
    for body in [
        json!({"module": "billing", "code": "abonnement", "label": "Abonnement", "kind": "subscription", "effective_from": "2026-01", "amount": "0"}),
        json!({"module": "it", "code": "support", "label": "Support informatique", "kind": "cost_pool", "effective_from": "2026-01", "amount": "100.00", "meter": "it.support_hours"}),
    ] {
        let r = server
            .post("/api/coop/billing/charges")
            .add_header("authorization", admin.as_str())
            .json(&body)
            .await;
        assert_eq!(r.status_code(), 201, "{}", r.text());
    }
    let key = kit.api_key("outil").await;
    let evs: Vec<Value> = ["alpha", "beta", "gamma"]
        .iter()
        .map(|m| json!({"id": format!("h-{m}"), "member": m, "meter": "it.support_hours", "quantity": "4", "occurred_at": "2026-03-10T10:00:00Z"}))
        .collect();
    let r = server
        .post("/api/usage/events")
        .add_header("x-api-key", key.as_str())
        .json(&json!({"events": evs}))
        .await;
    assert_eq!(r.status_code(), 200);
    let drafts: Value = server
        .post("/api/coop/billing/periods/2026-03/close")
        .add_header("authorization", admin.as_str())
        .await
        .json();
    let board = kit.bearer(&kit.user("ca@coop.test", Role::Board, None).await);
    let invoices = approve_all(server, &board, &drafts).await;
    (admin, board, invoices)
}

async fn load(
    ctx: &loco_rs::app::AppContext,
    id: &str,
) -> (
    billing_invoices::Model,
    Vec<billing_invoice_lines::Model>,
    members::Model,
) {
    let inv = mutualis_billing::service::find_any(
        &ctx.db,
        mutualis_core::tenant::Coop::for_task("test"),
        id.parse().unwrap(),
    )
    .await
    .unwrap();
    let lines = mutualis_billing::service::lines_of(&ctx.db, &inv)
        .await
        .unwrap();
    let member = members::Entity::find_by_id(inv.member_id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    (inv, lines, member)
}

#[tokio::test]
async fn the_invoice_pdf_carries_the_mandatory_mentions() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (_, _, invoices) = finalized_march(&server, &kit).await;
        let alpha = invoices.iter().find(|i| i["member"] == "alpha").unwrap();
        let (inv, lines, member) = load(&ctx, alpha["id"].as_str().unwrap()).await;
        assert_eq!(inv.status, "finalized");
        let seller = mutualis_billing::settings(&ctx).unwrap().seller.clone();
        let pdf = mutualis_billing::pdf::invoice_pdf(&seller, &member, &inv, &lines, None).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 150_000, "fonts are subset: {} bytes", pdf.len());
        let pages = pdf_pages(&pdf, "facture");
        assert_eq!(pages.len(), 1);
        let text = normalize(&pages.join("\n"));
        let number = inv.number.clone().unwrap();
        for needle in [
            format!("Facture n° {number}"),
            seller.siren.clone(),
            seller.vat_id.clone(),
            seller.name.clone(),
            member.siren.clone(),
            member.name.clone(),
            "Exonération de TVA – article 261 B du CGI".to_string(),
            "Indemnité forfaitaire pour frais de recouvrement : 40 €".to_string(),
            format!("Pénalités de retard : {}", seller.late_penalty),
            seller.iban.clone(),
            "Période de la prestation mars 2026".to_string(),
            format!("Date d’échéance {}", fr_date(inv.due_on.unwrap())),
            format!("Date d’émission {}", fr_date(inv.issued_on.unwrap())),
            "Total TTC à payer 33,34 €".to_string(),
            "Support informatique".to_string(),
            "4 heures".to_string(),
            "33,34 %".to_string(),
            "Page 1 / 1".to_string(),
        ] {
            assert_has(&text, &needle);
        }
        // The calculation is explained under its line.
        assert_has(&text, "Votre part : 33,34 %");
    })
    .await;
}

#[tokio::test]
async fn a_credit_note_pdf_names_the_invoice_it_corrects() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let (admin, board, invoices) = finalized_march(&server, &kit).await;
        let alpha = invoices.iter().find(|i| i["member"] == "alpha").unwrap();
        let r = server
            .post(&format!(
                "/api/coop/billing/invoices/{}/credit-notes",
                alpha["id"].as_str().unwrap()
            ))
            .add_header("authorization", admin.as_str())
            .json(&json!({"amount": "10.00", "reason": "Heures comptées deux fois"}))
            .await;
        assert_eq!(r.status_code(), 201, "{}", r.text());
        let note_id = r.json::<Value>()["id"].as_str().unwrap().to_string();
        let r = server
            .post(&format!("/api/coop/billing/invoices/{note_id}/approve"))
            .add_header("authorization", board.as_str())
            .await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        let (note, lines, member) = load(&ctx, &note_id).await;
        let invoice_number = alpha["number"].as_str().unwrap();
        let seller = mutualis_billing::settings(&ctx).unwrap().seller.clone();
        let pdf = mutualis_billing::pdf::invoice_pdf(
            &seller,
            &member,
            &note,
            &lines,
            Some(invoice_number),
        )
        .unwrap();
        let text = normalize(&pdf_pages(&pdf, "avoir").join("\n"));
        let number = note.number.clone().unwrap();
        assert!(number.starts_with("AV-"));
        for needle in [
            format!("Avoir n° {number}"),
            format!("Avoir sur la facture n° {invoice_number}"),
            "Motif Heures comptées deux fois".to_string(),
            "Total TTC de l’avoir -10,00 €".to_string(),
            "Exonération de TVA – article 261 B du CGI".to_string(),
            "Indemnité forfaitaire pour frais de recouvrement : 40 €".to_string(),
        ] {
            assert_has(&text, &needle);
        }
    })
    .await;
}

/// 60 lines built in memory: the table runs over several pages, its header is
/// repeated on each, no line is lost, and every page says "Page i / n".
#[test]
fn a_long_invoice_paginates_with_repeated_headers() {
    let now = chrono::Utc::now();
    let member = members::Model {
        id: 7,
        slug: "tilleuls".into(),
        name: "Association Les Tilleuls – EHPAD « Le Clos » & SESSAD".into(),
        siren: "123456782".into(),
        address: "12 avenue de Grammont, 37000 Tours".into(),
        finess: Some("370000123".into()),
        vat_status: "exempt".into(),
        billing_email: "compta@tilleuls.test".into(),
        created_at: now,
        updated_at: now,
        erased_at: None,
    };
    let id = uuid::Uuid::now_v7();
    let lines: Vec<billing_invoice_lines::Model> = (1..=60)
        .map(|i| billing_invoice_lines::Model {
            member_id: 7,
            id: uuid::Uuid::now_v7(),
            invoice_id: id,
            position: i,
            module: if i % 2 == 0 { "it" } else { "hr" }.into(),
            charge_code: format!("c{i}"),
            charge_kind: "cost_pool".into(),
            label: format!("Prestation n° {i:02} – œuvre commune, coût réel réparti"),
            meter: Some("it.support_hours".into()),
            quantity: format!("{}.5", i * 3),
            unit: "heures".into(),
            unit_price: (i % 3 == 0).then(|| "12.5".to_string()),
            share_pct: Some("12.5".into()),
            pool_cents: Some(1_234_567),
            amount_cents: 12_345 + i64::from(i),
            vat_rate: "0".into(),
            vat_cents: 0,
            explanation: if i % 4 == 0 {
                format!(
                    "Part du coût réel du module (12\u{202f}345,67\u{a0}€ pour le mois) : 20 % réparti à parts égales, 80 % selon la consommation. Ligne {i:02} expliquée en détail pour vérifier que le texte long se replie proprement sur plusieurs lignes sans déborder de la page."
                )
            } else {
                String::new()
            },
        })
        .collect();
    let subtotal: i64 = lines.iter().map(|l| l.amount_cents).sum();
    let inv = billing_invoices::Model {
        member_id: 7,
        id,
        kind: "invoice".into(),
        draft_key: "period:2026-03".into(),
        period: "2026-03".into(),
        status: "finalized".into(),
        number: Some("2026-000042".into()),
        subtotal_cents: subtotal,
        vat_cents: 0,
        total_cents: subtotal,
        refers_to: None,
        reason: None,
        issued_on: chrono::NaiveDate::from_ymd_opt(2026, 4, 2),
        due_on: chrono::NaiveDate::from_ymd_opt(2026, 5, 2),
        paid_on: None,
        finalized_at: Some(now),
        created_at: now,
        updated_at: now,
    };
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
    let pdf = mutualis_billing::pdf::invoice_pdf(&seller, &member, &inv, &lines, None).unwrap();
    let pages = pdf_pages(&pdf, "facture-longue");
    let n = pages.len();
    assert!(n >= 2, "{n} pages");
    for (i, page) in pages.iter().enumerate() {
        let text = normalize(page);
        assert_has(&text, &format!("Page {} / {n}", i + 1));
        assert_has(&text, "Désignation");
        assert_has(&text, "Montant HT");
    }
    let all = normalize(&pages.join("\n"));
    for i in 1..=60 {
        assert_has(&all, &format!("Prestation n° {i:02}"));
    }
    assert_has(&all, "Ligne 60 expliquée en détail");
    assert_has(&all, "12 345,67 €");
    assert_has(&all, "FINESS : 370000123");
    assert_has(&all, "Association Les Tilleuls");
    assert_has(
        &normalize(&pages[n - 1]),
        &format!(
            "Total TTC à payer {}",
            mutualis_core::time::fr_money(mutualis_billing::service::euros(subtotal))
        ),
    );
    assert_has(&all, "Date d’échéance 02/05/2026");
}
