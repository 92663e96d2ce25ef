//! The billing JSON API (amounts as decimal strings).
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::IntoResponse,
    routing::{get, post},
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    error::AppError,
    error::ErrorBody,
    scope::{CoopAccess, MemberAccess},
    time::Month,
    web::error::ApiResult,
};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    charges::{self, ChargeInput},
    compute::{Computed, Draft},
    entities::billing_invoices,
    service::{self, euros},
};

/// The module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(preview, member_preview, close, approve, member_invoices, list_charges, create_charge, credit_note, true_up, member_invoice_file),
    tags((name = "billing", description = "Facturation : tarifs, clôtures, factures, avoirs"))
)]
struct BillingApi;

/// The module's API, for its declaration (`ModuleDef::api_doc`).
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    <BillingApi as utoipa::OpenApi>::openapi()
}

/// The module's API routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api")
        .add(
            "/coop/billing/charges",
            get(list_charges).post(create_charge),
        )
        .add("/coop/billing/periods/{period}/preview", get(preview))
        .add("/coop/billing/periods/{period}/close", post(close))
        .add("/coop/billing/invoices/{id}/approve", post(approve))
        .add(
            "/coop/billing/invoices/{id}/credit-notes",
            post(credit_note),
        )
        .add("/coop/billing/years/{year}/true-up", post(true_up))
        .add("/m/{slug}/billing/preview", get(member_preview))
        .add("/m/{slug}/invoices", get(member_invoices))
        .add("/m/{slug}/invoices/{file}", get(member_invoice_file))
}

fn month(raw: &str) -> ApiResult<Month> {
    Ok(Month::parse(raw)?)
}

fn draft_json(d: &Draft) -> Value {
    json!({
        "member": d.slug,
        "lines": d.lines.iter().map(|l| json!({
            "module": l.module,
            "charge": l.charge_code,
            "label": l.label,
            "meter": l.meter,
            "quantity": l.quantity.normalize().to_string(),
            "unit": l.unit,
            "share": l.share_pct.map(|s| s.normalize().to_string()),
            "amount": l.amount.to_string(),
            "vat": l.vat.to_string(),
            "explanation": l.explanation,
        })).collect::<Vec<_>>(),
        "subtotal": d.subtotal.to_string(),
        "vat": d.vat.to_string(),
        "total": d.total.to_string(),
    })
}

fn preview_json(month: Month, c: &Computed, only: Option<i64>) -> Value {
    json!({
        "period": month.to_string(),
        "pools": c.pools.iter().map(|p| json!({
            "module": p.module, "charge": p.code, "amount": p.amount.to_string(), "allocated": p.allocated.to_string(),
        })).collect::<Vec<_>>(),
        "invoices": c.drafts.iter().filter(|d| only.is_none_or(|m| m == d.member_id)).map(draft_json).collect::<Vec<_>>(),
    })
}

/// `GET /api/coop/billing/periods/{YYYY-MM}/preview` (board, coop_admin)
#[utoipa::path(get, operation_id = "billing_preview", path = "/api/coop/billing/periods/{period}/preview", tag = "billing", security(("bearer" = [])), params(("period" = String, Path, description = "Le mois, AAAA-MM")), responses((status = 200, description = "Les factures que la clôture produirait"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn preview(
    State(ctx): State<AppContext>,
    Path(period): Path<String>,
    access: CoopAccess,
) -> ApiResult {
    let scope = access.authorize("billing.preview", "read").await?;
    let m = month(&period)?;
    let c = service::preview(&ctx.db, scope.coop(), &scope.services().meters, m).await?;
    Ok(Json(preview_json(m, &c, None)).into_response())
}

/// `GET /api/m/{slug}/billing/preview?period=` (the member's own only)
#[utoipa::path(get, operation_id = "billing_member_preview", path = "/api/m/{slug}/billing/preview", tag = "billing", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), PeriodQuery), responses((status = 200, description = "La facture prévisionnelle de l’adhérent"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn member_preview(
    State(ctx): State<AppContext>,
    Query(q): Query<PeriodQuery>,
    access: MemberAccess,
) -> ApiResult {
    let scope = access.authorize("billing.preview", "read").await?;
    let m = if q.period.is_empty() {
        Month::of(chrono::Utc::now())
    } else {
        month(&q.period)?
    };
    let coop = scope.coop_computation("a member's share of the pooled costs");
    let c = service::preview(&ctx.db, coop, &scope.services().meters, m).await?;
    Ok(Json(preview_json(m, &c, Some(scope.member_id()))).into_response())
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    #[serde(default)]
    pub period: String,
}

fn invoice_json(inv: &billing_invoices::Model, slug: &str) -> Value {
    json!({
        "id": inv.id,
        "member": slug,
        "number": inv.number,
        "status": if service::is_overdue(inv) { "overdue" } else { inv.status.as_str() },
        "period": inv.period,
        "subtotal": euros(inv.subtotal_cents).to_string(),
        "vat": euros(inv.vat_cents).to_string(),
        "total": euros(inv.total_cents).to_string(),
        "issued_on": inv.issued_on,
        "due_on": inv.due_on,
    })
}

/// `POST /api/coop/billing/periods/{YYYY-MM}/close` (coop_admin) → the drafts.
#[utoipa::path(post, operation_id = "billing_close", path = "/api/coop/billing/periods/{period}/close", tag = "billing", security(("bearer" = [])), params(("period" = String, Path, description = "Le mois, AAAA-MM")), responses((status = 200, description = "Les brouillons de factures du mois (rejouable)"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn close(
    State(ctx): State<AppContext>,
    Path(period): Path<String>,
    access: CoopAccess,
) -> ApiResult {
    let scope = access.authorize("billing.close", "write").await?;
    let m = month(&period)?;
    let drafts = service::close_period(
        &ctx.db,
        scope.coop(),
        &scope.services().meters,
        &scope.actor(),
        m,
    )
    .await?;
    let members = service::members_by_id(&ctx.db).await?;
    let all_lines = service::lines_of_many(&ctx.db, scope.coop(), &drafts).await?;
    let mut out = Vec::new();
    for inv in &drafts {
        let slug = members
            .get(&inv.member_id)
            .map(|m| m.slug.clone())
            .unwrap_or_default();
        let mut v = invoice_json(inv, &slug);
        v["lines"] = all_lines
            .get(&inv.id)
            .into_iter()
            .flatten()
            .map(|l| json!({"module": l.module, "charge": l.charge_code, "meter": l.meter, "quantity": l.quantity, "share": l.share_pct, "amount": euros(l.amount_cents).to_string()}))
            .collect();
        out.push(v);
    }
    Ok(Json(json!({"period": m.to_string(), "invoices": out})).into_response())
}

/// `POST /api/coop/billing/invoices/{id}/approve` (board) → the invoice, with its number
/// once finalized.
#[utoipa::path(post, operation_id = "billing_approve", path = "/api/coop/billing/invoices/{id}/approve", tag = "billing", security(("bearer" = [])), params(("id" = String, Path, description = "Facture")), responses((status = 200, description = "Approbation enregistrée ; au quorum, la facture reçoit son numéro"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn approve(
    State(ctx): State<AppContext>,
    Path(id): Path<Uuid>,
    access: CoopAccess,
) -> ApiResult {
    let scope = access.authorize("billing.approve", "write").await?;
    let quorum = crate::settings(&ctx)?.quorum;
    let a = service::approve(&ctx.db, scope.coop(), &scope.actor(), id, quorum).await?;
    if a.finalized_now {
        crate::notify::invoice_finalized(&ctx, &a.invoice).await?;
    }
    let members = service::members_by_id(&ctx.db).await?;
    let slug = members
        .get(&a.invoice.member_id)
        .map(|m| m.slug.clone())
        .unwrap_or_default();
    let mut v = invoice_json(&a.invoice, &slug);
    v["approvals"] = json!(a.approvals);
    v["quorum"] = json!(a.quorum);
    Ok(Json(v).into_response())
}

/// `GET /api/m/{slug}/invoices` (director of that member, board, coop_admin): finalized
/// invoices and credit notes.
#[utoipa::path(get, operation_id = "billing_member_invoices", path = "/api/m/{slug}/invoices", tag = "billing", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), responses((status = 200, description = "Les factures émises"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn member_invoices(State(ctx): State<AppContext>, access: MemberAccess) -> ApiResult {
    let scope = access.authorize("billing.invoices", "read").await?;
    let list: Vec<Value> = service::invoices_of(&ctx.db, scope.tenant())
        .await?
        .iter()
        .filter(|i| i.status != service::status::DRAFT)
        .map(|i| {
            let mut v = invoice_json(i, &scope.member().slug);
            if let Some(o) = v.as_object_mut() {
                o.remove("member");
            }
            v
        })
        .collect();
    Ok(Json(list).into_response())
}

/// `GET /api/coop/billing/charges`: every version of every charge.
#[utoipa::path(get, operation_id = "billing_list_charges", path = "/api/coop/billing/charges", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "Les tarifs et leurs versions"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody)))]
async fn list_charges(State(ctx): State<AppContext>, access: CoopAccess) -> ApiResult {
    access.authorize("billing.charges", "read").await?;
    let all = charges::all_versions(&ctx.db).await?;
    let list: Vec<Value> = all
        .iter()
        .map(|c| json!({"id": c.id, "module": c.module, "code": c.code, "label": c.label, "kind": c.kind.code(), "effective_from": c.effective_from.to_string(), "active": c.active}))
        .collect();
    Ok(Json(list).into_response())
}

/// `POST /api/coop/billing/charges` (coop_admin): a new version → 201, or 422 with errors.
#[utoipa::path(post, operation_id = "billing_create_charge", path = "/api/coop/billing/charges", tag = "billing", security(("bearer" = [])), request_body = ChargeInput, responses((status = 201, description = "Version de tarif créée"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_charge(
    State(ctx): State<AppContext>,
    access: CoopAccess,
    Json(input): Json<ChargeInput>,
) -> ApiResult {
    let scope = access.authorize("billing.charges", "write").await?;
    let c = charges::create_version(
        &ctx.db,
        scope.coop(),
        &scope.services().meters,
        &scope.actor(),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": c.id, "module": c.module, "code": c.code, "effective_from": c.effective_from.to_string()}))).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreditNoteBody {
    /// Excluding VAT, as a decimal string; absent for a total credit note.
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/coop/billing/invoices/{id}/credit-notes` (coop_admin) → 201 with the draft
/// credit note (approved by the board like an invoice).
#[utoipa::path(post, operation_id = "billing_credit_note", path = "/api/coop/billing/invoices/{id}/credit-notes", tag = "billing", security(("bearer" = [])), params(("id" = String, Path, description = "Facture")), request_body = CreditNoteBody, responses((status = 201, description = "Avoir émis"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn credit_note(
    State(ctx): State<AppContext>,
    Path(id): Path<Uuid>,
    access: CoopAccess,
    Json(body): Json<CreditNoteBody>,
) -> ApiResult {
    let scope = access.authorize("billing.invoices", "write").await?;
    let amount = match body.amount.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(a.parse::<rust_decimal::Decimal>().map_err(|_| {
            AppError::field(
                "amount",
                "Montant invalide : un nombre décimal est attendu (ex. \"12.50\").",
            )
        })?),
    };
    let note = crate::adjust::credit_note(
        &ctx.db,
        scope.coop(),
        &scope.actor(),
        id,
        amount,
        &body.reason,
    )
    .await?;
    let members = service::members_by_id(&ctx.db).await?;
    let slug = members
        .get(&note.member_id)
        .map(|m| m.slug.clone())
        .unwrap_or_default();
    let mut v = invoice_json(&note, &slug);
    v["refers_to"] = json!(note.refers_to);
    v["kind"] = json!(note.kind);
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// `POST /api/coop/billing/years/{year}/true-up` (coop_admin) → the drafts of the annual
/// true-up: complementary invoices and credit notes, for the board.
#[utoipa::path(post, operation_id = "billing_true_up", path = "/api/coop/billing/years/{year}/true-up", tag = "billing", security(("bearer" = [])), params(("year" = i32, Path, description = "L’exercice")), responses((status = 200, description = "Régularisation annuelle"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn true_up(
    State(ctx): State<AppContext>,
    Path(year): Path<i32>,
    access: CoopAccess,
) -> ApiResult {
    let scope = access.authorize("billing.close", "write").await?;
    let drafts = crate::adjust::true_up(
        &ctx.db,
        scope.coop(),
        &scope.services().meters,
        &scope.actor(),
        year,
    )
    .await?;
    let members = service::members_by_id(&ctx.db).await?;
    let out: Vec<Value> = drafts
        .iter()
        .map(|d| {
            let mut v = invoice_json(
                d,
                &members
                    .get(&d.member_id)
                    .map(|m| m.slug.clone())
                    .unwrap_or_default(),
            );
            v["kind"] = json!(d.kind);
            v
        })
        .collect();
    Ok(Json(json!({"year": year, "drafts": out})).into_response())
}

/// `GET /api/m/{slug}/invoices/{number}.pdf` and `.xml` (the EN 16931 CII data).
#[utoipa::path(get, operation_id = "billing_member_invoice_file", path = "/api/m/{slug}/invoices/{file}", tag = "billing", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("file" = String, Path, description = "NUMÉRO.pdf ou NUMÉRO.xml")), responses((status = 200, description = "La facture : `NUMÉRO.pdf` (Factur-X) ou `NUMÉRO.xml` (CII)"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn member_invoice_file(
    State(ctx): State<AppContext>,
    Path((_slug, file)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult {
    let scope = access.authorize("billing.invoices", "read").await?;
    let (number, ext) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let format = crate::files::Format::from_ext(ext).ok_or(AppError::NotFound)?;
    let inv = service::find_by_number(&ctx.db, scope.tenant(), number).await?;
    Ok(crate::files::download(&ctx, scope.member(), &inv, format).await?)
}
