//! The `soundwave` binary: parses the command line and hands over to `soundwave::cli`.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    soundwave::startup::init_logging();
    let cli = soundwave::cli::Cli::parse();
    let config = match app::server::config::Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("soundwave: configuration error: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    match soundwave::cli::run(cli, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("soundwave: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
