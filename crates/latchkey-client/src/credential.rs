//! What a request authenticates with: an access key, checked offline before
//! any request, or a JWT signer that mints short-lived tokens and reuses
//! each until shortly before it expires.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use latchkey_core::access_key;
use latchkey_core::id::{ApplicationId, JwtKeyId};
use latchkey_core::jwt::{self, MAX_ACCESS_TOKEN_LIFETIME, SigningKey};
use reqwest::header::HeaderValue;
use tokio::sync::OnceCell;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Default lifetime of a minted token.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Default margin: a token is replaced when it has less than this to live.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// An access key whose format and checksum were checked offline.
///
/// `Debug` shows only the key's public prefix.
#[derive(Clone)]
pub struct AccessKeyCredential {
    key: Zeroizing<String>,
}

impl AccessKeyCredential {
    /// Parses `key` offline (format and checksum): a mistyped key is an
    /// [`Error::InvalidAccessKey`] without any request.
    pub fn new(key: impl Into<String>) -> Result<Self> {
        let key = Zeroizing::new(key.into());
        access_key::parse(&key)?;
        Ok(AccessKeyCredential { key })
    }

    /// `ak_` and the first 8 characters of the key id, as the API's
    /// `key_prefix`.
    pub fn key_prefix(&self) -> &str {
        &self.key[..access_key::KEY_PREFIX_LEN]
    }

    fn header(&self) -> Result<HeaderValue> {
        bearer(&self.key)
    }
}

impl fmt::Debug for AccessKeyCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKeyCredential")
            .field("key_prefix", &self.key_prefix())
            .finish_non_exhaustive()
    }
}

/// Signs Latchkey access tokens with a registered JWT key: `iss` = `sub` =
/// the application id, `kid` = the JWT key id, `aud` = the server's audience
/// (read once from `GET /.well-known/latchkey` when not given).
///
/// One token serves every request until it has less than the refresh margin
/// to live; then the next request mints a new one. Concurrent requests share
/// one mint. `Debug` never shows the key or a token.
pub struct JwtSigner {
    application_id: ApplicationId,
    key_id: JwtKeyId,
    key: SigningKey,
    audience: Option<String>,
    lifetime: Duration,
    refresh_margin: Duration,
    discovered_audience: OnceCell<String>,
    current: Mutex<Option<Minted>>,
}

struct Minted {
    header: HeaderValue,
    refresh_at: Instant,
}

impl JwtSigner {
    /// A signer for `application_id` with the registered key `key_id` and
    /// its private `key`.
    pub fn new(application_id: ApplicationId, key_id: JwtKeyId, key: SigningKey) -> Self {
        JwtSigner {
            application_id,
            key_id,
            key,
            audience: None,
            lifetime: DEFAULT_TOKEN_LIFETIME,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            discovered_audience: OnceCell::new(),
            current: Mutex::new(None),
        }
    }

    /// A signer whose private key is a PEM (PKCS#8, PKCS#1 or SEC1).
    pub fn from_pem(
        application_id: ApplicationId,
        key_id: JwtKeyId,
        private_key_pem: impl AsRef<[u8]>,
    ) -> Result<Self> {
        let key = SigningKey::from_pem(private_key_pem)?;
        Ok(Self::new(application_id, key_id, key))
    }

    /// Uses `audience` as `aud` instead of asking the server.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Tokens live `lifetime` (1 second to 1 hour; default 15 minutes).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// A token is replaced when it has less than `margin` to live (default
    /// 60 seconds; at most half the lifetime is used).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The application the tokens are for.
    pub fn application_id(&self) -> ApplicationId {
        self.application_id
    }

    /// The JWT key id (`kid`).
    pub fn key_id(&self) -> JwtKeyId {
        self.key_id
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.lifetime < Duration::from_secs(1) || self.lifetime > MAX_ACCESS_TOKEN_LIFETIME {
            return Err(Error::Config(format!(
                "the JWT lifetime must be between 1 second and {} seconds",
                MAX_ACCESS_TOKEN_LIFETIME.as_secs()
            )));
        }
        Ok(())
    }

    /// The audience given, or the one discovered with `discover`, once.
    async fn audience_or<F, Fut>(&self, discover: F) -> Result<&str>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String>>,
    {
        if let Some(audience) = &self.audience {
            return Ok(audience);
        }
        self.discovered_audience
            .get_or_try_init(discover)
            .await
            .map(String::as_str)
    }

    /// The `Authorization` header value: the current token, or a new one.
    async fn header<F, Fut>(&self, discover: F) -> Result<HeaderValue>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String>>,
    {
        let audience = self.audience_or(discover).await?;
        // Minting is a signature (microseconds to a millisecond): it runs
        // under the lock, so concurrent requests wait for one mint.
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if let Some(minted) = current.as_ref().filter(|m| now < m.refresh_at) {
            return Ok(minted.header.clone());
        }
        let token = Zeroizing::new(jwt::mint_access_token(
            &self.application_id.to_string(),
            &self.key_id.to_string(),
            audience,
            self.lifetime,
            &self.key,
        )?);
        let margin = self.refresh_margin.min(self.lifetime / 2);
        let header = bearer(&token)?;
        *current = Some(Minted {
            header: header.clone(),
            refresh_at: now + (self.lifetime - margin),
        });
        Ok(header)
    }
}

impl fmt::Debug for JwtSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtSigner")
            .field("application_id", &self.application_id)
            .field("key_id", &self.key_id)
            .field("algorithm", &self.key.algorithm())
            .field("audience", &self.audience)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

/// How requests authenticate.
#[derive(Debug)]
pub(crate) enum Credential {
    /// No credential: only `health` and `well_known` succeed.
    None,
    AccessKey(AccessKeyCredential),
    Jwt(Box<JwtSigner>),
}

impl Credential {
    /// The `Authorization` value for the next request, if any.
    pub(crate) async fn header<F, Fut>(&self, discover: F) -> Result<Option<HeaderValue>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String>>,
    {
        match self {
            Credential::None => Ok(None),
            Credential::AccessKey(key) => key.header().map(Some),
            Credential::Jwt(signer) => signer.header(discover).await.map(Some),
        }
    }
}

fn bearer(credential: &str) -> Result<HeaderValue> {
    let value = Zeroizing::new(format!("Bearer {credential}"));
    let mut header = HeaderValue::from_str(&value)
        .map_err(|_| Error::Config("the credential is not a valid header value".into()))?;
    header.set_sensitive(true);
    Ok(header)
}
