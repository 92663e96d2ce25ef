//! The demo: three months of interventions for every member subscribing to IT support
//! (the support hours the demo's cost pool is shared by come from them), a few still open,
//! and the members' IT contacts — one member without, as the desk shows.
use chrono::{Datelike, Duration};
use mutualis_core::{
    audit::Actor,
    auth,
    error::AppResult,
    member,
    scope::Services,
    tenant::{MemberOwned, Tenant},
    time::paris_today,
    write::Write,
};
use sea_orm::{DatabaseConnection, PaginatorTrait};

use crate::{
    desk::{self, ContactInput},
    entities::it_interventions,
    interventions::{self, CATEGORIES, InterventionInput},
};

const TASKS: [&str; 8] = [
    "Poste bloqué au démarrage : réparation du profil utilisateur",
    "Création du compte d’une nouvelle salariée et de sa messagerie",
    "Imprimante du secrétariat hors réseau : adresse IP fixée",
    "Mise à jour du logiciel de soins et vérification des accès",
    "Sauvegarde nocturne en échec : disque externe remplacé",
    "Wi-Fi de la salle de réunion instable : point d’accès reconfiguré",
    "Droits du dossier partagé « Direction » revus avec le directeur",
    "Hameçonnage signalé : messages supprimés, mot de passe changé",
];

/// The demo, once (nothing when interventions exist).
///
/// # Errors
/// Database errors; a demo input refused (a programming error).
pub async fn demo(db: &DatabaseConnection, svc: &Services) -> AppResult<()> {
    let today = paris_today();
    let actor = auth::find_user_by_email(db, "it@coop.example")
        .await?
        .map_or_else(|| Actor::system("démo"), |u| Actor::user(u.id, &u.email));
    for (k, m) in member::list(db).await?.into_iter().enumerate() {
        if !member::active_modules(db, m.id, today)
            .await?
            .iter()
            .any(|x| x == "it")
        {
            continue;
        }
        let tenant = Tenant::for_task(m.id, "it demo");
        if it_interventions::Entity::find_in(tenant).count(db).await? > 0 {
            continue;
        }
        let w = Write::begin(db, tenant, actor.clone(), &svc.meters).await?;
        if m.slug != "passerelle" {
            desk::save_contact(
                &w,
                &ContactInput {
                    name: format!("Secrétariat de direction — {}", m.name),
                    email: format!("secretariat@{}.example", m.slug),
                    phone: "02 47 00 00 00".to_string(),
                },
            )
            .await?;
        }
        // Two months back to today: a few interventions a month.
        let start = (today - Duration::days(i64::from(today.day()) - 1)) - Duration::days(61);
        let mut day = start;
        let mut i = 0usize;
        while day <= today {
            let n = i + k;
            let resolved = day < today - Duration::days(3) || !n.is_multiple_of(3);
            interventions::create(
                &w,
                &actor.label,
                &InterventionInput {
                    date: day.to_string(),
                    minutes: (30 + 15 * (n % 7)).to_string(),
                    ticket: format!("HD-{}-{:03}", k + 1, i + 1),
                    category: CATEGORIES[n % CATEGORIES.len()].0.to_string(),
                    remote: !n.is_multiple_of(4),
                    description: TASKS[n % TASKS.len()].to_string(),
                    contact: "Secrétariat".to_string(),
                    status: if resolved { "resolved" } else { "open" }.to_string(),
                },
            )
            .await?;
            i += 1;
            day += Duration::days(i64::try_from(4 + (n % 5)).unwrap_or(5));
        }
        w.commit().await?;
    }
    Ok(())
}
