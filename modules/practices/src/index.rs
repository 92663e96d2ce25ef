//! The running app's search index: in memory under tests, under `data/index/practices`
//! otherwise (`settings.practices_index_dir` in the config to move it). Opened and rebuilt
//! from the database at boot; `cargo loco task reindex` rebuilds it on demand.
use std::{path::PathBuf, sync::Arc};

use async_trait::async_trait;
use loco_rs::{
    Error, Result,
    app::AppContext,
    environment::Environment,
    task::{self, Task, TaskInfo},
};
use mutualis_core::error::{AppError, AppResult};

use crate::{search::SearchIndex, sheets};

/// The index of the running app.
///
/// # Errors
/// 500 when the app was not booted with the module.
pub fn index(ctx: &AppContext) -> AppResult<Arc<SearchIndex>> {
    ctx.shared_store.get::<Arc<SearchIndex>>().ok_or_else(|| {
        AppError::Unexpected(anyhow::anyhow!("practices search index not opened at boot"))
    })
}

fn dir(ctx: &AppContext) -> PathBuf {
    ctx.config
        .settings
        .as_ref()
        .and_then(|s| s.get("practices_index_dir"))
        .and_then(|v| v.as_str())
        .map_or_else(|| PathBuf::from("data/index/practices"), PathBuf::from)
}

/// Opens the index and rebuilds it from the database (the boot hook).
///
/// # Errors
/// tantivy or database errors.
pub async fn open(ctx: &AppContext) -> AppResult<()> {
    let ix = if ctx.environment == Environment::Test {
        SearchIndex::in_ram()?
    } else {
        SearchIndex::in_dir(&dir(ctx))?
    };
    ix.rebuild(&sheets::all_indexed(&ctx.db).await?)?;
    ctx.shared_store.insert(Arc::new(ix));
    Ok(())
}

/// Rebuilds the index from the database; the number of sheets indexed.
///
/// # Errors
/// tantivy or database errors.
pub async fn reindex(ctx: &AppContext) -> AppResult<usize> {
    let all = sheets::all_indexed(&ctx.db).await?;
    index(ctx)?.rebuild(&all)?;
    Ok(all.len())
}

/// `cargo loco task reindex`.
#[derive(Debug)]
pub struct Reindex;

#[async_trait]
impl Task for Reindex {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "reindex".to_string(),
            detail: "Rebuilds the practice exchange's search index from the database".to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, _vars: &task::Vars) -> Result<()> {
        let n = reindex(ctx)
            .await
            .map_err(|e| Error::string(&e.message()))?;
        println!("practices: {n} sheets indexed");
        Ok(())
    }
}
