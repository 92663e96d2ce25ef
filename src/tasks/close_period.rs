//! `cargo loco task close_period period=YYYY-MM` (or `period:YYYY-MM`): closes a billing
//! period — freezes its usage and computes one draft invoice per member for the board.
//! Idempotent.
use loco_rs::prelude::*;
use migration::MigratorTrait;
use mutualis_core::{audit::Actor, metering::Meters, time::Month};

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
        migration::Migrator::up(&ctx.db, None).await?;
        let meters = Meters::new(
            mutualis_core::metering::CORE_METERS
                .into_iter()
                .chain(crate::app::module_meters()),
        )
        .map_err(to_err)?;
        let drafts = mutualis_billing::service::close_period(
            &ctx.db,
            &meters,
            &Actor::system("close_period"),
            month,
        )
        .await
        .map_err(to_err)?;
        let total: i64 = drafts.iter().map(|d| d.total_cents).sum();
        println!(
            "period {month} closed: {} invoices, total {} € (drafts for the board's review)",
            drafts.len(),
            mutualis_billing::service::euros(total)
        );
        Ok(())
    }
}
