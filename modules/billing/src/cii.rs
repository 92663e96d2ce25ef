//! The EN 16931 e-invoice of a finalized invoice or credit note: a UN/CEFACT Cross
//! Industry Invoice (CII D16B, as in the Factur-X EN 16931 profile), the XML data of the
//! Factur-X PDF. The structure is fixed, so it is written directly with an escaping
//! helper. Validated in the tests against the official Factur-X EN 16931 XSD and the
//! EN 16931 schematron (`scripts/fetch-facturx-xsd.sh`, `scripts/check-cii-schematron.py`).
//!
//! Choices:
//! - A credit note (kind `credit_note`, stored with negative cents) is a `381` document
//!   with positive amounts: every amount is negated.
//! - A line without VAT (rate 0) is exempt, category `E`, with the art. 261 B CGI reason
//!   (text and the code `VATEX-FR-CGI261B`) in its VAT breakdown; a taxed line is `S`.
//! - Quantity and net price are the line's own when they multiply exactly to its amount;
//!   otherwise (prorated subscription, cost pool share) the line is billed as 1 × its
//!   amount and the line's explanation says how it was computed.
use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Duration, NaiveDate};
use mutualis_core::{
    entities::members,
    error::{AppError, AppResult},
    time::{Month, fr_date},
};
use rust_decimal::Decimal;

use crate::{
    Seller,
    entities::{billing_invoice_lines, billing_invoices},
};

/// The EN 16931 exemption text printed on exempt invoices.
pub const EXEMPTION_REASON: &str = "Exonération de TVA – article 261 B du CGI";
/// The VATEX code of art. 261 B CGI (CEF VATEX code list, French codes).
pub const EXEMPTION_CODE: &str = "VATEX-FR-CGI261B";

const NS: &str = concat!(
    r#"xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" "#,
    r#"xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" "#,
    r#"xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" "#,
    r#"xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100""#
);

/// Text escaped for XML content and attribute values; characters XML 1.0 forbids are
/// dropped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Cents as an amount with two decimals and a dot: `-1234` → `-12.34`.
fn amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let a = cents.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// A decimal without exponent nor trailing zeros (`20`, `5.5`).
fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A price: at least two decimals.
fn price(d: Decimal) -> String {
    let mut d = d.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d.to_string()
}

fn date102(d: NaiveDate) -> String {
    format!(
        r#"<udt:DateTimeString format="102">{}</udt:DateTimeString>"#,
        d.format("%Y%m%d")
    )
}

fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// `<tag>text</tag>` with the text escaped, or nothing when the text is empty.
fn el(xml: &mut String, tag: &str, text: &str) {
    if let Some(t) = non_empty(text) {
        let _ = write!(xml, "<{tag}>{}</{tag}>", esc(t));
    }
}

/// VAT category of a line: exempt (261 B) when it bears no VAT rate, standard otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    Exempt,
    Standard,
}

impl Category {
    fn code(self) -> &'static str {
        match self {
            Self::Exempt => "E",
            Self::Standard => "S",
        }
    }
}

/// A line as it appears in the document (signs already turned for a credit note).
struct DocLine<'a> {
    id: i32,
    line: &'a billing_invoice_lines::Model,
    quantity: Decimal,
    price: Decimal,
    amount: i64,
    vat: i64,
    category: Category,
    rate: Decimal,
}

fn doc_line(l: &billing_invoice_lines::Model, sign: i64) -> AppResult<DocLine<'_>> {
    let bad = |what: &str| {
        AppError::Unexpected(anyhow::anyhow!(
            "invoice line {} ({}): invalid {what}",
            l.id,
            l.label
        ))
    };
    let amount = sign * l.amount_cents;
    let vat = sign * l.vat_cents;
    let rate: Decimal = match l.vat_rate.trim() {
        "" => Decimal::ZERO,
        r => r.parse().map_err(|_| bad("VAT rate"))?,
    };
    let category = if rate.is_zero() {
        if vat != 0 {
            return Err(bad("VAT (VAT without a rate)"));
        }
        Category::Exempt
    } else {
        Category::Standard
    };
    // Quantity × net price, when they give the line's amount exactly.
    let abs = Decimal::new(amount.abs(), 2);
    let own = l
        .quantity
        .trim()
        .parse::<Decimal>()
        .ok()
        .zip(
            l.unit_price
                .as_deref()
                .and_then(|p| p.trim().parse::<Decimal>().ok()),
        )
        .filter(|(q, p)| *q > Decimal::ZERO && *p >= Decimal::ZERO && *q * *p == abs);
    let negative = amount < 0;
    let (quantity, price) = own.unwrap_or((Decimal::ONE, abs));
    Ok(DocLine {
        id: l.position + 1,
        line: l,
        quantity: if negative { -quantity } else { quantity },
        price,
        amount,
        vat,
        category,
        rate: rate.normalize(),
    })
}

fn party(
    xml: &mut String,
    tag: &str,
    name: &str,
    siren: &str,
    address: (&str, &str, &str, &str),
    email: &str,
    vat_id: &str,
) {
    let (line_one, postcode, city, country) = address;
    let _ = write!(xml, "<ram:{tag}>");
    el(xml, "ram:Name", name);
    if let Some(siren) = non_empty(siren) {
        let _ = write!(
            xml,
            r#"<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">{}</ram:ID></ram:SpecifiedLegalOrganization>"#,
            esc(siren)
        );
    }
    xml.push_str("<ram:PostalTradeAddress>");
    el(xml, "ram:PostcodeCode", postcode);
    el(xml, "ram:LineOne", line_one);
    el(xml, "ram:CityName", city);
    el(xml, "ram:CountryID", non_empty(country).unwrap_or("FR"));
    xml.push_str("</ram:PostalTradeAddress>");
    if let Some(email) = non_empty(email) {
        let _ = write!(
            xml,
            r#"<ram:URIUniversalCommunication><ram:URIID schemeID="EM">{}</ram:URIID></ram:URIUniversalCommunication>"#,
            esc(email)
        );
    }
    if let Some(vat_id) = non_empty(vat_id) {
        let _ = write!(
            xml,
            r#"<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{}</ram:ID></ram:SpecifiedTaxRegistration>"#,
            esc(&vat_id.replace(' ', ""))
        );
    }
    let _ = write!(xml, "</ram:{tag}>");
}

fn note(xml: &mut String, content: &str, subject: &str) {
    let _ = write!(
        xml,
        "<ram:IncludedNote><ram:Content>{}</ram:Content><ram:SubjectCode>{subject}</ram:SubjectCode></ram:IncludedNote>",
        esc(content)
    );
}

/// The EN 16931 CII XML (Factur-X EN 16931 profile) of a finalized invoice (`380`) or
/// credit note (`381`, amounts made positive, referring to invoice `refers_to_number`).
///
/// # Errors
/// 409 when the document is not finalized (no number or issue date), has no line, or
/// when the settings lack the seller's VAT number (EN 16931 BR-E-02 / BR-S-02);
/// 500 when the stored totals do not match the lines (the XML would be refused).
pub fn invoice_cii(
    seller: &Seller,
    member: &members::Model,
    inv: &billing_invoices::Model,
    lines: &[billing_invoice_lines::Model],
    refers_to_number: Option<&str>,
) -> AppResult<String> {
    let not_final = || {
        AppError::Conflict(
            "Seule une facture émise (numérotée et datée) a une facture électronique.".to_string(),
        )
    };
    let number = inv
        .number
        .as_deref()
        .and_then(non_empty)
        .ok_or_else(not_final)?;
    let issued = inv.issued_on.ok_or_else(not_final)?;
    let credit = inv.kind == "credit_note";
    let sign = if credit { -1 } else { 1 };
    let month = Month::parse(&inv.period)?;
    let (start, end) = (
        month.first_day(),
        month.next().first_day() - Duration::days(1),
    );

    let mut sorted: Vec<&billing_invoice_lines::Model> = lines.iter().collect();
    sorted.sort_by_key(|l| l.position);
    let doc: Vec<DocLine<'_>> = sorted
        .into_iter()
        .map(|l| doc_line(l, sign))
        .collect::<AppResult<_>>()?;
    if doc.is_empty() {
        return Err(AppError::Conflict(
            "Une facture électronique a au moins une ligne.".to_string(),
        ));
    }

    // VAT breakdown by category and rate; totals from the lines, checked against the
    // stored ones (EN 16931 BR-CO-10, -13, -14, -15, -16 then hold by construction).
    let mut breakdown: BTreeMap<(Category, Decimal), (i64, i64)> = BTreeMap::new();
    for l in &doc {
        let e = breakdown.entry((l.category, l.rate)).or_default();
        e.0 += l.amount;
        e.1 += l.vat;
    }
    let line_total: i64 = doc.iter().map(|l| l.amount).sum();
    let tax_total: i64 = breakdown.values().map(|(_, v)| v).sum();
    let grand_total = line_total + tax_total;
    if line_total != sign * inv.subtotal_cents
        || tax_total != sign * inv.vat_cents
        || grand_total != sign * inv.total_cents
    {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "invoice {number}: stored totals {}/{}/{} differ from its lines {}/{}/{}",
            inv.subtotal_cents,
            inv.vat_cents,
            inv.total_cents,
            sign * line_total,
            sign * tax_total,
            sign * grand_total
        )));
    }
    let exempt = breakdown.keys().any(|(c, _)| *c == Category::Exempt);
    if non_empty(&seller.vat_id).is_none() {
        return Err(AppError::Conflict(
            "Le numéro de TVA intracommunautaire de la coopérative manque dans les réglages de facturation : la facture électronique l’exige (EN 16931 BR-E-02, BR-S-02)."
                .to_string(),
        ));
    }

    let mut xml = String::with_capacity(8192);
    let _ = write!(
        xml,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice {NS}>"#
    );
    xml.push_str("<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>");

    // Document: number, type, issue date, mandatory mentions as notes.
    let _ = write!(
        xml,
        "<rsm:ExchangedDocument><ram:ID>{}</ram:ID><ram:TypeCode>{}</ram:TypeCode><ram:IssueDateTime>{}</ram:IssueDateTime>",
        esc(number),
        if credit { "381" } else { "380" },
        date102(issued)
    );
    if let Some(reason) = inv.reason.as_deref().and_then(non_empty) {
        let reason = if credit {
            format!("Motif de l’avoir : {reason}")
        } else {
            reason.to_string()
        };
        note(&mut xml, &reason, "ACD");
    }
    if exempt && tax_total == 0 {
        note(
            &mut xml,
            &format!(
                "{EXEMPTION_REASON} : les sommes demandées correspondent exactement à la part de l’adhérent dans les dépenses communes."
            ),
            "REG",
        );
    }
    if !credit {
        if let Some(penalty) = non_empty(&seller.late_penalty) {
            note(
                &mut xml,
                &format!("Pénalités de retard : {penalty}."),
                "PMD",
            );
        }
        note(
            &mut xml,
            "Indemnité forfaitaire pour frais de recouvrement : 40 €.",
            "PMT",
        );
    }
    xml.push_str("</rsm:ExchangedDocument><rsm:SupplyChainTradeTransaction>");

    // Lines.
    for l in &doc {
        let _ = write!(
            xml,
            "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument><ram:LineID>{}</ram:LineID></ram:AssociatedDocumentLineDocument><ram:SpecifiedTradeProduct>",
            l.id
        );
        el(
            &mut xml,
            "ram:SellerAssignedID",
            &format!("{}/{}", l.line.module, l.line.charge_code),
        );
        el(
            &mut xml,
            "ram:Name",
            non_empty(&l.line.label).unwrap_or(&l.line.charge_code),
        );
        el(&mut xml, "ram:Description", &l.line.explanation);
        let _ = write!(
            xml,
            r#"</ram:SpecifiedTradeProduct><ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement><ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">{}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery><ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>{}</ram:CategoryCode><ram:RateApplicablePercent>{}</ram:RateApplicablePercent></ram:ApplicableTradeTax><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>"#,
            price(l.price),
            dec(l.quantity),
            l.category.code(),
            dec(l.rate),
            amount(l.amount)
        );
    }

    // Parties.
    xml.push_str("<ram:ApplicableHeaderTradeAgreement>");
    party(
        &mut xml,
        "SellerTradeParty",
        &seller.name,
        &seller.siren,
        (
            &seller.address,
            &seller.postcode,
            &seller.city,
            &seller.country,
        ),
        &seller.email,
        &seller.vat_id,
    );
    party(
        &mut xml,
        "BuyerTradeParty",
        &member.name,
        &member.siren,
        (&member.address, "", "", "FR"),
        &member.billing_email,
        "",
    );
    xml.push_str("</ram:ApplicableHeaderTradeAgreement><ram:ApplicableHeaderTradeDelivery/>");

    // Settlement.
    xml.push_str("<ram:ApplicableHeaderTradeSettlement>");
    if !credit {
        el(&mut xml, "ram:PaymentReference", number);
    }
    xml.push_str("<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>");
    let iban: String = seller.iban.chars().filter(|c| !c.is_whitespace()).collect();
    if !credit && !iban.is_empty() {
        let _ = write!(
            xml,
            "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode><ram:Information>Virement SEPA</ram:Information><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>",
            esc(&iban)
        );
    }
    for ((category, rate), (basis, tax)) in &breakdown {
        let _ = write!(
            xml,
            "<ram:ApplicableTradeTax><ram:CalculatedAmount>{}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>",
            amount(*tax)
        );
        if *category == Category::Exempt {
            el(&mut xml, "ram:ExemptionReason", EXEMPTION_REASON);
        }
        let _ = write!(
            xml,
            "<ram:BasisAmount>{}</ram:BasisAmount><ram:CategoryCode>{}</ram:CategoryCode>",
            amount(*basis),
            category.code()
        );
        if *category == Category::Exempt {
            el(&mut xml, "ram:ExemptionReasonCode", EXEMPTION_CODE);
        }
        let _ = write!(
            xml,
            "<ram:RateApplicablePercent>{}</ram:RateApplicablePercent></ram:ApplicableTradeTax>",
            dec(*rate)
        );
    }
    let _ = write!(
        xml,
        "<ram:BillingSpecifiedPeriod><ram:StartDateTime>{}</ram:StartDateTime><ram:EndDateTime>{}</ram:EndDateTime></ram:BillingSpecifiedPeriod>",
        date102(start),
        date102(end)
    );
    xml.push_str("<ram:SpecifiedTradePaymentTerms>");
    if credit {
        let terms = match refers_to_number.and_then(non_empty) {
            Some(n) => format!("Avoir en faveur de l’adhérent, sur la facture n° {n}."),
            None => "Avoir en faveur de l’adhérent.".to_string(),
        };
        el(&mut xml, "ram:Description", &terms);
    } else {
        let terms = match inv.due_on {
            Some(due) => format!(
                "Paiement à régler au plus tard le {}, par virement.",
                fr_date(due)
            ),
            None => "Paiement par virement.".to_string(),
        };
        el(&mut xml, "ram:Description", &terms);
        if let Some(due) = inv.due_on {
            let _ = write!(
                xml,
                "<ram:DueDateDateTime>{}</ram:DueDateDateTime>",
                date102(due)
            );
        }
    }
    let _ = write!(
        xml,
        r#"</ram:SpecifiedTradePaymentTerms><ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>{line}</ram:LineTotalAmount><ram:TaxBasisTotalAmount>{line}</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID="EUR">{tax}</ram:TaxTotalAmount><ram:GrandTotalAmount>{grand}</ram:GrandTotalAmount><ram:DuePayableAmount>{grand}</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>"#,
        line = amount(line_total),
        tax = amount(tax_total),
        grand = amount(grand_total)
    );
    if let Some(n) = refers_to_number.and_then(non_empty) {
        let _ = write!(
            xml,
            "<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{}</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>",
            esc(n)
        );
    }
    xml.push_str(
        "</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>\n",
    );
    Ok(xml)
}
