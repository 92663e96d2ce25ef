//! A member's departure from the command line (docs/offboarding.md):
//! - `cargo loco task member_export member:SLUG [out:FILE]` writes the export zip;
//! - `cargo loco task member_erase member:SLUG` prints the dry run and erases nothing;
//! - `cargo loco task member_erase member:SLUG confirm:SLUG` erases, in one transaction.
//!
//! Both are audited (actor `système:member_export` / `système:member_erase`).
use loco_rs::prelude::*;
use mutualis_core::{audit::Actor, entities::members, member, offboarding};

fn to_err(e: &mutualis_core::AppError) -> Error {
    Error::string(&mutualis_core::kit::detail(e))
}

async fn find(ctx: &AppContext, vars: &task::Vars) -> Result<members::Model> {
    let slug = vars.cli_arg("member")?;
    member::find_by_slug(&ctx.db, slug)
        .await
        .map_err(|e| to_err(&e))?
        .ok_or_else(|| Error::string(&format!("no member « {slug} »")))
}

/// `member_export`.
#[derive(Debug)]
pub struct MemberExport;

#[async_trait]
impl Task for MemberExport {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "member_export".to_string(),
            detail: "Write the departure export zip of a member: member:SLUG [out:FILE]"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let m = find(ctx, vars).await?;
        let out = offboarding::export(ctx, &Actor::system("member_export"), &m)
            .await
            .map_err(|e| to_err(&e))?;
        let path = vars
            .cli_arg("out")
            .map_or_else(|_| out.file_name.clone(), str::to_string);
        std::fs::write(&path, &out.bytes)?;
        let rows: usize = out.manifest.tables.iter().map(|t| t.rows).sum();
        println!(
            "{path}: {} tables, {rows} rows, {} files ({} bytes)",
            out.manifest.tables.len(),
            out.manifest.files.len(),
            out.bytes.len()
        );
        Ok(())
    }
}

/// `member_erase`.
#[derive(Debug)]
pub struct MemberErase;

fn print(plan: &offboarding::Plan) {
    println!(
        "{:<32} {:>8} {:>8} {:>8}  reason",
        "table", "rows", "erased", "kept"
    );
    for t in plan.tables.iter().filter(|t| t.rows > 0) {
        println!(
            "{:<32} {:>8} {:>8} {:>8}  {}",
            t.table, t.rows, t.erased, t.kept, t.reason
        );
    }
    for p in &plan.people {
        println!(
            "user {} <{}>: {}",
            p.user_id,
            p.email,
            if p.anonymised {
                "disabled and anonymised"
            } else {
                "keeps the account (roles elsewhere), loses its roles here"
            }
        );
    }
    println!(
        "total: {} rows erased, {} kept, {} grants removed",
        plan.erased(),
        plan.kept(),
        plan.grants
    );
}

#[async_trait]
impl Task for MemberErase {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "member_erase".to_string(),
            detail:
                "Dry run of a member's erasure: member:SLUG; erase it: member:SLUG confirm:SLUG"
                    .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let m = find(ctx, vars).await?;
        match vars.cli_arg("confirm") {
            Err(_) => {
                let plan = offboarding::dry_run(ctx, &m)
                    .await
                    .map_err(|e| to_err(&e))?;
                println!("DRY RUN for « {} » — nothing erased.", m.slug);
                print(&plan);
                if let Some(why) = &plan.refused {
                    println!("refused today: {why}");
                }
                println!(
                    "to erase: cargo loco task member_erase member:{0} confirm:{0}",
                    m.slug
                );
                Ok(())
            }
            Ok(confirm) => {
                let plan = offboarding::erase(ctx, &Actor::system("member_erase"), &m, confirm)
                    .await
                    .map_err(|e| to_err(&e))?;
                println!("ERASED « {} ».", m.slug);
                print(&plan);
                Ok(())
            }
        }
    }
}
