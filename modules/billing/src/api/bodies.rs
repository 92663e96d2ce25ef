//! The bodies billing's API answers with, described in the OpenAPI document by their
//! `ToSchema`. Field names are the API's contract with the members' scripts: add, never
//! rename. Amounts, quantities and shares are decimal strings (`"1234.50"`), euros
//! excluding VAT unless named otherwise.
use chrono::NaiveDate;
use mutualis_core::{
    api::schema::{decimal, decimal_or_null},
    time::Month,
};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    charges::Charge,
    compute::{Computed, Draft, DraftLine, PoolSummary},
    entities::{billing_invoice_lines, billing_invoices},
    service::{self, euros},
};

/// A cost pool of the period and what was allocated of it (the same, to the cent).
#[derive(Debug, Serialize, ToSchema)]
pub struct PoolAllocation {
    pub module: String,
    pub charge: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub amount: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub allocated: Decimal,
}

impl From<&PoolSummary> for PoolAllocation {
    fn from(p: &PoolSummary) -> Self {
        Self {
            module: p.module.clone(),
            charge: p.code.clone(),
            amount: p.amount,
            allocated: p.allocated,
        }
    }
}

/// A line of a computed (not yet written) invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftInvoiceLine {
    pub module: String,
    pub charge: String,
    pub label: String,
    #[schema(required = true)]
    pub meter: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub quantity: Decimal,
    pub unit: String,
    /// The member's share of a cost pool, in percent.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[schema(schema_with = decimal_or_null, required = true)]
    pub share: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub amount: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub vat: Decimal,
    /// How the amount was obtained, in French.
    pub explanation: String,
}

impl From<&DraftLine> for DraftInvoiceLine {
    fn from(l: &DraftLine) -> Self {
        Self {
            module: l.module.clone(),
            charge: l.charge_code.clone(),
            label: l.label.clone(),
            meter: l.meter.clone(),
            quantity: l.quantity.normalize(),
            unit: l.unit.clone(),
            share: l.share_pct.map(|s| s.normalize()),
            amount: l.amount,
            vat: l.vat,
            explanation: l.explanation.clone(),
        }
    }
}

/// A member's computed invoice for the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftInvoice {
    /// The member's slug.
    pub member: String,
    pub lines: Vec<DraftInvoiceLine>,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub subtotal: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub vat: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub total: Decimal,
}

impl From<&Draft> for DraftInvoice {
    fn from(d: &Draft) -> Self {
        Self {
            member: d.slug.clone(),
            lines: d.lines.iter().map(DraftInvoiceLine::from).collect(),
            subtotal: d.subtotal,
            vat: d.vat,
            total: d.total,
        }
    }
}

/// What closing the period would produce; nothing is written.
#[derive(Debug, Serialize, ToSchema)]
pub struct Preview {
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
    pub pools: Vec<PoolAllocation>,
    pub invoices: Vec<DraftInvoice>,
}

impl Preview {
    /// The preview of `month`, every member's invoice or only `only`'s.
    pub(crate) fn of(month: Month, c: &Computed, only: Option<i64>) -> Self {
        Self {
            period: month.to_string(),
            pools: c.pools.iter().map(PoolAllocation::from).collect(),
            invoices: c
                .drafts
                .iter()
                .filter(|d| only.is_none_or(|m| m == d.member_id))
                .map(DraftInvoice::from)
                .collect(),
        }
    }
}

/// An invoice or a credit note, as the member's list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceSummary {
    pub id: Uuid,
    /// Given when the board finalizes it; `null` for a draft.
    #[schema(required = true)]
    pub number: Option<String>,
    /// `draft`, `finalized`, `paid` or `overdue` (finalized and past its due date).
    pub status: String,
    pub period: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub subtotal: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub vat: Decimal,
    /// Including VAT.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub total: Decimal,
    #[schema(required = true)]
    pub issued_on: Option<NaiveDate>,
    #[schema(required = true)]
    pub due_on: Option<NaiveDate>,
}

impl From<&billing_invoices::Model> for InvoiceSummary {
    fn from(inv: &billing_invoices::Model) -> Self {
        Self {
            id: inv.id,
            number: inv.number.clone(),
            status: if service::is_overdue(inv) {
                "overdue".to_string()
            } else {
                inv.status.clone()
            },
            period: inv.period.clone(),
            subtotal: euros(inv.subtotal_cents),
            vat: euros(inv.vat_cents),
            total: euros(inv.total_cents),
            issued_on: inv.issued_on,
            due_on: inv.due_on,
        }
    }
}

/// A line of a written invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceLine {
    pub module: String,
    pub charge: String,
    #[schema(required = true)]
    pub meter: Option<String>,
    #[schema(schema_with = decimal)]
    pub quantity: String,
    /// The member's share of a cost pool, in percent.
    #[schema(schema_with = decimal_or_null, required = true)]
    pub share: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub amount: Decimal,
}

impl From<&billing_invoice_lines::Model> for InvoiceLine {
    fn from(l: &billing_invoice_lines::Model) -> Self {
        Self {
            module: l.module.clone(),
            charge: l.charge_code.clone(),
            meter: l.meter.clone(),
            quantity: l.quantity.clone(),
            share: l.share_pct.clone(),
            amount: euros(l.amount_cents),
        }
    }
}

/// A draft written by the close, with its lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedInvoice {
    /// The member's slug.
    pub member: String,
    #[serde(flatten)]
    pub invoice: InvoiceSummary,
    pub lines: Vec<InvoiceLine>,
}

/// `POST …/close`: the period's drafts, for the board.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedPeriod {
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
    pub invoices: Vec<ClosedInvoice>,
}

/// `POST …/approve`: the invoice, numbered once the quorum is reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovedInvoice {
    /// The member's slug.
    pub member: String,
    #[serde(flatten)]
    pub invoice: InvoiceSummary,
    /// Approvals recorded so far.
    pub approvals: u64,
    /// Approvals needed to finalize.
    pub quorum: u64,
}

/// A credit note or a true-up draft: an invoice of another kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindedInvoice {
    /// The member's slug.
    pub member: String,
    #[serde(flatten)]
    pub invoice: InvoiceSummary,
    /// `invoice` or `credit_note`.
    pub kind: String,
}

/// `POST …/credit-notes`: the draft credit note, approved by the board like an invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditNote {
    /// The member's slug.
    pub member: String,
    #[serde(flatten)]
    pub invoice: InvoiceSummary,
    /// The invoice credited.
    #[schema(required = true)]
    pub refers_to: Option<Uuid>,
    /// `credit_note`.
    pub kind: String,
}

/// `POST …/true-up`: the year's complementary invoices and credit notes (drafts).
#[derive(Debug, Serialize, ToSchema)]
pub struct TrueUp {
    pub year: i32,
    pub drafts: Vec<KindedInvoice>,
}

/// A version of a charge.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChargeVersion {
    pub id: i64,
    pub module: String,
    pub code: String,
    pub label: String,
    /// `subscription`, `unit_price` or `cost_pool`.
    pub kind: String,
    /// The first month it applies to, `YYYY-MM`.
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub effective_from: String,
    pub active: bool,
}

impl From<&Charge> for ChargeVersion {
    fn from(c: &Charge) -> Self {
        Self {
            id: c.id,
            module: c.module.clone(),
            code: c.code.clone(),
            label: c.label.clone(),
            kind: c.kind.code().to_string(),
            effective_from: c.effective_from.to_string(),
            active: c.active,
        }
    }
}

/// `201`: the charge version created.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChargeCreated {
    pub id: i64,
    pub module: String,
    pub code: String,
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub effective_from: String,
}

impl From<&Charge> for ChargeCreated {
    fn from(c: &Charge) -> Self {
        Self {
            id: c.id,
            module: c.module.clone(),
            code: c.code.clone(),
            effective_from: c.effective_from.to_string(),
        }
    }
}
