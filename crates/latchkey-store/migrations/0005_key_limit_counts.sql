-- Latchkey schema, version 5: each application's keys that count toward its
-- limit, kept so that a creation need not read them all.
--
-- A key counts while it is not revoked and not expired
-- (`KeyStatus::limit_standing` in latchkey-core). Keys without expiration
-- count until they are written again: `key_limit_counts` holds how many each
-- application has, per kind of key, changed by the store in the transaction
-- of every write of a key. Keys with an expiration stop counting without
-- any write, so they are counted when asked, through the partial indexes
-- below, which hold only them.
CREATE TABLE key_limit_counts (
    kind           text   NOT NULL,
    application_id uuid   NOT NULL REFERENCES applications (id),
    unexpiring     bigint NOT NULL CHECK (unexpiring >= 0),
    PRIMARY KEY (kind, application_id)
);

CREATE INDEX access_keys_expiring ON access_keys (application_id, expiration_ns)
    WHERE status <> 'revoked' AND expiration_ns IS NOT NULL;
CREATE INDEX jwt_keys_expiring ON jwt_keys (application_id, expiration_ns)
    WHERE status <> 'revoked' AND expiration_ns IS NOT NULL;

INSERT INTO key_limit_counts (kind, application_id, unexpiring)
    SELECT 'access_keys', application_id, count(*) FROM access_keys
     WHERE status <> 'revoked' AND expiration_ns IS NULL
     GROUP BY application_id;
INSERT INTO key_limit_counts (kind, application_id, unexpiring)
    SELECT 'jwt_keys', application_id, count(*) FROM jwt_keys
     WHERE status <> 'revoked' AND expiration_ns IS NULL
     GROUP BY application_id;
