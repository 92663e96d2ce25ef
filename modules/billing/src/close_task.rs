//! `cargo loco task close_period period=YYYY-MM` (or `period:YYYY-MM`): closes a billing
//! period — freezes its usage and computes one draft invoice per member for the board.
//! Idempotent.
use loco_rs::prelude::*;
use mutualis_core::{audit::Actor, time::Month};

/// The task.
#[derive(Debug)]
pub struct ClosePeriod;

#[async_trait]
impl Task for ClosePeriod {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "close_period".to_string(),
            detail: "Close a billing period: period=YYYY-MM".to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let to_err = |e: mutualis_core::AppError| Error::string(&e.message());
        let period = vars.cli_arg("period")?;
        let month = Month::parse(period).map_err(to_err)?;
        // The task runs behind `core::kit::Prepared`: migrated, services built.
        let svc = mutualis_core::scope::services(ctx).map_err(to_err)?;
        let drafts = crate::service::close_period(
            &ctx.db,
            mutualis_core::tenant::Coop::for_task("close_period task"),
            &svc.meters,
            &Actor::system("close_period"),
            month,
        )
        .await
        .map_err(to_err)?;
        let total: i64 = drafts.iter().map(|d| d.total_cents).sum();
        println!(
            "period {month} closed: {} invoices, total {} € (drafts for the board's review)",
            drafts.len(),
            crate::service::euros(total)
        );
        Ok(())
    }
}
