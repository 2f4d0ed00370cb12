//! `handoff store export|import|migrate`: move every durable record between stores as JSON lines
//! (`{"key":…,"ttl_ms":…,"value":{"type":"bytes"|"list"|"set","data":…}}`), keeping TTLs.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use handoff_store::{DumpEntry, Store, StoreConfig};

use super::store_args::Admin;
use super::{CliError, ConfigArgs, store_args};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: StoreCommand,
}

#[derive(clap::Subcommand)]
pub enum StoreCommand {
    /// Write every record (with its remaining TTL) to FILE as JSON lines (`-` = stdout).
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Read records from a JSON-lines export and write them, replacing existing keys.
    Import { file: PathBuf },
    /// Copy every record from one store to another (embedded ↔ Redis), keeping TTLs.
    /// SRC and DST are Redis URLs (`redis://`, `rediss://`, `unix://`, `redis+cluster://`) or data dirs.
    Migrate {
        #[arg(long, value_name = "SRC")]
        from: String,
        #[arg(long, value_name = "DST")]
        to: String,
    },
}

pub fn run(args: Args) -> Result<(), CliError> {
    let config = store_args::store_config(&args.config)?;
    store_args::block_on(async move {
        match args.command {
            StoreCommand::Export { out } => export(&config, &out).await,
            StoreCommand::Import { file } => import(&config, &file).await,
            StoreCommand::Migrate { from, to } => migrate(&config, &from, &to).await,
        }
    })
}

async fn export(config: &StoreConfig, out: &PathBuf) -> Result<(), CliError> {
    // While a running server holds the embedded store, it exports (the format is the same).
    let admin = store_args::open_admin(config).await?;
    let sink: Box<dyn Write> = if out.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        let file = File::create(out)
            .map_err(|e| CliError::input(format!("cannot create {}: {e}", out.display())))?;
        Box::new(file)
    };
    let mut sink = BufWriter::new(sink);
    let count = match admin {
        Admin::Store(store) => {
            let entries = store.export_entries().await.map_err(CliError::runtime)?;
            for entry in &entries {
                serde_json::to_writer(&mut sink, entry).map_err(CliError::runtime)?;
                sink.write_all(b"\n").map_err(CliError::runtime)?;
            }
            entries.len()
        }
        Admin::Server(server) => {
            let lines = server
                .call_raw(reqwest::Method::GET, "/admin/store/export", None)
                .await
                .map_err(CliError::from)?;
            sink.write_all(&lines).map_err(CliError::runtime)?;
            lines.iter().filter(|&&byte| byte == b'\n').count()
        }
    };
    sink.flush().map_err(CliError::runtime)?;
    eprintln!("exported {}", records(count));
    Ok(())
}

async fn import(config: &StoreConfig, file: &PathBuf) -> Result<(), CliError> {
    let reader = File::open(file)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", file.display())))?;
    // Parse the whole file first: a bad line must not leave a half-imported store.
    let mut entries = Vec::new();
    for (n, line) in BufReader::new(reader).lines().enumerate() {
        let line =
            line.map_err(|e| CliError::input(format!("{}:{}: {e}", file.display(), n + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let entry: DumpEntry = serde_json::from_str(&line).map_err(|e| {
            CliError::input(format!(
                "{}:{}: not an export record: {e}",
                file.display(),
                n + 1
            ))
        })?;
        entries.push(entry);
    }
    let store = store_args::open(config).await?;
    let count = copy_into(&store, entries).await?;
    eprintln!("imported {}", records(count));
    Ok(())
}

async fn migrate(base: &StoreConfig, from: &str, to: &str) -> Result<(), CliError> {
    let source_config = endpoint(base, from);
    let target_config = endpoint(base, to);
    if source_config == target_config {
        return Err(CliError::input("--from and --to name the same store"));
    }
    let source = store_args::open(&source_config).await?;
    let target = store_args::open(&target_config).await?;
    let entries = source.export_entries().await.map_err(CliError::runtime)?;
    let count = copy_into(&target, entries).await?;
    eprintln!("migrated {} from {from} to {to}", records(count));
    Ok(())
}

/// "1 record", "3 records".
fn records(count: usize) -> String {
    handoff_templates::pluralize(count as u64, "record", None)
}

async fn copy_into(store: &Store, entries: Vec<DumpEntry>) -> Result<usize, CliError> {
    let count = entries.len();
    for entry in entries {
        let key = entry.key.clone();
        store
            .import_entry(entry)
            .await
            .map_err(|e| CliError::runtime(format!("record {key}: {e}")))?;
    }
    Ok(count)
}

/// A Redis URL selects Redis; anything else is the data dir of an embedded store.
fn endpoint(base: &StoreConfig, spec: &str) -> StoreConfig {
    let is_redis = [
        "redis://",
        "rediss://",
        "unix://",
        "redis+unix://",
        "redis+cluster://",
        "rediss+cluster://",
    ]
    .iter()
    .any(|scheme| spec.starts_with(scheme));
    let mut config = StoreConfig {
        redis_cluster_nodes: Vec::new(),
        ..base.clone()
    };
    if is_redis {
        config.redis_url = Some(spec.to_owned());
    } else {
        config.redis_url = None;
        config.data_dir = PathBuf::from(spec);
    }
    config
}
