//! The first start on an empty data file (the operator account, shown once),
//! and the recovery path: a new admin key minted straight into the data file.

use std::fmt;

use anyhow::{Context, Result, anyhow, bail};
use jiff::Timestamp;
use latchkey_core::id::{AccessKeyId, AccountId, ApplicationId, UserId};
use latchkey_core::list::PageRequest;
use latchkey_core::plan::Plan;
use latchkey_core::resource::{NewAccessKey, NewAccount};
use latchkey_store::{
    ADMIN_APPLICATION, AccountBundle, AppScope, KeyOwner, LimitPolicy, Store, StoreError,
    StoredAccessKey,
};

use crate::api::DEFAULT_ADMIN_EMAIL;

/// Name of the operator account made at first start.
pub const OPERATOR_ACCOUNT_NAME: &str = "Operator";

/// What the first start created. `Debug` never shows the key.
pub struct Bootstrapped {
    /// The operator account.
    pub account_id: AccountId,
    /// Its plan.
    pub plan: Plan,
    /// The admin user.
    pub admin_user_id: UserId,
    /// The admin user's email.
    pub admin_email: String,
    /// The admin application.
    pub admin_application_id: ApplicationId,
    /// The admin access key's id.
    pub access_key_id: AccessKeyId,
    /// The admin access key, shown once.
    pub key: String,
    /// The one-time link that sets the admin user's console password.
    pub password_link: String,
}

impl fmt::Debug for Bootstrapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bootstrapped")
            .field("account_id", &self.account_id)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Creates the operator account with its admin user, admin application and
/// first access key when the store holds no account yet; `None` otherwise.
pub async fn bootstrap(
    store: &dyn Store,
    plan: Plan,
    api_host: &str,
) -> Result<Option<Bootstrapped>> {
    if store.operator_account().await?.is_some() {
        return Ok(None);
    }
    let now = Timestamp::now();
    let account = NewAccount {
        name: OPERATOR_ACCOUNT_NAME.to_owned(),
        plan,
        limits: None,
    }
    .build(true, now)
    .map_err(|errors| anyhow!("{errors}"))?;
    let (bundle, generated) = AccountBundle::build(account, DEFAULT_ADMIN_EMAIL, api_host, now)
        .context("creating the operator account")?;
    let mut bootstrapped = Bootstrapped {
        account_id: bundle.account.id,
        plan: bundle.account.plan,
        admin_user_id: bundle.admin_user.id,
        admin_email: bundle.admin_user.email.clone(),
        admin_application_id: bundle.admin_application.id,
        access_key_id: bundle.admin_key.key.id,
        key: generated.key().to_owned(),
        password_link: String::new(),
    };
    match store
        .create_account(&latchkey_core::audit::Acting::system(), bundle)
        .await
    {
        Ok(()) => {
            // Nobody has a password yet: the admin user's first one is set
            // through this link (the server itself hands it out).
            let link = crate::password_links::issue(
                store,
                &latchkey_core::audit::Acting::system(),
                bootstrapped.account_id,
                bootstrapped.admin_user_id,
                api_host,
                now,
            )
            .await
            .context("making the admin user's password link")?;
            bootstrapped.password_link = link.url;
            Ok(Some(bootstrapped))
        }
        // Replicas starting together on one empty database: another one
        // bootstrapped first, and its key is the one shown.
        Err(StoreError::Conflict(_)) if store.operator_account().await?.is_some() => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// What `latchkey serve` prints on stdout after a bootstrap.
pub fn bootstrap_message(b: &Bootstrapped) -> String {
    format!(
        "Latchkey created its first account (the operator account, plan `{plan}`):\n\
         \n  account            {account}\
         \n  admin user         {user} ({email})\
         \n  admin application  {app}\
         \n  admin access key   {key_id}\
         \n\
         \nADMIN ACCESS KEY (shown this once; store it now):\
         \n\
         \n    {key}\
         \n\
         \nUse it as `Authorization: Bearer <key>`. A lost key cannot be shown again;\
         \nmint a new one with `latchkey admin mint-key --data <FILE>` while the server is stopped.\n\
         \nCONSOLE: open this link within 24 hours to set the admin user's password (it works once):\
         \n\
         \n    {link}\
         \n\
         \nThen sign in at {console} as {email}. A new link: `latchkey admin password-link --email {email}`.\n\n",
        plan = b.plan.as_str(),
        account = b.account_id,
        user = b.admin_user_id,
        email = b.admin_email,
        app = b.admin_application_id,
        key_id = b.access_key_id,
        key = b.key,
        link = b.password_link,
        console = console_url(&b.password_link),
    )
}

/// The console's address, from a password link on the same server.
fn console_url(link: &str) -> String {
    match link.find(latchkey_core::password_link::CONSOLE_PATH) {
        Some(at) => format!("{}/console", &link[..at]),
        None => "/console".to_owned(),
    }
}

/// Prints a new password link for the user with `email` in `account` (the
/// operator's when `None`): `latchkey admin password-link`.
pub async fn password_link(
    store: &dyn Store,
    email: &str,
    account: Option<AccountId>,
    public_url: &str,
) -> Result<crate::password_links::IssuedLink> {
    let account_id = match account {
        Some(id) => store.get_account(id).await.context("no such account")?.id,
        None => {
            store
                .operator_account()
                .await?
                .ok_or_else(|| {
                    anyhow!("the store holds no account yet: start `latchkey serve` once")
                })?
                .id
        }
    };
    let wanted = email.to_lowercase();
    let mut page = PageRequest::first(1000);
    let user = loop {
        let found = store.list_users(account_id, None, page).await?;
        if let Some(user) = found
            .data
            .iter()
            .find(|user| user.email.to_lowercase() == wanted)
        {
            break user.clone();
        }
        match (found.has_more, found.data.last()) {
            (true, Some(last)) => page.after = Some(last.id),
            _ => bail!("no active user with the email {email} in account {account_id}"),
        }
    };
    Ok(crate::password_links::issue(
        store,
        &latchkey_core::audit::Acting::cli(),
        account_id,
        user.id,
        public_url,
        Timestamp::now(),
    )
    .await?)
}

/// A key minted by `latchkey admin mint-key`. `Debug` never shows the key.
pub struct Minted {
    /// The application it belongs to.
    pub application_id: ApplicationId,
    /// The key's id.
    pub access_key_id: AccessKeyId,
    /// The key, shown once.
    pub key: String,
}

impl fmt::Debug for Minted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minted")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Adds a new access key to the operator's admin application (the plan's
/// key limit is ignored: this is how a locked-out operator gets back in).
pub async fn mint_admin_key(store: &dyn Store, api_host: &str) -> Result<Minted> {
    let operator = store.operator_account().await?.ok_or_else(|| {
        anyhow!("the data file holds no account yet: start `latchkey serve` once")
    })?;
    let groups = store
        .list_groups(operator.id, PageRequest::first(1000))
        .await?;
    let administrators = groups
        .data
        .iter()
        .find(|g| g.built_in)
        .ok_or_else(|| anyhow!("the operator account has no Administrators group"))?;
    let apps = store
        .list_group_applications(operator.id, administrators.id, PageRequest::first(1000))
        .await?;
    let mut active = apps.data.into_iter().filter(|a| a.is_active());
    let candidates: Vec<_> = active.by_ref().collect();
    let app = candidates
        .iter()
        .find(|a| a.name == ADMIN_APPLICATION)
        .or(candidates.first())
        .ok_or_else(|| anyhow!("no active application is in the operator's Administrators group"))?
        .clone();
    let now = Timestamp::now();
    let input = NewAccessKey {
        name: format!("admin recovery {now}"),
        description: "Minted with `latchkey admin mint-key`.".to_owned(),
        scopes: Vec::new(),
        expiration: None,
        created_by: None,
    };
    let owner = KeyOwner {
        account_id: operator.id,
        application_id: app.id,
        created_by: app.created_by,
        api_host: api_host.to_owned(),
    };
    let (stored, generated) =
        StoredAccessKey::issue(&input, owner, now).context("issuing the key")?;
    let key = store
        .create_access_key(
            // Whoever runs `latchkey admin mint-key` holds the data file.
            &latchkey_core::audit::Acting::cli(),
            AppScope::account(operator.id),
            stored,
            LimitPolicy::Ignore,
            now,
        )
        .await?;
    Ok(Minted {
        application_id: app.id,
        access_key_id: key.id,
        key: generated.key().to_owned(),
    })
}
