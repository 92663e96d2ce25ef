//! The allocation table of a period as CSV and XLSX.
use super::*;

/// The allocation table of a period: its invoices' lines once closed, else the preview.
async fn allocation_rows(
    ctx: &AppContext,
    scope: &CoopScope,
    month: Month,
) -> Result<Vec<crate::export::AllocationRow>, PageError> {
    use crate::export::AllocationRow;
    let members = service::members_by_id(&ctx.db).await?;
    let invoices = service::invoices_of_period(&ctx.db, scope.coop(), month).await?;
    let mut rows = Vec::new();
    if invoices.is_empty() {
        let c = service::preview(&ctx.db, scope.coop(), &scope.services().meters, month).await?;
        for d in &c.drafts {
            let siren = members
                .get(&d.member_id)
                .map(|m| m.siren.clone())
                .unwrap_or_default();
            for l in &d.lines {
                rows.push(AllocationRow {
                    member: d.name.clone(),
                    siren: siren.clone(),
                    module: l.module.clone(),
                    charge: l.label.clone(),
                    kind: l.charge_kind.clone(),
                    meter: l.meter.clone().unwrap_or_default(),
                    quantity: l.quantity,
                    unit: l.unit.clone(),
                    share_pct: l.share_pct,
                    pool: l.pool,
                    amount: l.amount,
                    vat: l.vat,
                });
            }
        }
    } else {
        let all_lines = service::lines_of_many(&ctx.db, scope.coop(), &invoices).await?;
        for i in &invoices {
            let m = members.get(&i.member_id);
            for l in all_lines.get(&i.id).into_iter().flatten() {
                rows.push(AllocationRow {
                    member: m.map(|m| m.name.clone()).unwrap_or_default(),
                    siren: m.map(|m| m.siren.clone()).unwrap_or_default(),
                    module: l.module.clone(),
                    charge: l.label.clone(),
                    kind: l.charge_kind.clone(),
                    meter: l.meter.clone().unwrap_or_default(),
                    quantity: l.quantity.parse().unwrap_or_default(),
                    unit: l.unit.clone(),
                    share_pct: l.share_pct.as_deref().and_then(|s| s.parse().ok()),
                    pool: l.pool_cents.map(euros),
                    amount: euros(l.amount_cents),
                    vat: euros(l.vat_cents),
                });
            }
        }
        rows.sort_by(|a, b| a.member.cmp(&b.member));
    }
    Ok(rows)
}

/// `GET /coop/billing/periods/{period}/allocation.csv`
pub async fn allocation_csv(
    State(ctx): State<AppContext>,
    Path(period): Path<String>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.preview", "read").await?;
    let month = Month::parse(&period)?;
    let rows = allocation_rows(&ctx, &scope, month).await?;
    Ok(mutualis_core::web::page::download(
        "text/csv; charset=utf-8",
        &format!("repartition-{month}.csv"),
        crate::export::csv(&rows)?,
    ))
}

/// `GET /coop/billing/periods/{period}/allocation.xlsx`
pub async fn allocation_xlsx(
    State(ctx): State<AppContext>,
    Path(period): Path<String>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.preview", "read").await?;
    let month = Month::parse(&period)?;
    let rows = allocation_rows(&ctx, &scope, month).await?;
    let title = format!("Répartition des coûts — {}", views::month_label(month));
    Ok(mutualis_core::web::page::download(
        mutualis_core::web::page::XLSX,
        &format!("repartition-{month}.xlsx"),
        crate::export::xlsx(&rows, &title)?,
    ))
}
