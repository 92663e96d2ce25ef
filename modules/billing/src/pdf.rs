//! The PDF of an invoice or a credit note, in French, with the mandatory mentions
//! (art. 242 nonies A annexe II CGI; C. com. L441-9, D441-5): both parties with their
//! SIREN (and VAT numbers), issue date, number, period of the service, lines with
//! quantity, unit price excl. VAT, VAT rate, totals, the VAT exemption basis when no VAT
//! is due, payment due date, late-payment penalties, the 40 € recovery indemnity and the
//! IBAN. Laid out by `mutualis_core::documents`.
use std::str::FromStr;

use mutualis_core::{
    documents::{Column, Doc, Row, Style, Table, Tone},
    entities::members,
    error::{AppError, AppResult},
    member::module_label,
    time::{Month, fr_date, fr_decimal, fr_money},
    web::views::month_label,
};
use rust_decimal::Decimal;

use crate::{
    Seller,
    entities::{billing_invoice_lines, billing_invoices},
    service::{euros, status},
};

/// The exemption basis printed when an invoice carries no VAT.
pub const VAT_EXEMPTION: &str = "Exonération de TVA – article 261 B du CGI";
/// The fixed recovery indemnity (C. com. D441-5).
pub const RECOVERY_INDEMNITY: &str = "Indemnité forfaitaire pour frais de recouvrement : 40\u{a0}€";

fn money(cents: i64) -> String {
    fr_money(euros(cents))
}

fn decimal(s: &str) -> Option<Decimal> {
    Decimal::from_str(s.trim()).ok()
}

/// `12,5 %`
fn percent(s: &str) -> String {
    decimal(s).map_or_else(|| s.to_string(), |d| format!("{}\u{a0}%", fr_decimal(d)))
}

/// `4 heures`; the bare number without a unit.
fn quantity(line: &billing_invoice_lines::Model) -> String {
    let q = decimal(&line.quantity).map_or_else(|| line.quantity.clone(), fr_decimal);
    if line.unit.trim().is_empty() {
        q
    } else {
        format!("{q}\u{a0}{}", line.unit.trim())
    }
}

/// A unit price: money with two decimals, more when the price has more (`0,004 €`).
fn unit_price(s: &str) -> String {
    match decimal(s) {
        Some(d) if d.normalize().scale() > 2 => format!("{}\u{a0}€", fr_decimal(d)),
        Some(d) => fr_money(d),
        None => s.to_string(),
    }
}

/// `mars 2026` for `2026-03`; the raw period otherwise.
fn period_label(period: &str) -> String {
    Month::parse(period).map_or_else(|_| period.to_string(), month_label)
}

/// `Module : Support informatique` (the code when the module is unknown).
fn module_line(line: &billing_invoice_lines::Model) -> String {
    let module = match module_label(&line.module) {
        "Module inconnu" => line.module.as_str(),
        label => label,
    };
    if module.trim().is_empty() {
        String::new()
    } else {
        format!("Module : {module}")
    }
}

/// The PDF of `inv` (an invoice, or a credit note when `kind` is `credit_note`) sent by
/// `seller` to `member`, with its `lines` in order; `refers_to_number` is the number of
/// the invoice a credit note corrects.
///
/// # Errors
/// 500 if the document cannot be laid out (the embedded font is unreadable).
pub fn invoice_pdf(
    seller: &Seller,
    member: &members::Model,
    inv: &billing_invoices::Model,
    lines: &[billing_invoice_lines::Model],
    refers_to_number: Option<&str>,
) -> AppResult<Vec<u8>> {
    let credit = inv.kind == "credit_note";
    let kind = if credit { "Avoir" } else { "Facture" };
    let draft = inv.status == status::DRAFT || inv.number.is_none();
    let number = inv.number.clone().unwrap_or_default();
    let title = if draft {
        format!("{kind} (brouillon)")
    } else {
        format!("{kind} n°\u{a0}{number}")
    };
    let mut doc = Doc::new(&format!("{title} – {}", seller.name)).map_err(unexpected)?;
    doc.set_footer(&format!("{} · {title}", seller.name));

    // Title and dates.
    doc.title(&title);
    if draft {
        doc.paragraph_styled(
            "Document provisoire, sans valeur de facture : en attente d’approbation par le conseil d’administration.",
            Style::STRONG.toned(Tone::Accent),
        );
    }
    let mut facts: Vec<(String, String)> = Vec::new();
    if let Some(d) = inv.issued_on {
        facts.push(("Date d’émission".into(), fr_date(d)));
    }
    facts.push(("Période de la prestation".into(), period_label(&inv.period)));
    if let Some(d) = inv.due_on {
        facts.push(("Date d’échéance".into(), fr_date(d)));
    }
    if let Some(n) = refers_to_number {
        facts.push(("Avoir sur la facture".into(), format!("n°\u{a0}{n}")));
    }
    if let Some(r) = inv.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        facts.push((if credit { "Motif" } else { "Objet" }.into(), r.to_string()));
    }
    doc.key_values(&facts);
    doc.space(2.0);

    // Seller and buyer.
    let mut left: Vec<(String, Style)> = vec![
        ("ÉMETTEUR".into(), Style::LABEL),
        (seller.name.clone(), Style::STRONG),
        (seller.address.clone(), Style::BODY),
        (format!("{} {}", seller.postcode, seller.city), Style::BODY),
        (format!("SIREN : {}", seller.siren), Style::BODY),
    ];
    if !seller.vat_id.trim().is_empty() {
        left.push((format!("N° TVA : {}", seller.vat_id), Style::BODY));
    }
    left.push((seller.email.clone(), Style::BODY.toned(Tone::Muted)));
    let mut right: Vec<(String, Style)> = vec![
        ("DESTINATAIRE".into(), Style::LABEL),
        (member.name.clone(), Style::STRONG),
    ];
    right.extend(
        member
            .address
            .split([',', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| (p.to_string(), Style::BODY)),
    );
    right.push((format!("SIREN : {}", member.siren), Style::BODY));
    if let Some(f) = member.finess.as_deref().filter(|f| !f.trim().is_empty()) {
        right.push((format!("FINESS : {f}"), Style::BODY));
    }
    if !member.billing_email.trim().is_empty() {
        right.push((member.billing_email.clone(), Style::BODY.toned(Tone::Muted)));
    }
    doc.two_columns_boxed(&left, &right);
    doc.space(4.0);

    // Lines.
    let table = Table {
        columns: vec![
            Column::left("Désignation", 38.0),
            Column::right("Quantité", 14.0),
            Column::right("Prix unitaire HT", 15.0),
            Column::right("Part", 11.0),
            Column::right("Montant HT", 15.0),
            Column::right("TVA", 9.0),
        ],
        rows: lines
            .iter()
            .map(|l| {
                Row::new([
                    l.label.clone(),
                    quantity(l),
                    l.unit_price.as_deref().map(unit_price).unwrap_or_default(),
                    l.share_pct.as_deref().map(percent).unwrap_or_default(),
                    money(l.amount_cents),
                    percent(&l.vat_rate),
                ])
                .with_sub(module_line(l))
                .with_note(l.explanation.clone())
            })
            .collect(),
    };
    doc.table(&table);

    // Totals, kept with the exemption mention.
    doc.keep_together(30.0);
    doc.totals(&[
        ("Total HT", money(inv.subtotal_cents)),
        ("TVA", money(inv.vat_cents)),
        (
            if credit {
                "Total TTC de l’avoir"
            } else {
                "Total TTC à payer"
            },
            money(inv.total_cents),
        ),
    ]);
    if inv.vat_cents == 0 {
        doc.paragraph_styled(VAT_EXEMPTION, Style::STRONG);
    }

    // Payment terms and mandatory mentions, on one page.
    doc.keep_together(55.0);
    doc.heading("Conditions de paiement");
    let due = inv.due_on.map(fr_date);
    let reference = if draft {
        String::new()
    } else {
        format!(", en rappelant la référence {number}")
    };
    if credit {
        doc.paragraph(&format!(
            "Montant de l’avoir en votre faveur : {}, imputé sur vos prochaines factures ou remboursé par virement.",
            money(inv.total_cents.saturating_abs())
        ));
        if let Some(d) = &due {
            doc.paragraph(&format!("Date d’échéance : {d}."));
        }
    } else {
        match &due {
            Some(d) => doc.paragraph(&format!(
                "Date d’échéance : {d}. Règlement par virement{reference}."
            )),
            None => doc.paragraph(&format!("Règlement par virement{reference}.")),
        }
    }
    doc.paragraph("Pas d’escompte pour paiement anticipé.");
    doc.paragraph(&format!("Pénalités de retard : {}.", seller.late_penalty));
    doc.paragraph(&format!("{RECOVERY_INDEMNITY}."));
    doc.space(1.5);
    doc.key_values(&[
        ("IBAN", seller.iban.as_str()),
        ("Titulaire du compte", seller.name.as_str()),
    ]);

    doc.finish().map_err(unexpected)
}

fn unexpected(e: mutualis_core::documents::DocError) -> AppError {
    AppError::Unexpected(anyhow::Error::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_set_the_french_way() {
        assert_eq!(unit_price("0.004"), "0,004\u{a0}€");
        assert_eq!(unit_price("45"), "45,00\u{a0}€");
        assert_eq!(percent("33.34"), "33,34\u{a0}%");
        assert_eq!(period_label("2026-03"), "mars 2026");
        assert_eq!(period_label("2026"), "2026");
        assert_eq!(money(-1000), "-10,00\u{a0}€");
    }
}
