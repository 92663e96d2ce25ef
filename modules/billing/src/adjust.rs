//! Corrections after finalization: credit notes (total or partial, with a reason) and
//! the annual true-up (each member's share of the year's pools recomputed with the
//! year's key shares; the difference becomes a complementary invoice or a credit note).
//! Both produce drafts for the board's approval; a finalized invoice itself never changes.
use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use mutualis_core::{
    audit::{self, Actor},
    error::{AppError, AppResult},
    ids::new_id,
    metering::{self, Meters},
    tenant::{Coop, MemberOwned, OwnedRow, Tenant},
    time::Month,
};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    engine,
    entities::{billing_invoice_lines, billing_invoices},
    service::{self, euros, status},
};

fn to_cents(d: Decimal) -> i64 {
    // Amounts are bounded where they are typed (core::money): never beyond i64.
    mutualis_core::money::to_cents(d).unwrap_or(i64::MAX)
}

/// A line of an adjustment draft.
#[derive(Debug, Clone, PartialEq)]
pub struct AdjustLine {
    pub module: String,
    pub charge_code: String,
    pub charge_kind: String,
    pub label: String,
    pub amount: Decimal,
    pub vat_rate: Decimal,
    pub vat: Decimal,
    pub explanation: String,
}

/// Stores (or replaces, while still a draft) an adjustment draft.
#[expect(clippy::too_many_arguments, reason = "one draft is all these fields")]
async fn store_draft<C: ConnectionTrait>(
    txn: &C,
    tenant: Tenant,
    kind: &str,
    key: &str,
    period: &str,
    refers_to: Option<Uuid>,
    reason: Option<String>,
    lines: &[AdjustLine],
) -> AppResult<Option<billing_invoices::Model>> {
    let existing = billing_invoices::Entity::find_in(tenant)
        .filter(billing_invoices::Column::DraftKey.eq(key))
        .one(txn)
        .await?;
    let subtotal: Decimal = lines.iter().map(|l| l.amount).sum();
    let vat: Decimal = lines.iter().map(|l| l.vat).sum();
    let now = Utc::now();
    // A finalized adjustment stays; a draft is replaced by the new computation.
    if let Some(inv) = existing {
        if inv.status != status::DRAFT {
            return Ok(Some(inv));
        }
        billing_invoices::Entity::delete_in(inv.tenant())
            .filter(billing_invoices::Column::Id.eq(inv.id))
            .exec(txn)
            .await?;
    }
    if lines.is_empty() {
        return Ok(None);
    }
    let inv = billing_invoices::Entity::insert_in(
        tenant,
        billing_invoices::ActiveModel {
            member_id: Set(tenant.member_id()),
            id: Set(new_id()),
            kind: Set(kind.to_string()),
            draft_key: Set(key.to_string()),
            period: Set(period.to_string()),
            status: Set(status::DRAFT.to_string()),
            number: Set(None),
            subtotal_cents: Set(to_cents(subtotal)),
            vat_cents: Set(to_cents(vat)),
            total_cents: Set(to_cents(subtotal + vat)),
            refers_to: Set(refers_to),
            reason: Set(reason),
            issued_on: Set(None),
            due_on: Set(None),
            paid_on: Set(None),
            finalized_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
        txn,
    )
    .await?;
    let rows: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| billing_invoice_lines::ActiveModel {
            member_id: Set(tenant.member_id()),
            id: Set(new_id()),
            invoice_id: Set(inv.id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            module: Set(l.module.clone()),
            charge_code: Set(l.charge_code.clone()),
            charge_kind: Set(l.charge_kind.clone()),
            label: Set(l.label.clone()),
            meter: Set(None),
            quantity: Set("1".to_string()),
            unit: Set(String::new()),
            unit_price: Set(None),
            share_pct: Set(None),
            pool_cents: Set(None),
            amount_cents: Set(to_cents(l.amount)),
            vat_rate: Set(l.vat_rate.normalize().to_string()),
            vat_cents: Set(to_cents(l.vat)),
            explanation: Set(l.explanation.clone()),
        })
        .collect();
    billing_invoice_lines::Entity::insert_many_in(tenant, rows, txn).await?;
    Ok(Some(inv))
}

/// What is left to credit on an invoice (excluding VAT): its subtotal minus every credit
/// note already made against it (drafts included, so that two drafts cannot over-credit).
///
/// # Errors
/// Database errors.
pub async fn creditable<C: ConnectionTrait>(
    db: &C,
    inv: &billing_invoices::Model,
) -> AppResult<Decimal> {
    let credited: i64 = billing_invoices::Entity::find_in(inv.tenant())
        .filter(billing_invoices::Column::RefersTo.eq(inv.id))
        .all(db)
        .await?
        .iter()
        .map(|c| -c.subtotal_cents)
        .sum();
    Ok(euros(inv.subtotal_cents - credited))
}

/// Drafts a credit note against a finalized invoice: `amount` (excluding VAT) for a
/// partial one, `None` for the whole invoice (its lines, negated). VAT follows the
/// invoice's own ratio. Approved by the board like an invoice; numbered `AV-YYYY-NNNNNN`.
///
/// # Errors
/// 422 without a reason or above what is left to credit; 409 on a draft; database errors.
pub async fn credit_note<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    coop: Coop,
    actor: &Actor,
    invoice_id: Uuid,
    amount: Option<Decimal>,
    reason: &str,
) -> AppResult<billing_invoices::Model> {
    let mut c = mutualis_core::limits::Check::new();
    let reason = c.text(
        "reason",
        "Le motif",
        reason,
        mutualis_core::limits::Text::Short,
        "Indiquez le motif de l’avoir (il figure sur le document).",
    );
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    let reason = reason.as_str();
    let txn = mutualis_core::db::begin_write(db).await?;
    let inv = service::find_any(&txn, coop, invoice_id).await?;
    if inv.kind != "invoice" || !(inv.status == status::FINALIZED || inv.status == status::PAID) {
        return Err(AppError::Conflict(
            "Un avoir se fait sur une facture émise ; un brouillon se corrige en relançant la clôture.".to_string(),
        ));
    }
    let number = inv.number.clone().unwrap_or_default();
    let left = creditable(&txn, &inv).await?;
    let lines: Vec<AdjustLine> = match amount {
        None => {
            if left != euros(inv.subtotal_cents) {
                return Err(AppError::field(
                    "amount",
                    "Cette facture a déjà un avoir partiel : indiquez le montant restant à créditer.",
                ));
            }
            service::lines_of(&txn, &inv)
                .await?
                .iter()
                .map(|l| AdjustLine {
                    module: l.module.clone(),
                    charge_code: l.charge_code.clone(),
                    charge_kind: l.charge_kind.clone(),
                    label: format!("Annulation : {}", l.label),
                    amount: -euros(l.amount_cents),
                    vat_rate: l.vat_rate.parse().unwrap_or_default(),
                    vat: -euros(l.vat_cents),
                    explanation: format!("Avoir total sur la facture n° {number} : {reason}"),
                })
                .collect()
        }
        Some(a) => {
            if a.normalize().scale() > 2 {
                return Err(AppError::field(
                    "amount",
                    "Montant de l’avoir invalide : au centime près (2 décimales au plus).",
                ));
            }
            let a = engine::cents(a);
            if a <= Decimal::ZERO || a > left {
                return Err(AppError::field(
                    "amount",
                    format!(
                        "Montant de l’avoir invalide : entre 0,01 € et {} € hors taxes.",
                        mutualis_core::time::fr_decimal(left)
                    ),
                ));
            }
            // Split across the invoice's VAT rates in proportion to their bases (to the
            // cent), so that each part keeps its own rate.
            let mut bases: BTreeMap<String, Decimal> = BTreeMap::new();
            for l in service::lines_of(&txn, &inv).await? {
                *bases.entry(l.vat_rate.clone()).or_default() += euros(l.amount_cents);
            }
            let weights: Vec<(String, Decimal)> = bases
                .into_iter()
                .filter(|(_, b)| *b > Decimal::ZERO)
                .collect();
            engine::largest_remainder(a, &weights)
                .into_iter()
                .filter(|(_, part)| !part.is_zero())
                .map(|(rate, part)| {
                    let r: Decimal = rate.parse().unwrap_or_default();
                    AdjustLine {
                        module: "billing".to_string(),
                        charge_code: "avoir".to_string(),
                        charge_kind: "credit".to_string(),
                        label: format!("Avoir partiel sur la facture n° {number}"),
                        amount: -part,
                        vat_rate: r,
                        vat: -engine::cents(part * r / Decimal::from(100)),
                        explanation: reason.to_string(),
                    }
                })
                .collect()
        }
    };
    let key = format!("credit:{}", new_id());
    let note = store_draft(
        &txn,
        inv.tenant(),
        "credit_note",
        &key,
        &inv.period,
        Some(inv.id),
        Some(reason.to_string()),
        &lines,
    )
    .await?
    .ok_or_else(|| AppError::Conflict("Cette facture n’a aucune ligne à créditer.".to_string()))?;
    audit::record(
        &txn,
        actor,
        Some(inv.member_id),
        "credit_note",
        &note.id.to_string(),
        "create",
        serde_json::json!({"invoice": number, "reason": reason, "total": euros(note.total_cents)}),
    )
    .await?;
    txn.commit().await?;
    Ok(note)
}

/// The true-up of one cost pool for one member: what the year's key shares say it owes
/// (variable part) against what its monthly invoices charged.
#[derive(Debug, Clone, PartialEq)]
pub struct TrueUpShare {
    pub member_id: i64,
    pub module: String,
    pub charge_code: String,
    pub label: String,
    pub due: Decimal,
    pub invoiced: Decimal,
    pub diff: Decimal,
}

/// One month of one pool as invoiced: the pool amount, its fixed share, and per member
/// the invoiced amount and the weights used.
#[derive(Debug, Clone)]
pub struct InvoicedPoolMonth {
    pub amount: Decimal,
    pub fixed_amount: Decimal,
    /// member → (invoiced amount, fixed weight, usage of the pool's meter)
    pub members: BTreeMap<i64, (Decimal, Decimal, Decimal)>,
}

/// Recomputes a pool over a year: fixed parts stay as invoiced each month; the year's
/// variable part (sum of the months' pools minus their fixed parts) is split again by
/// each member's share of the **year's** usage, to the cent. Differences sum to zero.
#[must_use]
pub fn true_up_pool(months: &[InvoicedPoolMonth]) -> BTreeMap<i64, (Decimal, Decimal)> {
    let mut invoiced_var: BTreeMap<i64, Decimal> = BTreeMap::new();
    let mut year_usage: BTreeMap<i64, Decimal> = BTreeMap::new();
    let mut variable_total = Decimal::ZERO;
    for m in months {
        let weights: Vec<(i64, Decimal)> =
            m.members.iter().map(|(k, (_, fw, _))| (*k, *fw)).collect();
        let fixed = engine::largest_remainder(m.fixed_amount, &weights);
        let fixed: HashMap<i64, Decimal> = fixed.into_iter().collect();
        variable_total += m.amount - m.fixed_amount;
        for (k, (amount, _, usage)) in &m.members {
            *invoiced_var.entry(*k).or_default() +=
                *amount - fixed.get(k).copied().unwrap_or_default();
            *year_usage.entry(*k).or_default() += *usage;
        }
    }
    let weights: Vec<(i64, Decimal)> = year_usage.into_iter().collect();
    engine::largest_remainder(variable_total, &weights)
        .into_iter()
        .map(|(k, due)| (k, (due, invoiced_var.get(&k).copied().unwrap_or_default())))
        .collect()
}

/// Drafts the annual true-up of `year` for every member: one complementary invoice or
/// credit note per member whose share changed, for the board's approval. Idempotent
/// while drafts.
///
/// # Errors
/// 422 when no month of the year is invoiced yet; database errors.
pub async fn true_up<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    coop: Coop,
    meters: &Meters,
    actor: &Actor,
    year: i32,
) -> AppResult<Vec<billing_invoices::Model>> {
    // Invoiced pool lines of the year (finalized or paid monthly invoices).
    let invoices = billing_invoices::Entity::find_across(coop)
        .filter(billing_invoices::Column::Kind.eq("invoice"))
        .filter(billing_invoices::Column::Period.starts_with(format!("{year}-")))
        .filter(billing_invoices::Column::Status.is_in([status::FINALIZED, status::PAID]))
        .filter(billing_invoices::Column::DraftKey.starts_with("invoice:"))
        .all(db)
        .await?;
    if invoices.is_empty() {
        return Err(AppError::field(
            "year",
            format!("Aucune facture émise en {year} : rien à régulariser."),
        ));
    }
    let versions = crate::charges::all_versions(db).await?;
    // (module, code) → month → pool month
    let mut pools: BTreeMap<(String, String), BTreeMap<String, InvoicedPoolMonth>> =
        BTreeMap::new();
    let mut labels: HashMap<(String, String), String> = HashMap::new();
    let mut usage_cache: HashMap<String, HashMap<(i64, String), metering::MeterUsage>> =
        HashMap::new();
    let all_lines = service::lines_of_many(db, coop, &invoices).await?;
    for inv in &invoices {
        let Ok(month) = Month::parse(&inv.period) else {
            continue;
        };
        if !usage_cache.contains_key(&inv.period) {
            usage_cache.insert(
                inv.period.clone(),
                metering::usage_all_members(db, meters, month).await?,
            );
        }
        let usage = usage_cache.get(&inv.period);
        let in_effect = crate::charges::in_effect(&versions, month);
        for l in all_lines
            .get(&inv.id)
            .into_iter()
            .flatten()
            .filter(|l| l.charge_kind == "cost_pool")
        {
            let Some(charge) = in_effect
                .iter()
                .find(|c| c.module == l.module && c.code == l.charge_code)
            else {
                continue;
            };
            let crate::charges::Kind::CostPool {
                fixed_share,
                fixed_meter,
                ..
            } = &charge.kind
            else {
                continue;
            };
            let key = (l.module.clone(), l.charge_code.clone());
            labels.insert(key.clone(), l.label.clone());
            let amount = euros(l.pool_cents.unwrap_or_default());
            let entry = pools
                .entry(key)
                .or_default()
                .entry(inv.period.clone())
                .or_insert_with(|| InvoicedPoolMonth {
                    amount,
                    fixed_amount: engine::cents(amount * *fixed_share),
                    members: BTreeMap::new(),
                });
            let q = |meter: &str| {
                usage
                    .and_then(|u| u.get(&(inv.member_id, meter.to_string())))
                    .map_or(Decimal::ZERO, |u| u.quantity)
            };
            let fixed_weight = fixed_meter.as_deref().map_or(Decimal::ONE, q);
            let var_usage = l.meter.as_deref().map_or(Decimal::ZERO, q);
            entry.members.insert(
                inv.member_id,
                (euros(l.amount_cents), fixed_weight, var_usage),
            );
        }
    }
    let mut per_member: BTreeMap<i64, Vec<AdjustLine>> = BTreeMap::new();
    for ((module, code), months) in &pools {
        let months: Vec<InvoicedPoolMonth> = months.values().cloned().collect();
        let label = labels
            .get(&(module.clone(), code.clone()))
            .cloned()
            .unwrap_or_default();
        for (member, (due, invoiced)) in true_up_pool(&months) {
            let diff = due - invoiced;
            if diff == Decimal::ZERO {
                continue;
            }
            per_member.entry(member).or_default().push(AdjustLine {
                module: module.clone(),
                charge_code: code.clone(),
                charge_kind: "true_up".to_string(),
                label: format!("Régularisation {year} : {label}"),
                amount: diff,
                vat_rate: Decimal::ZERO,
                vat: Decimal::ZERO,
                explanation: format!(
                    "Part variable de l’année selon la consommation réelle de l’année : {} ; déjà facturée sur les appels mensuels : {} ; différence : {}.",
                    mutualis_core::time::fr_money(due),
                    mutualis_core::time::fr_money(invoiced),
                    mutualis_core::time::fr_money(diff)
                ),
            });
        }
    }
    let txn = mutualis_core::db::begin_write(db).await?;
    let mut out = Vec::new();
    let key = format!("trueup:{year}");
    let period = format!("{year}-12");
    for (member, lines) in per_member {
        let net: Decimal = lines.iter().map(|l| l.amount).sum();
        let kind = if net < Decimal::ZERO {
            "credit_note"
        } else {
            "invoice"
        };
        if let Some(d) = store_draft(
            &txn,
            coop.tenant(member),
            kind,
            &key,
            &period,
            None,
            Some(format!("Régularisation annuelle {year}")),
            &lines,
        )
        .await?
        {
            out.push(d);
        }
    }
    audit::record(
        &txn,
        actor,
        None,
        "billing_true_up",
        &year.to_string(),
        "compute",
        serde_json::json!({"drafts": out.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(amount: i64, fixed: i64, members: &[(i64, i64, i64)]) -> InvoicedPoolMonth {
        InvoicedPoolMonth {
            amount: Decimal::new(amount, 2),
            fixed_amount: Decimal::new(fixed, 2),
            members: members
                .iter()
                .map(|(k, inv, u)| (*k, (Decimal::new(*inv, 2), Decimal::ONE, Decimal::from(*u))))
                .collect(),
        }
    }

    #[test]
    fn the_true_up_moves_money_between_members_and_sums_to_zero() {
        // Two months of a 100.00 € pool, no fixed part. January: A used 1, B used 3
        // (A paid 25.00, B 75.00). February: A used 3, B used 1 (A 75.00, B 25.00).
        // Over the year both used 4: each owes 100.00 — no change.
        let even = true_up_pool(&[
            month(10_000, 0, &[(1, 2_500, 1), (2, 7_500, 3)]),
            month(10_000, 0, &[(1, 7_500, 3), (2, 2_500, 1)]),
        ]);
        assert_eq!(even[&1], (Decimal::new(10_000, 2), Decimal::new(10_000, 2)));
        // January: A used 1 of 2 (50.00); February: A used 9 of 10 (90.00): invoiced 140.00.
        // Year: A used 10 of 12 → 166.67 of 200.00; B 2 of 12 → 33.33 (invoiced 60.00).
        let t = true_up_pool(&[
            month(10_000, 0, &[(1, 5_000, 1), (2, 5_000, 1)]),
            month(10_000, 0, &[(1, 9_000, 9), (2, 1_000, 1)]),
        ]);
        assert_eq!(t[&1], (Decimal::new(16_667, 2), Decimal::new(14_000, 2)));
        assert_eq!(t[&2], (Decimal::new(3_333, 2), Decimal::new(6_000, 2)));
        let diffs: Decimal = t.values().map(|(due, inv)| due - inv).sum();
        assert_eq!(diffs, Decimal::ZERO);
    }

    #[test]
    fn fixed_parts_are_left_as_invoiced() {
        // 30 % fixed, equal: 15.00 each of a 100.00 € pool; variable 70.00 by usage 1:1.
        let t = true_up_pool(&[month(10_000, 3_000, &[(1, 5_000, 1), (2, 5_000, 1)])]);
        assert_eq!(t[&1], (Decimal::new(3_500, 2), Decimal::new(3_500, 2)));
    }
}
