//! `cargo loco task gdpr_reminders`: e-mails the people a member's clocks concern (its DPO
//! and director, as casbin says) before each deadline — 7 days and 1 day before a
//! request's, 24 hours and 6 hours before a breach's 72 hours. Each reminder is recorded
//! by its key before the e-mail leaves, in the same transaction: run twice, sent once.
use chrono::{DateTime, Duration, Utc};
use loco_rs::{
    mailer::{Email, Mailer},
    prelude::*,
};
use mutualis_core::{
    auth,
    authz::member_domain,
    db::begin_write,
    entities::members,
    error::AppResult,
    ids::new_id,
    member,
    scope::Services,
    tenant::{MemberOwned, Tenant},
    time::{fr_datetime, paris_today, time_left_until},
};
use sea_orm::{ColumnTrait, QueryFilter, Set, sea_query::OnConflict};

use crate::{
    activities::end_of_day,
    entities::{gdpr_breaches, gdpr_reminders, gdpr_requests},
    requests, rules,
};

/// The reminders before a request's deadline.
pub const REQUEST_NOTICES: [(i64, &str); 2] = [(7 * 24, "7j"), (24, "1j")];
/// The reminders before a breach's 72 hours.
pub const BREACH_NOTICES: [(i64, &str); 2] = [(24, "24h"), (6, "6h")];

/// The mailer.
#[derive(Debug)]
pub struct GdprMailer;
impl Mailer for GdprMailer {}

/// One reminder due now.
#[derive(Debug, Clone)]
pub struct Due {
    pub key: String,
    pub line: String,
}

/// The reminders a member's clocks call for at `now` (each notice once its time has
/// come and before the deadline; the later notice only).
async fn due_now<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    now: DateTime<Utc>,
) -> AppResult<Vec<Due>> {
    let mut out = Vec::new();
    let mut consider =
        |kind: &str, id: uuid::Uuid, what: String, due: DateTime<Utc>, notices: &[(i64, &str)]| {
            if now >= due {
                return;
            }
            // The nearest notice whose time has come.
            if let Some((_, tag)) = notices
                .iter()
                .filter(|(hours, _)| now >= due - Duration::hours(*hours))
                .min_by_key(|(hours, _)| *hours)
            {
                out.push(Due {
                    key: format!("{kind}:{id}:{tag}"),
                    line: format!(
                        "- {what} : échéance le {} ({})",
                        fr_datetime(due),
                        time_left_until(due, now)
                    ),
                });
            }
        };
    for r in gdpr_requests::Entity::find_in(tenant)
        .filter(gdpr_requests::Column::State.is_in(requests::OPEN_STATES))
        .all(db)
        .await?
    {
        consider(
            "request",
            r.id,
            format!(
                "{} reçue le {}",
                crate::codes::request_title(&r.kind),
                mutualis_core::time::fr_date(r.received_on)
            ),
            end_of_day(r.due_on),
            &REQUEST_NOTICES,
        );
    }
    for b in gdpr_breaches::Entity::find_in(tenant)
        .filter(gdpr_breaches::Column::Decision.is_null())
        .all(db)
        .await?
    {
        consider(
            "breach",
            b.id,
            "Violation de données : notification à la CNIL (72 heures)".to_string(),
            rules::breach_deadline(b.aware_at),
            &BREACH_NOTICES,
        );
    }
    Ok(out)
}

fn message(m: &members::Model, to: &str, lines: &[String], base_url: &str) -> Email {
    let text = format!(
        "Bonjour,\n\nÉchéances RGPD à venir pour {name} :\n\n{list}\n\n\
         Le détail est sur Mutualis :\n{base_url}/m/{slug}/gdpr\n\n\
         Coopérative Mutualis — protection des données.\n",
        name = m.name,
        list = lines.join("\n"),
        slug = m.slug,
    );
    mutualis_core::mail::email(
        "Mutualis – RGPD <rgpd@mutualis.example>",
        to,
        format!("Échéances RGPD – {}", m.name),
        text,
    )
}

/// Sends a member's reminders due at `now`; returns the e-mails sent.
///
/// # Errors
/// Database or mailer errors (nothing recorded then: the next run sends again).
pub async fn send_for(
    ctx: &AppContext,
    services: &Services,
    m: &members::Model,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let tenant = Tenant::for_task(m.id, "gdpr_reminders");
    let txn = begin_write(&ctx.db).await?;
    let mut lines = Vec::new();
    for d in due_now(&txn, tenant, now).await? {
        let inserted = gdpr_reminders::Entity::insert_stmt_in(
            tenant,
            gdpr_reminders::ActiveModel {
                member_id: Set(m.id),
                id: Set(new_id()),
                reminder_key: Set(d.key),
                sent_at: Set(now),
            },
        )
        .on_conflict(
            OnConflict::columns([
                gdpr_reminders::Column::MemberId,
                gdpr_reminders::Column::ReminderKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        if inserted > 0 {
            lines.push(d.line);
        }
    }
    if lines.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    let domain = member_domain(m.id);
    let mut seen = Vec::new();
    let mut sent = 0;
    for g in services.authz.all_grants().await {
        if g.member_id != Some(m.id)
            || seen.contains(&g.user_id)
            || !services
                .authz
                .allowed(g.user_id, &domain, "gdpr.reminders", "read")
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
        let email = message(m, &u.email, &lines, &ctx.config.server.full_url());
        GdprMailer::mail(ctx, &email).await?;
        sent += 1;
    }
    txn.commit().await?;
    Ok(sent)
}

/// The task.
#[derive(Debug)]
pub struct GdprReminders;

#[async_trait]
impl Task for GdprReminders {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "gdpr_reminders".to_string(),
            detail: "E-mails the DPO and the director before GDPR deadlines (requests: 7 days and 1 day; breaches: 24 h and 6 h before the 72 h); idempotent".to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, _vars: &task::Vars) -> Result<()> {
        let to_err = |e: mutualis_core::AppError| Error::string(&e.message());
        let svc = mutualis_core::scope::services(ctx).map_err(to_err)?;
        let now = Utc::now();
        let mut failures = Vec::new();
        for m in member::list(&ctx.db).await.map_err(to_err)? {
            let modules = member::active_modules(&ctx.db, m.id, paris_today())
                .await
                .map_err(to_err)?;
            if !modules.iter().any(|x| x == "gdpr") {
                continue;
            }
            match send_for(ctx, &svc, &m, now).await {
                Ok(n) => println!("{}: {n} reminder e-mails", m.slug),
                Err(e) => {
                    println!("{}: reminders FAILED: {}", m.slug, e.message());
                    failures.push(m.slug.clone());
                }
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Error::string(&format!(
                "gdpr_reminders failed for: {}",
                failures.join(", ")
            )))
        }
    }
}
