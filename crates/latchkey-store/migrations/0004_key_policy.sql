-- Latchkey schema, version 4: accounts' key policies.
--
-- An account's key policy lives in the account's document (`doc`), like
-- every other field of the account; a document written before it has none
-- and reads as the empty policy. The version exists so that a build that
-- knows only version 3, which would drop the policy when it rewrote an
-- account, refuses the database.
--
-- The sweep of unused keys reads only the accounts whose policy names
-- `deactivate_unused_after_days`: this index finds them without a scan.
CREATE INDEX accounts_sweeping_unused_keys ON accounts (id)
    WHERE (doc -> 'key_policy' ->> 'deactivate_unused_after_days') IS NOT NULL;

-- `Administrators` holds every permission of its account: the permission
-- added with this version, `credentials:introspect`, is given to the
-- built-in groups that exist.
UPDATE policy_groups
   SET doc = jsonb_set(doc, '{permissions}', (doc -> 'permissions') || '["credentials:introspect"]'::jsonb)
 WHERE (doc ->> 'built_in')::boolean
   AND NOT (doc -> 'permissions') ? 'credentials:introspect';
