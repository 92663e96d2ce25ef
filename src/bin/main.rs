//! `cargo loco …` (alias of `cargo run --`): the loco CLI of the app.
use loco_rs::cli;
use migration::Migrator;
use mutualis::app::App;

/// Task parameters are `key:value` for loco; `key=value` is accepted too (the
/// documented `cargo loco task close_period period=2026-03`): such a call is run again
/// with the parameters rewritten.
fn rewrite_task_params() -> Option<std::process::ExitCode> {
    let args: Vec<String> = std::env::args().collect();
    let task_at = args.iter().position(|a| a == "task")?;
    let needs = args
        .iter()
        .skip(task_at + 2)
        .any(|a| !a.starts_with('-') && a.contains('=') && !a.contains(':'));
    if !needs {
        return None;
    }
    let rewritten: Vec<String> = args
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, a)| {
            if i > task_at + 1 && !a.starts_with('-') && !a.contains(':') {
                a.replacen('=', ":", 1)
            } else {
                a.clone()
            }
        })
        .collect();
    let exe = std::env::current_exe().ok()?;
    let status = std::process::Command::new(exe)
        .args(rewritten)
        .status()
        .ok()?;
    Some(std::process::ExitCode::from(
        u8::try_from(status.code().unwrap_or(1)).unwrap_or(1),
    ))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if let Some(code) = rewrite_task_params() {
        return code;
    }
    match cli::main::<App, Migrator>().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
