//! The e-mail to the members who used an earlier version of a template, when a new one is
//! published: to each of their users who may read the member's documents (the director,
//! the HR officers), with the changelog line and the link to the template.
use loco_rs::{app::AppContext, mailer::Mailer};
use mutualis_core::{
    auth, authz::member_domain, error::AppResult, mail::email, member, scope::Services,
};

/// The module's mailer.
pub struct LegalMailer;
impl Mailer for LegalMailer {}

/// Sends the notice of `version` of `slug` to the users of `members`; the e-mails sent.
/// A failed delivery is logged, never undoes the publication.
///
/// # Errors
/// Database or casbin errors.
pub async fn new_version(
    ctx: &AppContext,
    services: &Services,
    members: &[i64],
    (slug, title, version, changelog): (&str, &str, i32, &str),
) -> AppResult<usize> {
    let base = ctx.config.server.full_url();
    let grants = services.authz.all_grants().await;
    let mut sent = 0;
    for &id in members {
        let Some(m) = member::find_by_id(&ctx.db, id).await? else {
            continue;
        };
        let domain = member_domain(id);
        let mut seen = Vec::new();
        for g in grants.iter().filter(|g| g.member_id == Some(id)) {
            if seen.contains(&g.user_id)
                || !services
                    .authz
                    .allowed(g.user_id, &domain, "legal.documents", "read")
                    .await?
            {
                continue;
            }
            seen.push(g.user_id);
            let Some(u) = auth::find_user(&ctx.db, g.user_id).await? else {
                continue;
            };
            if u.disabled_at.is_some() {
                continue;
            }
            let text = format!(
                "Bonjour,\n\nLa juriste de la coopérative a publié la version {version} du modèle « {title} », \
                 que {name} a utilisé pour un document.\n\nCe qui change : {changelog}\n\n\
                 Les documents déjà générés ne changent pas ; pour un nouveau document, le modèle est ici :\n\
                 {base}/m/{slug_m}/legal/templates/{slug}\n\nCoopérative Mutualis — modèles juridiques.\n",
                name = m.name,
                slug_m = m.slug,
            );
            let mail = email(
                "Mutualis – Modèles juridiques <juridique@mutualis.example>",
                &u.email,
                format!("Nouvelle version : {title}"),
                text,
            );
            match LegalMailer::mail(ctx, &mail).await {
                Ok(()) => sent += 1,
                Err(e) => {
                    tracing::error!(error = %e, member = m.slug, "legal notice e-mail not sent")
                }
            }
        }
    }
    Ok(sent)
}
