//! The resource groups of a client (`client.applications()`, …), each an
//! object with `suspend`/`async` methods that call the Rust client's method
//! of the same name. `listPage` reads one page; the `pager` of a list is the
//! Rust client's pager (one request per `nextPage()`, following the cursor),
//! on which Kotlin's `list` (a `Flow`) and Swift's `list` (an
//! `AsyncSequence`) are built (`Pages.kt`, `Pages.swift`). The objects and
//! pagers are declared here; their methods are generated from
//! `spec/sdk.json` into `resources/generated.rs` (`cargo xtask codegen`).

use std::sync::Arc;

use latchkey_client::Client;

use crate::client::Slot;
use crate::error::LatchkeyError;
use crate::models::ListOptions;

// The methods of every resource object, one per operation of spec/sdk.json.
mod generated;

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
            fn wrap(pager: latchkey_client::Pager<latchkey_client::models::$item>) -> Arc<Self> {
                Arc::new($pager {
                    pager: tokio::sync::Mutex::new(pager),
                })
            }
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl $pager {
            /// The next page, or none after the last one (one request each).
            pub async fn next_page(&self) -> Result<Option<crate::models::$page>> {
                let mut pager = self.pager.lock().await;
                Ok(pager.next_page().await?.map(Into::into))
            }
        }
    };
}

pager!(/// The pages of a list of applications.
    ApplicationPager of Application as ApplicationPage);
pager!(/// The pages of a list of access keys.
    AccessKeyPager of AccessKey as AccessKeyPage);
pager!(/// The pages of a list of JWT keys.
    JwtKeyPager of JwtKey as JwtKeyPage);
pager!(/// The pages of a list of users.
    UserPager of User as UserPage);
pager!(/// The pages of a list of policy groups.
    PolicyGroupPager of PolicyGroup as PolicyGroupPage);
pager!(/// The pages of a list of accounts.
    AccountPager of Account as AccountPage);
pager!(/// The pages of the audit log.
    AuditRecordPager of AuditRecord as AuditRecordPage);

/// Applications: the holders of credentials.
#[derive(uniffi::Object)]
pub struct Applications {
    slot: Arc<Slot>,
}

impl Applications {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        Applications { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

/// Access keys (`ak_…`) of applications.
#[derive(uniffi::Object)]
pub struct AccessKeys {
    slot: Arc<Slot>,
}

impl AccessKeys {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        AccessKeys { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

/// JWT keys: registered public keys whose private halves sign access
/// tokens.
#[derive(uniffi::Object)]
pub struct JwtKeys {
    slot: Arc<Slot>,
}

impl JwtKeys {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        JwtKeys { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

/// Users of the account.
#[derive(uniffi::Object)]
pub struct Users {
    slot: Arc<Slot>,
}

impl Users {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        Users { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

/// Policy groups and their members.
#[derive(uniffi::Object)]
pub struct PolicyGroups {
    slot: Arc<Slot>,
}

impl PolicyGroups {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        PolicyGroups { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

/// The caller's account, and tenant accounts for the operator.
#[derive(uniffi::Object)]
pub struct Accounts {
    slot: Arc<Slot>,
}

impl Accounts {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        Accounts { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

/// The account's audit log (`/v3/audit-log`, needs `audit:view`): every
/// change and sign-in, in the order written.
#[derive(uniffi::Object)]
pub struct AuditLog {
    slot: Arc<Slot>,
}

impl AuditLog {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        AuditLog { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}
