-- Latchkey schema, version 2: the console's people.
--
-- A user's password (its argon2id hash and when it was set) lives in the
-- user's document, like every other field of the user. Sessions and
-- password links are keyed by the SHA-256 digest of the token their holder
-- has; the tokens themselves are never stored. Neither is exported.

CREATE TABLE console_sessions (
    digest       bytea  PRIMARY KEY,
    account_id   uuid   NOT NULL REFERENCES accounts (id),
    user_id      uuid   NOT NULL REFERENCES users (id),
    -- Sign-in and last request, in nanoseconds since the epoch, so that
    -- the sessions that timed out can be removed in one statement.
    created_ns   bigint NOT NULL,
    last_seen_ns bigint NOT NULL,
    doc          jsonb  NOT NULL
);
CREATE INDEX console_sessions_by_user ON console_sessions (user_id);

CREATE TABLE password_links (
    digest     bytea  PRIMARY KEY,
    account_id uuid   NOT NULL REFERENCES accounts (id),
    user_id    uuid   NOT NULL REFERENCES users (id),
    expires_ns bigint NOT NULL,
    doc        jsonb  NOT NULL
);
CREATE INDEX password_links_by_user ON password_links (user_id);

-- Sign-in looks a person's users up by email, in every account.
CREATE INDEX users_active_email_any_account ON users (email_key) WHERE status = 'active';
