//! Lists: the query of a page, a pager that follows the `after` cursor, and
//! a stream of every item.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use latchkey_core::list::Order;
use latchkey_core::status::{ApplicationStatus, EffectiveKeyStatus, KeyStatus, UserStatus};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::{ApiObject, Page};

/// A status a list can be filtered by.
pub trait StatusFilter {
    /// The status as the API spells it.
    fn as_filter(&self) -> &'static str;
}

impl StatusFilter for ApplicationStatus {
    fn as_filter(&self) -> &'static str {
        self.as_str()
    }
}

impl StatusFilter for UserStatus {
    fn as_filter(&self) -> &'static str {
        self.as_str()
    }
}

impl StatusFilter for KeyStatus {
    fn as_filter(&self) -> &'static str {
        self.as_str()
    }
}

impl StatusFilter for EffectiveKeyStatus {
    fn as_filter(&self) -> &'static str {
        match self {
            EffectiveKeyStatus::Active => "active",
            EffectiveKeyStatus::Inactive => "inactive",
            EffectiveKeyStatus::Revoked => "revoked",
            EffectiveKeyStatus::Expired => "expired",
        }
    }
}

/// The query of a list: page size, cursor, order, total count and status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListParams {
    /// Items per page, 1–1000 (the server's default is 50).
    pub limit: Option<u32>,
    /// Start after the item with this id.
    pub after: Option<String>,
    /// `ASC` (creation order, the default) or `DESC`.
    pub order: Option<Order>,
    /// Ask for `total_count`.
    pub include_total_count: bool,
    /// Only items with this status (terminal statuses are hidden unless
    /// asked for).
    pub status: Option<&'static str>,
}

impl ListParams {
    /// The first page with the server's defaults.
    pub fn new() -> Self {
        ListParams::default()
    }

    /// `limit` items per page (1–1000; other values are the server's 400).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Start after the item with id `after`.
    pub fn after(mut self, after: impl Into<String>) -> Self {
        self.after = Some(after.into());
        self
    }

    /// In `order`.
    pub fn order(mut self, order: Order) -> Self {
        self.order = Some(order);
        self
    }

    /// With `total_count`.
    pub fn include_total_count(mut self) -> Self {
        self.include_total_count = true;
        self
    }

    /// Only items with `status`.
    pub fn status(mut self, status: impl StatusFilter) -> Self {
        self.status = Some(status.as_filter());
        self
    }

    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(after) = &self.after {
            query.push(("after", after.clone()));
        }
        if let Some(order) = self.order {
            let order = match order {
                Order::Ascending => "ASC",
                Order::Descending => "DESC",
            };
            query.push(("order", order.to_owned()));
        }
        if self.include_total_count {
            query.push(("include", "total_count".to_owned()));
        }
        if let Some(status) = self.status {
            query.push(("status", status.to_owned()));
        }
        query
    }
}

/// Fetches the pages of a list one at a time, following `after` until
/// `has_more` is false. Bindings drive it with [`next_page`](Self::next_page);
/// Rust code usually takes [`into_stream`](Self::into_stream) of the items.
#[derive(Debug, Clone)]
pub struct Pager<T> {
    client: Client,
    path: String,
    params: ListParams,
    extra: Vec<(&'static str, String)>,
    done: bool,
    _items: std::marker::PhantomData<fn() -> T>,
}

impl<T: ApiObject + Send + 'static> Pager<T> {
    pub(crate) fn new(
        client: &Client,
        path: String,
        params: &ListParams,
        extra: Vec<(&'static str, String)>,
    ) -> Self {
        Pager {
            client: client.clone(),
            path,
            params: params.clone(),
            extra,
            done: false,
            _items: std::marker::PhantomData,
        }
    }

    /// The next page, or `None` after the last one.
    pub async fn next_page(&mut self) -> Result<Option<Page<T>>> {
        if self.done {
            return Ok(None);
        }
        let mut query = self.params.query();
        query.extend(self.extra.iter().cloned());
        let page: Page<T> = self.client.get_page(&self.path, &query).await?;
        match (&page.after, page.has_more) {
            (Some(after), true) => self.params.after = Some(after.clone()),
            _ => self.done = true,
        }
        Ok(Some(page))
    }

    /// Every item of every page, fetched as the stream is read. An error
    /// ends the stream after it is yielded.
    pub fn into_stream(self) -> ItemStream<T> {
        let pages = stream::try_unfold(self, |mut pager| async move {
            Ok::<_, Error>(pager.next_page().await?.map(|page| (page, pager)))
        });
        let items = pages
            .map_ok(|page: Page<T>| stream::iter(page.data.into_iter().map(Ok)))
            .try_flatten();
        ItemStream {
            inner: Box::pin(items),
        }
    }
}

impl<T: ApiObject + Send + 'static> Pager<T> {
    /// This pager with its item type erased: each page's items come out as
    /// `map(items)`, so that one binding type (Python's and Node's
    /// `NativePager`) drives the pager of any list.
    pub fn boxed<P>(self, map: impl FnMut(Vec<T>) -> P + Send + 'static) -> BoxedPager<P> {
        BoxedPager {
            inner: Box::new(Mapped { pager: self, map }),
        }
    }
}

/// A [`Pager`] of an item type known only to itself, whose pages come out
/// as `P` (see [`Pager::boxed`]).
pub struct BoxedPager<P> {
    inner: Box<dyn ErasedPager<P>>,
}

impl<P> BoxedPager<P> {
    /// The next page, converted, or `None` after the last one.
    pub async fn next_page(&mut self) -> Result<Option<P>> {
        self.inner.next_mapped().await
    }
}

impl<P> std::fmt::Debug for BoxedPager<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoxedPager").finish_non_exhaustive()
    }
}

type NextMapped<'a, P> = Pin<Box<dyn Future<Output = Result<Option<P>>> + Send + 'a>>;

trait ErasedPager<P>: Send {
    fn next_mapped(&mut self) -> NextMapped<'_, P>;
}

struct Mapped<T, F> {
    pager: Pager<T>,
    map: F,
}

impl<T, P, F> ErasedPager<P> for Mapped<T, F>
where
    T: ApiObject + Send + 'static,
    F: FnMut(Vec<T>) -> P + Send,
{
    fn next_mapped(&mut self) -> NextMapped<'_, P> {
        Box::pin(async move {
            let page = self.pager.next_page().await?;
            Ok(page.map(|page| (self.map)(page.data)))
        })
    }
}

/// A stream of every item of a list, across pages.
pub struct ItemStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T>> + Send>>,
}

impl<T> ItemStream<T> {
    /// Reads the whole list into memory.
    pub async fn collect_all(self) -> Result<Vec<T>> {
        self.try_collect().await
    }
}

impl<T> Stream for ItemStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> std::fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream").finish_non_exhaustive()
    }
}
