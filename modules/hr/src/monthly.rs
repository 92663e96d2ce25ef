//! `cargo loco task hr_monthly [month=YYYY-MM]` (the previous month by default): for
//! every member subscribing to HR that month, runs the leave accrual and records the
//! `hr.active_employees` meter, and e-mails the directors and HR officers the interviews
//! and certificates due. Idempotent for the ledger and the meter: a re-run adds nothing. Each member's run is
//! recorded (visible on its leave page); any failure is printed and makes the task fail.
use loco_rs::prelude::*;
use mutualis_core::{
    audit::Actor,
    member,
    tenant::Tenant,
    time::{Month, paris_today},
};

/// The task.
#[derive(Debug)]
pub struct HrMonthly;

#[async_trait]
impl Task for HrMonthly {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "hr_monthly".to_string(),
            detail: "Leave accrual and the hr.active_employees meter for a finished month: month=YYYY-MM (default: last month)".to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let to_err = |e: mutualis_core::AppError| Error::string(&e.message());
        let month = match vars.cli_arg("month") {
            Ok(m) => Month::parse(m).map_err(to_err)?,
            Err(_) => Month::of(chrono::Utc::now()).prev(),
        };
        if month >= Month::of(chrono::Utc::now()) {
            return Err(Error::string(&format!(
                "hr_monthly: {month} is not finished yet; run it for a past month"
            )));
        }
        // The task runs behind `core::kit::Prepared`: migrated, services built.
        let svc = mutualis_core::scope::services(ctx).map_err(to_err)?;
        let (meters, authz) = (&svc.meters, &svc.authz);
        let actor = Actor::system("hr_monthly");
        let last_day = month
            .next()
            .first_day()
            .pred_opt()
            .unwrap_or_else(paris_today);
        let mut failures = Vec::new();
        for m in member::list(&ctx.db).await.map_err(to_err)? {
            let modules = member::active_modules(&ctx.db, m.id, last_day)
                .await
                .map_err(to_err)?;
            if !modules.iter().any(|x| x == "hr") {
                continue;
            }
            let tenant = Tenant::for_task(m.id, "hr_monthly");
            match crate::ledger::run_accruals(&ctx.db, tenant, month, &actor).await {
                Ok(r) => println!(
                    "{} {month}: accrual ok, {} movements for {} employees",
                    m.slug, r.entries, r.employees
                ),
                Err(e) => {
                    println!("{} {month}: accrual FAILED: {}", m.slug, e.message());
                    failures.push(format!("{} (congés)", m.slug));
                }
            }
            match crate::notify::send_reminders(ctx, authz, &m, paris_today()).await {
                Ok(n) => println!(
                    "{} {month}: {n} reminder e-mails (interviews, certificates)",
                    m.slug
                ),
                Err(e) => {
                    println!("{} {month}: reminders FAILED: {}", m.slug, e.message());
                    failures.push(format!("{} (rappels)", m.slug));
                }
            }
            match crate::meter::record_active_employees(&ctx.db, meters, tenant, month).await {
                Ok((active, new)) => println!(
                    "{} {month}: {active} employees under contract, {new} new usage events",
                    m.slug
                ),
                Err(e) => {
                    println!("{} {month}: meter FAILED: {}", m.slug, e.message());
                    failures.push(format!("{} (compteur)", m.slug));
                }
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Error::string(&format!(
                "hr_monthly {month}: failed for {}",
                failures.join(", ")
            )))
        }
    }
}
