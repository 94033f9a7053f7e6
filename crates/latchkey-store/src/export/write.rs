//! Writing an export: the header, one line per record in export order, the
//! closing line.

use std::io::{self, Write};

use jiff::Timestamp;

use super::counts::RecordCounts;
use super::record::{ExportHeader, ExportRecord};

/// The `kind` of the closing line.
pub(super) const END_KIND: &str = "end";

/// The closing line: how many record lines came before it.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct End {
    /// Always [`END_KIND`].
    pub(super) kind: String,
    /// Record lines between the header and this line.
    pub(super) records: u64,
}

/// Writes `records` (as [`Store::export_all`](crate::Store::export_all)
/// returns them) to `out` as an export taken at `exported_at`, sorted into
/// export order (kind, then id), so that the same data gives the same bytes
/// whichever store it came from. Returns how many records of each kind.
pub fn write_export(
    mut records: Vec<ExportRecord>,
    exported_at: Timestamp,
    out: impl Write,
) -> io::Result<RecordCounts> {
    records.sort_by_key(ExportRecord::sort_key);
    let mut out = io::BufWriter::new(out);
    line(&mut out, &ExportHeader::new(exported_at))?;
    for record in &records {
        line(&mut out, record)?;
    }
    line(
        &mut out,
        &End {
            kind: END_KIND.to_owned(),
            records: records.len() as u64,
        },
    )?;
    out.flush()?;
    Ok(RecordCounts::of(&records))
}

fn line(out: &mut impl Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}
