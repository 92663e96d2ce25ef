//! The billing JSON API (amounts as decimal strings). Each handler answers with a type
//! of [`bodies`], named in its `#[utoipa::path]`.
mod bodies;

use axum::{
    Json,
    extract::{Path, Query, State},
    http::HeaderMap,
    routing::{get, post},
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{Created, created},
    error::AppError,
    error::ErrorBody,
    keyset::{self, PageQuery},
    scope::{CoopAccess, MemberAccess},
    time::Month,
    web::error::ApiResult,
};
use serde::Deserialize;
use uuid::Uuid;

use self::bodies::{
    ApprovedInvoice, ChargeCreated, ChargeVersion, ClosedInvoice, ClosedPeriod, CreditNote,
    InvoiceLine, InvoiceSummary, KindedInvoice, Preview, TrueUp,
};
use crate::{
    charges::{self, ChargeInput},
    service,
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

/// `GET /api/coop/billing/periods/{YYYY-MM}/preview` (board, coop_admin)
#[utoipa::path(get, operation_id = "billing_preview", path = "/api/coop/billing/periods/{period}/preview", tag = "billing", security(("bearer" = [])), params(("period" = String, Path, description = "Le mois, AAAA-MM")), responses((status = 200, description = "Les factures que la clôture produirait", body = Preview), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn preview(
    State(ctx): State<AppContext>,
    Path(period): Path<String>,
    access: CoopAccess,
) -> ApiResult<Json<Preview>> {
    let scope = access.authorize("billing.preview", "read").await?;
    let m = month(&period)?;
    let c = service::preview(&ctx.db, scope.coop(), &scope.services().meters, m).await?;
    Ok(Json(Preview::of(m, &c, None)))
}

/// `GET /api/m/{slug}/billing/preview?period=` (the member's own only)
#[utoipa::path(get, operation_id = "billing_member_preview", path = "/api/m/{slug}/billing/preview", tag = "billing", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), PeriodQuery), responses((status = 200, description = "La facture prévisionnelle de l’adhérent", body = Preview), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn member_preview(
    State(ctx): State<AppContext>,
    Query(q): Query<PeriodQuery>,
    access: MemberAccess,
) -> ApiResult<Json<Preview>> {
    let scope = access.authorize("billing.preview", "read").await?;
    let m = if q.period.is_empty() {
        Month::of(chrono::Utc::now())
    } else {
        month(&q.period)?
    };
    let coop = scope.coop_computation("a member's share of the pooled costs");
    let c = service::preview(&ctx.db, coop, &scope.services().meters, m).await?;
    Ok(Json(Preview::of(m, &c, Some(scope.member_id()))))
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    #[serde(default)]
    pub period: String,
}

/// `POST /api/coop/billing/periods/{YYYY-MM}/close` (coop_admin) → the drafts.
#[utoipa::path(post, operation_id = "billing_close", path = "/api/coop/billing/periods/{period}/close", tag = "billing", security(("bearer" = [])), params(("period" = String, Path, description = "Le mois, AAAA-MM")), responses((status = 200, description = "Les brouillons de factures du mois (rejouable)", body = ClosedPeriod), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn close(
    State(ctx): State<AppContext>,
    Path(period): Path<String>,
    access: CoopAccess,
) -> ApiResult<Json<ClosedPeriod>> {
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
    let invoices = drafts
        .iter()
        .map(|inv| ClosedInvoice {
            member: members
                .get(&inv.member_id)
                .map(|m| m.slug.clone())
                .unwrap_or_default(),
            invoice: InvoiceSummary::from(inv),
            lines: all_lines
                .get(&inv.id)
                .into_iter()
                .flatten()
                .map(InvoiceLine::from)
                .collect(),
        })
        .collect();
    Ok(Json(ClosedPeriod {
        period: m.to_string(),
        invoices,
    }))
}

/// `POST /api/coop/billing/invoices/{id}/approve` (board) → the invoice, with its number
/// once finalized.
#[utoipa::path(post, operation_id = "billing_approve", path = "/api/coop/billing/invoices/{id}/approve", tag = "billing", security(("bearer" = [])), params(("id" = String, Path, description = "Facture")), responses((status = 200, description = "Approbation enregistrée ; au quorum, la facture reçoit son numéro", body = ApprovedInvoice), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn approve(
    State(ctx): State<AppContext>,
    Path(id): Path<Uuid>,
    access: CoopAccess,
) -> ApiResult<Json<ApprovedInvoice>> {
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
    Ok(Json(ApprovedInvoice {
        member: slug,
        invoice: InvoiceSummary::from(&a.invoice),
        approvals: a.approvals,
        quorum: a.quorum,
    }))
}

/// `GET /api/m/{slug}/invoices` (director of that member, board, coop_admin): finalized
/// invoices and credit notes, newest period first; `?limit=&after=` pages it (keyset).
#[utoipa::path(get, operation_id = "billing_member_invoices", path = "/api/m/{slug}/invoices", tag = "billing", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), PageQuery), responses((status = 200, description = "Les factures émises, de la plus récente à la plus ancienne ; avec `limit`, une page, et la suivante dans `Link` et `X-Next-Cursor`", body = Vec<InvoiceSummary>, headers(("link" = String, description = "`<…?limit=…&after=…>; rel=\"next\"` quand une page suit"), ("x-next-cursor" = String, description = "Le curseur de la page suivante (paramètre `after`)"))), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "`limit` ou `after` invalide, nommé", body = ErrorBody)))]
async fn member_invoices(
    State(ctx): State<AppContext>,
    Query(q): Query<PageQuery>,
    access: MemberAccess,
) -> ApiResult<(HeaderMap, Json<Vec<InvoiceSummary>>)> {
    let scope = access.authorize("billing.invoices", "read").await?;
    let page = q.page(3)?;
    let (rows, next) = service::issued_page(&ctx.db, scope.tenant(), &page).await?;
    let path = format!("/api/m/{}/invoices", scope.member().slug);
    Ok((
        keyset::next_headers(&path, &page, next.as_deref()),
        Json(rows.iter().map(InvoiceSummary::from).collect()),
    ))
}

/// `GET /api/coop/billing/charges`: every version of every charge.
#[utoipa::path(get, operation_id = "billing_list_charges", path = "/api/coop/billing/charges", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "Les tarifs et leurs versions", body = Vec<ChargeVersion>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody)))]
async fn list_charges(
    State(ctx): State<AppContext>,
    access: CoopAccess,
) -> ApiResult<Json<Vec<ChargeVersion>>> {
    access.authorize("billing.charges", "read").await?;
    let all = charges::all_versions(&ctx.db).await?;
    Ok(Json(all.iter().map(ChargeVersion::from).collect()))
}

/// `POST /api/coop/billing/charges` (coop_admin): a new version → 201, or 422 with errors.
#[utoipa::path(post, operation_id = "billing_create_charge", path = "/api/coop/billing/charges", tag = "billing", security(("bearer" = [])), request_body = ChargeInput, responses((status = 201, description = "Version de tarif créée", body = ChargeCreated), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_charge(
    State(ctx): State<AppContext>,
    access: CoopAccess,
    Json(input): Json<ChargeInput>,
) -> ApiResult<Created<ChargeCreated>> {
    let scope = access.authorize("billing.charges", "write").await?;
    let c = charges::create_version(
        &ctx.db,
        scope.coop(),
        &scope.services().meters,
        &scope.actor(),
        &input,
    )
    .await?;
    Ok(created(ChargeCreated::from(&c)))
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
#[utoipa::path(post, operation_id = "billing_credit_note", path = "/api/coop/billing/invoices/{id}/credit-notes", tag = "billing", security(("bearer" = [])), params(("id" = String, Path, description = "Facture")), request_body = CreditNoteBody, responses((status = 201, description = "Avoir émis", body = CreditNote), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn credit_note(
    State(ctx): State<AppContext>,
    Path(id): Path<Uuid>,
    access: CoopAccess,
    Json(body): Json<CreditNoteBody>,
) -> ApiResult<Created<CreditNote>> {
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
    Ok(created(CreditNote {
        member: slug,
        invoice: InvoiceSummary::from(&note),
        refers_to: note.refers_to,
        kind: note.kind,
    }))
}

/// `POST /api/coop/billing/years/{year}/true-up` (coop_admin) → the drafts of the annual
/// true-up: complementary invoices and credit notes, for the board.
#[utoipa::path(post, operation_id = "billing_true_up", path = "/api/coop/billing/years/{year}/true-up", tag = "billing", security(("bearer" = [])), params(("year" = i32, Path, description = "L’exercice")), responses((status = 200, description = "Régularisation annuelle", body = TrueUp), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn true_up(
    State(ctx): State<AppContext>,
    Path(year): Path<i32>,
    access: CoopAccess,
) -> ApiResult<Json<TrueUp>> {
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
    let drafts = drafts
        .iter()
        .map(|d| KindedInvoice {
            member: members
                .get(&d.member_id)
                .map(|m| m.slug.clone())
                .unwrap_or_default(),
            invoice: InvoiceSummary::from(d),
            kind: d.kind.clone(),
        })
        .collect();
    Ok(Json(TrueUp { year, drafts }))
}

/// `GET /api/m/{slug}/invoices/{number}.pdf` and `.xml` (the EN 16931 CII data).
#[utoipa::path(get, operation_id = "billing_member_invoice_file", path = "/api/m/{slug}/invoices/{file}", tag = "billing", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("file" = String, Path, description = "NUMÉRO.pdf ou NUMÉRO.xml")), responses((status = 200, description = "La facture : `NUMÉRO.pdf` (Factur-X) ou `NUMÉRO.xml` (CII)", content(("application/pdf"), ("application/xml"))), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
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
