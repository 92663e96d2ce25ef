//! Demo charges: on an empty development database, a subscription fee per module, a
//! graduated unit price and a cost pool, from the previous month on, so that the board
//! sees a meaningful preview on first start.
use mutualis_core::{
    audit::Actor,
    error::AppResult,
    metering::Meters,
    tenant::{Coop, CoopOwned},
    time::Month,
};
use sea_orm::{DatabaseConnection, PaginatorTrait};

use crate::{
    charges::{ChargeInput, create_version},
    entities::billing_charges,
};

/// Seeds the demo charges unless some exist.
///
/// # Errors
/// Database errors.
pub async fn demo(db: &DatabaseConnection, meters: &Meters) -> AppResult<bool> {
    if billing_charges::Entity::find_coop(Coop::for_task("demo seed"))
        .count(db)
        .await?
        > 0
    {
        return Ok(false);
    }
    let from = Month::of(chrono::Utc::now()).prev().to_string();
    let actor = Actor::system("démo");
    let sub = |module: &str, label: &str, fee: &str| ChargeInput {
        module: module.to_string(),
        code: "abonnement".to_string(),
        label: label.to_string(),
        kind: "subscription".to_string(),
        effective_from: from.clone(),
        active: true,
        amount: fee.to_string(),
        vat_rate: "20".to_string(),
        ..Default::default()
    };
    let inputs = vec![
        sub("billing", "Abonnement – Facturation", "0"),
        sub("hr", "Abonnement – Ressources humaines", "45.00"),
        sub("payroll", "Abonnement – Paie", "80.00"),
        sub("gdpr", "Abonnement – RGPD (DPO mutualisé)", "60.00"),
        sub("legal", "Abonnement – Modèles juridiques", "20.00"),
        sub("practices", "Abonnement – Échange de pratiques", "10.00"),
        ChargeInput {
            module: "it".to_string(),
            code: "support".to_string(),
            label: "Support informatique mutualisé".to_string(),
            kind: "cost_pool".to_string(),
            effective_from: from.clone(),
            active: true,
            amount: "2400.00".to_string(),
            meter: "it.support_hours".to_string(),
            fixed_share: "20".to_string(),
            fixed_basis: "equal".to_string(),
            vat_rate: "20".to_string(),
            ..Default::default()
        },
        ChargeInput {
            module: "it".to_string(),
            code: "tickets".to_string(),
            label: "Tickets de support au-delà de 3 par mois".to_string(),
            kind: "unit_price".to_string(),
            effective_from: from.clone(),
            active: true,
            meter: "it.tickets".to_string(),
            tiers: r#"[{"up_to": "3", "unit_price": "0"}, {"up_to": null, "unit_price": "15.00"}]"#
                .to_string(),
            vat_rate: "20".to_string(),
            ..Default::default()
        },
    ];
    for input in &inputs {
        create_version(db, Coop::for_task("demo seed"), meters, &actor, input).await?;
    }
    tracing::info!(charges = inputs.len(), "demo charges seeded");
    Ok(true)
}
