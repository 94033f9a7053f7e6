//! The console's rules over HTTP, without a browser: session cookies, CSRF
//! tokens, sign-in limits, and sessions that end at once (a user deleted, a
//! group left, a new password), also across replicas on PostgreSQL. The
//! flows themselves are walked in a real browser by `tests/console`.

mod common;

use common::{Server, id};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

const PASSWORD: &str = "correct horse battery staple";

/// A browser without JavaScript: one cookie jar by hand, no redirects
/// followed.
struct Browser {
    http: reqwest::Client,
    url: String,
    cookies: Vec<(String, String)>,
}

struct Page {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Browser {
    fn new(server: &Server) -> Self {
        Self::at(&server.url)
    }

    fn at(url: &str) -> Self {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            url: url.to_owned(),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let request = if self.cookies.is_empty() {
            request
        } else {
            request.header(COOKIE, self.cookie_header())
        };
        let response = request.send().await.unwrap();
        let set_cookies: Vec<String> = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for set in &set_cookies {
            let (pair, _) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            if !value.is_empty() {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        Page {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get(LOCATION)
                .map(|v| v.to_str().unwrap().to_owned()),
            set_cookies,
            body: response.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let request = self.http.get(self.absolute(path));
        self.send(request).await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let request = self
            .http
            .post(self.absolute(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }

    fn absolute(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.url)
        }
    }

    /// Sets the password through a link and keeps the session it opens.
    async fn set_password(&mut self, link: &str, password: &str) -> Page {
        let form = self.get(link).await;
        assert_eq!(form.status, 200, "{}", form.body);
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let csrf = hidden(&form.body, "csrf");
        self.post(
            "/console/password",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", password),
                ("confirm", password),
            ],
        )
        .await
    }

    async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/console/sign-in").await;
        let csrf = hidden(&form.body, "csrf");
        self.post(
            "/console/sign-in",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }

    /// Whether the session works: a signed-in page answers (200, or 403
    /// for a person without `applications:view`), not a redirect to sign in.
    async fn signed_in(&mut self) -> bool {
        let page = self.get("/console/applications").await;
        match page.status {
            200 | 403 => true,
            303 => {
                assert!(page.location.unwrap().starts_with("/console/sign-in"));
                false
            }
            other => panic!("unexpected {other}: {}", page.body),
        }
    }

    async fn csrf(&mut self) -> String {
        let page = self.get("/console/applications").await;
        hidden(&page.body, "csrf")
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the first hidden input named `name`.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn new_link(admin: &common::Api, user: &str) -> String {
    admin
        .post(&format!("/v3/users/{user}/password-link"), json!({}))
        .await
        .expect(201)["url"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn session_cookie(page: &Page) -> &str {
    page.set_cookies
        .iter()
        .find(|c| c.starts_with("latchkey_session=") && !c.starts_with("latchkey_session=;"))
        .unwrap_or_else(|| panic!("no session cookie in {:?}", page.set_cookies))
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_only_a_digest_is_kept() {
    let server = Server::start();
    let mut browser = Browser::new(&server);
    let page = browser.set_password(&server.password_link, PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/console/applications"));
    let cookie = session_cookie(&page);
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/console",
        "Max-Age=604800",
    ] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "http: {cookie}");
    let token = cookie
        .trim_start_matches("latchkey_session=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(browser.signed_in().await);
    // The store keeps a digest, never the token.
    let mut server = server;
    server.stop();
    match &server.database {
        None => {
            let bytes = std::fs::read(server.data()).unwrap();
            assert!(
                !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                "the session token is not in the data file"
            );
        }
        Some(database) => {
            let client = common::postgres_client(&database.url).await;
            let rows = client
                .query("SELECT doc::text FROM console_sessions", &[])
                .await
                .unwrap();
            assert_eq!(rows.len(), 1);
            let doc: String = rows[0].get(0);
            assert!(!doc.contains(&token), "the session token is not stored");
        }
    }
}

#[tokio::test]
async fn over_https_the_cookie_is_secure() {
    let server = Server::start_with_args(&["--public-url", "https://console.example"], &[]);
    let link = server
        .password_link
        .replace("https://console.example", &server.url);
    let mut browser = Browser::new(&server);
    let page = browser.set_password(&link, PASSWORD).await;
    assert!(
        session_cookie(&page).ends_with("; Secure"),
        "{:?}",
        page.set_cookies
    );
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let server = Server::start();
    let mut browser = Browser::new(&server);
    browser.set_password(&server.password_link, PASSWORD).await;
    let token = browser.csrf().await;
    for fields in [
        vec![("name", "forged")],
        vec![("name", "forged"), ("csrf", "")],
        vec![("name", "forged"), ("csrf", &"A".repeat(43))],
    ] {
        let page = browser.post("/console/applications", &fields).await;
        assert_eq!(page.status, 403, "{fields:?}");
    }
    let apps = server.admin().get("/v3/applications").await;
    assert_eq!(apps.expect(200)["data"].as_array().unwrap().len(), 1);
    // With it: created.
    let page = browser
        .post(
            "/console/applications",
            &[("csrf", &token), ("name", "real")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    // Sign-in needs its form token too (a cookie and the same field).
    let mut stranger = Browser::new(&server);
    let page = stranger
        .post(
            "/console/sign-in",
            &[("email", "admin@latchkey.invalid"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(
        page.set_cookies
            .iter()
            .all(|c| !c.starts_with("latchkey_session="))
    );
}

#[tokio::test]
async fn sessions_end_at_once_when_the_user_leaves_a_group_gets_a_new_password_or_is_deleted() {
    let server = Server::start();
    let admin = server.admin();
    let group = admin
        .post(
            "/v3/policy-groups",
            json!({ "name": "viewers", "permissions": ["applications:view:any"] }),
        )
        .await
        .expect(201)
        .clone();
    let user = admin
        .post(
            "/v3/users",
            json!({ "email": "ann@example.com", "group_ids": [id(&group)] }),
        )
        .await
        .expect(201)
        .clone();
    // A group left.
    let mut ann = Browser::new(&server);
    let url = new_link(&admin, &id(&user)).await;
    ann.set_password(&url, PASSWORD).await;
    assert!(ann.signed_in().await);
    admin
        .put(
            &format!("/v3/users/{}", id(&user)),
            json!({ "group_ids": [] }),
        )
        .await
        .expect(200);
    assert!(!ann.signed_in().await, "a group left ends the session");

    // A new password (set through a new link, by anyone holding it).
    admin
        .put(
            &format!("/v3/users/{}", id(&user)),
            json!({ "group_ids": [id(&group)] }),
        )
        .await
        .expect(200);
    let page = ann.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(ann.signed_in().await);
    let mut other = Browser::new(&server);
    let url = new_link(&admin, &id(&user)).await;
    other.set_password(&url, "another long password").await;
    assert!(!ann.signed_in().await, "a new password ends the session");
    assert!(other.signed_in().await);

    // Deleted.
    admin.delete(&format!("/v3/users/{}", id(&user))).await;
    assert!(!other.signed_in().await, "a deleted user's session ends");
    let page = other
        .sign_in("ann@example.com", "another long password")
        .await;
    assert_eq!(page.status, 401);
}

#[tokio::test]
async fn sign_in_is_throttled_per_email_and_per_address() {
    // Per email: ten wrong passwords, then even the right one waits.
    let server = Server::start_with(&[("LATCHKEY_AUTH_FAILURE_BURST", "100")]);
    let mut browser = Browser::new(&server);
    browser.set_password(&server.password_link, PASSWORD).await;
    let mut guesser = Browser::new(&server);
    for attempt in 0..10 {
        let page = guesser
            .sign_in("admin@latchkey.invalid", &format!("wrong guess {attempt}"))
            .await;
        assert_eq!(page.status, 401, "attempt {attempt}");
    }
    let page = guesser.sign_in("ADMIN@latchkey.invalid", PASSWORD).await;
    assert_eq!(page.status, 429);
    assert!(page.body.contains("Too many failed sign-ins"));
    // Another email is not held back by it.
    let page = guesser
        .sign_in("nobody@example.com", "whatever it is")
        .await;
    assert_eq!(page.status, 401);

    // Per address: the API's failure budget, shared with wrong keys.
    let server = Server::start_with(&[
        ("LATCHKEY_AUTH_FAILURE_BURST", "3"),
        ("LATCHKEY_AUTH_THROTTLE_DELAY_MS", "1"),
    ]);
    let mut guesser = Browser::new(&server);
    for attempt in 0..3 {
        let email = format!("user{attempt}@example.com");
        assert_eq!(
            guesser.sign_in(&email, "a wrong password").await.status,
            401
        );
    }
    let page = guesser
        .sign_in("admin@latchkey.invalid", "a wrong password")
        .await;
    assert_eq!(page.status, 429);
}

#[tokio::test]
async fn an_email_in_several_accounts_asks_which_one() {
    let server = Server::start();
    let admin = server.admin();
    let tenant = admin
        .post("/v3/accounts", json!({ "name": "Tenant" }))
        .await
        .expect(201)
        .clone();
    let tenant_admin = server.api(tenant["key"].as_str().unwrap());
    let tenant_user = id(&tenant["admin_user"]);
    let url = tenant_admin
        .post(&format!("/v3/users/{tenant_user}/password-link"), json!({}))
        .await
        .expect(201)["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut one = Browser::new(&server);
    one.set_password(&server.password_link, PASSWORD).await;
    let mut two = Browser::new(&server);
    two.set_password(&url, PASSWORD).await;
    let mut person = Browser::new(&server);
    let page = person.sign_in("admin@latchkey.invalid", PASSWORD).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("several accounts"));
    assert!(page.body.contains("Tenant"));
    let csrf = hidden(&page.body, "csrf");
    let page = person
        .post(
            "/console/sign-in",
            &[
                ("csrf", &csrf),
                ("email", "admin@latchkey.invalid"),
                ("password", PASSWORD),
                ("account", tenant["id"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let account = person.get("/console/account").await;
    assert!(account.body.contains("Tenant"), "{}", account.body);
}

#[tokio::test]
async fn a_session_ended_on_one_replica_is_refused_by_the_other_at_once() {
    let a = Server::start_on_postgres();
    let b = a.replica();
    let mut person = Browser::new(&a);
    person.set_password(&a.password_link, PASSWORD).await;
    let user = a
        .admin()
        .post("/v3/users", json!({ "email": "bo@example.com" }))
        .await;
    let user = id(user.expect(201));
    let url = a
        .admin()
        .post(&format!("/v3/users/{user}/password-link"), json!({}))
        .await
        .expect(201)["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut bo = Browser::at(&b.url);
    bo.set_password(&url.replace(&a.url, &b.url), PASSWORD)
        .await;
    assert!(bo.signed_in().await);
    // Deleted on A; B refuses the very next request.
    a.admin().delete(&format!("/v3/users/{user}")).await;
    assert!(!bo.signed_in().await);
}

#[tokio::test]
async fn changing_ones_password_ends_the_other_sessions_and_keeps_this_one() {
    let server = Server::start();
    let mut here = Browser::new(&server);
    here.set_password(&server.password_link, PASSWORD).await;
    let mut elsewhere = Browser::new(&server);
    assert_eq!(
        elsewhere
            .sign_in("admin@latchkey.invalid", PASSWORD)
            .await
            .status,
        303
    );
    let form = here.get("/console/password/change").await;
    assert_eq!(form.status, 200);
    let csrf = hidden(&form.body, "csrf");
    let new = "a different long password";
    // The current password is checked.
    let wrong = here
        .post(
            "/console/password/change",
            &[
                ("csrf", &csrf),
                ("current", "not it at all"),
                ("password", new),
                ("confirm", new),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(elsewhere.signed_in().await, "nothing changed");
    let page = here
        .post(
            "/console/password/change",
            &[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("password", new),
                ("confirm", new),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    session_cookie(&page);
    assert!(
        here.signed_in().await,
        "this session goes on (a new cookie)"
    );
    assert!(!elsewhere.signed_in().await, "the other session ended");
    let mut again = Browser::new(&server);
    assert_eq!(
        again
            .sign_in("admin@latchkey.invalid", PASSWORD)
            .await
            .status,
        401
    );
    assert_eq!(
        again.sign_in("admin@latchkey.invalid", new).await.status,
        303
    );
}

#[tokio::test]
async fn the_console_shows_the_audit_log_and_its_changes_are_in_it() {
    let server = Server::start();
    let admin = server.admin();
    let mut browser = Browser::new(&server);
    let opened = browser.set_password(&server.password_link, PASSWORD).await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    // A change made in the console is recorded as the console's.
    let csrf = browser.csrf().await;
    let made = browser
        .post(
            "/console/applications",
            &[
                ("csrf", &csrf),
                ("name", "from-the-console"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let page = browser.get("/console/audit").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Audit log"));
    for action in ["application.create", "user.password_set", "console.sign_in"] {
        assert!(
            page.body.contains(action),
            "{action} missing: {}",
            page.body
        );
    }
    assert!(
        page.body.contains("name: — → from-the-console"),
        "{}",
        page.body
    );
    let filtered = browser
        .get("/console/audit?action=console.sign_in&target_id=")
        .await;
    assert_eq!(filtered.status, 200);
    assert!(!filtered.body.contains("<code>application.create</code>"));

    // Over the API, the console's records say how the person came in.
    let records = admin
        .get("/v3/audit-log?action=application.create&order=DESC&limit=1")
        .await;
    let record = &records.expect(200)["data"][0];
    assert_eq!(record["changes"]["name"][1], "from-the-console");
    assert_eq!(record["actor"]["via"], "console");
    assert!(
        record["actor"]["credential_id"]
            .as_str()
            .unwrap()
            .starts_with("ses_")
    );
    assert!(record["actor"]["application_id"].is_null());
    assert_eq!(record["ip"], "127.0.0.1");

    // Signing out is recorded; a person without audit:view has no page.
    let csrf = browser.csrf().await;
    browser.post("/console/sign-out", &[("csrf", &csrf)]).await;
    let out = admin.get("/v3/audit-log?action=console.sign_out").await;
    assert_eq!(out.expect(200)["data"].as_array().unwrap().len(), 1);
    let group = admin
        .post(
            "/v3/policy-groups",
            json!({ "name": "viewers", "permissions": ["applications:view:any"] }),
        )
        .await
        .expect(201)
        .clone();
    let user = admin
        .post(
            "/v3/users",
            json!({ "email": "viewer@example.com", "group_ids": [id(&group)] }),
        )
        .await
        .expect(201)
        .clone();
    let link = new_link(&admin, &id(&user)).await;
    let mut viewer = Browser::new(&server);
    viewer.set_password(&link, PASSWORD).await;
    let refused = viewer.get("/console/audit").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let own = viewer.get("/console/applications").await;
    assert!(!own.body.contains("/console/audit"), "no Audit log link");
}
