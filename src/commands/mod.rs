//! One module per subcommand.

mod process;

use crate::cli::{Cli, Command};
use crate::config::Config;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Process(args) => process::run(args, &config),
        Command::Eval(_) => anyhow::bail!("eval: being written"),
        Command::Serve(_) => anyhow::bail!("serve: being written"),
        Command::Topics(_) => anyhow::bail!("topics: being written"),
        Command::Produce(_) => anyhow::bail!("produce: being written"),
        Command::Tail(_) => anyhow::bail!("tail: being written"),
        Command::Bench(_) => anyhow::bail!("bench: being written"),
    }
}
