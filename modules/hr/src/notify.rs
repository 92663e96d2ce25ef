//! The monthly reminder e-mail to a member's directors and HR officers: interviews to
//! hold and certificates to renew, overdue or due within the reminder period.
use chrono::NaiveDate;
use loco_rs::{
    app::AppContext,
    mailer::{Email, Mailer},
};
use mutualis_core::{
    auth,
    authz::{Authz, member_domain},
    entities::members,
    error::AppResult,
    tenant::Tenant,
    time::fr_date,
};

use crate::skills::{self, Reminder, Status, Subject};

/// The HR mailer.
#[derive(Debug)]
pub struct HrMailer;
impl Mailer for HrMailer {}

fn line(r: &Reminder, today: NaiveDate) -> String {
    let what = match &r.subject {
        Subject::Interview(kind) => kind.label().to_string(),
        Subject::Certificate { certificate, .. } => format!("Renouveler : {certificate}"),
    };
    let when = match r.status {
        Status::Overdue => format!("en retard depuis le {}", fr_date(r.due)),
        _ => format!(
            "avant le {} ({})",
            fr_date(r.due),
            skills::time_left(r.due, today)
        ),
    };
    format!("- {} : {what}, {when}", r.employee)
}

/// The message, or `None` when nothing is due.
#[must_use]
pub fn reminder_email(
    member: &members::Model,
    to: &str,
    reminders: &[Reminder],
    today: NaiveDate,
    base_url: &str,
) -> Option<Email> {
    if reminders.is_empty() {
        return None;
    }
    let late = reminders
        .iter()
        .filter(|r| r.status == Status::Overdue)
        .count();
    let lines: Vec<String> = reminders.iter().map(|r| line(r, today)).collect();
    let text = format!(
        "Bonjour,\n\nÀ prévoir pour {name} : {n} échéance{s}{late}.\n\n{list}\n\n\
         Le détail et les formulaires sont sur Mutualis :\n{base_url}/m/{slug}/hr/skills\n\n\
         Coopérative Mutualis — ressources humaines.\n",
        name = member.name,
        n = reminders.len(),
        s = if reminders.len() > 1 { "s" } else { "" },
        late = if late > 0 {
            format!(" dont {late} en retard")
        } else {
            String::new()
        },
        list = lines.join("\n"),
        slug = member.slug,
    );
    Some(mutualis_core::mail::email(
        "Mutualis – RH <rh@mutualis.example>",
        to,
        format!("Entretiens et certifications à prévoir – {}", member.name),
        text,
    ))
}

/// Sends the reminder to every active account of the member allowed to manage skills and
/// training (directors and HR officers); returns how many e-mails were sent.
///
/// # Errors
/// Database or mailer errors.
pub async fn send_reminders(
    ctx: &AppContext,
    authz: &Authz,
    member: &members::Model,
    today: NaiveDate,
) -> AppResult<usize> {
    let reminders =
        skills::overview_for(&ctx.db, Tenant::for_task(member.id, "hr reminders"), today)
            .await?
            .reminders;
    if reminders.is_empty() {
        return Ok(0);
    }
    // Whoever may act on skills and training in this member (casbin decides: today the
    // directors and HR officers).
    let domain = member_domain(member.id);
    let mut sent = 0;
    let mut seen = Vec::new();
    for g in authz.all_grants().await {
        if g.member_id != Some(member.id)
            || seen.contains(&g.user_id)
            || !authz
                .allowed(g.user_id, &domain, "hr.skills", "write")
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
        if let Some(email) = reminder_email(
            member,
            &u.email,
            &reminders,
            today,
            &ctx.config.server.full_url(),
        ) {
            HrMailer::mail(ctx, &email).await?;
            sent += 1;
        }
    }
    Ok(sent)
}
