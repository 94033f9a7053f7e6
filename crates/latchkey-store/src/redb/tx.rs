//! Typed access to the tables inside one transaction, shared by read and
//! write transactions.

use std::ops::RangeInclusive;

use latchkey_core::list::{Order, Page, PageRequest};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::tables::{Expiring, Index, Names, Records, Unexpiring};
use crate::{StoreError, StoreResult};

fn corrupt(error: serde_json::Error) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> StoreResult<T> {
    serde_json::from_slice(bytes).map_err(corrupt)
}

fn record<T: DeserializeOwned>(
    table: &impl ReadableTable<u128, &'static [u8]>,
    id: u128,
) -> StoreResult<Option<T>> {
    match table.get(id)? {
        Some(bytes) => decode(bytes.value()).map(Some),
        None => Ok(None),
    }
}

fn children_in(
    table: &impl ReadableTable<(u128, u128), ()>,
    range: RangeInclusive<(u128, u128)>,
    order: Order,
) -> StoreResult<Vec<u128>> {
    let range = table.range(range)?;
    let child = |entry: Result<_, redb::StorageError>| -> StoreResult<u128> {
        let (key, _): (
            redb::AccessGuard<'_, (u128, u128)>,
            redb::AccessGuard<'_, ()>,
        ) = entry?;
        Ok(key.value().1)
    };
    match order {
        Order::Ascending => range.map(child).collect(),
        Order::Descending => range.rev().map(child).collect(),
    }
}

/// The part of a parent's children that follows a cursor, or `None` when
/// nothing can follow it.
fn after_cursor(
    parent: u128,
    after: Option<u128>,
    order: Order,
) -> Option<RangeInclusive<(u128, u128)>> {
    match (order, after) {
        (_, None) => Some((parent, 0)..=(parent, u128::MAX)),
        (Order::Ascending, Some(after)) => after
            .checked_add(1)
            .map(|first| (parent, first)..=(parent, u128::MAX)),
        (Order::Descending, Some(after)) => after
            .checked_sub(1)
            .map(|last| (parent, 0)..=(parent, last)),
    }
}

/// Reading, in either kind of transaction.
pub(super) trait Read {
    /// A record.
    fn get<T: DeserializeOwned>(&self, table: Records, id: u128) -> StoreResult<Option<T>>;
    /// A parent's children in an index, in order, after a cursor.
    fn children_after(
        &self,
        index: Index,
        parent: u128,
        after: Option<u128>,
        order: Order,
    ) -> StoreResult<Vec<u128>>;
    /// An application's keys that count toward its limit, from its
    /// maintained count and expiration index: the unexpiring ones plus the
    /// expiring ones whose expiration is `first_counting` (ns) or later.
    fn limit_count(
        &self,
        unexpiring: Unexpiring,
        expiring: Expiring,
        application: u128,
        first_counting: i128,
    ) -> StoreResult<u64>;
    /// A parent's children in creation order.
    fn children(&self, index: Index, parent: u128) -> StoreResult<Vec<u128>> {
        self.children_after(index, parent, None, Order::Ascending)
    }

    /// A record that must exist (its absence would be a broken index).
    fn get_existing<T: DeserializeOwned>(&self, table: Records, id: u128) -> StoreResult<T> {
        self.get(table, id)?
            .ok_or_else(|| StoreError::Corrupt(format!("index names a missing record {id:x}")))
    }

    /// A page of a parent's children that pass `keep`, with the total when asked.
    fn page<T: DeserializeOwned, C: Copy + Into<u128>>(
        &self,
        index: Index,
        parent: u128,
        records: Records,
        request: &PageRequest<C>,
        mut keep: impl FnMut(&T) -> bool,
    ) -> StoreResult<Page<T>> {
        let mut data = Vec::new();
        let mut has_more = false;
        let after = request.after.map(Into::into);
        for id in self.children_after(index, parent, after, request.order)? {
            let item: T = self.get_existing(records, id)?;
            if keep(&item) {
                if data.len() == request.limit as usize {
                    has_more = true;
                    break;
                }
                data.push(item);
            }
        }
        let total_count = if request.include_total_count {
            let mut count = 0;
            for id in self.children(index, parent)? {
                let item: T = self.get_existing(records, id)?;
                count += u64::from(keep(&item));
            }
            Some(count)
        } else {
            None
        };
        Ok(Page {
            data,
            has_more,
            total_count,
        })
    }
}

macro_rules! impl_read {
    ($transaction:ty) => {
        impl Read for $transaction {
            fn get<T: DeserializeOwned>(&self, table: Records, id: u128) -> StoreResult<Option<T>> {
                record(&self.open_table(table)?, id)
            }

            fn children_after(
                &self,
                index: Index,
                parent: u128,
                after: Option<u128>,
                order: Order,
            ) -> StoreResult<Vec<u128>> {
                match after_cursor(parent, after, order) {
                    Some(range) => children_in(&self.open_table(index)?, range, order),
                    None => Ok(Vec::new()),
                }
            }

            fn limit_count(
                &self,
                unexpiring: Unexpiring,
                expiring: Expiring,
                application: u128,
                first_counting: i128,
            ) -> StoreResult<u64> {
                let always = self
                    .open_table(unexpiring)?
                    .get(application)?
                    .map_or(0, |count| count.value());
                let range = (application, first_counting, 0)..=(application, i128::MAX, u128::MAX);
                let mut until = 0;
                for entry in self.open_table(expiring)?.range(range)? {
                    entry?;
                    until += 1;
                }
                Ok(always + until)
            }
        }
    };
}

impl_read!(ReadTransaction);
impl_read!(WriteTransaction);

/// Writing, in a write transaction.
pub(super) trait Write: Read {
    /// Inserts or replaces a record.
    fn put<T: Serialize>(&self, table: Records, id: u128, value: &T) -> StoreResult<()>;
    /// Removes a record.
    fn remove(&self, table: Records, id: u128) -> StoreResult<()>;
    /// Adds an index entry.
    fn link(&self, index: Index, parent: u128, child: u128) -> StoreResult<()>;
    /// Removes an index entry.
    fn unlink(&self, index: Index, parent: u128, child: u128) -> StoreResult<()>;
    /// Takes a name for `id`, refusing one held by another id.
    fn claim_name(
        &self,
        names: Names,
        account: u128,
        name: &str,
        id: u128,
        field: &'static str,
    ) -> StoreResult<()>;
    /// Gives a name back, if `id` holds it.
    fn release_name(&self, names: Names, account: u128, name: &str, id: u128) -> StoreResult<()>;
}

impl Write for WriteTransaction {
    fn put<T: Serialize>(&self, table: Records, id: u128, value: &T) -> StoreResult<()> {
        let bytes = serde_json::to_vec(value).map_err(corrupt)?;
        self.open_table(table)?.insert(id, bytes.as_slice())?;
        Ok(())
    }

    fn remove(&self, table: Records, id: u128) -> StoreResult<()> {
        self.open_table(table)?.remove(id)?;
        Ok(())
    }

    fn link(&self, index: Index, parent: u128, child: u128) -> StoreResult<()> {
        self.open_table(index)?.insert((parent, child), ())?;
        Ok(())
    }

    fn unlink(&self, index: Index, parent: u128, child: u128) -> StoreResult<()> {
        self.open_table(index)?.remove((parent, child))?;
        Ok(())
    }

    fn claim_name(
        &self,
        names: Names,
        account: u128,
        name: &str,
        id: u128,
        field: &'static str,
    ) -> StoreResult<()> {
        let mut table = self.open_table(names)?;
        if let Some(holder) = table.get((account, name))?
            && holder.value() != id
        {
            return Err(StoreError::Duplicate {
                field,
                value: name.to_owned(),
            });
        }
        table.insert((account, name), id)?;
        Ok(())
    }

    fn release_name(&self, names: Names, account: u128, name: &str, id: u128) -> StoreResult<()> {
        let mut table = self.open_table(names)?;
        let held = table
            .get((account, name))?
            .is_some_and(|holder| holder.value() == id);
        if held {
            table.remove((account, name))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_ranges() {
        assert_eq!(
            after_cursor(7, None, Order::Descending),
            Some((7, 0)..=(7, u128::MAX))
        );
        assert_eq!(
            after_cursor(7, Some(5), Order::Ascending),
            Some((7, 6)..=(7, u128::MAX))
        );
        assert_eq!(
            after_cursor(7, Some(5), Order::Descending),
            Some((7, 0)..=(7, 4))
        );
        assert_eq!(after_cursor(7, Some(u128::MAX), Order::Ascending), None);
        assert_eq!(after_cursor(7, Some(0), Order::Descending), None);
    }
}
