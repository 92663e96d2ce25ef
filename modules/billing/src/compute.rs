//! From a period's inputs (members, subscriptions, charges in effect, usage) to one draft
//! invoice per member: plain functions over plain data, tested without a database.
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use mutualis_core::{member::module_label, time::Month};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::{
    charges::{Charge, Kind},
    engine::{self, FixedBasis, Participant, Pool},
};

/// A member as billing sees it.
#[derive(Debug, Clone)]
pub struct BilledMember {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// VAT-liable members pay the charge's VAT rate; exempt ones (art. 261 B) none.
    pub vat_liable: bool,
    /// (module, start, end inclusive)
    pub subscriptions: Vec<(String, NaiveDate, Option<NaiveDate>)>,
}

/// Everything a period's computation needs.
#[derive(Debug, Clone)]
pub struct PeriodInputs {
    pub month: Month,
    pub members: Vec<BilledMember>,
    pub charges: Vec<Charge>,
    /// (member id, meter) → quantity for the period.
    pub usage: HashMap<(i64, String), Decimal>,
    /// meter → French unit.
    pub units: HashMap<String, String>,
}

/// One line of a draft invoice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftLine {
    pub module: String,
    pub charge_code: String,
    pub charge_kind: String,
    pub label: String,
    pub meter: Option<String>,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Option<Decimal>,
    /// The member's share of a cost pool, in percent.
    pub share_pct: Option<Decimal>,
    /// The pool's amount for the period.
    pub pool: Option<Decimal>,
    /// Excluding VAT, at cents.
    pub amount: Decimal,
    pub vat_rate: Decimal,
    pub vat: Decimal,
    /// How the amount was obtained, in French, for the member and the board.
    pub explanation: String,
}

/// One member's draft.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    pub member_id: i64,
    pub slug: String,
    pub name: String,
    pub lines: Vec<DraftLine>,
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
}

/// A cost pool and what was allocated of it (equal to the amount by construction).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolSummary {
    pub module: String,
    pub code: String,
    pub label: String,
    pub amount: Decimal,
    pub allocated: Decimal,
}

/// The computation's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Computed {
    pub drafts: Vec<Draft>,
    pub pools: Vec<PoolSummary>,
}

/// Why a period cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComputeError {
    /// 422: subscribed modules without any charge in effect.
    #[error("missing charges for {0:?}")]
    MissingCharges(Vec<String>),
}

impl ComputeError {
    /// The French message for the coop admin.
    #[must_use]
    pub fn message(&self, month: Month) -> String {
        match self {
            Self::MissingCharges(modules) => {
                let names: Vec<String> = modules
                    .iter()
                    .map(|m| format!("« {} »", module_label(m)))
                    .collect();
                format!(
                    "Impossible de clôturer {month} : aucun tarif n’est défini pour {} alors que des adhérents y sont abonnés. Définissez ces tarifs, puis relancez la clôture.",
                    names.join(", ")
                )
            }
        }
    }
}

fn fr(d: Decimal) -> String {
    mutualis_core::time::fr_decimal(d)
}

fn euros(d: Decimal) -> String {
    mutualis_core::time::fr_money(d)
}

impl BilledMember {
    /// Whether the member subscribes to `module` on some day of the period.
    fn takes(&self, module: &str, start: NaiveDate, end: NaiveDate) -> bool {
        self.subscriptions
            .iter()
            .any(|(m, s, e)| m == module && *s <= end && e.is_none_or(|e| e >= start))
    }

    fn covered_days(&self, module: &str, start: NaiveDate, end: NaiveDate) -> u32 {
        self.subscriptions
            .iter()
            .filter(|(m, _, _)| m == module)
            .map(|(_, s, e)| engine::covered_days(start, end, *s, *e))
            .sum::<u32>()
            .min(u32::try_from((end - start).num_days() + 1).unwrap_or(31))
    }
}

fn period_bounds(month: Month) -> (NaiveDate, NaiveDate) {
    let start = month.first_day();
    let end = month.next().first_day().pred_opt().unwrap_or(start);
    (start, end)
}

/// `4 tickets par paliers : 3 × 0,00 €, puis 1 × 15,00 €.`
fn tiers_explanation(q: Decimal, unit: &str, tiers: &[crate::engine::Tier]) -> String {
    let mut parts = Vec::new();
    let mut from = Decimal::ZERO;
    for t in tiers {
        if q <= from {
            break;
        }
        let upto = t.up_to.map_or(q, |u| u.min(q));
        let slice = upto - from;
        if slice > Decimal::ZERO {
            parts.push(format!("{} × {}", fr(slice), euros(t.unit_price)));
        }
        from = t.up_to.unwrap_or(q);
    }
    if parts.is_empty() {
        format!("{} {unit} : rien à facturer.", fr(q))
    } else {
        format!("{} {unit} par paliers : {}.", fr(q), parts.join(", puis "))
    }
}

struct PoolText {
    amount: Decimal,
    fixed_pct: Decimal,
    equal: bool,
    fixed: Decimal,
    variable: Decimal,
    usage: Decimal,
    total_usage: Decimal,
    unit: String,
    share: Decimal,
}

/// How a member's part of a pool was obtained, in one French sentence.
fn pool_explanation(t: &PoolText) -> String {
    let consumption = format!(
        "selon la consommation : {} {} sur {} {} au total, soit {}",
        fr(t.usage),
        t.unit,
        fr(t.total_usage),
        t.unit,
        euros(t.variable)
    );
    let split = if t.fixed_pct.is_zero() {
        format!("réparti entièrement {consumption}")
    } else {
        format!(
            "{} % réparti {} ({}), {} % {consumption}",
            fr(t.fixed_pct),
            if t.equal {
                "à parts égales entre les abonnés"
            } else {
                "selon un compteur"
            },
            euros(t.fixed),
            fr(Decimal::from(100) - t.fixed_pct),
        )
    };
    format!(
        "Part du coût réel du module ({} pour le mois), {split}. Votre part : {} %.",
        euros(t.amount),
        fr(t.share)
    )
}

/// Computes every member's draft for the period.
///
/// # Errors
/// `MissingCharges` when a subscribed module has no charge in effect.
pub fn compute(inputs: &PeriodInputs) -> Result<Computed, ComputeError> {
    let (start, end) = period_bounds(inputs.month);
    let days_in_period = Decimal::from((end - start).num_days() + 1);
    // Refuse when a module someone subscribes to has no charge at all.
    let mut missing: Vec<String> = Vec::new();
    for m in &inputs.members {
        for (module, _, _) in &m.subscriptions {
            if m.takes(module, start, end)
                && !inputs.charges.iter().any(|c| &c.module == module)
                && !missing.contains(module)
            {
                missing.push(module.clone());
            }
        }
    }
    if !missing.is_empty() {
        missing.sort();
        return Err(ComputeError::MissingCharges(missing));
    }
    let usage = |member: i64, meter: &str| -> Decimal {
        inputs
            .usage
            .get(&(member, meter.to_string()))
            .copied()
            .unwrap_or(Decimal::ZERO)
    };
    let unit_of = |meter: &str| inputs.units.get(meter).cloned().unwrap_or_default();
    let mut lines: BTreeMap<i64, Vec<DraftLine>> = BTreeMap::new();
    let mut pools = Vec::new();
    for charge in &inputs.charges {
        // A charge's takers are the module's users: the members subscribed to it during
        // the period, and those who consumed it (usage of the charge's meters) — a
        // member that neither subscribes nor consumes (a new member) pays nothing.
        let meters: Vec<&str> = match &charge.kind {
            Kind::Subscription { .. } => vec![],
            Kind::UnitPrice { meter, .. } => vec![meter.as_str()],
            Kind::CostPool {
                meter, fixed_meter, ..
            } => std::iter::once(meter.as_str())
                .chain(fixed_meter.as_deref())
                .collect(),
        };
        let takers: Vec<&BilledMember> = inputs
            .members
            .iter()
            .filter(|m| {
                m.takes(&charge.module, start, end)
                    || meters.iter().any(|mt| !usage(m.id, mt).is_zero())
            })
            .collect();
        let vat_for = |m: &BilledMember, amount: Decimal| -> (Decimal, Decimal) {
            if m.vat_liable {
                (
                    charge.vat_rate,
                    engine::cents(amount * charge.vat_rate / Decimal::from(100)),
                )
            } else {
                (Decimal::ZERO, Decimal::ZERO)
            }
        };
        let base = DraftLine {
            module: charge.module.clone(),
            charge_code: charge.code.clone(),
            charge_kind: charge.kind.code().to_string(),
            label: charge.label.clone(),
            meter: None,
            quantity: Decimal::ZERO,
            unit: String::new(),
            unit_price: None,
            share_pct: None,
            pool: None,
            amount: Decimal::ZERO,
            vat_rate: Decimal::ZERO,
            vat: Decimal::ZERO,
            explanation: String::new(),
        };
        match &charge.kind {
            Kind::Subscription { fee } => {
                for m in takers {
                    let days = m.covered_days(&charge.module, start, end);
                    let amount = engine::cents(*fee * Decimal::from(days) / days_in_period);
                    let (vat_rate, vat) = vat_for(m, amount);
                    let full = Decimal::from(days) == days_in_period;
                    lines.entry(m.id).or_default().push(DraftLine {
                        quantity: Decimal::from(days),
                        unit: "jours".to_string(),
                        unit_price: Some(*fee),
                        amount,
                        vat_rate,
                        vat,
                        explanation: if full {
                            format!("Abonnement mensuel de {} pour le mois entier.", euros(*fee))
                        } else {
                            format!(
                                "Abonnement mensuel de {} au prorata : {days} jours sur {}.",
                                euros(*fee),
                                days_in_period
                            )
                        },
                        ..base.clone()
                    });
                }
            }
            Kind::UnitPrice { meter, tiers } => {
                for m in takers {
                    let q = usage(m.id, meter);
                    let amount = engine::graduated(q, tiers).unwrap_or(Decimal::ZERO);
                    let (vat_rate, vat) = vat_for(m, amount);
                    let flat = tiers.len() == 1;
                    lines.entry(m.id).or_default().push(DraftLine {
                        meter: Some(meter.clone()),
                        quantity: q,
                        unit: unit_of(meter),
                        unit_price: flat.then(|| tiers.first().map(|t| t.unit_price)).flatten(),
                        amount,
                        vat_rate,
                        vat,
                        explanation: if flat {
                            format!(
                                "{} {} × {} l’unité.",
                                fr(q),
                                unit_of(meter),
                                euros(tiers.first().map(|t| t.unit_price).unwrap_or_default())
                            )
                        } else {
                            tiers_explanation(q, &unit_of(meter), tiers)
                        },
                        ..base.clone()
                    });
                }
            }
            Kind::CostPool {
                amount,
                meter,
                fixed_share,
                fixed_basis,
                fixed_meter,
            } => {
                let participants: Vec<Participant<i64>> = takers
                    .iter()
                    .map(|m| Participant {
                        key: m.id,
                        fixed_weight: fixed_meter
                            .as_deref()
                            .map_or(Decimal::ONE, |fm| usage(m.id, fm)),
                        variable_weight: usage(m.id, meter),
                    })
                    .collect();
                let pool = Pool {
                    amount: *amount,
                    fixed_share: *fixed_share,
                    fixed_basis: fixed_basis.clone(),
                };
                let allocations = engine::split_pool(&pool, &participants).unwrap_or_default();
                let total_usage: Decimal = participants.iter().map(|p| p.variable_weight).sum();
                let mut allocated = Decimal::ZERO;
                for (m, a) in takers.iter().zip(allocations.iter()) {
                    allocated += a.total;
                    let (vat_rate, vat) = vat_for(m, a.total);
                    let q = usage(m.id, meter);
                    let fixed_pct = (*fixed_share * Decimal::from(100)).normalize();
                    lines.entry(m.id).or_default().push(DraftLine {
                        meter: Some(meter.clone()),
                        quantity: q,
                        unit: unit_of(meter),
                        share_pct: Some(a.share_pct),
                        pool: Some(*amount),
                        amount: a.total,
                        vat_rate,
                        vat,
                        explanation: pool_explanation(&PoolText {
                            amount: *amount,
                            fixed_pct,
                            equal: *fixed_basis == FixedBasis::Equal,
                            fixed: a.fixed,
                            variable: a.variable,
                            usage: q,
                            total_usage,
                            unit: unit_of(meter),
                            share: a.share_pct,
                        }),
                        ..base.clone()
                    });
                }
                pools.push(PoolSummary {
                    module: charge.module.clone(),
                    code: charge.code.clone(),
                    label: charge.label.clone(),
                    amount: *amount,
                    allocated,
                });
            }
        }
    }
    let drafts = inputs
        .members
        .iter()
        .filter_map(|m| {
            let lines = lines.remove(&m.id)?;
            let subtotal: Decimal = lines.iter().map(|l| l.amount).sum();
            let vat: Decimal = lines.iter().map(|l| l.vat).sum();
            Some(Draft {
                member_id: m.id,
                slug: m.slug.clone(),
                name: m.name.clone(),
                lines,
                subtotal,
                vat,
                total: subtotal + vat,
            })
        })
        .collect();
    Ok(Computed { drafts, pools })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Tier;

    fn member(id: i64, modules: &[&str], liable: bool) -> BilledMember {
        BilledMember {
            id,
            slug: format!("m{id}"),
            name: format!("Membre {id}"),
            vat_liable: liable,
            subscriptions: modules
                .iter()
                .map(|m| {
                    (
                        m.to_string(),
                        NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                        None,
                    )
                })
                .collect(),
        }
    }

    fn charge(module: &str, code: &str, kind: Kind, vat: i64) -> Charge {
        Charge {
            id: 1,
            module: module.into(),
            code: code.into(),
            label: code.into(),
            effective_from: Month::parse("2020-01").unwrap(),
            active: true,
            kind,
            vat_rate: Decimal::from(vat),
        }
    }

    fn inputs(
        members: Vec<BilledMember>,
        charges: Vec<Charge>,
        usage: &[(i64, &str, i64)],
    ) -> PeriodInputs {
        PeriodInputs {
            month: Month::parse("2026-04").unwrap(),
            members,
            charges,
            usage: usage
                .iter()
                .map(|(m, k, q)| ((*m, k.to_string()), Decimal::from(*q)))
                .collect(),
            units: [("payroll.payslip".to_string(), "bulletins".to_string())].into(),
        }
    }

    #[test]
    fn a_pool_is_shared_to_the_cent_by_consumption() {
        let pool = charge(
            "payroll",
            "pool",
            Kind::CostPool {
                amount: Decimal::new(10_000, 2),
                meter: "payroll.payslip".into(),
                fixed_share: Decimal::ZERO,
                fixed_basis: FixedBasis::Equal,
                fixed_meter: None,
            },
            0,
        );
        let c = compute(&inputs(
            vec![
                member(1, &["payroll"], false),
                member(2, &["payroll"], false),
                member(3, &["payroll"], false),
            ],
            vec![pool],
            &[
                (1, "payroll.payslip", 10),
                (2, "payroll.payslip", 10),
                (3, "payroll.payslip", 10),
            ],
        ))
        .unwrap();
        let totals: Vec<Decimal> = c.drafts.iter().map(|d| d.total).collect();
        assert_eq!(totals.iter().sum::<Decimal>(), Decimal::new(10_000, 2));
        assert_eq!(c.pools[0].allocated, Decimal::new(10_000, 2));
        assert!(c.drafts[0].lines[0].explanation.contains("Votre part"));
    }

    #[test]
    fn subscription_is_prorated_and_vat_applies_only_to_liable_members() {
        let mut late = member(2, &[], true);
        late.subscriptions.push((
            "hr".into(),
            NaiveDate::from_ymd_opt(2026, 4, 16).unwrap(),
            None,
        ));
        let c = compute(&inputs(
            vec![member(1, &["hr"], false), late],
            vec![charge(
                "hr",
                "abonnement",
                Kind::Subscription {
                    fee: Decimal::new(30_000, 2),
                },
                20,
            )],
            &[],
        ))
        .unwrap();
        assert_eq!(c.drafts[0].total, Decimal::new(30_000, 2));
        assert_eq!(c.drafts[0].vat, Decimal::ZERO);
        // 15 of April's 30 days, then 20 % VAT.
        assert_eq!(c.drafts[1].subtotal, Decimal::new(15_000, 2));
        assert_eq!(c.drafts[1].vat, Decimal::new(3_000, 2));
        assert_eq!(c.drafts[1].total, Decimal::new(18_000, 2));
        assert!(c.drafts[1].lines[0].explanation.contains("15 jours sur 30"));
    }

    #[test]
    fn unit_prices_use_the_members_usage() {
        let tiers = vec![
            Tier {
                up_to: Some(Decimal::from(10)),
                unit_price: Decimal::from(5),
            },
            Tier {
                up_to: None,
                unit_price: Decimal::from(3),
            },
        ];
        let c = compute(&inputs(
            vec![member(1, &["payroll"], false)],
            vec![charge(
                "payroll",
                "bulletin",
                Kind::UnitPrice {
                    meter: "payroll.payslip".into(),
                    tiers,
                },
                0,
            )],
            &[(1, "payroll.payslip", 12)],
        ))
        .unwrap();
        assert_eq!(c.drafts[0].total, Decimal::from(56));
        assert_eq!(
            c.drafts[0].lines[0].explanation,
            "12 bulletins par paliers : 10 × 5,00\u{a0}€, puis 2 × 3,00\u{a0}€."
        );
        assert_eq!(c.drafts[0].lines[0].unit, "bulletins");
    }

    #[test]
    fn a_subscribed_module_without_charge_refuses_the_close() {
        crate::install_test_modules();
        let err = compute(&inputs(
            vec![member(1, &["hr", "gdpr"], false)],
            vec![charge(
                "hr",
                "a",
                Kind::Subscription { fee: Decimal::ONE },
                0,
            )],
            &[],
        ))
        .unwrap_err();
        assert_eq!(err, ComputeError::MissingCharges(vec!["gdpr".into()]));
        assert!(
            err.message(Month::parse("2026-04").unwrap())
                .contains("« RGPD »")
        );
    }
}
