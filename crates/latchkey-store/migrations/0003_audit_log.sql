-- Latchkey schema, version 3: the audit log.
--
-- Each record is written in the transaction of the change it records. The
-- columns beside the document are the ones the log is listed and filtered
-- by; `at_ns` (nanoseconds since the epoch) is what retention sweeps by.
-- Records are never updated; the sweep deletes the old ones.

CREATE TABLE audit_log (
    id            uuid   PRIMARY KEY,
    account_id    uuid   NOT NULL REFERENCES accounts (id),
    at_ns         bigint NOT NULL,
    action        text   NOT NULL,
    target_id     text   NOT NULL,
    actor_user_id uuid,
    doc           jsonb  NOT NULL
);
CREATE INDEX audit_log_by_account ON audit_log (account_id, id);
CREATE INDEX audit_log_by_time ON audit_log (at_ns);

-- `Administrators` holds every permission, and `audit:view` is new.
UPDATE policy_groups
SET doc = jsonb_set(doc, '{permissions}', (doc -> 'permissions') || '["audit:view"]'::jsonb)
WHERE (doc ->> 'built_in')::boolean AND NOT (doc -> 'permissions') ? 'audit:view';
