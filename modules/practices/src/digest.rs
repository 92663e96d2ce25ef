//! The monthly digest: `cargo loco task practices_digest [month=YYYY-MM]` (the previous
//! calendar month in Europe/Paris by default) e-mails each user who opted in the sheets
//! published that month that they may read. Nothing is sent to a user when there are
//! none; never twice for the same month (`practices_digests_sent`, unique per user and
//! month: a user already logged is skipped; a failed delivery is not logged, so the next
//! run tries again).
use loco_rs::{app::AppContext, mailer::Mailer, prelude::*};
use mutualis_core::{
    auth,
    error::{AppError, AppResult},
    mail::email,
    scope::Services,
    tenant::{Coop, CoopOwned},
    time::Month,
    web::views::month_label,
};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, Set};

use crate::{
    entities::{practices_digests_sent, practices_readers},
    sheets,
    social::{fr_long_date, published_between},
};

/// The module's mailer.
pub struct PracticesMailer;
impl Mailer for PracticesMailer {}

/// At most this many sheets in one digest (the latest first).
const MAX_SHEETS: u64 = 50;

fn coop() -> Coop {
    Coop::for_task("practices_digest")
}

/// Sends the digest of `month` to every user who opted in; the addresses it went to.
///
/// # Errors
/// Database or casbin errors (a failed delivery is logged and skipped).
pub async fn send_digests(
    ctx: &AppContext,
    svc: &Services,
    month: Month,
) -> AppResult<Vec<String>> {
    let (from, until) = month.utc_window();
    let base = ctx.config.server.full_url();
    let readers = practices_readers::Entity::find_coop(coop())
        .filter(practices_readers::Column::Digest.eq(true))
        .order_by_asc(practices_readers::Column::UserId)
        .all(&ctx.db)
        .await?;
    let mut sent = Vec::new();
    for r in readers {
        let key = month.to_string();
        let already = practices_digests_sent::Entity::find_coop(coop())
            .filter(practices_digests_sent::Column::UserId.eq(r.user_id))
            .filter(practices_digests_sent::Column::Month.eq(key.as_str()))
            .one(&ctx.db)
            .await?
            .is_some();
        if already {
            continue;
        }
        let Some(user) = auth::find_user(&ctx.db, r.user_id).await? else {
            continue;
        };
        if user.disabled_at.is_some() {
            continue;
        }
        let reader = sheets::reader(&ctx.db, svc, user.id).await?;
        // The links go through the first member the user reads through.
        let Some(slug) = reader.members.iter().min().cloned() else {
            continue;
        };
        let found = published_between(&ctx.db, &reader, from, Some(until), MAX_SHEETS).await?;
        if found.is_empty() {
            continue;
        }
        let mut lines = String::new();
        for s in &found {
            lines.push_str(&format!(
                "- {} (publiée le {})\n  {}\n  {base}/m/{slug}/practices/sheets/{}\n",
                s.row.title,
                s.row.published_at.map(fr_long_date).unwrap_or_default(),
                s.row.summary,
                s.row.id,
            ));
        }
        let label = month_label(month);
        let n = found.len();
        let text = format!(
            "Bonjour,\n\n{} dans l’échange de pratiques en {label} :\n\n{lines}\n\
             Vous recevez cette lettre parce que vous l’avez demandée ; pour ne plus la recevoir, \
             décochez « Recevoir chaque mois la lettre des nouvelles fiches » :\n{base}/m/{slug}/practices\n\n\
             Coopérative Mutualis — échange de pratiques.\n",
            if n == 1 {
                "Une nouvelle fiche a été publiée".to_string()
            } else {
                format!("{n} nouvelles fiches ont été publiées")
            },
        );
        let mail = email(
            "Mutualis – Échange de pratiques <pratiques@mutualis.example>",
            &user.email,
            format!("Les nouvelles fiches pratiques de {label}"),
            text,
        );
        if let Err(e) = PracticesMailer::mail(ctx, &mail).await {
            tracing::error!(error = %e, user = user.id, "practices digest e-mail not sent");
            continue;
        }
        let logged = practices_digests_sent::Entity::insert_coop(
            coop(),
            practices_digests_sent::ActiveModel {
                id: sea_orm::NotSet,
                user_id: Set(user.id),
                month: Set(key),
                sheets: Set(i32::try_from(n).unwrap_or(i32::MAX)),
                sent_at: Set(chrono::Utc::now()),
            },
            &ctx.db,
        )
        .await;
        if let Err(e) = logged {
            tracing::error!(error = %e, user = user.id, "practices digest sent but not logged");
        }
        sent.push(user.email);
    }
    Ok(sent)
}

/// `cargo loco task practices_digest [month=YYYY-MM]`.
#[derive(Debug)]
pub struct PracticesDigest;

#[async_trait]
impl Task for PracticesDigest {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "practices_digest".to_string(),
            detail: "E-mails the monthly digest of new practice sheets to the users who opted in: month=YYYY-MM (default: last month); never twice for a month".to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let to_err = |e: AppError| Error::string(&e.message());
        let month = match vars.cli_arg("month") {
            Ok(m) => Month::parse(m).map_err(to_err)?,
            Err(_) => Month::of(chrono::Utc::now()).prev(),
        };
        if month >= Month::of(chrono::Utc::now()) {
            return Err(Error::string(&format!(
                "practices_digest: {month} is not finished yet; run it for a past month"
            )));
        }
        let svc = mutualis_core::scope::services(ctx).map_err(to_err)?;
        let sent = send_digests(ctx, &svc, month).await.map_err(to_err)?;
        println!("practices_digest {month}: {} e-mails", sent.len());
        Ok(())
    }
}
