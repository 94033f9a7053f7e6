"""Every method of the client, in both flavours (``Client`` and
``AsyncClient``, see ``conftest.Driver``), against the real server."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from conftest import Driver, Server, ids, make_client, unique
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import latchkey


def ed25519_pem_pair() -> tuple[str, str]:
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


async def test_server_facts(lk: Driver, server: Server) -> None:
    me = await lk("me")
    assert isinstance(me, latchkey.Me)
    assert me.credential.kind == "access_key"
    assert me.jwt_audience == server.url
    assert "accounts:manage" in me.permissions
    assert me.account.created_at.tzinfo == timezone.utc
    info = await lk("well_known")
    assert info.jwt_audience == server.url
    assert "EdDSA" in info.jwt_algorithms
    assert (await lk("health")).status == "ok"
    spec = await lk("openapi")
    assert spec["openapi"].startswith("3.1")
    assert "/v3/me" in spec["paths"]


async def test_applications(lk: Driver) -> None:
    name = unique("app")
    app = await lk("applications.create", name=name, description="first")
    assert (app.name, app.description, app.status) == (name, "first", "active")
    assert app.id.startswith("app_")
    assert app.created_at.tzinfo == timezone.utc
    assert await lk("applications.get", app.id) == app

    renamed = await lk("applications.update", app.id, name=name + "-2", description="second")
    assert (renamed.name, renamed.description) == (name + "-2", "second")
    assert renamed.updated_at >= app.updated_at

    page = await lk("applications.list_page", limit=1, include_total_count=True)
    assert isinstance(page, latchkey.Page)
    assert len(page.data) == 1 and page.has_more and page.total_count is not None
    assert page.order == "ASC" and page.limit == 1
    assert app.id in ids(await lk("applications.list"))

    revoked = await lk("applications.revoke", app.id)
    assert revoked.status == "revoked"
    assert app.id not in ids(await lk("applications.list"))
    assert app.id in ids(await lk("applications.list", status="revoked"))
    await lk("applications.delete", app.id)
    with pytest.raises(latchkey.NotFoundError):
        await lk("applications.get", app.id)


async def test_lists_follow_every_page(lk: Driver) -> None:
    made = [await lk("applications.create", name=unique("paged")) for _ in range(3)]
    everything = await lk("applications.list", limit=1)
    assert [a.id for a in everything if a.id in ids(made)] == ids(made)
    assert len(everything) == len(set(ids(everything)))
    newest_first = await lk("applications.list", limit=2, order="DESC")
    assert ids(newest_first) == list(reversed(ids(everything)))
    after_first = await lk("applications.list", limit=1, after=made[0].id)
    assert ids(after_first)[:2] == ids(made[1:])
    for app in made:
        await lk("applications.delete", app.id)


async def test_access_keys(lk: Driver, server: Server) -> None:
    app = await lk("applications.create", name=unique("keys"))
    expiration = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
    created = await lk(
        "access_keys.create",
        app.id,
        name=unique("ci"),
        description="for CI",
        scopes=["keys:view:own"],
        expiration=expiration,
    )
    assert isinstance(created, latchkey.CreatedAccessKey)
    assert created.key.startswith("ak_") and created.key.startswith(created.key_prefix)
    assert created.scopes == ("keys:view:own",)
    assert created.expiration == expiration
    assert created.api_host == server.url

    # The new key authenticates as the application, with its scopes.
    as_key = make_client(lk.flavour, server.url, access_key=created.key)
    me = await Driver(as_key)("me")
    as_key.close()
    assert (me.application.id, me.credential.id) == (app.id, created.id)
    # No groups: the scope grants what the application has, nothing.
    assert me.credential.scopes == ("keys:view:own",) and me.permissions == ()

    fetched = await lk("access_keys.get", app.id, created.id)
    assert isinstance(fetched, latchkey.AccessKey)
    assert not isinstance(fetched, latchkey.CreatedAccessKey)
    assert fetched.id == created.id and fetched.expiration == expiration

    inactive = await lk("access_keys.update", app.id, created.id, status="inactive")
    assert inactive.status == "inactive" and inactive.expiration == expiration
    later = expiration + timedelta(days=1)
    moved = await lk("access_keys.update", app.id, created.id, expiration=later, name="renamed")
    assert (moved.expiration, moved.name, moved.status) == (later, "renamed", "inactive")
    cleared = await lk("access_keys.update", app.id, created.id, expiration=None)
    assert cleared.expiration is None and cleared.name == "renamed"
    reactivated = await lk("access_keys.set_status", app.id, created.id, "active")
    assert reactivated.status == "active" and reactivated.name == "renamed"
    inactive = await lk("access_keys.set_status", app.id, created.id, "inactive")
    assert inactive.status == "inactive"

    second = await lk("access_keys.create", app.id, name=unique("second"))
    assert second.scopes == () and second.expiration is None
    assert ids(await lk("access_keys.list", app.id, limit=1)) == [created.id, second.id]
    page = await lk("access_keys.list_page", app.id, limit=1, include_total_count=True)
    assert ids(list(page.data)) == [created.id] and page.has_more and page.total_count == 2
    assert ids(await lk("access_keys.list", app.id, status="inactive")) == [created.id]
    account_wide = await lk("access_keys.list_account", application_id=app.id)
    assert ids(account_wide) == [created.id, second.id]
    assert created.id in ids(await lk("access_keys.list_account", limit=1))
    account_page = await lk("access_keys.list_account_page", application_id=app.id, limit=5)
    assert ids(list(account_page.data)) == [created.id, second.id] and not account_page.has_more

    revoked = await lk("access_keys.revoke", app.id, second.id)
    assert revoked.status == "revoked"
    await lk("access_keys.delete", app.id, second.id)
    with pytest.raises(latchkey.NotFoundError):
        await lk("access_keys.get", app.id, second.id)

    third = await lk("access_keys.create", app.id, name=unique("third"))
    result = await lk("access_keys.bulk_delete", [created.id, third.id])
    assert isinstance(result, latchkey.BulkDeleteResult)
    assert result.deleted
    assert [(item.id, item.status) for item in result.results] == [
        (created.id, "deleted"),
        (third.id, "deleted"),
    ]
    assert await lk("access_keys.list", app.id) == []
    await lk("applications.delete", app.id)


async def test_jwt_keys_and_signer(lk: Driver, server: Server) -> None:
    app = await lk("applications.create", name=unique("jwt"))
    private_pem, public_pem = ed25519_pem_pair()
    key = await lk("jwt_keys.create", app.id, name=unique("signer"), public_key=public_pem)
    assert isinstance(key, latchkey.JwtKey)
    assert key.id.startswith("jwk_") and key.algorithm == "EdDSA"
    assert key.public_key["kty"] == "OKP" and key.public_key["kid"] == key.id
    assert await lk("jwt_keys.get", app.id, key.id) == key

    # Tokens minted from the private key authenticate as the application.
    signer = latchkey.JwtSigner(app.id, key.id, private_pem)
    assert signer.algorithm == "EdDSA" and signer.audience is None
    as_app = make_client(lk.flavour, server.url, signer=signer)
    me = await Driver(as_app)("me")
    assert (me.credential.kind, me.credential.id, me.application.id) == ("jwt_key", key.id, app.id)
    # An explicit audience, bytes PEM and a short lifetime work the same.
    explicit = latchkey.JwtSigner(
        app.id, key.id, private_pem.encode(), server.url, lifetime=60
    )
    assert explicit.lifetime == 60.0
    other = make_client(lk.flavour, server.url, signer=explicit)
    assert (await Driver(other)("me")).credential.id == key.id
    other.close()
    # A token minted by hand is the one the server expects.
    minted = latchkey.jwt.mint_access_token(
        private_pem, application_id=app.id, key_id=key.id, audience=me.jwt_audience
    )
    request = urllib.request.Request(f"{server.url}/v3/me", headers={"Authorization": f"Bearer {minted}"})
    with urllib.request.urlopen(request) as answer:
        assert json.load(answer)["credential"]["id"] == key.id

    # A JWK registration: the same public key as a dict.
    jwk = {k: v for k, v in key.public_key.items() if k in ("kty", "crv", "x")}
    second = await lk(
        "jwt_keys.create",
        app.id,
        name=unique("as-jwk"),
        public_key=jwk,
        description="JWK form",
        algorithm="EdDSA",
    )
    assert second.thumbprint == key.thumbprint and second.description == "JWK form"

    assert ids(await lk("jwt_keys.list", app.id, limit=1)) == [key.id, second.id]
    page = await lk("jwt_keys.list_page", app.id, limit=1, include_total_count=True)
    assert ids(list(page.data)) == [key.id] and page.total_count == 2
    jwks = await lk("jwt_keys.jwks", app.id)
    assert [k["kid"] for k in jwks["keys"]] == [key.id, second.id]

    updated = await lk("jwt_keys.update", app.id, second.id, name="renamed", status="inactive")
    assert (updated.name, updated.status) == ("renamed", "inactive")
    assert ids(await lk("jwt_keys.list", app.id, status="inactive")) == [second.id]
    soon = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=2)
    expiring = await lk("jwt_keys.update", app.id, second.id, expiration=soon)
    assert expiring.expiration == soon
    assert (await lk("jwt_keys.update", app.id, second.id, expiration=None)).expiration is None
    assert (await lk("jwt_keys.set_status", app.id, second.id, "active")).status == "active"

    assert (await lk("jwt_keys.revoke", app.id, key.id)).status == "revoked"
    with pytest.raises(latchkey.UnauthorizedError):
        await Driver(as_app)("me")
    as_app.close()
    await lk("jwt_keys.delete", app.id, key.id)
    with pytest.raises(latchkey.NotFoundError):
        await lk("jwt_keys.get", app.id, key.id)
    await lk("applications.delete", app.id)


async def test_scoped_jwt_keys_within_the_acting_credential(lk: Driver, server: Server) -> None:
    group = await lk(
        "policy_groups.create",
        name=unique("workers"),
        permissions=["keys:create:own", "keys:view:own", "applications:view:own", "users:manage"],
    )
    app = await lk("applications.create", name=unique("scoped-jwt"), group_ids=[group.id])
    private_pem, public_pem = ed25519_pem_pair()
    scopes = ["applications:view:own", "keys:view:own"]
    key = await lk(
        "jwt_keys.create", app.id, name=unique("narrow"), public_key=public_pem, scopes=scopes
    )
    assert key.scopes == tuple(scopes)
    assert (await lk("jwt_keys.get", app.id, key.id)).scopes == tuple(scopes)
    # Its tokens hold the application's rights narrowed to the scopes.
    signer = latchkey.JwtSigner(app.id, key.id, private_pem)
    as_jwt = make_client(lk.flavour, server.url, signer=signer)
    me = await Driver(as_jwt)("me")
    as_jwt.close()
    assert me.credential.id == key.id and me.credential.scopes == tuple(scopes)
    assert me.permissions == tuple(scopes)

    # A credential may not register a key that could do more than it can.
    limited = await lk(
        "access_keys.create",
        app.id,
        name=unique("limited"),
        scopes=["keys:create:own", "keys:view:own"],
    )
    as_limited = make_client(lk.flavour, server.url, access_key=limited.key)
    with pytest.raises(latchkey.ForbiddenError) as caught:
        await Driver(as_limited)(
            "jwt_keys.create",
            app.id,
            name=unique("wider"),
            public_key=public_pem,
            scopes=["keys:view:own", "users:manage"],
        )
    as_limited.close()
    assert (caught.value.status, caught.value.type) == (403, "forbidden")
    assert caught.value.fields == (
        latchkey.FieldError("scopes", "the acting credential lacks `users:manage`"),
    )
    assert ids(await lk("jwt_keys.list", app.id)) == [key.id]

    await lk("applications.delete", app.id)
    await lk("policy_groups.delete", group.id)


async def test_roll_keeps_both_keys_working_during_the_grace(lk: Driver, server: Server) -> None:
    group = await lk("policy_groups.create", name=unique("rollers"), permissions=["keys:view:own"])
    app = await lk("applications.create", name=unique("roll"), group_ids=[group.id])
    expiration = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
    old = await lk(
        "access_keys.create",
        app.id,
        name=unique("old"),
        description="to roll",
        scopes=["keys:view:own"],
        expiration=expiration,
    )
    before = datetime.now(timezone.utc)
    rolled = await lk("access_keys.roll", app.id, old.id, grace_seconds=3600)
    assert isinstance(rolled, latchkey.RolledAccessKey)
    assert isinstance(rolled, latchkey.CreatedAccessKey)
    assert rolled.id != old.id and rolled.key != old.key
    assert rolled.key.startswith("ak_") and rolled.key.startswith(rolled.key_prefix)
    assert rolled.key not in repr(rolled)
    # The new key has the old one's scopes, description and expiration.
    assert (rolled.scopes, rolled.description, rolled.expiration) == (
        ("keys:view:own",),
        "to roll",
        expiration,
    )
    assert rolled.name.startswith(old.name + "-rolled-")
    # The old key now ends with the grace.
    assert rolled.rolled.id == old.id and rolled.rolled.status == "active"
    assert rolled.rolled.expiration is not None
    assert before + timedelta(seconds=3590) <= rolled.rolled.expiration
    assert rolled.rolled.expiration <= datetime.now(timezone.utc) + timedelta(seconds=3600)

    # During the grace both keys authenticate, each with its scopes.
    for key, key_id in ((old.key, old.id), (rolled.key, rolled.id)):
        as_key = make_client(lk.flavour, server.url, access_key=key)
        try:
            me = await Driver(as_key)("me")
        finally:
            as_key.close()
        assert (me.application.id, me.credential.id) == (app.id, key_id)
        assert me.credential.scopes == ("keys:view:own",) and me.permissions == ("keys:view:own",)

    # The plan allows two keys per application: the old one makes room.
    await lk("access_keys.revoke", app.id, old.id)
    named = await lk("access_keys.roll", app.id, rolled.id, grace_seconds=0, name="renamed")
    assert named.name == "renamed" and named.scopes == ("keys:view:own",)
    with pytest.raises(latchkey.ValidationError) as caught:
        await lk("access_keys.roll", app.id, named.id, grace_seconds=604801)
    assert [f.name for f in caught.value.fields] == ["grace_seconds"]
    with pytest.raises(latchkey.InvalidArgumentError):
        await lk("access_keys.roll", app.id, app.id, grace_seconds=0)
    await lk("applications.delete", app.id)
    await lk("policy_groups.delete", group.id)


async def test_introspect(lk: Driver, server: Server) -> None:
    me = await lk("me")
    own = await lk("introspect", server.admin_key)
    assert isinstance(own, latchkey.Introspection)
    assert own.active is True and own.token_type == "access_key"
    assert (own.account_id, own.application_id, own.user_id, own.credential_id) == (
        me.account.id,
        me.application.id,
        me.user.id,
        me.credential.id,
    )
    assert own.scope is not None and "credentials:introspect" in own.scope.split(" ")
    assert own.exp is None  # the admin key never expires

    app = await lk("applications.create", name=unique("introspected"))
    expiration = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
    key = await lk("access_keys.create", app.id, name=unique("seen"), expiration=expiration)
    seen = await lk("introspect", key.key)
    assert seen.active is True and seen.token_type == "access_key"
    assert (seen.account_id, seen.application_id, seen.credential_id) == (
        me.account.id,
        app.id,
        key.id,
    )
    assert seen.exp == int(expiration.timestamp())

    # Revoked or garbage: inactive, and nothing else (never why). Few
    # guesses: a wrong one is paid from the asking client's failure budget.
    await lk("access_keys.revoke", app.id, key.id)
    assert await lk("introspect", key.key) == latchkey.Introspection(active=False)
    assert await lk("introspect", "ak_not-a-key") == latchkey.Introspection(active=False)
    await lk("applications.delete", app.id)


async def test_key_policy(lk: Driver) -> None:
    assert await lk("accounts.key_policy") == latchkey.KeyPolicy()
    app = await lk("applications.create", name=unique("policy"))
    try:
        wanted = latchkey.KeyPolicy(
            max_key_lifetime_days=90, require_expiration=True, exposed_key_action="deactivate"
        )
        assert await lk("accounts.update_key_policy", wanted) == wanted
        assert await lk("accounts.key_policy") == wanted
        # A key without an expiration is refused, naming it.
        with pytest.raises(latchkey.ValidationError) as caught:
            await lk("access_keys.create", app.id, name=unique("forever"))
        assert [f.name for f in caught.value.fields] == ["expiration"]
        expiration = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
        dated = await lk("access_keys.create", app.id, name=unique("dated"), expiration=expiration)
        assert dated.expiration == expiration
        with pytest.raises(latchkey.InvalidArgumentError):
            await lk("accounts.update_key_policy", latchkey.KeyPolicy(exposed_key_action="explode"))  # type: ignore[arg-type]
    finally:
        # The account is shared by every test: leave it asking nothing.
        await lk("accounts.update_key_policy", latchkey.KeyPolicy())
    assert await lk("accounts.key_policy") == latchkey.KeyPolicy()
    assert (await lk("access_keys.create", app.id, name=unique("free"))).expiration is None
    await lk("applications.delete", app.id)


async def test_users(lk: Driver) -> None:
    group = await lk("policy_groups.create", name=unique("readers"))
    email = unique("user") + "@example.com"
    user = await lk("users.create", email=email, name="Ada", group_ids=[group.id])
    assert isinstance(user, latchkey.User)
    assert (user.email, user.name, user.status, user.group_ids) == (
        email,
        "Ada",
        "active",
        (group.id,),
    )
    assert await lk("users.get", user.id) == user
    updated = await lk("users.update", user.id, name="Ada L.", group_ids=[])
    assert (updated.name, updated.group_ids, updated.email) == ("Ada L.", (), email)
    assert user.id in ids(await lk("users.list", limit=1))
    # An admin may create on another user's behalf (`created_by`).
    owned = await lk("applications.create", name=unique("owned"), created_by=user.id)
    assert owned.created_by == user.id
    owned_key = await lk("access_keys.create", owned.id, name=unique("k"), created_by=user.id)
    assert owned_key.created_by == user.id
    _, public_pem = ed25519_pem_pair()
    owned_jwt = await lk(
        "jwt_keys.create", owned.id, name=unique("j"), public_key=public_pem, created_by=user.id
    )
    assert owned_jwt.created_by == user.id
    await lk("applications.delete", owned.id)
    page = await lk("users.list_page", limit=1, include_total_count=True)
    assert page.total_count is not None and page.total_count >= 2
    await lk("users.delete", user.id)
    assert user.id not in ids(await lk("users.list"))
    deleted = await lk("users.list", status="deleted")
    assert [u.status for u in deleted if u.id == user.id] == ["deleted"]
    await lk("policy_groups.delete", group.id)


async def test_password_links(lk: Driver, server: Server) -> None:
    user = await lk("users.create", email=unique("person") + "@example.com", name="Grace")
    assert user.has_password is False
    link = await lk("users.password_link", user.id)
    assert isinstance(link, latchkey.PasswordLink)
    assert link.user_id == user.id
    assert link.url.startswith(server.url + "/console/password?token=")
    assert link.expires_at > datetime.now(timezone.utc)
    assert link.url not in repr(link) and "token" not in repr(link)
    assert (await lk("users.password_link", user.id)).url != link.url

    # Whoever holds a link acts as its user: a manager of users cannot hand
    # out a user whose rights it lacks (here the administrator).
    group = await lk("policy_groups.create", name=unique("managers"), permissions=["users:manage"])
    app = await lk("applications.create", name=unique("people"), group_ids=[group.id])
    manager_key = await lk("access_keys.create", app.id, name=unique("manager"))
    admin_user = (await lk("me")).user
    manager = make_client(lk.flavour, server.url, access_key=manager_key.key)
    try:
        with pytest.raises(latchkey.ForbiddenError) as caught:
            await Driver(manager)("users.password_link", admin_user.id)
        assert (caught.value.status, caught.value.type) == (403, "forbidden")
        assert caught.value.fields and all(f.name == "id" for f in caught.value.fields)
        assert caught.value.request_id
        # A user without rights is within any manager's: allowed.
        assert (await Driver(manager)("users.password_link", user.id)).user_id == user.id
    finally:
        manager.close()
    with pytest.raises(latchkey.InvalidArgumentError):
        await lk("users.password_link", app.id)
    await lk("applications.delete", app.id)
    await lk("policy_groups.delete", group.id)
    await lk("users.delete", user.id)


async def test_audit_log(lk: Driver, server: Server) -> None:
    me = await lk("me")
    before = await lk("applications.create", name=unique("unaudited"))
    start = datetime.now(timezone.utc)
    name = unique("audited")
    app = await lk("applications.create", name=name)
    await lk("applications.update", app.id, name=name + "-renamed")

    records = await lk("audit_log.list", target_id=app.id, limit=1)
    assert all(isinstance(r, latchkey.AuditRecord) for r in records)
    assert [r.action for r in records] == ["application.create", "application.update"]
    renamed = records[1]
    assert (renamed.target.type, renamed.target.id) == ("application", app.id)
    assert renamed.actor.via == "access_key"
    assert renamed.actor.user_id == me.user.id
    assert renamed.actor.credential_id == me.credential.id
    assert renamed.account_id == me.account.id
    assert renamed.changes["name"] == (name, name + "-renamed")
    assert renamed.request_id and renamed.ip == "127.0.0.1"
    assert renamed.at.tzinfo == timezone.utc and renamed.at >= start

    # Every filter given must match.
    mine = await lk("audit_log.list", target_id=app.id, actor_user_id=me.user.id)
    assert [r.id for r in mine] == [r.id for r in records]
    page = await lk(
        "audit_log.list_page", action="application.create", since=start, order="DESC"
    )
    assert isinstance(page, latchkey.Page)
    assert [r.target.id for r in page.data] == [app.id]
    assert before.id not in [r.target.id for r in await lk("audit_log.list", since=start)]
    assert await lk("audit_log.list", target_id=app.id, until=start) == []

    # A filter the server does not know is its validation error naming it.
    with pytest.raises(latchkey.ValidationError) as caught:
        await lk("audit_log.list_page", action="application.steal")
    assert caught.value.status == 400
    assert [f.name for f in caught.value.fields] == ["action"]
    with pytest.raises(latchkey.ValidationError) as caught:
        await lk("audit_log.list", limit=0)
    assert [f.name for f in caught.value.fields] == ["limit"]
    # Arguments are checked before any request.
    with pytest.raises(latchkey.InvalidArgumentError, match="actor_user_id"):
        await lk("audit_log.list_page", actor_user_id=app.id)
    with pytest.raises(latchkey.InvalidArgumentError, match="since"):
        await lk("audit_log.list_page", since=datetime(2026, 1, 1))

    # The log is for holders of audit:view only.
    group = await lk("policy_groups.create", name=unique("viewers"), permissions=["applications:view:any"])
    viewer_app = await lk("applications.create", name=unique("viewer"), group_ids=[group.id])
    viewer_key = await lk("access_keys.create", viewer_app.id, name=unique("viewer"))
    viewer = make_client(lk.flavour, server.url, access_key=viewer_key.key)
    try:
        with pytest.raises(latchkey.ForbiddenError) as refused:
            await Driver(viewer)("audit_log.list_page")
        assert (refused.value.status, refused.value.type) == (403, "forbidden")
        with pytest.raises(latchkey.ForbiddenError):
            await Driver(viewer)("audit_log.list")
    finally:
        viewer.close()
    for application in (app, before, viewer_app):
        await lk("applications.delete", application.id)
    await lk("policy_groups.delete", group.id)


async def test_policy_groups_and_members(lk: Driver) -> None:
    group = await lk(
        "policy_groups.create",
        name=unique("viewers"),
        description="can look",
        permissions=["applications:view:own"],
    )
    assert isinstance(group, latchkey.PolicyGroup)
    assert group.permissions == ("applications:view:own",) and not group.built_in
    assert await lk("policy_groups.get", group.id) == group
    updated = await lk(
        "policy_groups.update",
        group.id,
        description="can look at all",
        permissions=["applications:view:any"],
    )
    assert updated.description == "can look at all"
    assert "applications:view:any" in updated.permissions
    listed = await lk("policy_groups.list", limit=1)
    assert group.id in ids(listed)
    assert any(g.built_in and g.name == "Administrators" for g in listed)
    page = await lk("policy_groups.list_page", limit=1, include_total_count=True)
    assert page.total_count is not None and page.total_count >= 2

    apps = [await lk("applications.create", name=unique("member")) for _ in range(2)]
    await lk("policy_groups.add_applications", group.id, ids(apps))
    assert ids(await lk("policy_groups.list_applications", group.id, limit=1)) == ids(apps)
    assert (await lk("applications.get", apps[0].id)).group_ids == (group.id,)
    page = await lk(
        "policy_groups.list_applications_page", group.id, limit=1, include_total_count=True
    )
    assert ids(list(page.data)) == [apps[0].id] and page.has_more and page.total_count == 2
    await lk("policy_groups.remove_applications", group.id, [apps[0].id])
    assert ids(await lk("policy_groups.list_applications", group.id)) == [apps[1].id]

    user = await lk("users.create", email=unique("member") + "@example.com")
    await lk("policy_groups.add_users", group.id, [user.id])
    assert ids(await lk("policy_groups.list_users", group.id)) == [user.id]
    page = await lk("policy_groups.list_users_page", group.id, include_total_count=True)
    assert ids(list(page.data)) == [user.id] and not page.has_more and page.total_count == 1
    await lk("policy_groups.remove_users", group.id, [user.id])
    assert await lk("policy_groups.list_users", group.id) == []

    await lk("policy_groups.delete", group.id)
    with pytest.raises(latchkey.NotFoundError):
        await lk("policy_groups.get", group.id)
    for app in apps:
        await lk("applications.delete", app.id)
    await lk("users.delete", user.id)


async def test_accounts(lk: Driver, server: Server) -> None:
    current = await lk("accounts.current")
    assert isinstance(current, latchkey.Account)
    assert current.operator and current.plan == "commercial"
    assert current.limits.applications == 25
    renamed = await lk("accounts.rename_current", unique("Operator"))
    assert renamed.id == current.id and renamed.name != current.name

    created = await lk(
        "accounts.create",
        name=unique("tenant"),
        plan="custom",
        limits=latchkey.Limits(
            applications=3, access_keys_per_application=1, jwt_keys_per_application=1
        ),
        admin_email="owner@example.com",
    )
    assert isinstance(created, latchkey.CreatedAccount)
    assert created.plan == "custom" and created.limits.applications == 3
    assert created.admin_user.email == "owner@example.com"
    assert created.access_key.application_id == created.admin_application.id
    tenant = make_client(lk.flavour, server.url, access_key=created.key)
    tenant_me = await Driver(tenant)("me")
    tenant.close()
    assert tenant_me.account.id == created.id and not tenant_me.account.operator

    fetched = await lk("accounts.get", created.id)
    assert fetched.id == created.id and fetched.name == created.name
    assert created.id in ids(await lk("accounts.list", limit=1))
    page = await lk("accounts.list_page", limit=1, include_total_count=True)
    assert page.total_count is not None and page.total_count >= 2 and page.has_more
    moved = await lk("accounts.update", created.id, plan="free")
    assert moved.plan == "free" and moved.limits.applications == 4
    raised = await lk(
        "accounts.update",
        created.id,
        name="Tenant",
        plan="custom",
        limits=latchkey.Limits(
            applications=9, access_keys_per_application=2, jwt_keys_per_application=2
        ),
    )
    assert (raised.name, raised.plan, raised.limits.applications) == ("Tenant", "custom", 9)
