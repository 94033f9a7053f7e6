//! `NativeItems`: the items of one list page, handed to JavaScript
//! unconverted and turned into objects a slice at a time.
//!
//! A page may hold up to 1,000 items, and building them all in the promise's
//! resolution callback would keep the event loop busy for milliseconds in one
//! go. The callback therefore builds only the page's own members and this
//! handle; the wrapper (`lib/client/call.cjs`) takes the items a slice per
//! turn of the event loop, so no single turn converts more than a slice
//! whatever the page size.

use napi::Env;
use napi::bindgen_prelude::{Null, ToNapiValue, Unknown};
use napi_derive::napi;

use super::convert::{IntoJs, ToJs};

/// Items still to convert, of a type only the source knows.
pub trait ItemSource: Send {
    /// How many items are left.
    fn remaining(&self) -> usize;
    /// The next `count` items (fewer at the end) as JavaScript values.
    fn convert_next<'env>(
        &mut self,
        env: &'env Env,
        count: usize,
    ) -> napi::Result<Vec<Unknown<'env>>>;
}

impl<T: ToJs + Send> ItemSource for std::vec::IntoIter<T> {
    fn remaining(&self) -> usize {
        self.len()
    }

    fn convert_next<'env>(
        &mut self,
        env: &'env Env,
        count: usize,
    ) -> napi::Result<Vec<Unknown<'env>>> {
        self.by_ref()
            .take(count)
            .map(|item| item.to_js(env))
            .collect()
    }
}

/// The source of `items`.
pub fn source<T: ToJs + Send + 'static>(items: Vec<T>) -> Box<dyn ItemSource> {
    Box::new(items.into_iter())
}

/// The unconverted items of one page.
#[napi]
pub struct NativeItems {
    source: Box<dyn ItemSource>,
}

impl NativeItems {
    /// A handle on `source`'s items.
    pub fn new(source: Box<dyn ItemSource>) -> Self {
        NativeItems { source }
    }
}

#[napi]
impl NativeItems {
    /// How many items are still to take.
    #[napi(getter)]
    pub fn remaining(&self) -> u32 {
        u32::try_from(self.source.remaining()).unwrap_or(u32::MAX)
    }

    /// The next `count` items as objects (fewer at the end, none after).
    #[napi]
    pub fn take<'env>(&mut self, env: &'env Env, count: u32) -> napi::Result<Vec<Unknown<'env>>> {
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        self.source.convert_next(env, count)
    }
}

/// What a pager's `nextPage()` resolves with: the page's items, or `null`
/// after the last page.
pub struct PageItems(pub Option<Box<dyn ItemSource>>);

impl IntoJs for PageItems {
    fn into_js<'env>(self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        match self.0 {
            Some(source) => NativeItems::new(source).into_unknown(env),
            None => Null.into_unknown(env),
        }
    }
}
