//! `NativePager`: the pages of a list, one request per `next_page()`,
//! following the `after` cursor (the Rust client's [`Pager`], its item
//! type erased by [`Pager::boxed`]). The Python
//! layer turns it into an iterator (`Client`) or an async iterator
//! (`AsyncClient`) over every item.

use std::sync::Arc;

use latchkey_client::models::ApiObject;
use latchkey_client::{BoxedPager, Pager};
use pyo3::prelude::*;

use super::convert::ToPython;
use super::runtime::{Mode, run};

/// A page's items, converted to Python when handed over.
type Items = Box<dyn ToPython + Send>;

/// The pages of one list.
#[pyclass(frozen, module = "latchkey._latchkey")]
pub struct NativePager {
    // A tokio mutex: the lock is held across the page's request, so two
    // concurrent `next_page()` calls fetch two successive pages.
    pager: Arc<tokio::sync::Mutex<BoxedPager<Items>>>,
    mode: Mode,
}

impl NativePager {
    /// Pages of `pager`, answered the way `mode` says.
    pub fn new<T: ApiObject + ToPython + Send + 'static>(pager: Pager<T>, mode: Mode) -> Self {
        NativePager {
            pager: Arc::new(tokio::sync::Mutex::new(
                pager.boxed(|items| Box::new(items) as Items),
            )),
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
            pager.next_page().await
        })
    }
}
