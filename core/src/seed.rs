//! The demo cooperative, seeded on the development environment when the database is
//! empty (never in production): five members, their establishments and subscriptions,
//! the demo accounts (each module's seed adds its own data: IT support's interventions
//! give the usage the demo bills).
use chrono::NaiveDate;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::{
    audit::Actor,
    auth::{self, NewUser},
    authz::{Authz, Role},
    entities::members,
    error::AppResult,
    member::{self, MemberInput},
    team,
};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Mutualis-demo-2026";

/// Completes `prefix` with its Luhn check digit.
#[must_use]
pub fn luhn_complete(prefix: &str) -> String {
    for d in 0..10 {
        let candidate = format!("{prefix}{d}");
        let mut sum = 0;
        for (i, c) in candidate.chars().rev().enumerate() {
            let mut v = c.to_digit(10).unwrap_or(0);
            if i % 2 == 1 {
                v *= 2;
                if v > 9 {
                    v -= 9;
                }
            }
            sum += v;
        }
        if sum.is_multiple_of(10) {
            return candidate;
        }
    }
    prefix.to_string()
}

/// e-mail, name, grants (role, member slug or None for the cooperative).
type DemoAccount = (
    &'static str,
    &'static str,
    &'static [(Role, Option<&'static str>)],
);

struct DemoMember {
    slug: &'static str,
    name: &'static str,
    siren_prefix: &'static str,
    address: &'static str,
    finess: &'static str,
    modules: &'static [&'static str],
    establishments: &'static [&'static str],
}

const MEMBERS: [DemoMember; 5] = [
    DemoMember {
        slug: "tilleuls",
        name: "Association Les Tilleuls",
        siren_prefix: "77566101",
        address: "12 rue des Tilleuls, 37000 Tours",
        finess: "370001234",
        modules: &[
            "billing",
            "hr",
            "payroll",
            "gdpr",
            "legal",
            "practices",
            "it",
        ],
        establishments: &["EHPAD Les Tilleuls", "SSIAD Les Tilleuls"],
    },
    DemoMember {
        slug: "val-de-loire",
        name: "ADAPEI Val de Loire",
        siren_prefix: "78130245",
        address: "4 quai de la Loire, 45000 Orléans",
        finess: "450002345",
        modules: &["billing", "hr", "payroll", "gdpr", "it"],
        establishments: &["IME Les Grèves", "ESAT du Val", "Foyer de vie La Levée"],
    },
    DemoMember {
        slug: "horizon",
        name: "Horizon Insertion",
        siren_prefix: "79245312",
        address: "8 avenue de l’Europe, 41000 Blois",
        finess: "",
        modules: &["billing", "gdpr", "legal", "practices", "it"],
        establishments: &["Chantier d’insertion Horizon"],
    },
    DemoMember {
        slug: "passerelle",
        name: "La Passerelle",
        siren_prefix: "80312478",
        address: "3 place du Marché, 18000 Bourges",
        finess: "180003456",
        modules: &["billing", "payroll", "practices", "it"],
        establishments: &["CHRS La Passerelle"],
    },
    DemoMember {
        slug: "cedres",
        name: "Les Cèdres",
        siren_prefix: "81453690",
        address: "21 chemin des Cèdres, 36000 Châteauroux",
        finess: "360004567",
        modules: &["billing", "gdpr", "legal", "practices", "it"],
        establishments: &["Maison d’accueil Les Cèdres"],
    },
];

/// Seeds the demo cooperative unless members already exist.
///
/// # Errors
/// Database errors.
pub async fn demo(db: &sea_orm::DatabaseConnection, authz: &Authz) -> AppResult<bool> {
    if members::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let actor = Actor::system("démo");
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let mut ids = Vec::new();
    for d in &MEMBERS {
        let siren = luhn_complete(d.siren_prefix);
        let m = member::create_member(
            db,
            &actor,
            &MemberInput {
                name: d.name.to_string(),
                slug: d.slug.to_string(),
                siren: siren.clone(),
                address: d.address.to_string(),
                finess: d.finess.to_string(),
                vat_status: "exempt".to_string(),
                billing_email: format!("compta@{}.example", d.slug),
            },
        )
        .await?;
        for (i, name) in d.establishments.iter().enumerate() {
            let siret = luhn_complete(&format!("{siren}{:04}", (i + 1) * 10));
            member::add_establishment(db, &actor, &m, name, &siret).await?;
        }
        for module in d.modules {
            member::subscribe(db, &actor, &m, module, start, None).await?;
        }
        ids.push((d.slug, m.id));
    }
    let id_of = |slug: &str| ids.iter().find(|(s, _)| *s == slug).map(|(_, id)| *id);
    let accounts: [DemoAccount; 12] = [
        (
            "admin@coop.example",
            "Camille Martin",
            &[(Role::CoopAdmin, None)],
        ),
        (
            "ca@coop.example",
            "Dominique Bernard",
            &[(Role::Board, None)],
        ),
        (
            "dpo@coop.example",
            "Sacha Petit",
            &[
                (Role::Dpo, Some("tilleuls")),
                (Role::Dpo, Some("val-de-loire")),
                (Role::Dpo, Some("horizon")),
            ],
        ),
        (
            "paie@coop.example",
            "Alex Moreau",
            &[
                (Role::PayrollOfficer, Some("tilleuls")),
                (Role::PayrollOfficer, Some("val-de-loire")),
                (Role::PayrollOfficer, Some("horizon")),
                (Role::PayrollOfficer, Some("passerelle")),
            ],
        ),
        (
            "it@coop.example",
            "Noa Lefebvre",
            &[
                (Role::ItSupport, Some("tilleuls")),
                (Role::ItSupport, Some("val-de-loire")),
                (Role::ItSupport, Some("horizon")),
                (Role::ItSupport, Some("passerelle")),
                (Role::ItSupport, Some("cedres")),
            ],
        ),
        (
            "directeur@tilleuls.example",
            "Claude Girard",
            &[(Role::Director, Some("tilleuls"))],
        ),
        (
            "rh@tilleuls.example",
            "Morgane Roux",
            &[(Role::HrOfficer, Some("tilleuls"))],
        ),
        (
            "directeur@val-de-loire.example",
            "Jean Dubois",
            &[(Role::Director, Some("val-de-loire"))],
        ),
        // Directors of two more members: several members' authors take part in the
        // practice exchange.
        (
            "directeur@horizon.example",
            "Nadia Benali",
            &[(Role::Director, Some("horizon"))],
        ),
        (
            "directeur@cedres.example",
            "Pierre Lambert",
            &[(Role::Director, Some("cedres"))],
        ),
        (
            "moderation@coop.example",
            "Élise Garnier",
            &[(Role::Moderator, None)],
        ),
        // Les Cèdres has its own DPO, in-house: the cooperative's DPO never sees it.
        (
            "dpo@cedres.example",
            "Lou Fontaine",
            &[(Role::Dpo, Some("cedres"))],
        ),
    ];
    for (email, name, grants) in accounts {
        let u = auth::create_user(
            db,
            &actor,
            &NewUser {
                email: email.to_string(),
                name: name.to_string(),
                password: DEMO_PASSWORD.to_string(),
            },
        )
        .await?;
        for (role, slug) in grants {
            team::grant(db, authz, &actor, u.id, *role, slug.and_then(id_of)).await?;
        }
    }
    tracing::info!(members = MEMBERS.len(), "demo cooperative seeded");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_identifiers_are_valid() {
        for d in &MEMBERS {
            let siren = luhn_complete(d.siren_prefix);
            assert!(member::Siren::parse(&siren).is_ok(), "{siren}");
            let siret = luhn_complete(&format!("{siren}0010"));
            assert!(member::Siret::parse(&siret).is_ok(), "{siret}");
        }
    }
}
