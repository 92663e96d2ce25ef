//! E-mail to a member's billing contact when one of its invoices is finalized.
use loco_rs::{
    app::AppContext,
    mailer::{Email, Mailer},
};
use mutualis_core::{
    error::AppResult,
    member,
    time::{Month, fr_date, fr_money},
    web::views::month_label,
};

use crate::{entities::billing_invoices, service::euros};

/// The billing mailer.
#[derive(Debug)]
pub struct BillingMailer;
impl Mailer for BillingMailer {}

/// Builds the message for a finalized invoice or credit note.
#[must_use]
pub fn finalized_email(
    inv: &billing_invoices::Model,
    member_name: &str,
    to: &str,
    base_url: &str,
    slug: &str,
) -> Email {
    let number = inv.number.clone().unwrap_or_default();
    let what = if inv.kind == "credit_note" {
        "Avoir"
    } else {
        "Facture"
    };
    let period = Month::parse(&inv.period)
        .map(month_label)
        .unwrap_or_default();
    let text = format!(
        "Bonjour,\n\n{what} n° {number} de la coopérative pour {member_name} ({period}) :\n\
         montant {amount} TTC{due}.\n\n\
         Le détail de chaque ligne, avec la façon dont elle est calculée, est consultable sur Mutualis :\n\
         {base_url}/m/{slug}/billing/invoices/{id}\n\n\
         Coopérative Mutualis — répartition des coûts communs (art. 261 B du CGI).\n",
        amount = fr_money(euros(inv.total_cents)),
        due = inv
            .due_on
            .map(|d| format!(", à régler avant le {}", fr_date(d)))
            .unwrap_or_default(),
        id = inv.id,
    );
    mutualis_core::mail::email(
        "Mutualis – facturation <facturation@mutualis.example>",
        to,
        format!("{what} {number} – {period}"),
        text,
    )
}

/// Sends the e-mail for a finalized invoice to the member's billing contact.
///
/// # Errors
/// Database or mailer errors.
pub async fn invoice_finalized(ctx: &AppContext, inv: &billing_invoices::Model) -> AppResult<()> {
    let Some(m) = member::list(&ctx.db)
        .await?
        .into_iter()
        .find(|m| m.id == inv.member_id)
    else {
        return Ok(());
    };
    let email = finalized_email(
        inv,
        &m.name,
        &m.billing_email,
        &ctx.config.server.full_url(),
        &m.slug,
    );
    BillingMailer::mail(ctx, &email).await?;
    tracing::info!(invoice = %inv.id, to = %m.billing_email, "invoice e-mail queued");
    Ok(())
}
