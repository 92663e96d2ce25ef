//! `cargo loco task create_admin email:… name:"…"`: creates a cooperative administrator
//! (the first account of a production database). Prints a generated password once,
//! unless `password:…` is given.
use loco_rs::prelude::*;
use migration::MigratorTrait;
use mutualis_core::{
    audit::Actor,
    auth::{self, NewUser},
    authz::{Authz, Role},
    team,
};

/// The task.
#[derive(Debug)]
pub struct CreateAdmin;

#[async_trait]
impl Task for CreateAdmin {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "create_admin".to_string(),
            detail: "Create a coop_admin account: email=… name=\"…\" [password=…]".to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let email = vars.cli_arg("email")?.to_string();
        let name = vars
            .cli_arg("name")
            .map_or_else(|_| email.clone(), str::to_string);
        let (password, generated) = match vars.cli_arg("password") {
            Ok(p) => (p.to_string(), false),
            Err(_) => (auth::random_token(), true),
        };
        let to_err = |e: mutualis_core::AppError| Error::string(&format!("{e}: {}", e.message()));
        // The first account may come before the first start: migrate first (idempotent).
        migration::Migrator::up(&ctx.db, None).await?;
        let user = auth::create_user(
            &ctx.db,
            &Actor::system("create_admin"),
            &NewUser {
                email,
                name,
                password: password.clone(),
            },
        )
        .await
        .map_err(to_err)?;
        mutualis_core::module::install(crate::app::MODULES).map_err(to_err)?;
        let authz = Authz::init(&ctx.db).await.map_err(to_err)?;
        team::grant(
            &ctx.db,
            &authz,
            &Actor::system("create_admin"),
            user.id,
            Role::CoopAdmin,
            None,
        )
        .await
        .map_err(to_err)?;
        println!("coop_admin created: {}", user.email);
        if generated {
            println!("password (shown once): {password}");
        }
        Ok(())
    }
}
