//! How many records of each kind an export or an import moved.

use std::fmt;

use super::record::{ExportRecord, RecordKind};

/// Records per kind, in export order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordCounts([u64; RecordKind::ALL.len()]);

impl RecordCounts {
    /// The counts of `records`.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a ExportRecord>) -> Self {
        let mut counts = RecordCounts::default();
        for record in records {
            counts.0[record.kind() as usize] += 1;
        }
        counts
    }

    /// How many records of `kind`.
    pub fn get(&self, kind: RecordKind) -> u64 {
        self.0[kind as usize]
    }

    /// How many records in all.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

/// `1 account, 2 policy groups, …` (every kind, zeros included).
impl fmt::Display for RecordCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, kind) in RecordKind::ALL.into_iter().enumerate() {
            let count = self.get(kind);
            let plural = if count == 1 { "" } else { "s" };
            let separator = if index == 0 { "" } else { ", " };
            write!(f, "{separator}{count} {}{plural}", kind.describe())?;
        }
        Ok(())
    }
}
