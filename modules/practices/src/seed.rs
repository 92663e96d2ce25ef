//! The demo's practice sheets: published sheets of the four members that take part,
//! across the themes and establishment types, so the search is worth trying on first
//! start. Written once (skipped when any sheet exists).
use chrono::Utc;
use mutualis_core::{
    audit::Actor,
    error::AppResult,
    member,
    scope::Services,
    tenant::{Coop, MemberOwned, Tenant},
    write::Write,
};
use sea_orm::{PaginatorTrait, Set};
use uuid::Uuid;

use crate::{entities::practices_sheets, index, sheets::status};

/// `(member, title, summary, body, themes, tags, establishment types)`.
type Demo = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// The demo sheets.
pub const SHEETS: &[Demo] = &[
    (
        "tilleuls",
        "Accueillir les bénévoles en EHPAD",
        "Un parcours d’accueil en trois temps pour les bénévoles qui animent les après-midi des résidents.",
        "## Pourquoi\n\nLes bénévoles arrivent souvent sans repères. Un **livret d’accueil** et un binôme avec un salarié les rassurent.\n\n## Comment\n\n1. Entretien de découverte avec la cadre de santé.\n2. Une demi-journée d’observation.\n3. Signature de la charte du bénévolat.\n\nRessource : [France Bénévolat](https://www.francebenevolat.org).",
        &["personnes_accompagnees", "communication"],
        &["bénévolat", "animation"],
        &["EHPAD"],
    ),
    (
        "tilleuls",
        "Le cahier de liaison numérique entre équipes de jour et de nuit",
        "Remplacer le cahier papier par un outil partagé sans perdre la transmission orale.",
        "Nous avons remplacé le cahier de liaison papier par un module du dossier de soins. Les transmissions ciblées restent dites à voix haute à 21 h.\n\n- Trois champs obligatoires : résident, fait, action attendue.\n- Relecture par l’infirmière coordinatrice chaque matin.",
        &["systemes_information", "salaries"],
        &["transmissions", "dossier de soins"],
        &["EHPAD", "SSIAD"],
    ),
    (
        "tilleuls",
        "Former les aides-soignants à la prévention des chutes",
        "Un atelier de deux heures, animé par le kinésithérapeute, répété chaque trimestre.",
        "L’atelier alterne mises en situation et rappel des facteurs de risque. Les nouveaux salariés le suivent dans leur premier mois.\n\nIndicateur suivi : nombre de chutes déclarées par mois.",
        &["formation", "salaries"],
        &["chutes", "prévention"],
        &["EHPAD"],
    ),
    (
        "tilleuls",
        "Sécuriser les mots de passe des postes partagés",
        "Des sessions nominatives et un gestionnaire de mots de passe plutôt que le post-it sur l’écran.",
        "Chaque professionnel a sa session ; les postes de soins se verrouillent après cinq minutes. Le gestionnaire de mots de passe est déployé par le prestataire informatique de la coopérative.",
        &["systemes_information"],
        &["sécurité", "rgpd"],
        &["EHPAD", "SSIAD"],
    ),
    (
        "horizon",
        "Recruter des encadrants techniques d’insertion",
        "Nos annonces, nos mises en situation et ce qui a fait la différence.",
        "Nous publions les offres sur les sites spécialisés de l’insertion et organisons une **mise en situation** d’une demi-journée sur le chantier.\n\nLes candidats rencontrent deux salariés en parcours avant l’entretien final.",
        &["salaries"],
        &["recrutement"],
        &["SIAE"],
    ),
    (
        "horizon",
        "Préparer la sortie vers l’emploi durable",
        "Un plan d’action individuel revu chaque mois avec la conseillère en insertion.",
        "Le plan d’action fixe trois objectifs : mobilité, qualification, recherche d’emploi. Les périodes d’immersion en entreprise sont préparées avec l’employeur.",
        &["personnes_accompagnees"],
        &["insertion", "emploi"],
        &["SIAE"],
    ),
    (
        "horizon",
        "Une lettre d’information trimestrielle pour les partenaires",
        "Quatre pages, des photos du chantier, un portrait de salarié : simple et lu.",
        "Nous envoyons la lettre aux élus, aux financeurs et aux entreprises clientes. Elle est mise en page avec un modèle partagé et relue par deux salariés en parcours.",
        &["communication"],
        &["partenaires", "newsletter"],
        &["SIAE"],
    ),
    (
        "cedres",
        "Le projet personnalisé co-écrit avec la personne accompagnée",
        "La personne rédige elle-même une partie de son projet, avec des pictogrammes si besoin.",
        "Nous utilisons une trame en facile à lire et à comprendre (FALC). Le référent prépare la réunion avec la personne et sa famille, puis le projet est signé par tous.",
        &["personnes_accompagnees"],
        &["projet personnalisé", "falc"],
        &["MAS", "FAM"],
    ),
    (
        "cedres",
        "Réduire l’absentéisme par des entretiens de retour",
        "Un court entretien bienveillant après chaque absence de plus de trois jours.",
        "L’entretien de retour n’est pas un contrôle : il vérifie que le poste est adapté et que la personne a les informations des jours manqués. L’absentéisme a baissé d’un quart en un an.",
        &["salaries"],
        &["absentéisme", "qualité de vie au travail"],
        &["MAS", "FAM"],
    ),
    (
        "cedres",
        "Former l’équipe à la communication alternative",
        "Des classeurs de communication et une formation interne de deux jours.",
        "Une orthophoniste a formé deux référents, qui forment à leur tour chaque nouvel arrivant. Les classeurs sont mis à jour à chaque projet personnalisé.",
        &["formation", "personnes_accompagnees"],
        &["communication alternative"],
        &["MAS", "IME"],
    ),
    (
        "passerelle",
        "L’accueil de jour sans rendez-vous",
        "Ouvrir l’accueil de 9 h à 12 h sans condition, avec un binôme travailleur social et bénévole.",
        "Les personnes viennent se doucher, laver leur linge, prendre un café. Le binôme repère les situations urgentes et propose un rendez-vous l’après-midi.",
        &["personnes_accompagnees"],
        &["accueil", "bénévolat"],
        &["CHRS"],
    ),
    (
        "passerelle",
        "Le dossier social partagé et le consentement",
        "Recueillir l’accord de la personne avant de partager une information avec un partenaire.",
        "Le formulaire de consentement est expliqué oralement et daté. Le dossier social informatisé indique, pour chaque partenaire, ce qui peut être partagé.",
        &["systemes_information", "personnes_accompagnees"],
        &["rgpd", "consentement"],
        &["CHRS"],
    ),
    (
        "passerelle",
        "Analyse des pratiques professionnelles mensuelle",
        "Une séance de deux heures avec une psychologue extérieure, pour toute l’équipe éducative.",
        "Les situations difficiles sont exposées sans jugement. La séance est inscrite au plan de développement des compétences.",
        &["formation", "salaries"],
        &["analyse des pratiques"],
        &["CHRS", "SAVS"],
    ),
    (
        "tilleuls",
        "Le livret d’accueil du résident en version illustrée",
        "Un livret court, illustré, remis et expliqué le jour de l’entrée.",
        "Le livret présente l’équipe avec des photos, les horaires des repas et des visites, les droits du résident. Il est relu chaque année par le conseil de la vie sociale.",
        &["communication", "personnes_accompagnees"],
        &["livret d’accueil"],
        &["EHPAD"],
    ),
];

fn json(v: &[&str]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

/// Writes the demo sheets once, then rebuilds the index when it is open.
///
/// # Errors
/// Database errors.
pub async fn demo(ctx: &loco_rs::app::AppContext, svc: &Services) -> AppResult<()> {
    let db = &ctx.db;
    let coop = Coop::for_task("practices demo seed: are there sheets already");
    if practices_sheets::Entity::find_across(coop)
        .count(db)
        .await?
        > 0
    {
        return Ok(());
    }
    let now = Utc::now();
    for (slug, title, summary, body, themes, tags, types) in SHEETS {
        let Some(m) = member::find_by_slug(db, slug).await? else {
            continue;
        };
        let tenant = Tenant::for_task(m.id, "practices demo seed");
        let w = Write::begin(db, tenant, Actor::system("démo"), &svc.meters).await?;
        let row = practices_sheets::Entity::insert_in(
            w.tenant(),
            practices_sheets::ActiveModel {
                member_id: Set(0),
                id: Set(Uuid::now_v7()),
                title: Set((*title).to_string()),
                summary: Set((*summary).to_string()),
                body: Set((*body).to_string()),
                themes: Set(json(themes)),
                tags: Set(json(tags)),
                establishment_types: Set(json(types)),
                status: Set(status::PUBLISHED.to_string()),
                version: Set(1),
                author_id: Set(0),
                author_name: Set(format!("Direction — {}", m.name)),
                moderator_comment: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                published_at: Set(Some(now)),
            },
            w.txn(),
        )
        .await?;
        w.audit(
            "practices_sheet",
            &row.id.to_string(),
            "publish",
            serde_json::json!({"title": row.title}),
        )
        .await?;
        w.commit().await?;
    }
    if index::index(ctx).is_ok() {
        index::reindex(ctx).await?;
    }
    Ok(())
}
