//! `newsflow config show` and `newsflow config default`.

use crate::cli::{ConfigAction, ConfigArgs};
use newsflow_cli::config::{show, template, Config};

pub fn run(args: ConfigArgs, config: &Config) -> anyhow::Result<()> {
    match args.action {
        ConfigAction::Show(kafka) => {
            let mut config = config.clone();
            if let Some(brokers) = kafka.brokers {
                config.kafka.brokers = brokers;
                config.sources.set(
                    "kafka.brokers".into(),
                    newsflow_cli::config::Source::Flag("--brokers or NEWSFLOW_BROKERS"),
                );
            }
            print!("{}", show::render(&config)?);
        }
        ConfigAction::Default => print!("{}", template()),
    }
    Ok(())
}
