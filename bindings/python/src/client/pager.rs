//! `NativePager`: the pages of a list, one request per `next_page()`,
//! following the `after` cursor (the Rust client's [`Pager`]). The Python
//! layer turns it into an iterator (`Client`) or an async iterator
//! (`AsyncClient`) over every item.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use latchkey_client::models::ApiObject;
use latchkey_client::{Error, Pager};
use pyo3::prelude::*;

use super::convert::ToPython;
use super::runtime::{Mode, run};

type Items = Box<dyn ToPython + Send>;
type NextPage<'a> = Pin<Box<dyn Future<Output = Result<Option<Items>, Error>> + Send + 'a>>;

/// A pager whose item type is known only to itself.
trait AnyPager: Send {
    fn next_items(&mut self) -> NextPage<'_>;
}

impl<T: ApiObject + ToPython + Send + 'static> AnyPager for Pager<T> {
    fn next_items(&mut self) -> NextPage<'_> {
        Box::pin(async move {
            let page = self.next_page().await?;
            Ok(page.map(|page| Box::new(page.data) as Items))
        })
    }
}

/// The pages of one list.
#[pyclass(frozen, module = "latchkey._latchkey")]
pub struct NativePager {
    // A tokio mutex: the lock is held across the page's request, so two
    // concurrent `next_page()` calls fetch two successive pages.
    pager: Arc<tokio::sync::Mutex<Box<dyn AnyPager>>>,
    mode: Mode,
}

impl NativePager {
    /// Pages of `pager`, answered the way `mode` says.
    pub fn new<T: ApiObject + ToPython + Send + 'static>(pager: Pager<T>, mode: Mode) -> Self {
        NativePager {
            pager: Arc::new(tokio::sync::Mutex::new(Box::new(pager))),
            mode,
        }
    }
}

#[pymethods]
impl NativePager {
    /// The next page's items as a list, or `None` after the last page (an
    /// awaitable of it for the async client).
    fn next_page<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pager = Arc::clone(&self.pager);
        run(py, self.mode, async move {
            let mut pager = pager.lock().await;
            pager.next_items().await
        })
    }
}
