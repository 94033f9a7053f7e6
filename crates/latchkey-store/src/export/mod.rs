//! Moving a whole store into another one: `latchkey admin export` and
//! `latchkey admin import`, from redb to PostgreSQL and back.
//!
//! The format is JSON lines. The first line is an [`ExportHeader`]
//! (`{"format":"latchkey-export","version":1,"schema":2,"exported_at":…}`);
//! each following line is one [`ExportRecord`] (`{"kind":"user","record":{…}}`)
//! holding the very document the stores keep, ids, timestamps, statuses and
//! `created_by` included; access keys carry their secret's digest
//! (`sha256:…`, or the argon2id hash an earlier version wrote, which the
//! importing server replaces on the key's first use), never a secret. The last line, `{"kind":"end","records":N}`, lets an import tell
//! a complete export from one cut short at a line boundary.
//!
//! What the stores derive — indexes, name and email claims, memberships'
//! lookup tables, the operator marker — is not exported: the importing store
//! rebuilds it from the records (memberships live in the records'
//! `group_ids`, in their order).
//!
//! An import reads and checks the whole input first ([`read_export`]: every
//! line decodes, and reads back exactly as written; ids are unique; every
//! reference resolves within its account; the name and email rules hold),
//! reporting each bad line by number, and only then writes, into an empty
//! store, in one transaction ([`Store::import_all`](crate::Store::import_all)).

mod counts;
mod error;
mod read;
mod record;
mod validate;
mod write;

pub use counts::RecordCounts;
pub use error::{ImportError, LineError};
pub use read::read_export;
pub use record::{
    ExportHeader, ExportRecord, FORMAT, FORMAT_VERSION, OLDEST_RECORD_SCHEMA, RECORD_SCHEMA,
    RecordKind,
};
pub use validate::ImportSet;
pub use write::write_export;
