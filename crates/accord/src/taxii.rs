//! `accord taxii pull`: federation from a remote TAXII 2.1 server into the local store, offline
//! like `accord admin` (the operator holds the store).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use accord_app::model::time::format_timestamp;
use accord_app::{App, AppError, Caller};
use accord_client::{PullError, PullOptions, PullSummary, RemoteAuth};
use anyhow::{Context, anyhow};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{PullArgs, TaxiiArgs, TaxiiClientCommand};

pub fn run(args: TaxiiArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        TaxiiClientCommand::Pull(args) => pull(args),
    }
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message("fetching the first page");
    bar
}

fn counts(s: &PullSummary) -> String {
    format!(
        "{} page{}, {} objects received, {} stored, {} duplicates, {} refused",
        s.pages,
        if s.pages == 1 { "" } else { "s" },
        s.received,
        s.stored,
        s.duplicates,
        s.failures.len()
    )
}

fn pull(args: PullArgs) -> anyhow::Result<ExitCode> {
    let auth = match (args.token, args.user, args.password) {
        (Some(token), _, _) => RemoteAuth::Bearer(token),
        (None, Some(user), Some(password)) => RemoteAuth::Basic { user, password },
        _ => RemoteAuth::None,
    };
    let options = PullOptions {
        auth,
        page_size: args.page_size,
        ..PullOptions::new(&args.url, &args.collection, &args.into)
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let summary = runtime.block_on(async {
        let location = crate::serve::location(&args.store)?;
        let app = App::open(&location)
            .with_context(|| format!("cannot open the store in {}", args.store.data.display()))?;
        let bar = progress_bar();
        let result = accord_client::pull(&app, &Caller::Operator, &options, |summary, report| {
            bar.set_message(counts(summary));
            for f in &report.failures {
                bar.suspend(|| {
                    eprintln!("refused {}: {}", if f.id.is_empty() { "(no id)" } else { &f.id }, f.message)
                });
            }
        })
        .await;
        bar.finish_and_clear();
        result.map_err(|e| match e {
            PullError::Local(AppError::NotFound("collection")) => {
                anyhow!("local collection {:?} not found", args.into)
            }
            other => anyhow::Error::new(other).context(format!("cannot pull from {}", args.url.trim())),
        })
    })?;
    let resume = summary.resume_after.map_or_else(|| "none".to_owned(), format_timestamp);
    eprintln!("Pulled {}; resume point {resume}.", counts(&summary));
    Ok(if summary.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
