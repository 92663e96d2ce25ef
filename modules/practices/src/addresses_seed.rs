//! The demo's good addresses: a dozen providers, tools, training bodies and contacts
//! proposed by the four members taking part in the exchange, and their reviews. Written
//! once (skipped when any address exists), through the same writes as the pages.
use mutualis_core::{
    audit::Actor,
    error::AppResult,
    member,
    scope::Services,
    tenant::{Coop, MemberOwned, Tenant},
};
use sea_orm::PaginatorTrait;

use crate::{
    addresses::{self, Input, Writer},
    entities::practices_addresses,
};

/// `(member, name, category, region, website, contact, description)`.
type Demo = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The demo addresses.
pub const ADDRESSES: &[Demo] = &[
    (
        "tilleuls",
        "Paie Services Ouest",
        "prestataire",
        "Centre-Val de Loire",
        "https://paie-services-ouest.example.fr",
        "Mme Le Goff, 02 47 00 12 34",
        "Paie externalisée pour les associations (CCN 51 et 66), bulletins livrés le 25, un interlocuteur unique qui connaît nos établissements.",
    ),
    (
        "tilleuls",
        "Bientraitance en ligne",
        "formation",
        "National",
        "https://bientraitance-en-ligne.example.fr",
        "contact@bientraitance-en-ligne.example.fr",
        "Plateforme d’e-learning sur la bientraitance : modules de 20 minutes, attestations, suivi par établissement. Nos aides-soignants la suivent pendant les temps calmes.",
    ),
    (
        "tilleuls",
        "MSSanté Connect",
        "outil",
        "National",
        "https://mssante-connect.example.fr",
        "Support : 09 70 00 00 00",
        "Messagerie sécurisée de santé (MSSanté) intégrée au dossier de l’usager : échanges avec les médecins traitants et l’hôpital sans pièce jointe en clair.",
    ),
    (
        "horizon",
        "Transports Solidaires du Loir-et-Cher",
        "prestataire",
        "Centre-Val de Loire",
        "https://transports-solidaires.example.fr",
        "Réservations : 02 54 00 45 67",
        "Coopérative de transport à la demande : trajets vers les chantiers et les rendez-vous d’embauche, véhicules adaptés, factures mensuelles.",
    ),
    (
        "horizon",
        "Réseau Interprètes Solidaires",
        "contact",
        "National",
        "https://interpretes-solidaires.example.fr",
        "Permanence téléphonique du lundi au vendredi",
        "Un réseau de traducteurs et d’interprètes (arabe, dari, tigrinya, ukrainien…) pour les entretiens d’accueil ; interprétariat par téléphone sous 24 h.",
    ),
    (
        "horizon",
        "Fédération régionale de l’insertion",
        "reseau",
        "Centre-Val de Loire",
        "https://insertion-centre.example.fr",
        "M. Perrin, chargé de mission",
        "Veille sur les appels à projets, rencontres entre encadrants techniques, modèles de conventions avec les entreprises d’accueil.",
    ),
    (
        "passerelle",
        "DPO Formation Conseil",
        "formation",
        "Bretagne",
        "https://dpo-formation.example.fr",
        "Inscriptions : formation@dpo-formation.example.fr",
        "Organisme de formation des délégués à la protection des données du secteur social : deux jours sur le registre, les droits des personnes et les violations.",
    ),
    (
        "passerelle",
        "Hébergement d’urgence — coordination 115",
        "contact",
        "Centre-Val de Loire",
        "",
        "Coordinatrice du SIAO, 02 48 00 11 22",
        "La personne à appeler pour les places d’urgence du département ; réponse rapide et point hebdomadaire avec les CHRS.",
    ),
    (
        "passerelle",
        "Planning Facile Social",
        "outil",
        "National",
        "https://planning-facile.example.fr",
        "Démonstration sur rendez-vous",
        "Logiciel de planning des équipes éducatives : roulements, remplacements, compteurs d’heures exportés vers la paie.",
    ),
    (
        "cedres",
        "Atelier Juridique Associatif",
        "prestataire",
        "Auvergne-Rhône-Alpes",
        "https://atelier-juridique.example.fr",
        "Maître Roux, permanence le jeudi",
        "Cabinet d’avocats spécialisé en droit social associatif : relectures de contrats, accompagnement des procédures disciplinaires, forfait annuel.",
    ),
    (
        "cedres",
        "Nettoyage Éco-Solidaire",
        "prestataire",
        "Auvergne-Rhône-Alpes",
        "https://eco-solidaire.example.fr",
        "Devis : 04 73 00 98 76",
        "Entreprise adaptée de nettoyage des locaux, produits écolabellisés, équipes formées aux lieux de vie.",
    ),
    (
        "cedres",
        "Union régionale des associations de santé",
        "reseau",
        "Bretagne",
        "https://uras-bretagne.example.fr",
        "Secrétariat : 02 99 00 55 44",
        "Groupements d’achat (énergie, assurances), formations inter-établissements et partage d’outils qualité.",
    ),
];

/// `(address name, reviewing member, rating, text)`.
pub const REVIEWS: &[(&str, &str, i64, &str)] = &[
    (
        "Paie Services Ouest",
        "tilleuls",
        5,
        "Bulletins justes dès le premier mois, très réactifs en période de clôture.",
    ),
    (
        "Paie Services Ouest",
        "passerelle",
        4,
        "Bon suivi ; les changements de taux sont parfois annoncés tard.",
    ),
    (
        "Paie Services Ouest",
        "cedres",
        4,
        "Nous les recommandons pour la CCN 66.",
    ),
    (
        "Bientraitance en ligne",
        "tilleuls",
        4,
        "Modules courts, bien adaptés aux équipes de nuit.",
    ),
    (
        "Bientraitance en ligne",
        "horizon",
        5,
        "Nos encadrants l’utilisent aussi pour l’accueil des nouveaux salariés.",
    ),
    (
        "Bientraitance en ligne",
        "cedres",
        4,
        "Attestations pratiques pour le plan de développement des compétences.",
    ),
    (
        "MSSanté Connect",
        "tilleuls",
        4,
        "Mise en place en une semaine ; les médecins répondent plus vite.",
    ),
    (
        "MSSanté Connect",
        "cedres",
        3,
        "Efficace, mais l’annuaire demande à être mis à jour à la main.",
    ),
    (
        "Transports Solidaires du Loir-et-Cher",
        "horizon",
        5,
        "Ponctuels, et les chauffeurs connaissent nos salariés.",
    ),
    (
        "Transports Solidaires du Loir-et-Cher",
        "passerelle",
        4,
        "Pratique pour les rendez-vous médicaux des personnes hébergées.",
    ),
    (
        "Réseau Interprètes Solidaires",
        "passerelle",
        5,
        "Indispensable pour les premiers entretiens.",
    ),
    (
        "Réseau Interprètes Solidaires",
        "horizon",
        4,
        "Délais un peu longs en été.",
    ),
    (
        "DPO Formation Conseil",
        "passerelle",
        5,
        "Formation très concrète, avec nos propres traitements en exemple.",
    ),
    (
        "DPO Formation Conseil",
        "tilleuls",
        4,
        "Bon support de cours ; prévoir deux jours pleins.",
    ),
    (
        "Planning Facile Social",
        "passerelle",
        3,
        "Complet mais il faut du temps pour le paramétrer.",
    ),
    (
        "Atelier Juridique Associatif",
        "cedres",
        5,
        "Des réponses claires sous 48 h.",
    ),
    (
        "Nettoyage Éco-Solidaire",
        "cedres",
        4,
        "Travail soigné, équipes stables.",
    ),
    (
        "Union régionale des associations de santé",
        "tilleuls",
        4,
        "Le groupement d’achat d’énergie nous a fait économiser 12 %.",
    ),
];

/// Seeds the demo addresses and reviews once.
///
/// # Errors
/// Database errors.
pub async fn demo(ctx: &loco_rs::app::AppContext, svc: &Services) -> AppResult<()> {
    let db = &ctx.db;
    let coop = Coop::for_task("practices demo seed: are there addresses already");
    if practices_addresses::Entity::find_across(coop)
        .count(db)
        .await?
        > 0
    {
        return Ok(());
    }
    let writer = |name: &str| Writer {
        id: 0,
        name: name.to_string(),
        actor: Actor::system("démo"),
    };
    let mut ids = std::collections::HashMap::new();
    for (slug, name, category, region, website, contact, description) in ADDRESSES {
        let Some(m) = member::find_by_slug(db, slug).await? else {
            continue;
        };
        let input = Input {
            member: String::new(),
            name: (*name).to_string(),
            category: (*category).to_string(),
            region: (*region).to_string(),
            website: (*website).to_string(),
            contact: (*contact).to_string(),
            description: (*description).to_string(),
        };
        let tenant = Tenant::for_task(m.id, "practices demo seed: addresses");
        let row =
            addresses::create(db, svc, tenant, &writer("Équipe de direction"), &input).await?;
        ids.insert(*name, row.id.to_string());
    }
    for (name, slug, rating, text) in REVIEWS {
        let (Some(id), Some(m)) = (ids.get(name), member::find_by_slug(db, slug).await?) else {
            continue;
        };
        let tenant = Tenant::for_task(m.id, "practices demo seed: reviews");
        addresses::review(
            db,
            svc,
            tenant,
            &writer("Équipe de direction"),
            id,
            Some(*rating),
            text,
        )
        .await?;
    }
    Ok(())
}
