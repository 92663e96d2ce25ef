//! The period's allocation table for the accountant: one row per member × charge, as CSV
//! (`;`, decimal comma, UTF-8 with BOM for Excel) and XLSX.
use mutualis_core::{
    error::{AppError, AppResult},
    member::module_label,
};
use rust_decimal::{Decimal, prelude::ToPrimitive};

/// One row of the allocation table.
#[derive(Debug, Clone, PartialEq)]
pub struct AllocationRow {
    pub member: String,
    pub siren: String,
    pub module: String,
    pub charge: String,
    pub kind: String,
    pub meter: String,
    pub quantity: Decimal,
    pub unit: String,
    pub share_pct: Option<Decimal>,
    pub pool: Option<Decimal>,
    pub amount: Decimal,
    pub vat: Decimal,
}

/// Column titles, in French.
pub const HEADERS: [&str; 13] = [
    "Adhérent",
    "SIREN",
    "Module",
    "Tarif",
    "Type",
    "Compteur",
    "Quantité",
    "Unité",
    "Part (%)",
    "Montant du pool (€)",
    "Montant HT (€)",
    "TVA (€)",
    "Montant TTC (€)",
];

fn fr(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "subscription" => "Abonnement",
        "unit_price" => "Prix unitaire",
        "cost_pool" => "Pool de coûts",
        "true_up" => "Régularisation",
        _ => "Autre",
    }
}

/// The CSV file.
///
/// # Errors
/// Unexpected writer errors.
pub fn csv(rows: &[AllocationRow]) -> AppResult<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let err = |e: csv::Error| AppError::Unexpected(e.into());
    w.write_record(HEADERS).map_err(err)?;
    for r in rows {
        w.write_record([
            r.member.clone(),
            r.siren.clone(),
            module_label(&r.module).to_string(),
            r.charge.clone(),
            kind_label(&r.kind).to_string(),
            r.meter.clone(),
            fr(r.quantity),
            r.unit.clone(),
            r.share_pct.map(fr).unwrap_or_default(),
            r.pool.map(fr).unwrap_or_default(),
            fr(r.amount),
            fr(r.vat),
            fr(r.amount + r.vat),
        ])
        .map_err(err)?;
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(
        w.into_inner()
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e.to_string())))?,
    );
    Ok(out)
}

/// The XLSX file: amounts as numbers with a euro format (spreadsheet cells are binary
/// floating point by the file format; the CSV keeps the exact decimals).
///
/// # Errors
/// Unexpected writer errors.
pub fn xlsx(rows: &[AllocationRow], title: &str) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Unexpected(anyhow::anyhow!(e.to_string()));
    let mut wb = Workbook::new();
    // Dated by the documents' clock (a fixed clock gives the same bytes).
    if let Ok(at) =
        rust_xlsxwriter::ExcelDateTime::from_timestamp(mutualis_core::time::now().timestamp())
    {
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&at));
    }
    let ws = wb.add_worksheet();
    ws.set_name("Répartition").map_err(err)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("# ##0.00 €");
    let qty = Format::new().set_num_format("# ##0.######");
    ws.write_string_with_format(0, 0, title, &bold)
        .map_err(err)?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(2, u16::try_from(c).unwrap_or(0), *h, &bold)
            .map_err(err)?;
    }
    let num = |d: Decimal| d.to_f64().unwrap_or_default();
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 3).unwrap_or(u32::MAX);
        ws.write_string(row, 0, &r.member).map_err(err)?;
        ws.write_string(row, 1, &r.siren).map_err(err)?;
        ws.write_string(row, 2, module_label(&r.module))
            .map_err(err)?;
        ws.write_string(row, 3, &r.charge).map_err(err)?;
        ws.write_string(row, 4, kind_label(&r.kind)).map_err(err)?;
        ws.write_string(row, 5, &r.meter).map_err(err)?;
        ws.write_number_with_format(row, 6, num(r.quantity), &qty)
            .map_err(err)?;
        ws.write_string(row, 7, &r.unit).map_err(err)?;
        if let Some(s) = r.share_pct {
            ws.write_number(row, 8, num(s)).map_err(err)?;
        }
        if let Some(p) = r.pool {
            ws.write_number_with_format(row, 9, num(p), &money)
                .map_err(err)?;
        }
        ws.write_number_with_format(row, 10, num(r.amount), &money)
            .map_err(err)?;
        ws.write_number_with_format(row, 11, num(r.vat), &money)
            .map_err(err)?;
        ws.write_number_with_format(row, 12, num(r.amount + r.vat), &money)
            .map_err(err)?;
    }
    ws.set_column_width(0, 32).map_err(err)?;
    ws.set_column_width(3, 30).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_french_and_exact() {
        crate::install_test_modules();
        let rows = vec![AllocationRow {
            member: "Les Tilleuls".into(),
            siren: "732829320".into(),
            module: "it".into(),
            charge: "Support".into(),
            kind: "cost_pool".into(),
            meter: "it.support_hours".into(),
            quantity: Decimal::new(125, 1),
            unit: "heures".into(),
            share_pct: Some(Decimal::new(3334, 2)),
            pool: Some(Decimal::new(10_000, 2)),
            amount: Decimal::new(3334, 2),
            vat: Decimal::ZERO,
        }];
        let text = String::from_utf8(csv(&rows).unwrap()).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("Les Tilleuls;732829320;Support informatique;Support;Pool de coûts;it.support_hours;12,5;heures;33,34;100;33,34;0;33,34"), "{text}");
        let x = xlsx(&rows, "Répartition mars 2026").unwrap();
        assert_eq!(&x[..2], b"PK");
    }
}
