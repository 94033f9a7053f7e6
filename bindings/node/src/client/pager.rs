//! `NativePager`: the pages of a list, one request per `nextPage()`,
//! following the `after` cursor (the Rust client's [`Pager`]). The wrapper
//! turns it into an async iterator over every item (`for await`).

use std::sync::Arc;

use latchkey_client::models::ApiObject;
use latchkey_client::{BoxedPager, Pager};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi_derive::napi;

use super::convert::ToJs;
use super::items::{ItemSource, PageItems, source};
use super::runtime::spawn;

/// The pages of one list.
#[napi]
pub struct NativePager {
    // A tokio mutex: the lock is held across the page's request, so two
    // concurrent `nextPage()` calls fetch two successive pages.
    pager: Arc<tokio::sync::Mutex<BoxedPager<Box<dyn ItemSource>>>>,
}

impl NativePager {
    /// Pages of `pager`.
    pub fn new<T: ApiObject + ToJs + Send + 'static>(pager: Pager<T>) -> Self {
        NativePager {
            pager: Arc::new(tokio::sync::Mutex::new(pager.boxed(source))),
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
            Ok(PageItems(pager.next_page().await?))
        })
    }
}
