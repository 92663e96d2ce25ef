//! Good addresses (bonnes adresses): providers, tools, training bodies and contacts that
//! members recommend to each other, with a category and a region, and members' reviews
//! (a rating from 1 to 5 and a text, one per member and address, editable). An address
//! belongs to the member that proposed it; every subscribed member's users read them all.
//! Rules first (plain functions), then the queries and writes (one audited transaction
//! each).
use std::collections::HashMap;

use chrono::Utc;
use mutualis_core::{
    audit::Actor,
    error::{AppError, AppResult, FieldError},
    limits::{Check, Text},
    member,
    scope::Services,
    served::{Served, members_where},
    tenant::{Coop, MemberOwned, Tenant},
    write::Write,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;
use uuid::Uuid;

use crate::entities::{practices_address_reviews as reviews, practices_addresses as addresses};

/// The object of the addresses (read: every reader of the exchange; write: propose an
/// address, review one).
pub const OBJ: &str = "practices.addresses";

/// The categories: code and French label.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("prestataire", "Prestataire"),
    ("outil", "Outil numérique"),
    ("formation", "Organisme de formation"),
    ("contact", "Contact"),
    ("reseau", "Réseau, fédération"),
];

/// The French regions, and « National » for who works everywhere.
pub const REGIONS: &[&str] = &[
    "National",
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Hauts-de-France",
    "Île-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d’Azur",
    "Guadeloupe",
    "Martinique",
    "Guyane",
    "La Réunion",
    "Mayotte",
];

/// A category's label (the code itself when unknown).
#[must_use]
pub fn category_label(code: &str) -> &str {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

/// Lower case without accents nor apostrophe variants: what a filter compares.
#[must_use]
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ÿ' => 'y',
            '’' => '\'',
            c => c,
        })
        .collect()
}

/// The region as listed, whatever its case or accents; `None` when unknown.
#[must_use]
pub fn region(raw: &str) -> Option<&'static str> {
    let f = fold(raw.trim());
    REGIONS.iter().copied().find(|r| fold(r) == f)
}

/// An address as typed (API and form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = PracticesAddressInput)]
#[serde(default)]
pub struct Input {
    /// Slug of the member proposing it; optional when the user belongs to one member
    /// taking part in the exchange.
    pub member: String,
    pub name: String,
    /// `prestataire`, `outil`, `formation`, `contact`, `reseau`.
    pub category: String,
    /// A French region (« Bretagne »…) or « National ».
    pub region: String,
    /// `https://…` (optional).
    pub website: String,
    /// Who to call, how (optional).
    pub contact: String,
    pub description: String,
}

/// An address, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub name: String,
    pub category: String,
    pub region: String,
    pub website: Option<String>,
    pub contact: String,
    pub description: String,
}

/// A web address: `http(s)://host…`, no space, 300 characters at most.
///
/// # Errors
/// The French message.
pub fn website(raw: &str) -> Result<Option<String>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or("Le site : une adresse commençant par https:// ou http://.")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if t.chars().count() > Text::Short.max()
        || host.is_empty()
        || !host.contains('.')
        || t.chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        return Err(
            "Le site : une adresse web valide (https://exemple.fr), 300 caractères au plus."
                .to_string(),
        );
    }
    Ok(Some(t.to_string()))
}

/// Checks an address.
///
/// # Errors
/// The fields in error, in French.
pub fn validate(input: &Input) -> Result<Content, Vec<FieldError>> {
    let mut c = Check::new();
    let name = c.text(
        "name",
        "Le nom",
        &input.name,
        Text::Title,
        "Donnez le nom du prestataire, de l’outil ou du contact.",
    );
    let category = input.category.trim();
    if !CATEGORIES.iter().any(|(code, _)| *code == category) {
        c.error(
            "category",
            "Choisissez une catégorie : prestataire, outil numérique, organisme de formation, contact ou réseau.",
        );
    }
    let found = region(&input.region);
    if found.is_none() {
        c.error(
            "region",
            "Choisissez une région de la liste, ou « National ».",
        );
    }
    let site = website(&input.website)
        .map_err(|m| c.error("website", m))
        .ok()
        .flatten();
    let contact = c
        .optional_text("contact", "Le contact", &input.contact, Text::Short)
        .unwrap_or_default();
    let description = c.text(
        "description",
        "La description",
        &input.description,
        Text::Note,
        "Dites en quelques mots ce que l’on y trouve et pourquoi vous le recommandez.",
    );
    c.finish(|| {
        Some(Content {
            name,
            category: category.to_string(),
            region: found?.to_string(),
            website: site,
            contact,
            description,
        })
    })
}

/// A review as typed: `{"rating", "text"}`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = PracticesReviewInput)]
#[serde(default)]
pub struct ReviewInput {
    /// 1 to 5.
    #[serde(deserialize_with = "loose_rating")]
    pub rating: Option<i64>,
    /// Optional, 5,000 characters at most.
    pub text: String,
    /// Slug of the reviewing member; optional when the user belongs to one member
    /// taking part in the exchange.
    pub member: String,
}

/// A rating as a client sends it: a whole number, or one written as a string (`"4"`);
/// anything else is read as 0, which the check refuses naming `rating`.
fn loose_rating<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde_json::Value;
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64().unwrap_or(0)),
        Some(Value::String(s)) => form_rating(&s),
        Some(_) => Some(0),
    })
}

/// Checks a review: its rating (1 to 5) and text.
///
/// # Errors
/// The fields in error, in French.
pub fn validate_review(rating: Option<i64>, text: &str) -> Result<(i32, String), Vec<FieldError>> {
    let mut c = Check::new();
    let rating = match rating {
        Some(r @ 1..=5) => i32::try_from(r).ok(),
        Some(_) => {
            c.error("rating", "La note : un nombre entier de 1 à 5.");
            None
        }
        None => {
            c.error("rating", "Donnez une note de 1 à 5.");
            None
        }
    };
    let text = c
        .optional_text("text", "L’avis", text, Text::Note)
        .unwrap_or_default();
    c.finish(|| Some((rating?, text)))
}

/// A rating typed in a form (`"4"`): `None` when empty, `Some(0)` (refused) when not a
/// number.
#[must_use]
pub fn form_rating(raw: &str) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.parse().unwrap_or(0))
    }
}

/// The average of ratings, to one decimal; `None` without any.
#[must_use]
pub fn average(ratings: &[i32]) -> Option<f64> {
    if ratings.is_empty() {
        return None;
    }
    let sum: i64 = ratings.iter().map(|r| i64::from(*r)).sum();
    let n = i64::try_from(ratings.len()).unwrap_or(i64::MAX);
    // Tenths, rounded half up, in integers.
    let tenths = (sum * 20 + n) / (2 * n);
    #[allow(clippy::cast_precision_loss)]
    Some(tenths as f64 / 10.0)
}

/// « 4,3/5 (7 avis) », or « Pas encore d’avis ».
#[must_use]
pub fn stars_label(average: Option<f64>, count: usize) -> String {
    match average {
        None => "Pas encore d’avis".to_string(),
        Some(a) => format!("{}/5 ({count} avis)", format!("{a:.1}").replace('.', ",")),
    }
}

/// A review with its member.
#[derive(Debug, Clone)]
pub struct Review {
    pub row: reviews::Model,
    pub member: String,
    pub member_name: String,
}

/// An address with its member and its reviews.
#[derive(Debug, Clone)]
pub struct Address {
    pub row: addresses::Model,
    pub member: String,
    pub member_name: String,
    pub reviews: Vec<Review>,
}

impl Address {
    /// The average rating, to one decimal.
    #[must_use]
    pub fn average(&self) -> Option<f64> {
        average(
            &self
                .reviews
                .iter()
                .map(|r| r.row.rating)
                .collect::<Vec<_>>(),
        )
    }
}

/// What a list is filtered on.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub category: Option<String>,
    pub region: Option<String>,
    pub q: Option<String>,
}

impl Filter {
    fn keeps(&self, a: &addresses::Model) -> bool {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        if given(&self.category).is_some_and(|c| c != a.category) {
            return false;
        }
        if given(&self.region).is_some_and(|r| fold(r) != fold(&a.region)) {
            return false;
        }
        if let Some(q) = given(&self.q) {
            let hay = fold(&format!(
                "{} {} {} {}",
                a.name,
                a.description,
                a.contact,
                category_label(&a.category)
            ));
            return fold(q).split_whitespace().all(|w| hay.contains(w));
        }
        true
    }
}

/// The members where `user_id` proposes addresses and reviews (`act` `write`) or reads
/// them (`read`).
///
/// # Errors
/// Database or casbin errors.
pub async fn members_for<C: ConnectionTrait>(
    db: &C,
    svc: &Services,
    user_id: i64,
    act: &str,
) -> AppResult<Vec<Served>> {
    members_where(db, svc, user_id, OBJ, act).await
}

/// The member a write is made for: the one named, or the user's only one.
///
/// # Errors
/// 422 naming `member`.
pub fn pick(writable: &[Served], named: &str) -> AppResult<Served> {
    let named = named.trim();
    let found = if named.is_empty() && writable.len() == 1 {
        writable.first()
    } else {
        writable.iter().find(|s| s.member.slug == named)
    };
    found.cloned().ok_or_else(|| {
        AppError::field(
            "member",
            "Choisissez un adhérent dont vous faites partie et qui participe à l’échange de pratiques.",
        )
    })
}

async fn names<C: ConnectionTrait>(db: &C) -> AppResult<HashMap<i64, (String, String)>> {
    Ok(member::list(db)
        .await?
        .into_iter()
        .map(|m| (m.id, (m.slug, m.name)))
        .collect())
}

/// Every address kept by `filter`, with its reviews, by name.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(db: &C, filter: &Filter) -> AppResult<Vec<Address>> {
    // Addresses are shared by every subscribed member: read across members, the
    // caller having checked that its user reads the exchange.
    let coop = Coop::for_task("practices: every subscribed member reads the good addresses");
    let rows: Vec<addresses::Model> = addresses::Entity::find_across(coop)
        .all(db)
        .await?
        .into_iter()
        .filter(|a| filter.keeps(a))
        .collect();
    let coop = Coop::for_task("practices: every member's reviews of the addresses listed");
    let all_reviews = reviews::Entity::find_across(coop)
        .order_by_desc(reviews::Column::UpdatedAt)
        .all(db)
        .await?;
    let names = names(db).await?;
    let mut out: Vec<Address> = rows
        .into_iter()
        .map(|row| with_reviews(row, &all_reviews, &names))
        .collect();
    out.sort_by_key(|a| fold(&a.row.name));
    Ok(out)
}

fn with_reviews(
    row: addresses::Model,
    all: &[reviews::Model],
    names: &HashMap<i64, (String, String)>,
) -> Address {
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let reviews = all
        .iter()
        .filter(|r| r.address_id == row.id && r.address_member_id == row.member_id)
        .map(|r| {
            let (member, member_name) = name(r.member_id);
            Review {
                row: r.clone(),
                member,
                member_name,
            }
        })
        .collect();
    let (member, member_name) = name(row.member_id);
    Address {
        row,
        member,
        member_name,
        reviews,
    }
}

/// An address by its id, with its reviews (latest first).
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> AppResult<Address> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let coop = Coop::for_task("practices: an address is read by every subscribed member");
    let row = addresses::Entity::find_across(coop)
        .filter(addresses::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let coop = Coop::for_task("practices: every member's reviews of one address");
    let all = reviews::Entity::find_across(coop)
        .filter(reviews::Column::AddressId.eq(id))
        .filter(reviews::Column::AddressMemberId.eq(row.member_id))
        .order_by_desc(reviews::Column::UpdatedAt)
        .all(db)
        .await?;
    Ok(with_reviews(row, &all, &names(db).await?))
}

/// Who writes: the user, its name and the audit's actor.
#[derive(Debug, Clone)]
pub struct Writer {
    pub id: i64,
    pub name: String,
    pub actor: Actor,
}

/// Proposes an address for `tenant`'s member.
///
/// # Errors
/// 422 (fields); database errors.
pub async fn create<C>(
    db: &C,
    svc: &Services,
    tenant: Tenant,
    writer: &Writer,
    input: &Input,
) -> AppResult<addresses::Model>
where
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let c = validate(input).map_err(AppError::Validation)?;
    let now = Utc::now();
    let w = Write::begin(db, tenant, writer.actor.clone(), &svc.meters).await?;
    let row = addresses::Entity::insert_in(
        w.tenant(),
        addresses::ActiveModel {
            member_id: Set(0),
            id: Set(Uuid::now_v7()),
            name: Set(c.name),
            category: Set(c.category),
            region: Set(c.region),
            website: Set(c.website),
            contact: Set(c.contact),
            description: Set(c.description),
            author_id: Set(writer.id),
            author_name: Set(writer.name.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "practices_address",
        &row.id.to_string(),
        "create",
        serde_json::json!({"name": row.name}),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// `tenant`'s member reviews an address: its first review is created (`true`), a later
/// one replaces it (`false`).
///
/// # Errors
/// 404 (no such address), 422 (fields); database errors.
pub async fn review<C>(
    db: &C,
    svc: &Services,
    tenant: Tenant,
    writer: &Writer,
    address: &str,
    rating: Option<i64>,
    text: &str,
) -> AppResult<(reviews::Model, bool)>
where
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let address = get(db, address).await?.row;
    let (rating, text) = validate_review(rating, text).map_err(AppError::Validation)?;
    let now = Utc::now();
    let w = Write::begin(db, tenant, writer.actor.clone(), &svc.meters).await?;
    let existing = reviews::Entity::find_in(w.tenant())
        .filter(reviews::Column::AddressId.eq(address.id))
        .filter(reviews::Column::AddressMemberId.eq(address.member_id))
        .one(w.txn())
        .await?;
    let (row, created) = match existing {
        Some(old) => {
            let mut row: reviews::ActiveModel = old.into();
            row.rating = Set(rating);
            row.text = Set(text);
            row.author_id = Set(writer.id);
            row.author_name = Set(writer.name.clone());
            row.updated_at = Set(now);
            (
                reviews::Entity::update_in(w.tenant(), row, w.txn()).await?,
                false,
            )
        }
        None => (
            reviews::Entity::insert_in(
                w.tenant(),
                reviews::ActiveModel {
                    member_id: Set(0),
                    id: Set(Uuid::now_v7()),
                    address_member_id: Set(address.member_id),
                    address_id: Set(address.id),
                    rating: Set(rating),
                    text: Set(text),
                    author_id: Set(writer.id),
                    author_name: Set(writer.name.clone()),
                    created_at: Set(now),
                    updated_at: Set(now),
                },
                w.txn(),
            )
            .await?,
            true,
        ),
    };
    w.audit(
        "practices_address",
        &address.id.to_string(),
        if created { "review" } else { "review_edit" },
        serde_json::json!({"name": address.name, "rating": row.rating}),
    )
    .await?;
    w.commit().await?;
    Ok((row, created))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> Input {
        Input {
            member: String::new(),
            name: "Paie Services Ouest".into(),
            category: "prestataire".into(),
            region: "bretagne".into(),
            website: "https://paie-ouest.example.fr/".into(),
            contact: "Mme Le Goff, 02 99 00 00 00".into(),
            description: "Paie externalisée, convention 66.".into(),
        }
    }

    #[test]
    fn an_address_is_checked_field_by_field() {
        let c = validate(&input()).unwrap();
        assert_eq!(
            (c.region.as_str(), c.website.as_deref()),
            ("Bretagne", Some("https://paie-ouest.example.fr/"))
        );
        let bad = Input {
            name: String::new(),
            category: "cuisine".into(),
            region: "Atlantide".into(),
            website: "javascript:alert(1)".into(),
            description: String::new(),
            ..input()
        };
        let fields: Vec<String> = validate(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["name", "category", "region", "website", "description"]
        );
        for site in [
            "https://",
            "http://localhost",
            "https://a b.fr",
            "ftp://x.fr",
        ] {
            assert!(website(site).is_err(), "{site}");
        }
        assert_eq!(website("  ").unwrap(), None);
        assert_eq!(region("ILE-DE-FRANCE"), Some("Île-de-France"));
        assert_eq!(
            region("Provence-Alpes-Côte d'Azur"),
            Some("Provence-Alpes-Côte d’Azur")
        );
    }

    #[test]
    fn a_rating_is_a_whole_number_from_one_to_five() {
        assert_eq!(
            validate_review(Some(4), " Très bien ").unwrap(),
            (4, "Très bien".to_string())
        );
        for r in [Some(0), Some(6), Some(-1), None] {
            let e = validate_review(r, "").unwrap_err();
            assert_eq!(e[0].field, "rating");
        }
        assert_eq!(form_rating(""), None);
        assert_eq!(form_rating("x"), Some(0));
        assert_eq!(form_rating(" 5 "), Some(5));
    }

    #[test]
    fn the_average_is_rounded_to_a_tenth_and_written_in_french() {
        assert_eq!(average(&[]), None);
        assert_eq!(average(&[4, 5, 4]), Some(4.3));
        assert_eq!(average(&[4, 5]), Some(4.5));
        assert_eq!(average(&[1, 2, 2]), Some(1.7));
        assert_eq!(stars_label(Some(4.3), 7), "4,3/5 (7 avis)");
        assert_eq!(stars_label(None, 0), "Pas encore d’avis");
    }

    #[test]
    fn a_filter_folds_accents_and_case() {
        let row = addresses::Model {
            member_id: 1,
            id: Uuid::nil(),
            name: "Sécurité MSSanté".into(),
            category: "outil".into(),
            region: "National".into(),
            website: None,
            contact: String::new(),
            description: "Messagerie sécurisée de santé".into(),
            author_id: 1,
            author_name: "A".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let f = |category: &str, region: &str, q: &str| Filter {
            category: Some(category.into()),
            region: Some(region.into()),
            q: Some(q.into()),
        };
        assert!(f("", "", "messagerie securisee").keeps(&row));
        assert!(f("outil", "national", "").keeps(&row));
        assert!(!f("prestataire", "", "").keeps(&row));
        assert!(!f("", "Bretagne", "").keeps(&row));
        assert!(!f("", "", "paie").keeps(&row));
    }
}
