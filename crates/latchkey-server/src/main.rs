//! `latchkey`: the reference server and its administration commands.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use latchkey_core::plan::Plan;
use latchkey_server::auth::client_address::{Cidr, TrustedProxies};
use latchkey_server::config::ServerConfig;
use latchkey_server::connections::{ConnectionLimits, default_max_connections};
use latchkey_server::serve::{ServeOptions, StoreLocation, serve};
use latchkey_server::transfer::{self, Stream};

/// Latchkey: access management for applications.
#[derive(Debug, Parser)]
#[command(name = "latchkey", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (bootstraps the operator account on an empty data file).
    Serve(ServeArgs),
    /// Administration straight on the data file (with the server stopped).
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Print the OpenAPI document (what `/openapi.json` serves).
    Openapi,
}

/// The environment variable read when `--database` is not given (keeps a
/// password out of the process list).
const DATABASE_URL_VAR: &str = "LATCHKEY_DATABASE_URL";

/// Where the data lives: a redb file (default) or a PostgreSQL database.
#[derive(Debug, clap::Args)]
struct StoreArgs {
    /// The data file (created when missing).
    #[arg(long, default_value = "latchkey.redb")]
    data: PathBuf,
    /// A PostgreSQL database instead of the data file
    /// (`postgres://user@host:port/db`; also read from LATCHKEY_DATABASE_URL).
    #[arg(long, conflicts_with = "data", value_name = "URL")]
    database: Option<String>,
}

impl StoreArgs {
    fn location(self) -> StoreLocation {
        let database = self.database.or_else(|| {
            std::env::var(DATABASE_URL_VAR)
                .ok()
                .filter(|url| !url.is_empty())
        });
        match database {
            Some(url) => StoreLocation::Postgres(url),
            None => StoreLocation::Redb(self.data),
        }
    }
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Public base URL, recorded as `api_host` on keys [default: http://<listen>].
    #[arg(long)]
    public_url: Option<String>,
    /// The `aud` JWTs must carry [default: the public base URL].
    #[arg(long)]
    audience: Option<String>,
    /// Plan of the operator account made at first start.
    #[arg(long, value_enum, default_value = "free")]
    plan: PlanArg,
    /// Seconds a client may take to send a request's line and headers,
    /// counted from the connection's start or from the first byte after an
    /// idle pause; past it the connection is closed.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    header_read_timeout: Duration,
    /// Seconds a keep-alive connection may stay idle between requests
    /// before it is closed.
    #[arg(long, value_name = "SECONDS", default_value = "75", value_parser = seconds)]
    idle_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog until
    /// one closes [default: 4096, or less when the open-file limit is lower].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: Option<u32>,
    /// A proxy (an address or a network: 10.0.0.0/8, 2001:db8::/32) whose
    /// `X-Forwarded-For` names the client for the failed-authentication
    /// limit; repeat it or separate with commas. Without it, the TCP peer
    /// is the client.
    #[arg(long = "trusted-proxy", value_name = "CIDR", value_delimiter = ',')]
    trusted_proxies: Vec<Cidr>,
    /// Days audit records are kept; older ones are removed by a sweep that
    /// runs at start and every hour.
    #[arg(long, value_name = "DAYS", default_value_t = latchkey_server::config::DEFAULT_AUDIT_RETENTION_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=36_500))]
    audit_retention_days: u32,
    /// A secret-scanning partner's public keys, in the JSON GitHub publishes
    /// (`{"public_keys": [{"key_identifier", "key", "is_current"}]}`): reports
    /// of leaked keys to `POST /v3/secret-scanning/reports` must be signed by
    /// one of them. Without it, that endpoint refuses every report.
    #[arg(long, value_name = "FILE")]
    secret_scanning_keys: Option<std::path::PathBuf>,
}

/// A positive, finite number of seconds (fractions allowed).
fn seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0) {
        return Err(format!(
            "`{text}`: expected more than 0 and at most 86400 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PlanArg {
    Free,
    Commercial,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Add a new access key to the operator's admin application and print it once.
    MintKey {
        #[command(flatten)]
        store: StoreArgs,
        /// The server's public base URL, recorded on the key.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        api_host: String,
    },
    /// Print a new one-time link that sets a user's console password (valid
    /// 24 hours; the user's earlier links stop working).
    PasswordLink {
        #[command(flatten)]
        store: StoreArgs,
        /// The user's email.
        #[arg(long)]
        email: String,
        /// The user's account (`acc_…`) [default: the operator account].
        #[arg(long)]
        account: Option<latchkey_core::id::AccountId>,
        /// The server's public base URL, that the link starts with.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Write every record of the store as JSON lines (key secrets stay
    /// hashed), to move it into another store with `admin import`.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// Where to write: a new file (never overwritten), or `-` for stdout.
        #[arg(long, default_value = "-", value_name = "FILE")]
        out: String,
    },
    /// Load an export into an empty store (a new data file or an empty
    /// database): checked line by line first, then written all or nothing.
    Import {
        #[command(flatten)]
        store: StoreArgs,
        /// What to read: an export file, or `-` for stdin.
        #[arg(long = "in", default_value = "-", value_name = "FILE")]
        input: String,
    },
}

/// Settings read from the environment, for tests and operators who tune.
fn tune(config: &mut ServerConfig) {
    fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
        std::env::var(name).ok()?.parse().ok()
    }
    if let Some(seconds) = env::<u64>("LATCHKEY_USAGE_FLUSH_SECONDS") {
        config.usage_flush_interval = std::time::Duration::from_secs(seconds.max(1));
    }
    if let Some(seconds) = env::<u64>("LATCHKEY_REQUEST_TIMEOUT_SECONDS") {
        config.request_timeout = std::time::Duration::from_secs(seconds.max(1));
    }
    if let Some(burst) = env::<u32>("LATCHKEY_AUTH_FAILURE_BURST") {
        config.auth_failure_burst = burst;
    }
    if let Some(rate) = env::<f64>("LATCHKEY_AUTH_FAILURES_PER_SECOND") {
        config.auth_failures_per_second = rate;
    }
    if let Some(seconds) = env::<u64>("LATCHKEY_AUDIT_SWEEP_SECONDS") {
        config.audit_sweep_interval = std::time::Duration::from_secs(seconds.max(1));
    }
    if let Some(seconds) = env::<u64>("LATCHKEY_KEY_SWEEP_SECONDS") {
        config.key_sweep_interval = std::time::Duration::from_secs(seconds.max(1));
    }
    if let Some(millis) = env::<u64>("LATCHKEY_AUTH_THROTTLE_DELAY_MS") {
        config.throttled_refusal_delay = std::time::Duration::from_millis(millis);
    }
    let bounds = &mut config.cache_bounds;
    for (name, bound) in [
        ("LATCHKEY_CACHE_ACCESS_KEYS", &mut bounds.access_keys),
        ("LATCHKEY_CACHE_JWT_KEYS", &mut bounds.jwt_keys),
        ("LATCHKEY_CACHE_TOKENS", &mut bounds.tokens),
        ("LATCHKEY_CACHE_REFUSED_TOKENS", &mut bounds.refused_tokens),
        ("LATCHKEY_LIMITER_CLIENTS", &mut bounds.limiter_clients),
    ] {
        if let Some(value) = env::<usize>(name) {
            *bound = value.max(1);
        }
    }
}

/// Logs go to stderr through a writer thread, so that a request never
/// waits for the terminal or a pipe: the access line of a busy server is a
/// copy into a shared buffer, written in batches every 20 ms
/// ([`latchkey_server::log_writer`]). Past 16 MiB waiting, lines are
/// dropped rather than slowing requests; how many is reported at
/// shutdown. The guard writes what is left when dropped.
fn init_tracing() -> LogFlush {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, flush) = latchkey_server::log_writer::start(std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer.clone())
        .with_ansi(ansi)
        .init();
    // Access lines in the same plain format, without the formatter's cost;
    // on a terminal they stay coloured, through it.
    if !ansi {
        latchkey_server::write_access_lines_to(writer.clone());
    }
    LogFlush {
        flush: Some(flush),
        writer,
    }
}

/// Writes the log's last lines when dropped, and says how many were lost.
struct LogFlush {
    flush: Option<latchkey_server::log_writer::LogFlush>,
    writer: latchkey_server::log_writer::LogWriter,
}

impl Drop for LogFlush {
    fn drop(&mut self) {
        let dropped = self.writer.dropped_lines();
        if dropped > 0 {
            tracing::warn!(dropped, "log lines dropped while the log writer was behind");
        }
        drop(self.flush.take());
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match latchkey_server::runtime::build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("latchkey: error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => {
                let _log = init_tracing();
                serve(ServeOptions {
                    store: args.store.location(),
                    listen: args.listen,
                    public_url: args.public_url,
                    audience: args.audience,
                    plan: match args.plan {
                        PlanArg::Free => Plan::Free,
                        PlanArg::Commercial => Plan::Commercial,
                    },
                    connections: ConnectionLimits {
                        header_read_timeout: args.header_read_timeout,
                        idle_timeout: args.idle_timeout,
                        max_connections: args
                            .max_connections
                            .unwrap_or_else(default_max_connections),
                    },
                    trusted_proxies: TrustedProxies::new(args.trusted_proxies),
                    audit_retention_days: args.audit_retention_days,
                    secret_scanning_keys: args.secret_scanning_keys,
                    tune,
                })
                .await
            }
            Command::Admin {
                command: AdminCommand::MintKey { store, api_host },
            } => mint_key(store.location(), api_host).await,
            Command::Admin {
                command:
                    AdminCommand::PasswordLink {
                        store,
                        email,
                        account,
                        public_url,
                    },
            } => password_link(store.location(), &email, account, &public_url).await,
            Command::Admin {
                command: AdminCommand::Export { store, out },
            } => {
                let counts = transfer::export(&store.location(), &Stream::parse(&out)).await?;
                transfer::flush_stdout()?;
                eprintln!("{}", transfer::summary("exported", &counts));
                Ok(())
            }
            Command::Admin {
                command: AdminCommand::Import { store, input },
            } => {
                let counts = transfer::import(&store.location(), &Stream::parse(&input)).await?;
                eprintln!("{}", transfer::summary("imported", &counts));
                Ok(())
            }
            Command::Openapi => {
                print!("{}", latchkey_server::openapi_json());
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("latchkey: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn mint_key(location: StoreLocation, api_host: String) -> anyhow::Result<()> {
    use anyhow::Context;
    if let StoreLocation::Redb(data) = &location
        && !data.exists()
    {
        anyhow::bail!("no data file at {}", data.display());
    }
    let store = location.open().await.with_context(|| match &location {
        StoreLocation::Redb(_) => "is the server still running? stop it first",
        StoreLocation::Postgres(_) => "the database must be reachable",
    })?;
    let minted = latchkey_server::bootstrap::mint_admin_key(store.as_ref(), &api_host).await?;
    println!(
        "New admin access key {} for application {} (shown this once; store it now):\n\n    {}\n",
        minted.access_key_id, minted.application_id, minted.key
    );
    Ok(())
}

async fn password_link(
    location: StoreLocation,
    email: &str,
    account: Option<latchkey_core::id::AccountId>,
    public_url: &str,
) -> anyhow::Result<()> {
    use anyhow::Context;
    if let StoreLocation::Redb(data) = &location
        && !data.exists()
    {
        anyhow::bail!("no data file at {}", data.display());
    }
    let store = location.open().await.with_context(|| match &location {
        StoreLocation::Redb(_) => "is the server still running? stop it first",
        StoreLocation::Postgres(_) => "the database must be reachable",
    })?;
    let link =
        latchkey_server::bootstrap::password_link(store.as_ref(), email, account, public_url)
            .await?;
    println!(
        "Password link for {} ({}), valid until {} and once only:\n\n    {}\n",
        link.user.email, link.user.id, link.expires_at, link.url
    );
    Ok(())
}
