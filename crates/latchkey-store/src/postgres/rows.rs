//! Between Rust values and SQL: ids as `uuid`, records as `jsonb` documents,
//! expirations as nanoseconds, and pages of a filtered, ordered table.

use jiff::Timestamp;
use latchkey_core::list::{Order, Page, PageRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::tx::{Tx, TxError};
use crate::StoreError;

/// An id as its UUID (the same 128 bits, so the same order).
pub(super) fn uid(id: impl Into<u128>) -> Uuid {
    Uuid::from_u128(id.into())
}

/// Ids as UUIDs, for `= ANY($n)`.
pub(super) fn uids<I: Copy + Into<u128>>(ids: &[I]) -> Vec<Uuid> {
    ids.iter().map(|id| uid(*id)).collect()
}

/// The record in a row's `doc` column.
pub(super) fn doc<T: DeserializeOwned>(row: &Row) -> Result<T, TxError> {
    let value: serde_json::Value = row.try_get("doc")?;
    serde_json::from_value(value).map_err(|error| StoreError::Corrupt(error.to_string()).into())
}

/// A record as its `doc` value.
pub(super) fn json<T: Serialize>(value: &T) -> Result<serde_json::Value, TxError> {
    serde_json::to_value(value).map_err(|error| StoreError::Corrupt(error.to_string()).into())
}

/// An instant in nanoseconds since the epoch, clamped to `bigint`: every
/// comparison with a present-day `now` stays exact (the clamp only moves
/// instants before 1677 or after 2262).
pub(super) fn nanos(at: Timestamp) -> i64 {
    let value = at.as_nanosecond();
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

/// A record another one names is missing: the data is damaged.
pub(super) fn missing(what: &str) -> TxError {
    StoreError::Corrupt(format!("a stored record names a missing {what}")).into()
}

/// A boxed query parameter.
type Param = Box<dyn ToSql + Sync + Send>;

/// `FROM table WHERE …` with its parameters, built up condition by condition.
pub(super) struct Selection {
    from: String,
    params: Vec<Param>,
}

impl Selection {
    /// Rows of `table`.
    pub(super) fn from(table: &str) -> Self {
        Selection {
            from: format!("{table} WHERE true"),
            params: Vec::new(),
        }
    }

    /// Adds a parameter and returns its placeholder (`$n`).
    pub(super) fn param(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.params.push(Box::new(value));
        format!("${}", self.params.len())
    }

    /// Adds a condition (built with [`Selection::param`] placeholders).
    pub(super) fn and(mut self, condition: impl AsRef<str>) -> Self {
        self.from.push_str(" AND ");
        self.from.push_str(condition.as_ref());
        self
    }

    /// Adds a condition on one new parameter: `template` with `{}` replaced
    /// by its placeholder.
    pub(super) fn and_param(
        mut self,
        template: &str,
        value: impl ToSql + Sync + Send + 'static,
    ) -> Self {
        let placeholder = self.param(value);
        self.and(template.replace("{}", &placeholder))
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|param| &**param as &(dyn ToSql + Sync))
            .collect()
    }

    /// The number of selected rows.
    pub(super) async fn count(&self, tx: &Tx<'_>) -> Result<u64, TxError> {
        let sql = format!("SELECT count(*) FROM {}", self.from);
        let count: i64 = tx.query_one(&sql, &self.refs()).await?.get(0);
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Every selected record, in creation order.
    pub(super) async fn all<T: DeserializeOwned>(&self, tx: &Tx<'_>) -> Result<Vec<T>, TxError> {
        let sql = format!("SELECT doc FROM {} ORDER BY id", self.from);
        tx.query(&sql, &self.refs())
            .await?
            .iter()
            .map(doc)
            .collect()
    }

    /// One page of the selected records.
    pub(super) async fn page<T: DeserializeOwned, C: Copy + Into<u128>>(
        self,
        tx: &Tx<'_>,
        request: &PageRequest<C>,
    ) -> Result<Page<T>, TxError> {
        let total_count = if request.include_total_count {
            Some(self.count(tx).await?)
        } else {
            None
        };
        let (comparison, direction) = match request.order {
            Order::Ascending => (">", "ASC"),
            Order::Descending => ("<", "DESC"),
        };
        let selection = match request.after {
            Some(after) => self.and_param(&format!("id {comparison} {{}}"), uid(after)),
            None => self,
        };
        let limit = request.limit as usize;
        let sql = format!(
            "SELECT doc FROM {} ORDER BY id {direction} LIMIT {}",
            selection.from,
            limit + 1
        );
        let rows = tx.query(&sql, &selection.refs()).await?;
        let has_more = rows.len() > limit;
        let data = rows
            .iter()
            .take(limit)
            .map(doc)
            .collect::<Result<Vec<T>, _>>()?;
        Ok(Page {
            data,
            has_more,
            total_count,
        })
    }
}
