"""The cross-language scenario (`tests/scenarios/` at the repository root):
the same script in every SDK against a real server, its transcript compared
step by step with the one every SDK must produce."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List

from conftest import Server, unique

import latchkey
from latchkey import jwt

SCENARIOS = Path(__file__).resolve().parents[3] / "tests" / "scenarios"
MISSING_KEY = "key_0000000000000000000000"


def outcome(call: Callable[[], Dict[str, Any]]) -> Dict[str, Any]:
    """The step's values, or the API error it raised as status, type and fields."""
    try:
        return call()
    except latchkey.ApiError as error:
        return {
            "error": {
                "status": error.status,
                "type": error.type,
                "fields": [field.name for field in error.fields],
            }
        }
    except latchkey.InvalidAlgorithmError:
        return {"error": {"type": "disallowed_algorithm"}}


def http_me(url: str, token: str) -> Dict[str, Any]:
    request = urllib.request.Request(f"{url}/v3/me", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request) as answer:
            return {"http_status": answer.status, "credential": json.load(answer)["credential"]["object"]}
    except urllib.error.HTTPError as refused:
        return {"http_status": refused.code}


def http_me_permissions(url: str, token: str) -> List[str]:
    request = urllib.request.Request(f"{url}/v3/me", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as answer:
        return sorted(json.load(answer)["permissions"])


def lifecycle(server: Server) -> List[Dict[str, Any]]:
    transcript: List[Dict[str, Any]] = []

    def step(name: str, call: Callable[[], Dict[str, Any]]) -> None:
        transcript.append({"step": name, **outcome(call)})

    admin = latchkey.Client(server.url, access_key=server.admin_key)
    administrators = next(group.id for group in admin.policy_groups.list() if group.built_in)
    app = admin.applications.create(name=unique("scenario"), group_ids=[administrators])
    step("create_application", lambda: {"status": app.status})

    scopes = ["applications:view:own"]
    first = admin.access_keys.create(app.id, name=unique("first"), scopes=scopes)
    step(
        "create_access_key",
        lambda: {
            "status": first.status,
            "scopes": list(first.scopes),
            "key_prefix_matches": first.key.startswith(first.key_prefix),
        },
    )
    as_first = latchkey.Client(server.url, access_key=first.key)

    def use_first() -> Dict[str, Any]:
        me = as_first.me()
        return {"credential": me.credential.kind, "permissions": sorted(me.permissions)}

    step("use_access_key", use_first)

    second = admin.access_keys.create(app.id, name=unique("second"), scopes=scopes)

    def rotate() -> Dict[str, Any]:
        old = admin.access_keys.set_status(app.id, first.id, "inactive")
        return {"new_key_status": second.status, "old_key_status": old.status}

    step("rotate", rotate)
    step("use_deactivated_key", use_first)
    as_second = latchkey.Client(server.url, access_key=second.key)
    step("use_new_key", lambda: {"credential": as_second.me().credential.kind})
    step("revoke", lambda: {"status": admin.access_keys.revoke(app.id, first.id).status})
    step(
        "reactivate_revoked",
        lambda: {"status": admin.access_keys.set_status(app.id, first.id, "active").status},
    )
    step(
        "bulk_delete_refused",
        lambda: {"deleted": admin.access_keys.bulk_delete([second.id, MISSING_KEY]).deleted},
    )

    def bulk_delete() -> Dict[str, Any]:
        result = admin.access_keys.bulk_delete([first.id, second.id])
        return {"deleted": result.deleted, "results": [item.status for item in result.results]}

    step("bulk_delete", bulk_delete)
    step("list_after_bulk_delete", lambda: {"count": len(list(admin.access_keys.list(app.id)))})

    pair = jwt.generate_key_pair("EdDSA")
    registered = admin.jwt_keys.create(app.id, name=unique("signer"), public_key=pair.public_pem)
    step(
        "register_jwt_key",
        lambda: {
            "algorithm": registered.algorithm,
            "status": registered.status,
            "thumbprint_matches": registered.thumbprint == pair.thumbprint,
        },
    )
    audience = admin.well_known().jwt_audience
    token = jwt.mint_access_token(
        pair.private_pem, application_id=app.id, key_id=registered.id, audience=audience
    )
    step("mint_and_use", lambda: http_me(server.url, token))
    jwks = admin.jwt_keys.jwks(app.id)

    def verify(algorithms: List[str]) -> Callable[[], Dict[str, Any]]:
        def call() -> Dict[str, Any]:
            claims = jwt.decode(token, jwks, algorithms=algorithms, audience=audience, issuer=app.id)
            return {"subject_is_application": claims["sub"] == app.id}

        return call

    step("verify_with_jwks", verify(["EdDSA"]))
    step("verify_unknown_algorithm", verify(["HS256", "EdDSA"]))

    viewers = admin.policy_groups.create(
        name=unique("viewers"), permissions=["applications:view:any"]
    )
    person = admin.users.create(email=unique("person") + "@example.com", group_ids=[viewers.id])

    def password_link() -> Dict[str, Any]:
        link = admin.users.password_link(person.id)
        return {"has_password": person.has_password, "link_for_user": link.user_id == person.id}

    step("password_link", password_link)
    people = admin.access_keys.create(app.id, name=unique("people"), scopes=["users:manage"])
    as_people = latchkey.Client(server.url, access_key=people.key)
    step(
        "password_link_beyond_caller",
        lambda: {"user_id": as_people.users.password_link(person.id).user_id},
    )

    def audit_log() -> Dict[str, Any]:
        records = list(admin.audit_log.list(target_id=first.id, limit=1))
        return {
            "actions": [record.action for record in records],
            "via": sorted({record.actor.via for record in records}),
        }

    step("audit_log", audit_log)
    step(
        "audit_log_without_permission",
        lambda: {"count": len(as_people.audit_log.list_page().data)},
    )
    step(
        "introspect_without_permission",
        lambda: {"active": as_people.introspect(people.key).active},
    )
    # Room for the roll: the plan allows two active keys an application.
    admin.access_keys.revoke(app.id, people.id)
    rollable = admin.access_keys.create(app.id, name=unique("rollable"), scopes=scopes)
    rolled = admin.access_keys.roll(app.id, rollable.id, grace_seconds=3600)
    step(
        "roll",
        lambda: {
            "new_key_status": rolled.status,
            "new_key_scopes": list(rolled.scopes),
            "new_key_differs": rolled.key != rollable.key and rolled.id != rollable.id,
            "rolled_status": rolled.rolled.status,
            "rolled_expires": rolled.rolled.expiration is not None,
        },
    )
    as_rollable = latchkey.Client(server.url, access_key=rollable.key)
    as_rolled = latchkey.Client(server.url, access_key=rolled.key)
    step(
        "use_rolled_keys",
        lambda: {
            "credentials": [as_rollable.me().credential.kind, as_rolled.me().credential.kind]
        },
    )

    def introspect(token: str, credential_id: str) -> Dict[str, Any]:
        seen = admin.introspect(token)
        return {
            "active": seen.active,
            "token_type": seen.token_type,
            "credential_matches": seen.credential_id == credential_id,
            "application_matches": seen.application_id == app.id,
            "scope": seen.scope.split(" ") if seen.scope else None,
        }

    step("introspect_access_key", lambda: introspect(rolled.key, rolled.id))

    def introspect_minted_token() -> Dict[str, Any]:
        seen = introspect(token, registered.id)
        # The application's rights (every permission): not pinned here.
        del seen["scope"]
        return seen

    step("introspect_minted_token", introspect_minted_token)

    def introspect_revoked() -> Dict[str, Any]:
        admin.access_keys.revoke(app.id, rollable.id)
        seen = admin.introspect(rollable.key)
        return {"active": seen.active, "token_type": seen.token_type}

    step("introspect_revoked", introspect_revoked)

    def require_expiration() -> Dict[str, Any]:
        admin.accounts.update_key_policy(latchkey.KeyPolicy(require_expiration=True))
        try:
            undated = admin.access_keys.create(app.id, name=unique("undated"), scopes=scopes)
            return {"status": undated.status}
        finally:
            admin.accounts.update_key_policy(latchkey.KeyPolicy())

    step("key_policy_requires_expiration", require_expiration)

    def policy_reset() -> Dict[str, Any]:
        policy = admin.accounts.key_policy()
        return {
            "require_expiration": policy.require_expiration,
            "max_key_lifetime_days": policy.max_key_lifetime_days,
            "exposed_key_action": policy.exposed_key_action,
        }

    step("key_policy_reset", policy_reset)

    scoped_pair = jwt.generate_key_pair("ES256")
    scoped = admin.jwt_keys.create(
        app.id, name=unique("scoped"), public_key=scoped_pair.public_pem, scopes=scopes
    )
    scoped_token = jwt.mint_access_token(
        scoped_pair.private_pem, application_id=app.id, key_id=scoped.id, audience=audience
    )
    step(
        "jwt_key_scopes",
        lambda: {
            "algorithm": scoped.algorithm,
            "scopes": list(scoped.scopes),
            "permissions": http_me_permissions(server.url, scoped_token),
        },
    )
    admin.users.delete(person.id)
    admin.policy_groups.delete(viewers.id)
    admin.applications.delete(app.id)
    step("use_deleted_application", lambda: http_me(server.url, token))
    step("get_deleted_application", lambda: {"status": admin.applications.get(app.id).status})
    for client in (admin, as_first, as_second, as_people, as_rollable, as_rolled):
        client.close()
    return transcript


def test_lifecycle_scenario_matches_every_sdk(server: Server) -> None:
    expected = json.loads((SCENARIOS / "lifecycle.json").read_text())["transcript"]
    actual = lifecycle(server)
    # Step by step, so that a difference names its step.
    assert [step["step"] for step in actual] == [step["step"] for step in expected]
    for got, want in zip(actual, expected):
        assert got == want, f"step {want['step']}"
