//! Versioned migrations, embedded in the binary and applied at start-up.
//!
//! `latchkey_schema_migrations` records each applied version. Start-up takes
//! an advisory lock so that replicas starting together migrate once, applies
//! the missing versions in order in one transaction, and refuses a database
//! that already carries a version newer than this build knows, leaving it
//! untouched.

use deadpool_postgres::GenericClient;

use crate::{StoreError, StoreResult};

/// One migration: its version and its SQL.
struct Migration {
    version: u64,
    sql: &'static str,
}

/// Every migration, oldest first. Never edit a released one: add the next.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("../../migrations/0002_console_people.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("../../migrations/0003_audit_log.sql"),
    },
    Migration {
        version: 4,
        sql: include_str!("../../migrations/0004_key_policy.sql"),
    },
    Migration {
        version: 5,
        sql: include_str!("../../migrations/0005_key_limit_counts.sql"),
    },
];

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u64 = 5;

/// Any fixed number: the advisory lock that serializes concurrent migrations.
const MIGRATION_LOCK: i64 = 0x6c61_7463_686b_6579; // "latchkey"

const CREATE_VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS latchkey_schema_migrations (
    version    bigint      PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)";

fn backend(error: tokio_postgres::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

/// The newest applied version, `None` on a database Latchkey never used.
pub(super) async fn current_version(client: &impl GenericClient) -> StoreResult<Option<u64>> {
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('latchkey_schema_migrations') IS NOT NULL",
            &[],
        )
        .await
        .map_err(backend)?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let version: Option<i64> = client
        .query_one("SELECT max(version) FROM latchkey_schema_migrations", &[])
        .await
        .map_err(backend)?
        .get(0);
    Ok(version.map(|v| v as u64))
}

/// Brings the database to [`SCHEMA_VERSION`], or refuses a newer one.
pub(super) async fn migrate(client: &mut deadpool_postgres::Object) -> StoreResult<()> {
    let tx = client.transaction().await.map_err(backend)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(backend)?;
    tx.batch_execute(CREATE_VERSION_TABLE)
        .await
        .map_err(backend)?;
    let found = current_version(&tx).await?.unwrap_or(0);
    if found > SCHEMA_VERSION {
        tx.rollback().await.map_err(backend)?;
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > found) {
        tx.batch_execute(migration.sql).await.map_err(backend)?;
        tx.execute(
            "INSERT INTO latchkey_schema_migrations (version) VALUES ($1)",
            &[&(migration.version as i64)],
        )
        .await
        .map_err(backend)?;
    }
    tx.commit().await.map_err(backend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_up_to_the_schema_version() {
        let versions: Vec<u64> = MIGRATIONS.iter().map(|m| m.version).collect();
        let expected: Vec<u64> = (1..=SCHEMA_VERSION).collect();
        assert_eq!(versions, expected);
    }
}
