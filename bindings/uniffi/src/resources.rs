//! The resource groups of a client (`client.applications()`, …), each an
//! object with `suspend`/`async` methods that call the Rust client's method
//! of the same name. `listPage` reads one page (a page record per item
//! type); the `pager` of a list is the Rust client's pager (one request per
//! `nextPage()`, following the cursor), on which Kotlin's `list` (a `Flow`)
//! and Swift's `list` (an `AsyncSequence`) are built (`Lists.kt`,
//! `Lists.swift`, generated too).
//!
//! Declared here is the shape of each kind of declaration, once, as a macro;
//! `cargo xtask codegen` (xtask/src/codegen/uniffi_native.rs) writes from
//! `spec/sdk.json` into `resources/generated.rs` every declaration — a
//! resource object per resource with the client's accessor, a page record
//! and a pager per item type listed — and every method. A new resource or
//! list needs nothing here.

use crate::error::LatchkeyError;
use crate::models::ListOptions;

type Result<T> = std::result::Result<T, LatchkeyError>;

/// The list parameters of `options` and an optional status filter.
fn params(
    options: Option<ListOptions>,
    status: Option<impl latchkey_client::StatusFilter>,
) -> latchkey_client::ListParams {
    let params = options.unwrap_or_default().params();
    match status {
        Some(status) => params.status(status),
        None => params,
    }
}

/// The list parameters of `options` alone (lists without a status filter).
fn plain(options: Option<ListOptions>) -> latchkey_client::ListParams {
    options.unwrap_or_default().params()
}

/// A resource object: what `client.<resource>()` returns, sharing the
/// client's slot (so that `shutdown()` reaches it).
macro_rules! resource {
    ($(#[$doc:meta])* $resource:ident) => {
        $(#[$doc])*
        #[derive(uniffi::Object)]
        pub struct $resource {
            slot: std::sync::Arc<crate::client::Slot>,
        }

        impl $resource {
            pub(crate) fn new(slot: std::sync::Arc<crate::client::Slot>) -> Self {
                $resource { slot }
            }

            /// The client, or `ClientClosed` after `shutdown()`.
            fn client(&self) -> Result<latchkey_client::Client> {
                self.slot.client()
            }
        }
    };
}

/// A page of a list (the client's `Page` is generic, which uniffi's
/// records cannot be): one record per item type.
macro_rules! page {
    ($(#[$doc:meta])* $page:ident of $item:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $page {
            /// The items.
            pub data: Vec<latchkey_client::models::$item>,
            /// Whether more pages follow.
            pub has_more: bool,
            /// The cursor of the next page (the last item's id).
            pub after: Option<String>,
            /// The page size.
            pub limit: u32,
            /// The order.
            pub order: latchkey_client::types::Order,
            /// The number of items of the whole list, when asked for.
            pub total_count: Option<u64>,
        }

        impl From<latchkey_client::models::Page<latchkey_client::models::$item>> for $page {
            fn from(page: latchkey_client::models::Page<latchkey_client::models::$item>) -> Self {
                $page {
                    data: page.data,
                    has_more: page.has_more,
                    after: page.after,
                    limit: page.limit,
                    order: page.order,
                    total_count: page.total_count,
                }
            }
        }
    };
}

/// The pager of a list: the Rust client's, one request per `nextPage()`.
macro_rules! pager {
    ($(#[$doc:meta])* $pager:ident of $item:ident as $page:ident) => {
        $(#[$doc])*
        #[derive(uniffi::Object)]
        pub struct $pager {
            // A tokio mutex: the lock is held across the page's request, so
            // two concurrent `nextPage()` calls fetch two successive pages.
            pager: tokio::sync::Mutex<latchkey_client::Pager<latchkey_client::models::$item>>,
        }

        impl $pager {
            fn wrap(
                pager: latchkey_client::Pager<latchkey_client::models::$item>,
            ) -> std::sync::Arc<Self> {
                std::sync::Arc::new($pager {
                    pager: tokio::sync::Mutex::new(pager),
                })
            }
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl $pager {
            /// The next page, or none after the last one (one request each).
            pub async fn next_page(&self) -> Result<Option<$page>> {
                let mut pager = self.pager.lock().await;
                Ok(pager.next_page().await?.map(Into::into))
            }
        }
    };
}

// Every declaration and method of the resources, from spec/sdk.json.
mod generated;
