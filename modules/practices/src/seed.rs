//! The demo's practice sheets: 40 published sheets of the four members that take part,
//! across the themes and establishment types, so the search is worth trying on first
//! start, and two sheets awaiting the moderators. Each is signed by its member's demo
//! director when there is one, published on staggered days of the last months. Written
//! once (skipped when any sheet exists).
use chrono::{Duration, Utc};
use mutualis_core::{
    audit::Actor,
    auth,
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
    (
        "tilleuls",
        "Organiser les astreintes de direction",
        "Un planning partagé et une fiche réflexe par type d’incident, connus de toute l’équipe de nuit.",
        "Chaque cadre assure une semaine d’astreinte. La **fiche réflexe** dit qui appeler pour une panne électrique, une fugue, un décès ou une alerte canicule.\n\nLe planning est affiché en salle de soins et dans le logiciel.",
        &["salaries", "communication"],
        &["astreinte", "organisation"],
        &["EHPAD", "SSIAD"],
    ),
    (
        "tilleuls",
        "Le plan bleu canicule en dix gestes",
        "Une check-list courte pour les équipes, revue chaque printemps.",
        "Hydratation toutes les deux heures, pièce rafraîchie, volets fermés l’après-midi, pesée hebdomadaire. La liste des résidents fragiles est tenue par l’infirmière coordinatrice.",
        &["personnes_accompagnees", "salaries"],
        &["canicule", "prévention"],
        &["EHPAD"],
    ),
    (
        "tilleuls",
        "Accueillir un nouveau salarié en soins à domicile",
        "Trois tournées en doublure avant la première tournée seule.",
        "Le nouveau salarié suit une aide-soignante expérimentée pendant trois tournées. Il reçoit un **livret d’accueil** avec les contacts utiles, les protocoles et les codes des boîtes à clés.",
        &["salaries", "formation"],
        &["intégration", "tutorat"],
        &["SSIAD"],
    ),
    (
        "tilleuls",
        "Tablettes et visioconférence avec les familles",
        "Deux tablettes partagées et un créneau réservé chaque après-midi.",
        "Un animateur installe l’appel et reste disponible. Les familles réservent par téléphone. Les tablettes sont nettoyées et rechargées chaque soir.",
        &["systemes_information", "personnes_accompagnees"],
        &["familles", "numérique"],
        &["EHPAD"],
    ),
    (
        "tilleuls",
        "Former les soignants à la bientraitance",
        "Une journée de formation annuelle et un référent bientraitance par étage.",
        "La formation s’appuie sur des situations vécues dans l’établissement. Le référent anime un temps d’échange mensuel et recueille les signalements.",
        &["formation", "personnes_accompagnees"],
        &["bientraitance"],
        &["EHPAD", "SSIAD"],
    ),
    (
        "tilleuls",
        "Sauvegarder le dossier de soins en cas de panne",
        "Une impression automatique des plans de soins chaque nuit.",
        "À 3 h, le logiciel imprime les plans de soins du lendemain dans le bureau infirmier. En cas de panne du réseau, l’équipe travaille sur papier puis saisit au retour du service.",
        &["systemes_information"],
        &["continuité", "sauvegarde"],
        &["EHPAD"],
    ),
    (
        "horizon",
        "Les entretiens professionnels des salariés en insertion",
        "Une trame simple qui prépare la suite du parcours.",
        "L’entretien fait le point sur les compétences acquises sur le chantier, les formations souhaitées et le projet professionnel. La trame tient sur une page.",
        &["salaries", "personnes_accompagnees"],
        &["entretien professionnel", "parcours"],
        &["SIAE"],
    ),
    (
        "horizon",
        "Financer les formations qualifiantes",
        "Combiner le plan de développement des compétences et les aides de la région.",
        "Nous montons les dossiers avec l’opérateur de compétences dès l’entrée en parcours. Les formations courtes (CACES, hygiène) sont planifiées pendant les périodes creuses du chantier.",
        &["formation"],
        &["financement", "qualification"],
        &["SIAE"],
    ),
    (
        "horizon",
        "Présenter le chantier sur les réseaux sociaux",
        "Une publication par semaine, avec l’accord écrit des personnes photographiées.",
        "Un salarié permanent publie chaque vendredi une photo du chantier. Le formulaire de droit à l’image est signé à l’entrée et peut être retiré à tout moment.",
        &["communication"],
        &["réseaux sociaux", "droit à l’image"],
        &["SIAE"],
    ),
    (
        "horizon",
        "Un logiciel de suivi des parcours d’insertion",
        "Ce que nous avons comparé avant de choisir, et ce que nous en retenons.",
        "Critères : saisie rapide sur tablette, export pour les financeurs, hébergement en France. La reprise des données a pris deux semaines.",
        &["systemes_information", "personnes_accompagnees"],
        &["logiciel", "suivi"],
        &["SIAE"],
    ),
    (
        "horizon",
        "La mobilité des salariés en parcours",
        "Un partenariat avec une auto-école sociale et des vélos prêtés.",
        "La mobilité est le premier frein à l’emploi durable. Nous prêtons des vélos à assistance électrique et finançons une partie du permis de conduire.",
        &["personnes_accompagnees"],
        &["mobilité", "permis"],
        &["SIAE"],
    ),
    (
        "horizon",
        "Prévenir les accidents du travail sur le chantier",
        "Un quart d’heure sécurité chaque lundi matin.",
        "L’encadrant rappelle un risque de la semaine (gestes et postures, outils coupants, travail en hauteur). Les presque-accidents sont notés et discutés.",
        &["salaries", "formation"],
        &["sécurité", "prévention"],
        &["SIAE"],
    ),
    (
        "cedres",
        "Les transmissions écrites en maison d’accueil spécialisée",
        "Des transmissions ciblées, courtes et relues.",
        "Chaque transmission suit la méthode cible, données, actions, résultats. Les éducateurs et les aides médico-psychologiques l’utilisent dans le même logiciel.",
        &["systemes_information", "salaries"],
        &["transmissions"],
        &["MAS"],
    ),
    (
        "cedres",
        "Accompagner la fin de vie en foyer d’accueil médicalisé",
        "Un partenariat avec l’équipe mobile de soins palliatifs.",
        "L’équipe mobile intervient à la demande, forme les professionnels et soutient les familles. Un temps de parole est proposé à l’équipe après chaque décès.",
        &["personnes_accompagnees", "formation"],
        &["soins palliatifs", "fin de vie"],
        &["FAM"],
    ),
    (
        "cedres",
        "La qualité de vie au travail des professionnels de nuit",
        "Des horaires stables, une salle de repos et un temps d’équipe trimestriel.",
        "Les veilleurs de nuit participent désormais à une réunion d’équipe par trimestre, en fin de nuit. Les plannings sont connus trois mois à l’avance.",
        &["salaries"],
        &["qualité de vie au travail", "nuit"],
        &["MAS", "FAM"],
    ),
    (
        "cedres",
        "Le conseil de la vie sociale accessible à tous",
        "Ordre du jour en pictogrammes et compte rendu en facile à lire.",
        "Les représentants des personnes accompagnées préparent la séance avec un éducateur. Le compte rendu est affiché en FALC dans chaque unité.",
        &["communication", "personnes_accompagnees"],
        &["cvs", "falc"],
        &["MAS", "FAM"],
    ),
    (
        "cedres",
        "Gérer les plannings avec un outil en ligne",
        "Les demandes d’échange de postes et de congés passent par l’outil, plus par le cahier.",
        "Chaque professionnel consulte son planning sur son téléphone. Les échanges sont validés par le cadre en un clic ; les règles de repos sont contrôlées automatiquement.",
        &["systemes_information", "salaries"],
        &["planning", "congés"],
        &["MAS", "FAM"],
    ),
    (
        "cedres",
        "La formation des nouveaux aux troubles du spectre de l’autisme",
        "Un parcours de trois modules en ligne et une journée en présentiel.",
        "Les modules présentent les particularités sensorielles, la communication et la gestion des comportements-problèmes. La journée en présentiel se fait avec le psychologue.",
        &["formation"],
        &["autisme", "tsa"],
        &["MAS", "IME"],
    ),
    (
        "passerelle",
        "Le référent de parcours en CHRS",
        "Un professionnel unique pour chaque personne, du premier accueil à la sortie.",
        "Le référent coordonne les démarches (droits, santé, logement, emploi) et rencontre la personne chaque semaine. Il prépare la sortie vers le logement avec le SIAO.",
        &["personnes_accompagnees"],
        &["référent", "logement"],
        &["CHRS"],
    ),
    (
        "passerelle",
        "Prévenir l’épuisement des travailleurs sociaux",
        "Supervision, temps partiel choisi et rotation sur l’accueil d’urgence.",
        "Personne ne tient l’accueil d’urgence plus de deux jours d’affilée. La supervision mensuelle et l’analyse des pratiques sont sur le temps de travail.",
        &["salaries"],
        &["épuisement professionnel", "supervision"],
        &["CHRS", "SAVS"],
    ),
    (
        "passerelle",
        "Un affichage clair des droits des personnes hébergées",
        "Le règlement de fonctionnement résumé en une page et traduit en quatre langues.",
        "Le résumé rappelle les horaires, les visites, les recours et le rôle du conseil de la vie sociale. Il est traduit en anglais, arabe, dari et tigrigna.",
        &["communication", "personnes_accompagnees"],
        &["droits", "traduction"],
        &["CHRS"],
    ),
    (
        "passerelle",
        "Former l’équipe à l’accueil des victimes de violences",
        "Deux jours avec une association spécialisée et un protocole interne.",
        "Le protocole dit comment recueillir la parole, orienter vers les partenaires et mettre la personne à l’abri. Un binôme référent est désigné dans l’équipe.",
        &["formation", "personnes_accompagnees"],
        &["violences", "protocole"],
        &["CHRS"],
    ),
    (
        "passerelle",
        "Le service d’accompagnement à la vie sociale et le logement",
        "Accompagner vers et dans le logement avec les bailleurs sociaux.",
        "Le SAVS signe une convention avec deux bailleurs : visite commune avant l’entrée, appel du bailleur au service en cas d’impayé, bilan à six mois.",
        &["personnes_accompagnees"],
        &["logement", "bailleurs"],
        &["SAVS"],
    ),
    (
        "passerelle",
        "Dématérialiser les dossiers des personnes accueillies",
        "Un dossier informatisé avec des droits d’accès par métier.",
        "Les éducateurs voient le projet et les écrits, la comptable seulement les participations financières. Chaque consultation est tracée.",
        &["systemes_information"],
        &["dossier informatisé", "rgpd"],
        &["CHRS", "SAVS"],
    ),
    (
        "passerelle",
        "Une journée portes ouvertes pour les partenaires",
        "Faire connaître le CHRS aux élus, aux voisins et aux employeurs.",
        "La journée alterne visite, témoignages de personnes hébergées volontaires et table ronde sur l’emploi. Une lettre aux voisins l’annonce deux semaines avant.",
        &["communication"],
        &["partenaires", "portes ouvertes"],
        &["CHRS"],
    ),
    (
        "tilleuls",
        "Les repas à texture modifiée appétissants",
        "Des moules pour redonner forme aux purées et un travail avec le cuisinier.",
        "Les repas mixés sont présentés en portions moulées et colorées. La diététicienne et le cuisinier goûtent chaque nouvelle recette avec deux résidents.",
        &["personnes_accompagnees", "formation"],
        &["alimentation", "dénutrition"],
        &["EHPAD", "FAM"],
    ),
];

/// The demo sheets submitted and awaiting the moderators.
pub const AWAITING: &[Demo] = &[
    (
        "horizon",
        "Un référent numérique parmi les jeunes accueillis",
        "Un jeune formé aide les autres à faire leurs démarches en ligne, deux soirs par semaine.",
        "Au foyer, un jeune volontaire suit une formation courte à l’accompagnement numérique. Il tient une permanence deux soirs par semaine : création d’une adresse e-mail, dossier CAF, inscription à France Travail.\n\n## Ce qui a marché\n\n- Une charte signée avec l’éducateur référent ;\n- un ordinateur dédié, sans compte administrateur.",
        &["personnes_accompagnees", "systemes_information"],
        &["numérique", "autonomie"],
        &["FJT", "CHRS"],
    ),
    (
        "cedres",
        "Le cahier de liaison partagé avec les familles",
        "Un cahier papier puis numérique pour que les familles suivent la semaine de leur proche.",
        "Chaque résident a un cahier de liaison que l’équipe remplit le soir. Les familles le lisent lors des visites et y écrivent leurs questions. Après un an, le cahier est devenu un espace sécurisé sur le portail des familles.",
        &["personnes_accompagnees", "communication"],
        &["familles", "liaison"],
        &["MAS", "FAM"],
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
    crate::addresses_seed::demo(ctx, svc).await?;
    let coop = Coop::for_task("practices demo seed: are there sheets already");
    if practices_sheets::Entity::find_across(coop)
        .count(db)
        .await?
        > 0
    {
        return Ok(());
    }
    let now = Utc::now();
    let mut authors: std::collections::HashMap<&str, (i64, String)> =
        std::collections::HashMap::new();
    let sheets = SHEETS
        .iter()
        .map(|d| (d, status::PUBLISHED))
        .chain(AWAITING.iter().map(|d| (d, status::SUBMITTED)));
    for (i, ((slug, title, summary, body, themes, tags, types), state)) in sheets.enumerate() {
        let Some(m) = member::find_by_slug(db, slug).await? else {
            continue;
        };
        // Signed by the member's demo director when there is one (looked up once a member).
        if !authors.contains_key(slug) {
            let found = auth::find_user_by_email(db, &format!("directeur@{slug}.example")).await?;
            authors.insert(
                slug,
                found.map_or((0, "Équipe de direction".to_string()), |u| (u.id, u.name)),
            );
        }
        let (author_id, author_name) = authors.get(slug).cloned().unwrap_or_default();
        // The oldest first, one every four days or so, the last ones this week.
        let back = i64::try_from(SHEETS.len().saturating_sub(i)).unwrap_or(0);
        let at = now - Duration::days(back * 4) - Duration::hours(back % 9);
        let published = state == status::PUBLISHED;
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
                status: Set(state.to_string()),
                version: Set(1),
                author_id: Set(author_id),
                author_name: Set(author_name),
                moderator_comment: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
                published_at: Set(published.then_some(at)),
            },
            w.txn(),
        )
        .await?;
        w.audit(
            "practices_sheet",
            &row.id.to_string(),
            if published { "publish" } else { "submit" },
            serde_json::json!({"title": row.title}),
        )
        .await?;
        w.commit().await?;
    }
    crate::social::seed_demo(db, svc).await?;
    if index::index(ctx).is_ok() {
        index::reindex(ctx).await?;
    }
    Ok(())
}
