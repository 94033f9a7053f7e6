-- Latchkey schema, version 1.
--
-- Each record is the same JSON document the redb store keeps (`doc`), next to
-- the columns that the access paths, the uniqueness rules and the limit
-- checks read. Ids are the 128-bit UUIDv7 values of latchkey-core's ids, so
-- `ORDER BY id` is creation order, as in redb.

CREATE TABLE accounts (
    id       uuid    PRIMARY KEY,
    operator boolean NOT NULL,
    doc      jsonb   NOT NULL
);
-- At most one operator account.
CREATE UNIQUE INDEX accounts_operator ON accounts (operator) WHERE operator;

CREATE TABLE policy_groups (
    id         uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    name       text NOT NULL,
    doc        jsonb NOT NULL
);
CREATE UNIQUE INDEX policy_groups_name ON policy_groups (account_id, name);

CREATE TABLE users (
    id         uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    -- The email as compared: lowercased by Latchkey (Rust's `to_lowercase`),
    -- never by the database's collation.
    email_key  text NOT NULL,
    status     text NOT NULL,
    doc        jsonb NOT NULL
);
CREATE INDEX users_by_account ON users (account_id, id);
CREATE UNIQUE INDEX users_active_email ON users (account_id, email_key) WHERE status = 'active';

CREATE TABLE applications (
    id         uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    name       text NOT NULL,
    status     text NOT NULL,
    created_by uuid NOT NULL REFERENCES users (id),
    doc        jsonb NOT NULL
);
CREATE INDEX applications_by_account ON applications (account_id, id);
CREATE INDEX applications_by_owner ON applications (account_id, created_by);
CREATE UNIQUE INDEX applications_active_name ON applications (account_id, name) WHERE status = 'active';

-- Memberships; the documents also list their group ids, in the order given.
CREATE TABLE group_applications (
    group_id       uuid NOT NULL REFERENCES policy_groups (id),
    application_id uuid NOT NULL REFERENCES applications (id),
    PRIMARY KEY (group_id, application_id)
);
CREATE INDEX group_applications_by_application ON group_applications (application_id);

CREATE TABLE group_users (
    group_id uuid NOT NULL REFERENCES policy_groups (id),
    user_id  uuid NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_users_by_user ON group_users (user_id);

-- Both key kinds: `status` is the stored status; `expiration_ns` the
-- expiration in nanoseconds since the epoch (clamped to bigint), so that
-- "expired" (`expiration <= now`) is decided exactly as latchkey-core does.
CREATE TABLE access_keys (
    id             uuid PRIMARY KEY,
    account_id     uuid NOT NULL REFERENCES accounts (id),
    application_id uuid NOT NULL REFERENCES applications (id),
    name           text NOT NULL,
    status         text NOT NULL,
    expiration_ns  bigint,
    doc            jsonb NOT NULL
);
CREATE INDEX access_keys_by_application ON access_keys (application_id, id);
CREATE INDEX access_keys_by_account ON access_keys (account_id, id);
CREATE UNIQUE INDEX access_keys_name ON access_keys (account_id, name) WHERE status <> 'revoked';

CREATE TABLE jwt_keys (
    id             uuid PRIMARY KEY,
    account_id     uuid NOT NULL REFERENCES accounts (id),
    application_id uuid NOT NULL REFERENCES applications (id),
    name           text NOT NULL,
    status         text NOT NULL,
    expiration_ns  bigint,
    doc            jsonb NOT NULL
);
CREATE INDEX jwt_keys_by_application ON jwt_keys (application_id, id);
CREATE INDEX jwt_keys_by_account ON jwt_keys (account_id, id);
CREATE UNIQUE INDEX jwt_keys_name ON jwt_keys (account_id, name) WHERE status <> 'revoked';

-- Locked (EXCLUSIVE) as the first statement of every limit-checked creation,
-- before the transaction takes its snapshot: racing creations queue here
-- instead of failing serialization one after the other.
CREATE TABLE creation_lock ();
