//! The demo's comments and “utile” marks, after the demo sheets: written through the
//! same services as a reader's (a user who may not read a sheet is skipped).
use mutualis_core::audit::Actor;

use super::*;

/// (sheet title, reader's e-mail, comment or none for a mark only).
const DEMO: &[(&str, &str, Option<&str>)] = &[
    (
        "Recruter des encadrants techniques d’insertion",
        "directeur@tilleuls.example",
        Some(
            "Nous recrutons un animateur en ce moment : la mise en situation d’une demi-journée nous tente. Combien de candidats reçoit-on en moyenne ?",
        ),
    ),
    (
        "Recruter des encadrants techniques d’insertion",
        "rh@tilleuls.example",
        None,
    ),
    (
        "Accueillir les bénévoles en EHPAD",
        "rh@tilleuls.example",
        Some("Le binôme avec un salarié a vraiment changé l’accueil chez nous aussi."),
    ),
    (
        "Accueillir les bénévoles en EHPAD",
        "directeur@tilleuls.example",
        None,
    ),
];

/// Seeds the demo's comments and marks.
///
/// # Errors
/// Database errors.
pub async fn seed_demo<C>(db: &C, svc: &Services) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    let coop = Coop::for_task("practices demo seed: the sheets commented");
    for (title, email, comment) in DEMO {
        let Some(user) = mutualis_core::auth::find_user_by_email(db, email).await? else {
            continue;
        };
        let Some(sheet) = practices_sheets::Entity::find_across(coop)
            .filter(practices_sheets::Column::Title.eq(*title))
            .one(db)
            .await?
        else {
            continue;
        };
        let reader = sheets::reader(db, svc, user.id).await?;
        let served = members_where(db, svc, user.id, READ_OBJ, "read").await?;
        let Some(member) = served.first().map(|s| s.member.id) else {
            continue;
        };
        let author = Author {
            id: user.id,
            name: user.name.clone(),
            actor: Actor::system("démo"),
        };
        let id = sheet.id.to_string();
        // The seed rebuilds the search index once done, marks included.
        set_useful(db, svc, None, &reader, &author, &id, true).await?;
        if let Some(text) = comment {
            add_comment(db, svc, &reader, &author, Some(member), &id, text).await?;
        }
    }
    Ok(())
}
