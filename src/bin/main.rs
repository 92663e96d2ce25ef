//! `cargo loco …` (alias of `cargo run --`): the loco CLI of the app.
use loco_rs::cli;
use migration::Migrator;
use mutualis::app::App;

#[tokio::main]
async fn main() -> loco_rs::Result<()> {
    cli::main::<App, Migrator>().await
}
