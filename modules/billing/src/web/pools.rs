//! The cost pools (charges) of a period: the page and adding one.
use super::*;
use mutualis_core::web::forms::{Done, form_reply};

async fn charges_page_inner(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    scope: &CoopScope,
    form: &ChargeInput,
    errors: Value,
    status_code: axum::http::StatusCode,
) -> Result<Response, PageError> {
    let versions = charges::all_versions(&ctx.db).await?;
    let now = Month::of(chrono::Utc::now());
    let current: Vec<i64> = charges::in_effect(&versions, now)
        .iter()
        .map(|c| c.id)
        .collect();
    let meter_label = |code: &str| {
        scope
            .services()
            .meters
            .get(code)
            .map_or_else(|| code.to_string(), |m| format!("« {} »", m.label))
    };
    let rows: Vec<Value> = versions
        .iter()
        .rev()
        .map(|c| {
            let what = match &c.kind {
                Kind::Subscription { fee } => format!("{} par mois, au prorata des jours", fr_money(*fee)),
                Kind::UnitPrice { meter, tiers } if tiers.len() == 1 => format!(
                    "{} par unité de {}",
                    fr_money(tiers.first().map(|t| t.unit_price).unwrap_or_default()),
                    meter_label(meter)
                ),
                Kind::UnitPrice { meter, tiers } => {
                    let mut from = Decimal::ZERO;
                    let parts: Vec<String> = tiers
                        .iter()
                        .map(|t| {
                            let s = match t.up_to {
                                Some(u) => format!("de {} à {} : {}", fr_decimal(from), fr_decimal(u), fr_money(t.unit_price)),
                                None => format!("au-delà de {} : {}", fr_decimal(from), fr_money(t.unit_price)),
                            };
                            from = t.up_to.unwrap_or(from);
                            s
                        })
                        .collect();
                    format!("{} par paliers ({})", meter_label(meter), parts.join(" ; "))
                }
                Kind::CostPool { amount, meter, fixed_share, .. } => format!(
                    "{} par mois ; {} % fixe, le reste selon {}",
                    fr_money(*amount),
                    fr_decimal((*fixed_share * Decimal::from(100)).normalize()),
                    meter_label(meter)
                ),
            };
            json!({
                "module": module_label(&c.module), "code": c.code, "label": c.label, "kind": c.kind.label(),
                "from": views::month_label(c.effective_from), "from_key": c.effective_from.to_string(), "active": c.active, "what": what,
                "current": current.contains(&c.id), "vat_rate": format!("{} %", fr_decimal(c.vat_rate)),
            })
        })
        .collect();
    let meters: Vec<Value> = scope
        .services()
        .meters
        .all()
        .iter()
        .map(|m| json!({"value": m.code, "label": format!("{} ({})", m.label, m.unit)}))
        .collect();
    let modules: Vec<Value> = charges::CHARGEABLE
        .iter()
        .map(|m| json!({"value": m, "label": module_label(m)}))
        .collect();
    Page::for_coop(ctx, scope, "Tarifs", "/coop/billing")
        .await?
        .crumb("Facturation", "/coop/billing")
        .crumb("Tarifs", "")
        .render_with_status(
            v,
            jar,
            "billing/charges.html",
            json!({
                "rows": rows, "form": form, "errors": errors, "meters": meters, "modules": modules,
                "kinds": [
                    {"value": "subscription", "label": "Abonnement mensuel (au prorata des jours)"},
                    {"value": "unit_price", "label": "Prix unitaire sur un compteur"},
                    {"value": "cost_pool", "label": "Pool de coûts réparti selon la consommation"},
                ],
                "bases": [{"value": "equal", "label": "À parts égales"}, {"value": "meter", "label": "Selon un compteur"}],
                "can_edit": scope.can("billing.charges", "write").await?,
            }), status_code)
}

/// `GET /coop/billing/charges`
pub async fn charges_page(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.charges", "read").await?;
    let form = ChargeInput {
        effective_from: Month::of(chrono::Utc::now()).to_string(),
        active: true,
        ..Default::default()
    };
    charges_page_inner(
        &ctx,
        &v,
        &jar,
        &scope,
        &form,
        json!({}),
        axum::http::StatusCode::OK,
    )
    .await
}

/// `POST /coop/billing/charges` (coop_admin): a new version of a charge.
pub async fn create_charge(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
    form: WebForm<ChargeInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.charges", "write").await?;
    let result = charges::create_version(
        &ctx.db,
        scope.coop(),
        &scope.services().meters,
        &scope.actor(),
        &form.value,
    )
    .await;
    form_reply(
        result,
        |c| {
            Done::new(
                "/coop/billing/charges",
                format!(
                    "Tarif « {} » enregistré, applicable à partir de {}.",
                    c.label,
                    views::month_label(c.effective_from)
                ),
            )
        },
        |errors| {
            charges_page_inner(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                errors,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
