//! The command line: `serve` (the default), `user add`, `import` and `scan`.

use std::{io::BufRead, path::PathBuf};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};

use app::{
    model::Role,
    server::{config::Config, users},
};

#[derive(Parser)]
#[command(name = "soundwave", version, about = "Self-hosted audio archive and music player")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Copy a folder's audio files into MEDIA_ROOT and add them to a user's library.
    Import {
        /// The folder to import (searched recursively).
        dir: PathBuf,
        /// Whose library receives the tracks.
        #[arg(long)]
        user: String,
    },
    /// Re-index MEDIA_ROOT; unchanged files are not read again.
    Scan,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        name: String,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
    },
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::startup::serve(config).await,
        Command::User { command: UserCommand::Add { name, admin } } => {
            add_user(config, &name, admin).await
        }
        Command::Import { dir, user } => import(config, &dir, &user).await,
        Command::Scan => scan(config).await,
    }
}

async fn add_user(config: Config, name: &str, admin: bool) -> anyhow::Result<()> {
    let password = read_password()?;
    let pool = crate::startup::open(&config).await?;
    let role = if admin { Role::Admin } else { Role::User };
    let account = users::insert_user(&pool, name, &password, role)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.public_message()))?;
    println!("created {} `{}` (id {})", role.as_str(), account.username, account.id);
    pool.close().await;
    Ok(())
}

/// The first line of standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("while reading the password")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input (pipe it in, e.g. `echo \"$PW\" | soundwave user add NAME`)");
    }
    Ok(password)
}

async fn import(config: Config, dir: &std::path::Path, user: &str) -> anyhow::Result<()> {
    let pool = crate::startup::open(&config).await?;
    let result = app::server::import::import_folder(&pool, &config, dir, user).await;
    pool.close().await;
    let report = result.map_err(cli_error)?;
    print_problems(&report);
    println!(
        "imported {} files: {} added, {} updated, {} unchanged, {} skipped",
        files(&report),
        report.added,
        report.updated,
        report.unchanged,
        report.skipped
    );
    Ok(())
}

async fn scan(config: Config) -> anyhow::Result<()> {
    let pool = crate::startup::open(&config).await?;
    let result = app::server::library::scan(&pool, &config).await;
    pool.close().await;
    let report = result.map_err(cli_error)?;
    print_problems(&report);
    println!("scanned {}", app::server::library::summary(&report));
    Ok(())
}

/// Domain errors for a person at a terminal: the full text, paths included (it is their machine).
fn cli_error(err: app::server::AppError) -> anyhow::Error {
    anyhow::anyhow!("{err}")
}

fn print_problems(report: &app::model::ScanReport) {
    for problem in &report.problems {
        println!("skipped {problem}");
    }
}

fn files(report: &app::model::ScanReport) -> u64 {
    report.added + report.updated + report.unchanged + report.skipped
}
