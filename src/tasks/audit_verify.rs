//! `cargo loco task audit_verify`: walks the audit chain and reports the first broken row.
use loco_rs::prelude::*;
use mutualis_core::audit::{self, ChainReport};

/// The task.
#[derive(Debug)]
pub struct AuditVerify;

#[async_trait]
impl Task for AuditVerify {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "audit_verify".to_string(),
            detail: "Walk the audit log's hash chain and report the first broken row".to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, _vars: &task::Vars) -> Result<()> {
        match audit::verify(&ctx.db)
            .await
            .map_err(|e| Error::string(&e.to_string()))?
        {
            ChainReport::Intact { rows } => {
                println!("audit chain intact: {rows} rows verified");
                Ok(())
            }
            ChainReport::Broken { seq, reason } => {
                println!("audit chain BROKEN at row {seq}: {reason}");
                Err(Error::string(&format!("audit chain broken at row {seq}")))
            }
        }
    }
}
