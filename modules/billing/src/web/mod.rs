//! Billing pages: the board's review of a period, charge models, invoice details, and a
//! member's invoices with the explanation of every line.
use std::collections::HashMap;

use axum::{
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use axum_extra::extract::CookieJar;
use loco_rs::{
    app::AppContext,
    controller::{
        Routes,
        views::{ViewEngine, engines::TeraView},
    },
};
use mutualis_core::{
    error::AppError,
    member::module_label,
    metering,
    scope::{CoopAccess, CoopScope, MemberAccess},
    time::{Month, fr_date, fr_decimal, fr_money, paris_today},
    web::{
        error::PageError,
        forms::WebForm,
        page::{Page, redirect_with_flash},
        views,
    },
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    charges::{self, ChargeInput, Kind},
    compute::Computed,
    entities::{billing_invoice_lines, billing_invoices},
    service::{self, euros, status},
};

mod review;
pub use review::*;
mod invoices;
pub use invoices::*;
mod pools;
pub use pools::*;
mod member;
pub use member::*;
mod exports;
pub use exports::*;
mod events;
pub use events::*;
mod files;
pub use files::*;

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/coop/billing", get(review))
        .add(
            "/coop/billing/charges",
            get(charges_page).post(create_charge),
        )
        .add("/coop/billing/periods/{period}/close", post(close))
        .add(
            "/coop/billing/periods/{period}/allocation.csv",
            get(allocation_csv),
        )
        .add(
            "/coop/billing/periods/{period}/allocation.xlsx",
            get(allocation_xlsx),
        )
        .add("/coop/billing/invoices/{id}", get(coop_invoice))
        .add("/coop/billing/invoices/{id}/approve", post(approve))
        .add(
            "/coop/billing/invoices/{id}/document/{format}",
            get(coop_invoice_file),
        )
        .add("/coop/billing/invoices/{id}/paid", post(mark_paid))
        .add("/coop/billing/events", get(coop_events))
        .add("/m/{slug}/billing", get(member_billing))
        .add("/m/{slug}/billing/events", get(member_events))
        .add("/m/{slug}/billing/invoices/{id}", get(member_invoice))
        .add(
            "/m/{slug}/billing/invoices/{id}/document/{format}",
            get(member_invoice_file),
        )
}

#[derive(Debug, Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    pub period: String,
    /// The member whose chart to show (all members when empty).
    #[serde(default)]
    pub member: String,
}

fn month_or_now(raw: &str) -> Result<Month, PageError> {
    if raw.trim().is_empty() {
        Ok(Month::of(chrono::Utc::now()))
    } else {
        Ok(Month::parse(raw)?)
    }
}

fn status_badge(inv: &billing_invoices::Model) -> (&'static str, &'static str) {
    if service::is_overdue(inv) {
        ("En retard", "danger")
    } else {
        match inv.status.as_str() {
            status::DRAFT => ("Brouillon", "warn"),
            status::FINALIZED => ("Émise", "ok"),
            status::PAID => ("Payée", "muted"),
            _ => ("Inconnu", "muted"),
        }
    }
}

fn change(now: Decimal, before: Option<Decimal>) -> Value {
    match before {
        Some(b) if b != Decimal::ZERO => {
            let pct = ((now - b) / b * Decimal::from(100)).round_dp(1);
            json!({"amount": fr_money(now - b), "pct": format!("{} %", fr_decimal(pct)), "up": now > b})
        }
        Some(_) | None => Value::Null,
    }
}

/// Totals per member for a period: its invoices when closed, else the preview.
async fn totals_of(ctx: &AppContext, scope: &CoopScope, month: Month) -> HashMap<i64, Decimal> {
    let invoices = service::invoices_of_period(&ctx.db, scope.coop(), month)
        .await
        .unwrap_or_default();
    if !invoices.is_empty() {
        return invoices
            .iter()
            .map(|i| (i.member_id, euros(i.total_cents)))
            .collect();
    }
    service::preview(&ctx.db, scope.coop(), &scope.services().meters, month)
        .await
        .map(|c| c.drafts.iter().map(|d| (d.member_id, d.total)).collect())
        .unwrap_or_default()
}
