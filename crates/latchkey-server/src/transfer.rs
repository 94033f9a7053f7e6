//! `latchkey admin export` and `latchkey admin import`: a whole store out to
//! JSON lines and into another (redb to PostgreSQL and back). The format and
//! its checks live in `latchkey_store::export`; this is the command side:
//! where the lines go, what is printed, and that a failed import leaves no
//! half-made data file behind.

use std::fs::OpenOptions;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use latchkey_store::export::{RecordCounts, read_export, write_export};

use crate::serve::StoreLocation;

/// Where an export goes or an import comes from: a file, or `-` for
/// stdout/stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stream {
    /// Standard output (export) or standard input (import).
    Std,
    /// A file.
    File(PathBuf),
}

impl Stream {
    /// `-` is the standard stream; anything else a path.
    pub fn parse(argument: &str) -> Stream {
        match argument {
            "-" => Stream::Std,
            path => Stream::File(PathBuf::from(path)),
        }
    }
}

/// What the store is called in messages (never the database URL, which may
/// carry a password).
fn describe(location: &StoreLocation) -> String {
    match location {
        StoreLocation::Redb(path) => path.display().to_string(),
        StoreLocation::Postgres(_) => "the PostgreSQL database".to_owned(),
    }
}

/// Opens the store for an admin command, saying what usually went wrong.
async fn open(location: &StoreLocation) -> Result<std::sync::Arc<dyn latchkey_store::Store>> {
    location.open().await.with_context(|| match location {
        StoreLocation::Redb(_) => "is the server still running? stop it first",
        StoreLocation::Postgres(_) => "the database must be reachable",
    })
}

/// Writes every record of the store at `location` to `out`, in one
/// snapshot. A file is created, never overwritten, readable by its owner
/// only (it holds emails and key hashes). Returns what was written.
pub async fn export(location: &StoreLocation, out: &Stream) -> Result<RecordCounts> {
    if let StoreLocation::Redb(data) = location
        && !data.exists()
    {
        bail!("no data file at {}", data.display());
    }
    let store = open(location).await?;
    let exported_at = Timestamp::now();
    let records = store
        .export_all()
        .await
        .with_context(|| format!("reading {}", describe(location)))?;
    drop(store);
    let counts = match out {
        Stream::Std => write_export(records, exported_at, io::stdout().lock())?,
        Stream::File(path) => {
            let file = create_private(path)?;
            let counts = write_export(records, exported_at, &file)
                .with_context(|| format!("writing {}", path.display()))?;
            file.sync_all()
                .with_context(|| format!("writing {}", path.display()))?;
            counts
        }
    };
    Ok(counts)
}

/// A new file only its owner can read.
fn create_private(path: &Path) -> Result<std::fs::File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|error| match error.kind() {
        io::ErrorKind::AlreadyExists => anyhow::anyhow!(
            "{} already exists; an export never overwrites a file: choose another name",
            path.display()
        ),
        _ => anyhow::Error::new(error).context(format!("creating {}", path.display())),
    })
}

/// Reads and checks a whole export from `input`, then writes it into the
/// empty store at `location` in one transaction. Bad input is refused before
/// the store is opened (a missing data file is not even created); a data
/// file created here is removed again when the import fails.
pub async fn import(location: &StoreLocation, input: &Stream) -> Result<RecordCounts> {
    let reader: Box<dyn BufRead> = match input {
        Stream::Std => Box::new(io::stdin().lock()),
        Stream::File(path) => Box::new(BufReader::new(
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?,
        )),
    };
    let (_header, set) = read_export(reader)?;
    let counts = set.counts();
    let created = match location {
        StoreLocation::Redb(data) => (!data.exists()).then(|| data.clone()),
        StoreLocation::Postgres(_) => None,
    };
    let imported = async {
        let store = open(location).await?;
        store.import_all(set).await?;
        anyhow::Ok(())
    }
    .await;
    if let (Err(_), Some(data)) = (&imported, &created) {
        // The store is closed (dropped) by now: the new, empty file goes,
        // so that the target is as it was.
        let _ = std::fs::remove_file(data);
    }
    imported.with_context(|| format!("importing into {}", describe(location)))?;
    Ok(counts)
}

/// The line an export or import prints on stderr when done.
pub fn summary(verb: &str, counts: &RecordCounts) -> String {
    format!("{verb} {} records: {counts}", counts.total())
}

/// Flushes stdout (an export written there must be complete before exit).
pub fn flush_stdout() -> Result<()> {
    io::stdout().flush().context("writing the export to stdout")
}
