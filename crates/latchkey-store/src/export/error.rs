//! Why an import was refused. Whatever the reason, nothing was written.

use std::fmt;

use super::record::RecordKind;
use crate::StoreError;

/// Lines listed in an [`ImportError::Invalid`] message; the rest are counted.
const SHOWN_PROBLEMS: usize = 20;

/// One bad line of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// Its number, counting from 1 (the header is line 1).
    pub line: usize,
    /// What is wrong with it. Never quotes a secret hash.
    pub reason: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Why an import was refused; the target store is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input is not a valid export: each bad line, in line order.
    #[error("{}", InvalidLines(.0))]
    Invalid(Vec<LineError>),
    /// The input could not be read.
    #[error("reading the export failed: {0}")]
    Read(#[from] std::io::Error),
    /// The target already holds data; imports go into a new store only.
    #[error(
        "the target store is not empty (it holds at least one {}): import only into a new data file or an empty database",
        .kind.describe()
    )]
    NotEmpty {
        /// A kind of record found in the target.
        kind: RecordKind,
    },
    /// The target store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    /// The error for one bad line.
    pub fn line(line: usize, reason: impl Into<String>) -> Self {
        ImportError::Invalid(vec![LineError {
            line,
            reason: reason.into(),
        }])
    }
}

struct InvalidLines<'a>(&'a [LineError]);

impl fmt::Display for InvalidLines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problems = self.0;
        match problems {
            [one] => write!(f, "not a valid export, nothing was imported: {one}"),
            _ => {
                write!(
                    f,
                    "not a valid export ({} bad lines), nothing was imported:",
                    problems.len()
                )?;
                for problem in problems.iter().take(SHOWN_PROBLEMS) {
                    write!(f, "\n  {problem}")?;
                }
                if problems.len() > SHOWN_PROBLEMS {
                    write!(f, "\n  … and {} more", problems.len() - SHOWN_PROBLEMS)?;
                }
                Ok(())
            }
        }
    }
}
