//! The `newsflow` command: parses the command line and hands over to a command.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    newsflow_cli::logging::init(cli.log_format);
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Errors may quote librdkafka, which echoes configuration values.
            let message = format!("{error:#}");
            eprintln!(
                "newsflow: {}",
                newsflow_kafka::redact::redact_text(&message)
            );
            ExitCode::FAILURE
        }
    }
}
