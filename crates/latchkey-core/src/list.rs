//! List queries and pages: `limit`, `after`, `order`, `include=total_count`.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationErrors;

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 1000;

/// The order of a list: by creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Order {
    /// Oldest first.
    #[default]
    #[serde(rename = "ASC")]
    Ascending,
    /// Newest first.
    #[serde(rename = "DESC")]
    Descending,
}

/// A page request, with cursor `After` (an id of the listed kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<After> {
    /// At most this many items (1–1000).
    pub limit: u32,
    /// Start after the item with this id.
    pub after: Option<After>,
    /// Direction.
    pub order: Order,
    /// Whether to count every matching item.
    pub include_total_count: bool,
}

impl<After> PageRequest<After> {
    /// Checks `limit`: a value outside 1–1000 is an error, not clamped.
    pub fn new(
        limit: Option<i64>,
        after: Option<After>,
        order: Order,
        include_total_count: bool,
    ) -> Result<Self, ValidationErrors> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(limit) if (1..=i64::from(MAX_LIMIT)).contains(&limit) => limit as u32,
            Some(_) => {
                return Err(ValidationErrors::single(
                    "limit",
                    format!("must be between 1 and {MAX_LIMIT}"),
                ));
            }
        };
        Ok(PageRequest {
            limit,
            after,
            order,
            include_total_count,
        })
    }

    /// The first page of `limit` items in creation order.
    pub fn first(limit: u32) -> Self {
        PageRequest {
            limit,
            after: None,
            order: Order::Ascending,
            include_total_count: false,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub data: Vec<T>,
    /// Whether more items follow the last one.
    pub has_more: bool,
    /// Every matching item, when asked for.
    pub total_count: Option<u64>,
}

impl<T> Page<T> {
    /// The same page with its items mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            data: self.data.into_iter().map(f).collect(),
            has_more: self.has_more,
            total_count: self.total_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_not_clamped() {
        assert_eq!(
            PageRequest::<u8>::new(None, None, Order::Ascending, false)
                .unwrap()
                .limit,
            50
        );
        assert_eq!(
            PageRequest::<u8>::new(Some(1000), None, Order::Ascending, false)
                .unwrap()
                .limit,
            1000
        );
        for bad in [0, -1, 1001, i64::MAX] {
            let errors =
                PageRequest::<u8>::new(Some(bad), None, Order::Ascending, false).unwrap_err();
            assert_eq!(errors.fields[0].name, "limit");
        }
    }

    #[test]
    fn order_names() {
        assert_eq!(
            serde_json::to_string(&Order::Descending).unwrap(),
            "\"DESC\""
        );
        assert_eq!(
            serde_json::from_str::<Order>("\"ASC\"").unwrap(),
            Order::Ascending
        );
    }
}
