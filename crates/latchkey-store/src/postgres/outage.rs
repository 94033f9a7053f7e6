//! Which database failures are an outage — the database is down, restarting,
//! refusing connections or out of them, the connection broke — rather than a
//! fault of the operation. An outage is [`StoreError::Unavailable`]: the
//! server answers 503 with `Retry-After` and the client may try again;
//! anything else stays [`StoreError::Backend`].

use std::error::Error as _;
use std::io;

use deadpool_postgres::PoolError;
use tokio_postgres::error::SqlState;

use crate::StoreError;

/// The store error for a failure of PostgreSQL or of the way to it.
pub(super) fn database(error: tokio_postgres::Error) -> StoreError {
    if is_outage(&error) {
        StoreError::Unavailable(error.to_string())
    } else {
        StoreError::Backend(error.to_string())
    }
}

/// The store error for a connection the pool could not give.
pub(super) fn pool(error: PoolError) -> StoreError {
    let message = format!("database connection: {error}");
    let outage = match &error {
        PoolError::Backend(error) => is_outage(error),
        PoolError::Timeout(_) | PoolError::Closed => true,
        PoolError::NoRuntimeSpecified | PoolError::PostCreateHook(_) => false,
    };
    if outage {
        StoreError::Unavailable(message)
    } else {
        StoreError::Backend(message)
    }
}

/// A closed or broken connection, a connection that could not be made, or
/// the server saying it is shutting down, starting, or out of connections.
fn is_outage(error: &tokio_postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    if let Some(code) = error.code() {
        return is_outage_state(code);
    }
    // Connecting, reading and writing fail with the socket's error; a
    // response that does not parse carries an `InvalidData`/`InvalidInput`
    // one, and is a fault, not an outage.
    error
        .source()
        .and_then(|source| source.downcast_ref::<io::Error>())
        .is_some_and(|io| {
            !matches!(
                io.kind(),
                io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput
            )
        })
}

/// SQLSTATEs of a server that cannot serve now: class 08 (connection
/// exception), `admin_shutdown`, `crash_shutdown`, `cannot_connect_now`
/// (starting up or shutting down) and `too_many_connections`.
fn is_outage_state(code: &SqlState) -> bool {
    code.code().starts_with("08")
        || *code == SqlState::ADMIN_SHUTDOWN
        || *code == SqlState::CRASH_SHUTDOWN
        || *code == SqlState::CANNOT_CONNECT_NOW
        || *code == SqlState::TOO_MANY_CONNECTIONS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outage_states_are_the_ones_of_a_server_that_cannot_serve() {
        for code in [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::TOO_MANY_CONNECTIONS,
            SqlState::CONNECTION_EXCEPTION,
            SqlState::CONNECTION_FAILURE,
            SqlState::SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
        ] {
            assert!(is_outage_state(&code), "{code:?}");
        }
        for code in [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::UNIQUE_VIOLATION,
            SqlState::INVALID_PASSWORD,
            SqlState::UNDEFINED_TABLE,
            SqlState::DISK_FULL,
        ] {
            assert!(!is_outage_state(&code), "{code:?}");
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_an_outage() {
        // A port nothing listens on: bind one, learn it, close it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let error = tokio_postgres::connect(
            &format!("host=127.0.0.1 port={port} user=nobody"),
            tokio_postgres::NoTls,
        )
        .await
        .err()
        .expect("nothing listens there");
        assert!(matches!(database(error), StoreError::Unavailable(_)));
    }
}
