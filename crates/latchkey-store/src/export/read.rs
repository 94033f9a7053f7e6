//! Reading an export: the header, then each line decoded on its own, every
//! problem reported with its line number.

use std::io::BufRead;

use serde_json::Value;

use super::error::{ImportError, LineError};
use super::record::{
    ExportHeader, ExportRecord, FORMAT, FORMAT_VERSION, OLDEST_RECORD_SCHEMA, RECORD_SCHEMA,
    RecordKind,
};
use super::validate::ImportSet;
use super::write::{END_KIND, End};

/// What one line after the header holds.
enum Line {
    Record(Box<ExportRecord>),
    End(u64),
}

/// Reads a whole export and checks it (see [the module](super)); nothing is
/// written anywhere. Every line that does not read is reported, by number,
/// in one [`ImportError::Invalid`]; once every line reads, every record
/// whose references or names do not hold is. A bad header stops at line 1.
pub fn read_export(input: impl BufRead) -> Result<(ExportHeader, ImportSet), ImportError> {
    let mut lines = input.split(b'\n');
    let header = match lines.next() {
        None => {
            return Err(ImportError::line(
                1,
                "the input is empty; an export starts with its header line",
            ));
        }
        Some(bytes) => header(&text(bytes?).map_err(|reason| ImportError::line(1, reason))?)
            .map_err(|reason| ImportError::line(1, redact(reason)))?,
    };
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut end: Option<(usize, u64)> = None;
    let mut last = 1;
    for (index, bytes) in lines.enumerate() {
        let number = index + 2;
        last = number;
        let mut problem = |reason: String| {
            problems.push(LineError {
                line: number,
                reason: redact(reason),
            })
        };
        let line = match text(bytes?) {
            Ok(line) => line,
            Err(reason) => {
                problem(reason);
                continue;
            }
        };
        if let Some((end_line, _)) = end {
            problem(format!(
                "a line after the closing line (line {end_line}) of the export"
            ));
            continue;
        }
        if line.trim().is_empty() {
            problem("an empty line; each line holds one record".to_owned());
            continue;
        }
        match record_line(&line) {
            Ok(Line::Record(record)) => records.push((number, *record)),
            Ok(Line::End(count)) => {
                let written = (number - 2) as u64;
                if count != written {
                    problem(format!(
                        "the closing line counts {count} records, but {written} lines precede it"
                    ));
                }
                end = Some((number, count));
            }
            Err(reason) => problem(reason),
        }
    }
    if end.is_none() {
        problems.push(LineError {
            line: last + 1,
            reason: format!(
                "the export ends without its closing line {{\"kind\":\"{END_KIND}\",\"records\":N}}: it was cut short"
            ),
        });
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    Ok((header, ImportSet::validate(records)?))
}

/// A line's text without its line ending.
fn text(bytes: Vec<u8>) -> Result<String, String> {
    let mut line = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_owned())?;
    if line.ends_with('\r') {
        line.pop();
    }
    Ok(line)
}

/// A JSON value, or why the line is not one (without serde_json's
/// "at line 1", which would contradict our line numbers).
fn json(line: &str) -> Result<Value, String> {
    serde_json::from_str(line).map_err(|error| {
        let message = error.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(message, _)| message);
        if error.is_eof() {
            format!(
                "the line is cut short ({message} at column {})",
                error.column()
            )
        } else {
            format!("not JSON ({message} at column {})", error.column())
        }
    })
}

fn header(line: &str) -> Result<ExportHeader, String> {
    let value = json(line)?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(format!(
            "not a Latchkey export: the first line must be its header {{\"format\":\"{FORMAT}\",…}}"
        ));
    }
    let number = |field: &str| value.get(field).and_then(Value::as_u64);
    match number("version") {
        Some(FORMAT_VERSION) => {}
        Some(version) if version > FORMAT_VERSION => {
            return Err(format!(
                "export format version {version} is newer than this Latchkey reads ({FORMAT_VERSION}); upgrade Latchkey"
            ));
        }
        _ => return Err(format!("the header's version must be {FORMAT_VERSION}")),
    }
    match number("schema") {
        Some(OLDEST_RECORD_SCHEMA..=RECORD_SCHEMA) => {}
        Some(schema) if schema > RECORD_SCHEMA => {
            return Err(format!(
                "the records have schema {schema}, newer than this Latchkey reads ({RECORD_SCHEMA}); upgrade Latchkey"
            ));
        }
        _ => {
            return Err(format!(
                "the header's schema must be {OLDEST_RECORD_SCHEMA} to {RECORD_SCHEMA}"
            ));
        }
    }
    serde_json::from_value(value).map_err(|error| format!("bad header: {error}"))
}

fn record_line(line: &str) -> Result<Line, String> {
    let value = json(line)?;
    let Some(kind) = value.get("kind").and_then(Value::as_str) else {
        return Err("not a record: a JSON object with a \"kind\" is expected".to_owned());
    };
    if kind == END_KIND {
        let end: End =
            serde_json::from_value(value).map_err(|error| format!("bad closing line: {error}"))?;
        return Ok(Line::End(end.records));
    }
    let Some(kind) = RecordKind::ALL.into_iter().find(|k| k.as_str() == kind) else {
        let known: Vec<&str> = RecordKind::ALL.iter().map(|k| k.as_str()).collect();
        return Err(format!(
            "unknown kind `{kind}` (known: {}, {END_KIND})",
            known.join(", ")
        ));
    };
    let record: ExportRecord = serde_json::from_value(value.clone())
        .map_err(|error| format!("bad {} record: {error}", kind.describe()))?;
    // Refuse what would not survive the trip: a field this version does not
    // know (dropped by serde) or a value in a form it writes differently.
    let read_back = serde_json::to_value(&record)
        .map_err(|error| format!("bad {} record: {error}", kind.describe()))?;
    if let Some(path) = first_difference(&value, &read_back) {
        return Err(format!(
            "the {} record does not read back as written at `{path}`: a field this version does not know, or a value not in the form it writes",
            kind.describe()
        ));
    }
    Ok(Line::Record(Box::new(record)))
}

/// The path of the first place where two values differ, if any.
fn first_difference(written: &Value, read: &Value) -> Option<String> {
    match (written, read) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .find_map(|key| match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => first_difference(x, y).map(|rest| join(key, &rest)),
                    _ => Some(key.clone()),
                })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(index, (x, y))| {
                first_difference(x, y).map(|rest| join(&format!("[{index}]"), &rest))
            })
        }
        _ => (written != read).then(String::new),
    }
}

fn join(head: &str, rest: &str) -> String {
    match rest {
        "" => head.to_owned(),
        _ if rest.starts_with('[') => format!("{head}{rest}"),
        _ => format!("{head}.{rest}"),
    }
}

/// How a stored secret hash starts: a digest (`sha256:`) or an argon2 PHC
/// string.
const HASH_MARKERS: [&str; 2] = ["sha256:", "$argon2"];

/// Replaces anything that looks like a stored secret hash: a reason may
/// quote a value (serde's "invalid type: string …"), and a hash must never
/// reach a log or a terminal.
fn redact(reason: String) -> String {
    let Some(start) = HASH_MARKERS
        .iter()
        .filter_map(|marker| reason.find(marker))
        .min()
    else {
        return reason;
    };
    let end = reason[start..]
        .find(|c: char| c == '"' || c == '`' || c.is_whitespace())
        .map_or(reason.len(), |offset| start + offset);
    let rest = redact(reason[end..].to_owned());
    format!("{}<redacted>{rest}", &reason[..start])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_redacted_wherever_they_appear() {
        let reason = r#"invalid type: string "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", expected a map; and `$argon2i$x`"#;
        let shown = redact(reason.to_owned());
        assert!(!shown.contains("argon2"), "{shown}");
        assert_eq!(
            shown,
            r#"invalid type: string "<redacted>", expected a map; and `<redacted>`"#
        );
        let digest = "sha256:203dbc16f0a5cc85b54c5c8e4a1b38dc0ade8640e23df53658fb0a62e0c78200";
        let reason =
            format!(r#"unknown variant "{digest}", and "$argon2id$v=19$x" then `{digest}`"#);
        let shown = redact(reason);
        assert!(
            !shown.contains("203dbc16") && !shown.contains("argon2"),
            "{shown}"
        );
        assert_eq!(
            shown,
            r#"unknown variant "<redacted>", and "<redacted>" then `<redacted>`"#
        );
    }

    #[test]
    fn differences_are_named_by_path() {
        let a = serde_json::json!({"kind": "user", "record": {"x": [1, {"y": 2}]}});
        let b = serde_json::json!({"kind": "user", "record": {"x": [1, {"y": 3}]}});
        assert_eq!(first_difference(&a, &b).as_deref(), Some("record.x[1].y"));
        let extra = serde_json::json!({"kind": "user", "record": {"x": [1, {"y": 2}]}, "z": 0});
        assert_eq!(first_difference(&extra, &a).as_deref(), Some("z"));
        assert_eq!(first_difference(&a, &a), None);
    }
}
