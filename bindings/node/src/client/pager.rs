//! `NativePager`: the pages of a list, one request per `nextPage()`,
//! following the `after` cursor (the Rust client's [`Pager`]). The wrapper
//! turns it into an async iterator over every item (`for await`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use latchkey_client::models::ApiObject;
use latchkey_client::{Error, Pager};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi_derive::napi;

use super::convert::ToJs;
use super::items::{PageItems, source};
use super::runtime::spawn;

type NextPage<'a> = Pin<Box<dyn Future<Output = Result<PageItems, Error>> + Send + 'a>>;

/// A pager whose item type is known only to itself.
trait AnyPager: Send {
    fn next_items(&mut self) -> NextPage<'_>;
}

impl<T: ApiObject + ToJs + Send + 'static> AnyPager for Pager<T> {
    fn next_items(&mut self) -> NextPage<'_> {
        Box::pin(async move {
            let page = self.next_page().await?;
            Ok(PageItems(page.map(|page| source(page.data))))
        })
    }
}

/// The pages of one list.
#[napi]
pub struct NativePager {
    // A tokio mutex: the lock is held across the page's request, so two
    // concurrent `nextPage()` calls fetch two successive pages.
    pager: Arc<tokio::sync::Mutex<Box<dyn AnyPager>>>,
}

impl NativePager {
    /// Pages of `pager`.
    pub fn new<T: ApiObject + ToJs + Send + 'static>(pager: Pager<T>) -> Self {
        NativePager {
            pager: Arc::new(tokio::sync::Mutex::new(Box::new(pager))),
        }
    }
}

#[napi]
impl NativePager {
    /// The next page's items (a `NativeItems`), or `null` after the last page.
    #[napi]
    pub fn next_page<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let pager = Arc::clone(&self.pager);
        spawn(env, async move {
            let mut pager = pager.lock().await;
            pager.next_items().await
        })
    }
}
