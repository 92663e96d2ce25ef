//! The demo: the cooperative DPO's templates (one already revised, so members see an
//! update proposed), each subscribing member's register built from them, processors (one
//! contract expiring soon), a request and a breach with their clocks running, the DPO's
//! time; `cedres` with its in-house DPO and records of its own; the cooperative's own
//! processor register.
use chrono::{Duration, Utc};
use mutualis_core::{
    audit::Actor,
    auth,
    error::AppResult,
    member,
    scope::Services,
    tenant::{Coop, CoopOwned, Tenant},
    time::paris_today,
    write::Write,
};
use sea_orm::{DatabaseConnection, PaginatorTrait, Set};

use crate::{
    activities::{self, ActivityInput, FromTemplate, Retention},
    breaches::{self, BreachDeclaration, NotificationInput},
    entities::{gdpr_coop_services, gdpr_templates},
    processors::{self, ProcessorInput, TimeInput},
    requests::{self, RequestInput},
    templates,
};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_string()).collect()
}

fn retention(category: &str, active: &str, intermediate: &str, fate: &str) -> Retention {
    Retention {
        category: category.to_string(),
        active: active.to_string(),
        intermediate: intermediate.to_string(),
        final_fate: fate.to_string(),
        criterion: String::new(),
    }
}

/// The three templates every shared DPO starts from.
#[must_use]
pub fn template_inputs() -> Vec<ActivityInput> {
    vec![
        ActivityInput {
            name: "Gestion du dossier de l’usager".into(),
            purposes: "Accueil, évaluation des besoins, élaboration et suivi du projet personnalisé, coordination des interventions, facturation des prestations.".into(),
            role: "controller".into(),
            service: "Direction de l’établissement, équipe pluridisciplinaire".into(),
            legal_bases: s(&["legal_obligation", "public_task"]),
            art9_condition: Some("9.2.h".into()),
            nir_basis: "Code de l’action sociale et des familles ; décret n° 2019-341 (cadre NIR)".into(),
            data_categories: s(&["identity", "personal_life", "health", "nir", "economic"]),
            person_categories: s(&["service_users", "families", "minors", "vulnerable_adults"]),
            persons_estimate: "Environ 150 usagers par an".into(),
            recipients: "Personnels habilités de l’établissement ; autorités de tarification (ARS, conseil départemental) pour les données agrégées ; mandataires judiciaires.".into(),
            transfers: "Aucun transfert hors de l’Union européenne.".into(),
            retention: vec![
                retention("health", "Durée de la prise en charge", "20 ans après la dernière prise en charge", "destroy"),
                retention("identity", "Durée de la prise en charge", "5 ans", "archive"),
            ],
            security_measures: "Habilitations par profil, journalisation des accès, sauvegardes chiffrées, poste verrouillé, hébergeur certifié HDS.".into(),
            software: "Dossier usager informatisé".into(),
            hosting: "Hébergeur certifié HDS (France)".into(),
            hds_host: true,
            dpia_criteria: s(&["sensitive_data", "vulnerable_persons", "large_scale"]),
            ..Default::default()
        },
        ActivityInput {
            name: "Paie et gestion du personnel".into(),
            purposes: "Gestion administrative du personnel, paie, déclarations sociales, gestion des congés et absences, formation.".into(),
            role: "controller".into(),
            service: "Ressources humaines".into(),
            legal_bases: s(&["contract", "legal_obligation"]),
            art9_condition: Some("9.2.b".into()),
            nir_basis: "Code de la sécurité sociale, art. R115-1 et suivants (DSN)".into(),
            data_categories: s(&["identity", "working_life", "economic", "nir", "health"]),
            person_categories: s(&["employees", "applicants"]),
            recipients: "Service RH, direction, organismes sociaux, expert-comptable et prestataire de paie (sous-traitants).".into(),
            retention: vec![retention("working_life", "Durée du contrat", "5 ans après le départ (bulletins : 50 ans)", "archive")],
            security_measures: "Accès restreint au service RH, dossiers papier sous clé, sauvegardes.".into(),
            software: "Logiciel de paie".into(),
            ..Default::default()
        },
        ActivityInput {
            name: "Vidéoprotection".into(),
            purposes: "Sécurité des biens et des personnes aux accès de l’établissement.".into(),
            role: "controller".into(),
            legal_bases: s(&["legitimate_interests"]),
            data_categories: s(&["identity", "location"]),
            person_categories: s(&["employees", "service_users", "families", "other"]),
            recipients: "Direction ; forces de l’ordre sur réquisition.".into(),
            retention: vec![retention("identity", "30 jours", "", "destroy")],
            security_measures: "Enregistreur sous clé, accès nominatif, panneaux d’information.".into(),
            dpia_criteria: s(&["systematic_monitoring"]),
            ..Default::default()
        },
    ]
}

/// The demo, once (nothing when the templates exist).
///
/// # Errors
/// Database errors; a demo input refused (a programming error).
#[expect(clippy::too_many_lines, reason = "the demo, read top to bottom")]
pub async fn demo(db: &DatabaseConnection, svc: &Services) -> AppResult<()> {
    if gdpr_templates::Entity::find_shared().count(db).await? > 0 {
        return Ok(());
    }
    let Some(dpo) = auth::find_user_by_email(db, "dpo@coop.example").await? else {
        return Ok(());
    };
    let coop = Coop::for_task("gdpr demo");
    let dpo_actor = Actor::user(dpo.id, &dpo.email);
    let mut made = Vec::new();
    for input in template_inputs() {
        made.push(templates::create(db, coop, &dpo_actor, dpo.id, &input).await?);
    }
    // The DPO revises the first template: the members' copies see the update proposed.
    let mut revised = template_inputs().remove(0);
    revised
        .purposes
        .push_str(" Gestion des plaintes et des événements indésirables.");
    revised
        .recipients
        .push_str(" Personne qualifiée désignée (CASF L311-5).");
    let first = templates::update(db, coop, &dpo_actor, dpo.id, made[0].row.id, &revised).await?;
    made[0] = first;

    for (name, module, purposes) in [
        (
            "Préparation de la paie mutualisée",
            Some("payroll"),
            "Collecte, contrôle et transmission des éléments variables de paie pour le compte de l’adhérent.",
        ),
        (
            "Gestion RH mutualisée",
            Some("hr"),
            "Tenue des dossiers du personnel, registre unique, congés, pour le compte de l’adhérent.",
        ),
        (
            "Support informatique",
            Some("it"),
            "Interventions sur les postes et comptes des salariés de l’adhérent.",
        ),
        (
            "Hébergement de la plateforme Mutualis",
            None,
            "Hébergement des données que l’adhérent confie à la plateforme.",
        ),
    ] {
        gdpr_coop_services::Entity::insert_coop(
            coop,
            gdpr_coop_services::ActiveModel {
                name: Set(name.to_string()),
                module: Set(module.map(str::to_string)),
                purposes: Set(purposes.to_string()),
                data_categories: Set("Identité, vie professionnelle, NIR (paie)".to_string()),
                subprocessors: Set(Some("Hébergeur en France (certifié HDS)".to_string())),
                transfers: Set(Some("Aucun".to_string())),
                security: Set(Some(
                    "Chiffrement, journal d’audit chaîné, sauvegardes quotidiennes".to_string(),
                )),
                updated_at: Set(Utc::now()),
                ..Default::default()
            },
            db,
        )
        .await?;
    }

    let now = Utc::now();
    let today = paris_today();
    for (k, m) in member::list(db).await?.into_iter().enumerate() {
        if !member::active_modules(db, m.id, today)
            .await?
            .iter()
            .any(|x| x == "gdpr")
        {
            continue;
        }
        let tenant = Tenant::for_task(m.id, "gdpr demo");
        let in_house = m.slug == "cedres";
        let actor = if in_house {
            auth::find_user_by_email(db, "dpo@cedres.example")
                .await?
                .map_or_else(|| Actor::system("démo"), |u| Actor::user(u.id, &u.email))
        } else {
            dpo_actor.clone()
        };
        let by = actor.label.clone();
        let w = Write::begin(db, tenant, actor.clone(), &svc.meters).await?;
        // The register: from the templates (the shared DPO's members), or its own.
        let mut ids = Vec::new();
        if in_house {
            let own = ActivityInput {
                name: "Gestion des bénévoles".into(),
                purposes: "Recrutement, planning et suivi des bénévoles de la maison d’accueil."
                    .into(),
                legal_bases: s(&["legitimate_interests"]),
                data_categories: s(&["identity", "personal_life"]),
                person_categories: s(&["volunteers"]),
                retention: vec![retention(
                    "identity",
                    "Durée de l’engagement",
                    "2 ans",
                    "destroy",
                )],
                ..Default::default()
            };
            let v = own
                .validate()
                .map_err(mutualis_core::AppError::Validation)?;
            ids.push(activities::insert(&w, &by, &v, None).await?.id);
        } else {
            for t in &made {
                // Copies follow version 1 (so the revision is proposed to them).
                let base = activities::template_version(w.txn(), t.row.id, 1).await?;
                let v = base
                    .to_input()
                    .validate()
                    .map_err(mutualis_core::AppError::Validation)?;
                let a = activities::insert(
                    &w,
                    &by,
                    &v,
                    Some(FromTemplate {
                        template_id: t.row.id,
                        version: 1,
                        fields: &base,
                    }),
                )
                .await?;
                ids.push(a.id);
            }
        }
        // One checked, one completed, the rest drafts.
        if let Some(id) = ids.first() {
            activities::complete(&w, &by, *id).await?;
            if !in_house {
                activities::check(
                    &w,
                    &by,
                    *id,
                    "Vérifier la durée d’archivage des dossiers papier.",
                )
                .await?;
            }
        }
        if let Some(id) = ids.get(1) {
            activities::complete(&w, &by, *id).await?;
        }
        // Processors: one contract to renew within the 60 days.
        for (name, service, days) in [
            (
                "Paie Services Centre",
                "Prestation de paie",
                40 + k as i64 * 3,
            ),
            (
                "Hébergeur Santé France",
                "Hébergement du dossier usager (HDS)",
                400,
            ),
        ] {
            processors::create(
                &w,
                &by,
                &ProcessorInput {
                    name: name.to_string(),
                    service: service.to_string(),
                    country: "France".to_string(),
                    art28_clauses: true,
                    contract_document: "Contrat et annexe RGPD (art. 28)".to_string(),
                    own_register: true,
                    expires_on: (today + Duration::days(days)).to_string(),
                    ..Default::default()
                },
            )
            .await?;
        }
        // A request received weeks ago (in `tilleuls`, already late), another recent.
        let late = if m.slug == "tilleuls" { 35 } else { 24 };
        requests::create(
            &w,
            &by,
            &RequestInput {
                kind: "access".into(),
                received_on: (today - Duration::days(late)).to_string(),
                applicant: "M. Bernard Lemoine, fils d’une résidente (demande de copie du dossier administratif)".into(),
                applicant_contact: "b.lemoine@example.org".into(),
                representative: "other".into(),
                identity_verified: true,
                activities: ids.first().copied().into_iter().collect(),
                ..Default::default()
            },
        )
        .await?;
        requests::create(
            &w,
            &by,
            &RequestInput {
                kind: "rectification".into(),
                received_on: (today - Duration::days(6)).to_string(),
                applicant: "Mme Sandrine Morel, salariée".into(),
                ..Default::default()
            },
        )
        .await?;
        // A breach: the 72 hours running.
        let aware = now - Duration::hours(30 + 10 * k as i64);
        breaches::declare(
            &w,
            &by,
            &BreachDeclaration {
                discovered_at: (aware - Duration::hours(2)).to_rfc3339(),
                aware_at: aware.to_rfc3339(),
                nature: s(&["confidentiality"]),
                description: "Courriel contenant le planning des soins envoyé par erreur à une famille extérieure.".into(),
            },
            now,
        )
        .await?;
        if m.slug == "horizon" {
            // An older breach, decided.
            let old = now - Duration::days(40);
            let b = breaches::declare(
                &w,
                &by,
                &BreachDeclaration {
                    discovered_at: old.to_rfc3339(),
                    aware_at: old.to_rfc3339(),
                    nature: s(&["availability"]),
                    description: "Panne du serveur de fichiers pendant une journée ; aucune perte de données.".into(),
                },
                now,
            )
            .await?;
            breaches::decide(
                &w,
                b.id,
                &NotificationInput {
                    decision: "not_notify".into(),
                    reason: "Indisponibilité brève, données restaurées, aucun risque pour les personnes (art. 33.1).".into(),
                    ..Default::default()
                },
                now,
            )
            .await?;
        }
        w.commit().await?;
        // The DPO's time, last month and this one.
        if !in_house {
            for (days_ago, hours) in [(20, "2"), (9, "1.5"), (2, "0.75")] {
                let w = Write::begin(db, tenant, actor.clone(), &svc.meters).await?;
                processors::log_time(
                    &w,
                    dpo.id,
                    &by,
                    &TimeInput {
                        date: (today - Duration::days(days_ago)).to_string(),
                        hours: hours.to_string(),
                        note: "Accompagnement du registre et des demandes".to_string(),
                    },
                    today,
                )
                .await?;
                w.commit().await?;
            }
        }
    }
    Ok(())
}
