//! The board's chart: what each module cost per month over the last 12 months (stacked
//! bars, server-rendered SVG with plotters), for every member or one.
use std::collections::BTreeMap;

use mutualis_core::{db::stmt, error::AppResult, member::module_label, time::Month};
use plotters::prelude::*;
use rust_decimal::{Decimal, prelude::ToPrimitive};
use sea_orm::ConnectionTrait;

/// Colours with enough contrast on white, one per module.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0x1f, 0x4e, 0x79),
    RGBColor(0xc0, 0x50, 0x4d),
    RGBColor(0x2e, 0x7d, 0x32),
    RGBColor(0x8e, 0x44, 0xad),
    RGBColor(0xb3, 0x6b, 0x00),
    RGBColor(0x00, 0x7c, 0x91),
    RGBColor(0x5d, 0x5d, 0x5d),
];

/// Invoiced amounts (excluding VAT) per month and module, for the 12 months ending at
/// `last`, for one member or (None) all: one `GROUP BY`.
///
/// # Errors
/// Database errors.
pub async fn monthly_by_module<C: ConnectionTrait>(
    db: &C,
    member_id: Option<i64>,
    last: Month,
) -> AppResult<(Vec<Month>, BTreeMap<String, Vec<Decimal>>)> {
    let mut months = vec![last];
    for _ in 0..11 {
        let m = months.last().copied().unwrap_or(last).prev();
        months.push(m);
    }
    months.reverse();
    let first = months.first().copied().unwrap_or(last);
    let (filter, mut values): (&str, Vec<sea_orm::Value>) = match member_id {
        Some(id) => ("AND i.member_id = ? ", vec![id.into()]),
        None => ("", vec![]),
    };
    values.push(first.to_string().into());
    values.push(last.to_string().into());
    let sql = format!(
        "SELECT i.period AS period, l.module AS module, CAST(SUM(l.amount_cents) AS BIGINT) AS cents \
         FROM billing_invoice_lines l JOIN billing_invoices i ON i.member_id = l.member_id AND i.id = l.invoice_id \
         WHERE i.kind = 'invoice' AND i.draft_key LIKE 'invoice:%' {filter}AND i.period >= ? AND i.period <= ? \
         GROUP BY i.period, l.module"
    );
    let rows = db.query_all_raw(stmt(db, &sql, values)).await?;
    let mut series: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
    for r in rows {
        let period: String = r.try_get("", "period")?;
        let module: String = r.try_get("", "module")?;
        let cents: i64 = r.try_get::<Option<i64>>("", "cents")?.unwrap_or_default();
        if let Some(i) = months.iter().position(|m| m.to_string() == period) {
            let v = series
                .entry(module)
                .or_insert_with(|| vec![Decimal::ZERO; months.len()]);
            if let Some(slot) = v.get_mut(i) {
                *slot += Decimal::new(cents, 2);
            }
        }
    }
    Ok((months, series))
}

fn short_month(m: Month) -> String {
    const N: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    format!(
        "{} {}",
        N.get(usize::try_from(m.month).unwrap_or(1).saturating_sub(1))
            .copied()
            .unwrap_or_default(),
        m.year % 100
    )
}

/// Stacked bars as an SVG string (amounts become pixel positions here, and only here).
#[must_use]
pub fn stacked_bars_svg(
    months: &[Month],
    series: &BTreeMap<String, Vec<Decimal>>,
    title: &str,
) -> String {
    let totals: Vec<f64> = (0..months.len())
        .map(|i| {
            series
                .values()
                .map(|v| v.get(i).copied().unwrap_or_default())
                .sum::<Decimal>()
                .to_f64()
                .unwrap_or(0.0)
        })
        .collect();
    let max = totals.iter().copied().fold(0.0_f64, f64::max).max(1.0) * 1.15;
    let n = u32::try_from(months.len()).unwrap_or(12);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 320)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let built = ChartBuilder::on(&root)
            .margin(12)
            .caption(title, ("sans-serif", 16))
            .x_label_area_size(28)
            .y_label_area_size(70)
            .build_cartesian_2d(0u32..n, 0f64..max);
        let Ok(mut chart) = built else {
            return String::new();
        };
        let labels: Vec<String> = months.iter().map(|m| short_month(*m)).collect();
        let _ = chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .y_labels(6)
            .x_labels(months.len())
            .x_label_formatter(&|x| {
                labels
                    .get(usize::try_from(*x).unwrap_or(0))
                    .cloned()
                    .unwrap_or_default()
            })
            .y_label_formatter(&|y| {
                format!(
                    "{} €",
                    mutualis_core::time::fr_decimal(
                        Decimal::from_f64_retain(y.round()).unwrap_or_default()
                    )
                )
            })
            .draw();
        let mut base = vec![0.0_f64; months.len()];
        for (k, (module, values)) in series.iter().enumerate() {
            let color = PALETTE.get(k % PALETTE.len()).copied().unwrap_or(BLACK);
            let rects: Vec<_> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let h = v.to_f64().unwrap_or(0.0);
                    let b = base.get(i).copied().unwrap_or(0.0);
                    if let Some(slot) = base.get_mut(i) {
                        *slot += h;
                    }
                    let x = u32::try_from(i).unwrap_or(0);
                    Rectangle::new([(x, b), (x + 1, b + h)], color.filled())
                })
                .collect();
            if let Ok(s) = chart.draw_series(rects) {
                s.label(module_label(module)).legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
            }
        }
        let _ = chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .margin(8)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .draw();
        let _ = root.present();
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_names_its_modules_and_months() {
        crate::install_test_modules();
        let months: Vec<Month> = ["2026-01", "2026-02"]
            .iter()
            .map(|m| Month::parse(m).unwrap())
            .collect();
        let series: BTreeMap<String, Vec<Decimal>> = [
            (
                "it".to_string(),
                vec![Decimal::new(12_000, 2), Decimal::new(8_000, 2)],
            ),
            (
                "hr".to_string(),
                vec![Decimal::new(4_500, 2), Decimal::new(4_500, 2)],
            ),
        ]
        .into();
        let svg = stacked_bars_svg(&months, &series, "Coût par module");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Support informatique") && svg.contains("Ressources humaines"));
        assert!(svg.contains("janv. 26") && svg.contains("févr. 26"));
        assert!(svg.matches("<rect").count() >= 4);
    }
}
