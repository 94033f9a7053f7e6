//! A throwaway PostgreSQL server for a test run: a fresh cluster in a temp
//! dir (trust authentication, loopback only, its unix socket inside the temp
//! dir), on a free port, stopped and deleted when dropped.
//!
//! PostgreSQL refuses to run as root. When xtask runs as root (CI containers),
//! `initdb` and `pg_ctl` run as the unprivileged `postgres` user that
//! Debian's package creates, through `runuser`, and the temp dir is handed to
//! that user.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The superuser the cluster is created with (trust auth: no password).
const SUPERUSER: &str = "latchkey";
/// The unprivileged account the server runs as when xtask runs as root.
const SYSTEM_USER: &str = "postgres";
/// What runs PostgreSQL's programs as [`SYSTEM_USER`] (util-linux's; Debian
/// puts it in `/usr/sbin`, which a non-login root shell may lack on `PATH`).
const RUNUSER: &str = "runuser";

/// A running throwaway cluster.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    run_as: Option<&'static str>,
    port: u16,
}

impl Postgres {
    /// Creates and starts a cluster; fails with what to install when
    /// PostgreSQL's server programs are missing.
    pub fn start() -> Result<Postgres> {
        let bin = server_bin_dir()?;
        let run_as = if running_as_root()? {
            Some(SYSTEM_USER)
        } else {
            None
        };
        let dir = tempfile::Builder::new()
            .prefix("latchkey-postgres-")
            .tempdir()
            .context("creating the PostgreSQL temp dir")?;
        if let Some(user) = run_as {
            let status = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(dir.path())
                .status()
                .context("running chown")?;
            if !status.success() {
                bail!("chown {user} {} failed", dir.path().display());
            }
        }
        let port = free_port()?;
        let postgres = Postgres {
            dir,
            bin,
            run_as,
            port,
        };
        postgres.run(
            "initdb",
            &[
                "--pgdata",
                &postgres.data().to_string_lossy(),
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ],
        )?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={} \
             -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            postgres.dir.path().display()
        );
        postgres.run(
            "pg_ctl",
            &[
                "start",
                "--wait",
                "--pgdata",
                &postgres.data().to_string_lossy(),
                "--log",
                &postgres.dir.path().join("server.log").to_string_lossy(),
                "--options",
                &options,
            ],
        )?;
        println!(
            "PostgreSQL started on 127.0.0.1:{port} (data in {})",
            postgres.dir.path().display()
        );
        Ok(postgres)
    }

    /// The URL of the `postgres` database, as the cluster's superuser.
    pub fn url(&self) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates an empty database `name` and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        let port = self.port.to_string();
        self.run(
            "createdb",
            &["-h", "127.0.0.1", "-p", &port, "-U", SUPERUSER, name],
        )?;
        Ok(format!("postgres://{SUPERUSER}@127.0.0.1:{port}/{name}"))
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs one of PostgreSQL's programs (as the system user when root).
    fn run(&self, program: &str, args: &[&str]) -> Result<()> {
        let path = self.bin.join(program);
        let mut command = match self.run_as {
            Some(user) => {
                let mut command = Command::new(RUNUSER);
                command.args(["-u", user, "--"]).arg(&path);
                command
            }
            None => Command::new(&path),
        };
        let output = command
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .map_err(|error| not_started(&path, self.run_as.map(|_| RUNUSER), error))?;
        if !output.status.success() {
            bail!(
                "{} {} failed ({}):\n{}{}",
                path.display(),
                args.join(" "),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.data();
        let stopped = self.run(
            "pg_ctl",
            &[
                "stop",
                "--wait",
                "--mode",
                "immediate",
                "--pgdata",
                &data.to_string_lossy(),
            ],
        );
        if let Err(error) = stopped {
            eprintln!("warning: stopping the test PostgreSQL: {error:#}");
        }
        // The temp dir (cluster, socket, log) is removed by `TempDir`.
    }
}

/// Why `program` did not start, naming the program that is missing: the
/// `launcher` that was to run it as another user (`runuser`) when there is
/// one, with the `PATH` fix for it (a person once went looking for a missing
/// `initdb` when `runuser` was the one not found).
fn not_started(program: &Path, launcher: Option<&str>, error: std::io::Error) -> anyhow::Error {
    match launcher {
        Some(launcher) if error.kind() == std::io::ErrorKind::NotFound => anyhow::anyhow!(
            "could not start `{launcher}` to run {} as {SYSTEM_USER}: {launcher} is not on PATH \
             (util-linux installs it in /usr/sbin: `export PATH=\"$PATH:/usr/sbin\"`)",
            program.display()
        ),
        Some(launcher) => anyhow::Error::new(error).context(format!(
            "could not start `{launcher}` to run {} as {SYSTEM_USER}",
            program.display()
        )),
        None => anyhow::Error::new(error).context(format!("could not start {}", program.display())),
    }
}

/// The directory holding `initdb` and `pg_ctl`: Debian's newest
/// `/usr/lib/postgresql/<version>/bin`, else wherever `PATH` finds `initdb`.
pub fn server_bin_dir() -> Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file());
    on_path.context(
        "PostgreSQL's server programs (initdb, pg_ctl) are not installed; \
         install Debian's `postgresql` package (`cargo xtask setup` does)",
    )
}

/// Whether xtask runs as root (uid 0).
pub fn running_as_root() -> Result<bool> {
    let output = Command::new("id")
        .arg("-u")
        .output()
        .context("running id -u")?;
    Ok(String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// A loopback port that was free a moment ago.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_runuser_is_named_with_the_path_fix() {
        let initdb = Path::new("/usr/lib/postgresql/15/bin/initdb");
        let missing = || std::io::Error::from(std::io::ErrorKind::NotFound);
        let message = format!("{:#}", not_started(initdb, Some(RUNUSER), missing()));
        assert!(
            message.starts_with("could not start `runuser`"),
            "{message}"
        );
        assert!(message.contains("/usr/sbin"), "{message}");
        // Without a launcher, the program itself is the one missing.
        let message = format!("{:#}", not_started(initdb, None, missing()));
        assert!(
            message.starts_with("could not start /usr/lib/postgresql/15/bin/initdb"),
            "{message}"
        );
        assert!(!message.contains("runuser"), "{message}");
    }

    #[test]
    fn a_cluster_starts_accepts_connections_and_is_removed() {
        let postgres = Postgres::start().unwrap();
        let dir = postgres.dir.path().to_path_buf();
        assert!(postgres.data().starts_with(&dir));
        let port = postgres.port;
        assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        drop(postgres);
        assert!(!dir.exists(), "the temp dir is removed");
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
            "the server is stopped"
        );
    }
}
