//! The good addresses' JSON API (`/api/practices/addresses…`): every subscribed
//! member's users read the addresses and their reviews, propose an address and review
//! one (one review per member, a second one replaces it). Thin handlers over `addresses`.
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{Created, created},
    error::{AppError, ErrorBody},
    scope::{Identity, services},
    served::Served,
    web::error::ApiResult,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::addresses::{self, Filter, Input, ReviewInput, Writer};

const ID: &str = "Identifiant de l’adresse";

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, one, review))]
struct AddressesApi;

/// The addresses' part of the module's API document.
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    <AddressesApi as utoipa::OpenApi>::openapi()
}

/// The addresses' API routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/practices")
        .add("/addresses", get(list).post(create))
        .add("/addresses/{id}", get(one))
        .add("/addresses/{id}/reviews", post(review))
}

/// The members where the user reads (or writes) addresses; 403 when none.
async fn members(ctx: &AppContext, id: &Identity, act: &str) -> ApiResult<Vec<Served>> {
    let svc = services(ctx)?;
    let found = addresses::members_for(&ctx.db, &svc, id.user.id, act).await?;
    if found.is_empty() {
        return Err(AppError::Forbidden(
            "Les bonnes adresses sont réservées aux adhérents qui participent à l’échange de pratiques."
                .to_string(),
        )
        .into());
    }
    Ok(found)
}

fn writer(id: &Identity) -> Writer {
    Writer {
        id: id.user.id,
        name: id.user.name.clone(),
        actor: id.actor(),
    }
}

/// An address as listed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesAddress)]
pub struct AddressBody {
    pub id: String,
    pub name: String,
    /// `prestataire`, `outil`, `formation`, `contact`, `reseau`.
    pub category: String,
    /// In French (« Prestataire »).
    pub category_label: String,
    pub region: String,
    #[schema(required = true)]
    pub website: Option<String>,
    pub contact: String,
    pub description: String,
    /// Slug of the member that proposed it.
    pub member: String,
    pub member_name: String,
    pub author: String,
    /// Average rating, to one decimal; `null` without any review.
    #[schema(required = true)]
    pub average: Option<f64>,
    /// Number of reviews.
    pub reviews: usize,
}

impl From<&addresses::Address> for AddressBody {
    fn from(a: &addresses::Address) -> Self {
        Self {
            id: a.row.id.to_string(),
            name: a.row.name.clone(),
            category: a.row.category.clone(),
            category_label: addresses::category_label(&a.row.category).to_string(),
            region: a.row.region.clone(),
            website: a.row.website.clone(),
            contact: a.row.contact.clone(),
            description: a.row.description.clone(),
            member: a.member.clone(),
            member_name: a.member_name.clone(),
            author: a.row.author_name.clone(),
            average: a.average(),
            reviews: a.reviews.len(),
        }
    }
}

/// A member's review.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesReview)]
pub struct ReviewBody {
    pub id: String,
    /// Slug of the reviewing member.
    pub member: String,
    pub member_name: String,
    /// 1 to 5.
    pub rating: i32,
    pub text: String,
    /// Who wrote it last.
    pub author: String,
    /// RFC 3339.
    pub updated_at: String,
}

impl From<&addresses::Review> for ReviewBody {
    fn from(r: &addresses::Review) -> Self {
        Self {
            id: r.row.id.to_string(),
            member: r.member.clone(),
            member_name: r.member_name.clone(),
            rating: r.row.rating,
            text: r.row.text.clone(),
            author: r.row.author_name.clone(),
            updated_at: r.row.updated_at.to_rfc3339(),
        }
    }
}

/// An address with its reviews, latest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesAddressDetail)]
pub struct AddressDetailBody {
    pub address: AddressBody,
    pub reviews: Vec<ReviewBody>,
}

/// `GET /api/practices/addresses?category=&region=&q=`
#[utoipa::path(get, operation_id = "practices_addresses", path = "/api/practices/addresses", tag = "practices", security(("bearer" = [])), params(("category" = Option<String>, Query, description = "Catégorie (prestataire, outil, formation, contact, reseau)"), ("region" = Option<String>, Query, description = "Région (« Bretagne »…) ou « National »"), ("q" = Option<String>, Query, description = "Mots cherchés dans le nom, la description et le contact")), responses((status = 200, description = "Les adresses, par nom, avec leur note moyenne", body = Vec<AddressBody>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Aucun adhérent participant à l’échange", body = ErrorBody), (status = 422, description = "Recherche trop longue", body = ErrorBody)))]
async fn list(
    State(ctx): State<AppContext>,
    Query(filter): Query<Filter>,
    id: Identity,
) -> ApiResult<Json<Vec<AddressBody>>> {
    members(&ctx, &id, "read").await?;
    if filter.q.as_deref().is_some_and(|q| q.chars().count() > 300) {
        return Err(AppError::field("q", "La recherche : 300 caractères au plus.").into());
    }
    let found = addresses::list(&ctx.db, &filter).await?;
    Ok(Json(found.iter().map(AddressBody::from).collect()))
}

/// `POST /api/practices/addresses`: a reader proposes an address for its member.
#[utoipa::path(post, operation_id = "practices_create_address", path = "/api/practices/addresses", tag = "practices", security(("bearer" = [])), request_body = Input, responses((status = 201, description = "Adresse proposée", body = AddressBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Aucun adhérent participant à l’échange", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create(
    State(ctx): State<AppContext>,
    id: Identity,
    Json(body): Json<Input>,
) -> ApiResult<Created<AddressBody>> {
    let writable = members(&ctx, &id, "write").await?;
    let svc = services(&ctx)?;
    // Every field's error at once, the member's first.
    let served = addresses::pick(&writable, &body.member);
    let row = match (served, addresses::validate(&body)) {
        (Ok(s), Ok(_)) => addresses::create(&ctx.db, &svc, s.tenant(), &writer(&id), &body).await?,
        (s, c) => {
            let mut errors = Vec::new();
            if let Err(AppError::Validation(e)) = s {
                errors.extend(e);
            }
            errors.extend(c.err().unwrap_or_default());
            return Err(AppError::Validation(errors).into());
        }
    };
    let a = addresses::get(&ctx.db, &row.id.to_string()).await?;
    Ok(created(AddressBody::from(&a)))
}

/// `GET /api/practices/addresses/{id}`: an address and its reviews.
#[utoipa::path(get, operation_id = "practices_address", path = "/api/practices/addresses/{id}", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), responses((status = 200, description = "L’adresse et ses avis", body = AddressDetailBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Aucun adhérent participant à l’échange", body = ErrorBody), (status = 404, description = "Adresse introuvable", body = ErrorBody)))]
async fn one(
    State(ctx): State<AppContext>,
    Path(address): Path<String>,
    id: Identity,
) -> ApiResult<Json<AddressDetailBody>> {
    members(&ctx, &id, "read").await?;
    let a = addresses::get(&ctx.db, &address).await?;
    Ok(Json(AddressDetailBody {
        address: AddressBody::from(&a),
        reviews: a.reviews.iter().map(ReviewBody::from).collect(),
    }))
}

/// `POST /api/practices/addresses/{id}/reviews` `{"rating","text"}`: the member's review,
/// created (201) or replaced (200).
#[utoipa::path(post, operation_id = "practices_review_address", path = "/api/practices/addresses/{id}/reviews", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), request_body = ReviewInput, responses((status = 201, description = "Avis du membre enregistré", body = ReviewBody), (status = 200, description = "Avis du membre modifié (un seul avis par adhérent)", body = ReviewBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Aucun adhérent participant à l’échange", body = ErrorBody), (status = 404, description = "Adresse introuvable", body = ErrorBody), (status = 422, description = "Note de 1 à 5, avis trop long, ou adhérent à préciser", body = ErrorBody)))]
async fn review(
    State(ctx): State<AppContext>,
    Path(address): Path<String>,
    id: Identity,
    Json(body): Json<ReviewInput>,
) -> ApiResult<Created<ReviewBody>> {
    let writable = members(&ctx, &id, "write").await?;
    let served = addresses::pick(&writable, &body.member)?;
    let svc = services(&ctx)?;
    let (row, first) = addresses::review(
        &ctx.db,
        &svc,
        served.tenant(),
        &writer(&id),
        &address,
        body.rating,
        &body.text,
    )
    .await?;
    let r = addresses::Review {
        row,
        member: served.member.slug.clone(),
        member_name: served.member.name.clone(),
    };
    Ok((
        if first {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(ReviewBody::from(&r)),
    ))
}
