//! The good addresses' French pages: the list (filters by category, region and words,
//! each address's average « 4,3/5 (7 avis) », the form to propose one) and an address
//! (its reviews, the member's own review form, pre-filled when it exists). Thin
//! handlers over `addresses`.
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
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
    scope::Scope,
    time::fr_datetime,
    web::{
        error::PageError,
        forms::{Done, WebForm, form_reply},
        page::Page,
    },
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::addresses::{
    self, Address, CATEGORIES, Filter, Input, OBJ, REGIONS, Writer, category_label, stars_label,
};

type View = ViewEngine<TeraView>;

/// The addresses' web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/practices/addresses", get(list_page).post(create))
        .add("/m/{slug}/practices/addresses/{id}", get(address_page))
        .add("/m/{slug}/practices/addresses/{id}/reviews", post(review))
}

fn writer(scope: &Scope) -> Writer {
    let user = &scope.identity().user;
    Writer {
        id: user.id,
        name: user.name.clone(),
        actor: scope.actor(),
    }
}

/// Five stars, `n` of them full (rounded), for the eye; the text says the same.
fn stars(average: Option<f64>) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let full = average.map_or(0, |a| a.round().clamp(0.0, 5.0) as usize);
    format!("{}{}", "★".repeat(full), "☆".repeat(5 - full))
}

fn card(base: &str, a: &Address) -> Value {
    let average = a.average();
    json!({
        "href": format!("{base}/addresses/{}", a.row.id), "name": a.row.name,
        "category": category_label(&a.row.category), "region": a.row.region,
        "website": a.row.website, "contact": a.row.contact, "description": a.row.description,
        "member": a.member_name, "author": a.row.author_name,
        "stars": stars(average), "rating": stars_label(average, a.reviews.len()),
        "rated": average.is_some(),
    })
}

fn category_options() -> Vec<Value> {
    CATEGORIES
        .iter()
        .map(|(v, l)| json!({"value": v, "label": l}))
        .collect()
}

fn region_options() -> Vec<Value> {
    REGIONS
        .iter()
        .map(|r| json!({"value": r, "label": r}))
        .collect()
}

/// The form as typed (the page's fields).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AddressForm {
    pub name: String,
    pub category: String,
    pub region: String,
    pub website: String,
    pub contact: String,
    pub description: String,
}

impl AddressForm {
    fn input(&self) -> Input {
        Input {
            member: String::new(),
            name: self.name.clone(),
            category: self.category.clone(),
            region: self.region.clone(),
            website: self.website.clone(),
            contact: self.contact.clone(),
            description: self.description.clone(),
        }
    }
}

async fn list_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    filter: &Filter,
    form: &AddressForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let found = addresses::list(&ctx.db, filter).await?;
    let m = scope.member();
    let base = format!("/m/{}/practices", m.slug);
    let filtered = [&filter.category, &filter.region, &filter.q]
        .iter()
        .any(|f| f.as_deref().is_some_and(|v| !v.trim().is_empty()));
    Page::for_scope(ctx, scope, "Bonnes adresses", &base)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Échange de pratiques", &base)
        .crumb("Bonnes adresses", "")
        .render_with_status(
            v,
            jar,
            "practices/addresses.html",
            json!({
                "base": base,
                "addresses": found.iter().map(|a| card(&base, a)).collect::<Vec<_>>(),
                "filter": {
                    "category": filter.category.clone().unwrap_or_default(),
                    "region": filter.region.clone().unwrap_or_default(),
                    "q": filter.q.clone().unwrap_or_default(),
                },
                "filtered": filtered,
                "category_options": category_options(), "region_options": region_options(),
                "can_write": scope.can(OBJ, "write").await?,
                "form": {
                    "name": form.name, "category": form.category, "region": form.region,
                    "website": form.website, "contact": form.contact, "description": form.description,
                },
                "errors": errors,
                "open": status != StatusCode::OK,
            }),
            status,
        )
}

/// `GET /m/{slug}/practices/addresses?category=&region=&q=`
pub async fn list_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: mutualis_core::scope::MemberAccess,
    Query(filter): Query<Filter>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "read").await?;
    let filter = Filter {
        q: filter.q.map(|q| q.chars().take(300).collect()),
        ..filter
    };
    list_view(
        &ctx,
        (&v, &jar),
        &scope,
        &filter,
        &AddressForm::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/practices/addresses`: proposes an address for the page's member.
pub async fn create(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: mutualis_core::scope::MemberAccess,
    form: WebForm<AddressForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "write").await?;
    let base = format!("/m/{}/practices/addresses", scope.member().slug);
    let no_filter = Filter::default();
    let result = addresses::create(
        &ctx.db,
        scope.services(),
        scope.tenant(),
        &writer(&scope),
        &form.value.input(),
    )
    .await;
    form_reply(
        result,
        |a| {
            Done::new(
                format!("{base}/{}", a.id),
                format!("Adresse « {} » proposée : merci !", a.name),
            )
        },
        |errors| {
            list_view(
                &ctx,
                (&v, &jar),
                &scope,
                &no_filter,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// The review form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub rating: String,
    pub text: String,
}

async fn address_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    id: &str,
    typed: Option<&ReviewForm>,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = addresses::get(&ctx.db, id).await?;
    let m = scope.member();
    let base = format!("/m/{}/practices", m.slug);
    let own = a.reviews.iter().find(|r| r.row.member_id == m.id);
    let form = typed.cloned().unwrap_or_else(|| ReviewForm {
        rating: own.map(|r| r.row.rating.to_string()).unwrap_or_default(),
        text: own.map(|r| r.row.text.clone()).unwrap_or_default(),
    });
    // The member's own review first, then the others, latest first.
    let mut ordered: Vec<&addresses::Review> = a.reviews.iter().collect();
    ordered.sort_by_key(|r| r.row.member_id != m.id);
    let reviews: Vec<Value> = ordered
        .into_iter()
        .map(|r| {
            json!({
                "member": r.member_name, "author": r.row.author_name, "rating": r.row.rating,
                "stars": stars(Some(f64::from(r.row.rating))), "text": r.row.text,
                "at": fr_datetime(r.row.updated_at), "own": r.row.member_id == m.id,
            })
        })
        .collect();
    let mut view = card(&base, &a);
    view["reviews"] = json!(reviews);
    Page::for_scope(ctx, scope, &a.row.name, &base)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Échange de pratiques", &base)
        .crumb("Bonnes adresses", &format!("{base}/addresses"))
        .crumb(&a.row.name, "")
        .render_with_status(
            v,
            jar,
            "practices/address.html",
            json!({
                "base": base, "a": view, "action": format!("{base}/addresses/{}/reviews", a.row.id),
                "own": own.is_some(), "member": m.name,
                "can_write": scope.can(OBJ, "write").await?,
                "form": {"rating": form.rating, "text": form.text},
                "rating_options": (1..=5).rev().map(|n| json!({"value": n.to_string(), "label": format!("{n}/5 {}", stars(Some(f64::from(n))))})).collect::<Vec<_>>(),
                "errors": errors,
            }),
            status,
        )
}

/// `GET /m/{slug}/practices/addresses/{id}`
pub async fn address_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: mutualis_core::scope::MemberAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "read").await?;
    address_view(
        &ctx,
        (&v, &jar),
        &scope,
        &id,
        None,
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/practices/addresses/{id}/reviews`: the page's member reviews the
/// address (its review replaced when there is one).
pub async fn review(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: mutualis_core::scope::MemberAccess,
    Path((_, id)): Path<(String, String)>,
    form: WebForm<ReviewForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, "write").await?;
    let result = addresses::review(
        &ctx.db,
        scope.services(),
        scope.tenant(),
        &writer(&scope),
        &id,
        addresses::form_rating(&form.value.rating),
        &form.value.text,
    )
    .await;
    let to = format!("/m/{}/practices/addresses/{id}", scope.member().slug);
    form_reply(
        result,
        |(_, first)| {
            Done::new(
                to.clone(),
                if *first {
                    "Avis enregistré : merci !"
                } else {
                    "Avis modifié."
                },
            )
        },
        |errors| {
            address_view(
                &ctx,
                (&v, &jar),
                &scope,
                &id,
                Some(&form.value),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
