// Public types of @latchkey/node (the native addon's generated types are in
// ../index.d.ts; this file describes the wrapper users import).

import type { KeyObject } from 'node:crypto'

/** The package version. */
export declare const version: string

/** A JSON Web Key (public or private members). */
export interface Jwk {
  kty: string
  [member: string]: unknown
}

/** A JSON Web Key Set. */
export interface Jwks {
  keys: Jwk[]
}

/** A public key, or anything with one: PEM text or bytes, a JWK, a `KeyObject`. */
export type KeyInput = string | Uint8Array | Jwk | KeyObject

/** The algorithms of the toolkit (`Ed25519` is `EdDSA` by its RFC 9864 name). */
export type Algorithm =
  | 'EdDSA' | 'Ed25519' | 'ES256' | 'ES384'
  | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512'

/** JWT claims. */
export interface JwtPayload {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
  [claim: string]: unknown
}

/** A JOSE header. */
export interface JwtHeader {
  alg: string
  typ?: string
  kid?: string
  [member: string]: unknown
}

/** A generated key pair. */
export interface KeyPair {
  /** PKCS#8 PEM. */
  privatePem: string
  /** SPKI PEM. */
  publicPem: string
  /** The public key as a JWK object. */
  publicJwk: Jwk
  /** RFC 7638 thumbprint (SHA-256, unpadded base64url). */
  thumbprint: string
}

export interface GenerateKeyPairOptions {
  /** RSA modulus bits: 2048 (default), 3072 or 4096. */
  modulusLength?: number
}

export interface SignOptions {
  /** Default: the key's own algorithm (`EdDSA` for Ed25519). */
  algorithm?: Algorithm
  /** The header's `kid`. */
  keyid?: string
  /** Extra header members (`alg` and `kid` may be given here instead). */
  header?: Record<string, unknown>
}

export interface VerifyOptions {
  /** The allow-list; may mix families (the key's type picks). Required. */
  algorithms: string[]
  audience?: string | string[]
  issuer?: string
  subject?: string
  /** Leeway for `exp`, `nbf`, `iat`, in seconds (default 0). */
  clockTolerance?: number
  /** The current time in seconds since the epoch (default: now). */
  clockTimestamp?: number
  /** The longest accepted `exp - iat`, in seconds; makes both required. */
  maxLifetime?: number
  /** Claims that must be present. */
  requiredClaims?: string[]
  /** Return `{ header, payload }` instead of the payload. */
  complete?: boolean
}

/** The claims of a Latchkey access token (`jwt.mintAccessToken`). */
export interface MintAccessTokenOptions {
  /** The application (`app_…`): `iss` and `sub`. */
  applicationId: string
  /** The registered JWT key (`jwk_…`): `kid`. */
  keyId: string
  /** The server's JWT audience (`me().jwtAudience`, `wellKnown().jwtAudience`): `aud`. */
  audience: string
  /** Seconds from `iat` to `exp`, 1 to 3600 (900 by default). */
  lifetime?: number
  /** `iat`, in seconds since the epoch (default: now). */
  clockTimestamp?: number
}

/** The offline JWT toolkit, with `jsonwebtoken`'s names. */
export declare const jwt: {
  generateKeyPair(algorithm: Algorithm, options?: GenerateKeyPairOptions): KeyPair
  sign(payload: JwtPayload, key: KeyInput, options?: SignOptions): string
  verify(token: string, keyOrJwks: KeyInput | Jwks, options: VerifyOptions & { complete: true }): { header: JwtHeader; payload: JwtPayload }
  verify(token: string, keyOrJwks: KeyInput | Jwks, options: VerifyOptions): JwtPayload
  /** The header, decoded but not verified: untrusted until `verify` succeeds. */
  decodeUnverifiedHeader(token: string): JwtHeader
  /** The access token a Latchkey server expects from an application signing with its JWT key `keyId`. */
  mintAccessToken(key: KeyInput, options: MintAccessTokenOptions): string
  exportJwk(key: KeyInput): Jwk
  exportPem(key: KeyInput): string
  thumbprint(key: KeyInput): string
}

/** Raw JWS signatures over a signing input (`header.payload`). */
export declare const jws: {
  createSignature(signingInput: string | Uint8Array, key: KeyInput, algorithm: Algorithm): string
  verifySignature(signingInput: string | Uint8Array, signature: string | Uint8Array, key: KeyInput, algorithm: Algorithm): boolean
}

/** The parts of a well-formed access key; `secret` is never printed. */
export declare class ParsedAccessKey {
  readonly keyId: string
  readonly checksum: string
  readonly keyPrefix: string
  readonly secret: string
  toJSON(): { keyId: string; checksum: string; keyPrefix: string }
}

export declare const accessKey: {
  parse(key: string): ParsedAccessKey
}

export declare class LatchkeyError extends Error {
  readonly code: string
}
export declare class JwtError extends LatchkeyError {}
export declare class JwtMalformedError extends JwtError { readonly code: 'ERR_JWT_MALFORMED' }
export declare class JwtAlgorithmNotAllowedError extends JwtError { readonly code: 'ERR_JWT_ALG_NOT_ALLOWED' }
export declare class JwtUnknownKidError extends JwtError { readonly code: 'ERR_JWT_UNKNOWN_KID' }
export declare class JwtBadSignatureError extends JwtError { readonly code: 'ERR_JWT_BAD_SIGNATURE' }
export declare class JwtExpiredError extends JwtError { readonly code: 'ERR_JWT_EXPIRED' }
export declare class JwtNotYetValidError extends JwtError { readonly code: 'ERR_JWT_NOT_YET_VALID' }
export declare class JwtLifetimeTooLongError extends JwtError { readonly code: 'ERR_JWT_LIFETIME_TOO_LONG' }
export declare class JwtMissingClaimError extends JwtError {
  readonly code: 'ERR_JWT_MISSING_CLAIM'
  /** The absent claim. */
  readonly claim: string
}
export declare class JwtBadAudienceError extends JwtError { readonly code: 'ERR_JWT_BAD_AUDIENCE' }
export declare class JwtBadIssuerError extends JwtError { readonly code: 'ERR_JWT_BAD_ISSUER' }
export declare class JwtBadSubjectError extends JwtError { readonly code: 'ERR_JWT_BAD_SUBJECT' }
export declare class JwtInvalidKeyError extends JwtError { readonly code: 'ERR_JWT_INVALID_KEY' }
export declare class InvalidAccessKeyError extends LatchkeyError {
  readonly code: 'ERR_LATCHKEY_INVALID_ACCESS_KEY'
  /** `empty`, `whitespace`, `bad_prefix`, `bad_character`, `bad_length` or `bad_checksum`. */
  readonly category: string
}

// --- the API client ----------------------------------------------------------

/** Statuses a key can be set to (`expired` follows from the expiration). */
export type KeyStatus = 'active' | 'inactive' | 'revoked'
/** List order: `ASC` (creation order, the server's default) or `DESC`. */
export type Order = 'ASC' | 'DESC'

// --- generated by `cargo xtask codegen` from spec/openapi.json: the models; do not edit ---

/** The status of an application. */
export type ApplicationStatus = 'active' | 'revoked'

/** The status of a user. */
export type UserStatus = 'active' | 'deleted'

/** The status of an access key or JWT key (`expired` is derived). */
export type AccessKeyStatus = 'active' | 'inactive' | 'revoked' | 'expired'

/** An account's plan. */
export type PlanName = 'free' | 'commercial' | 'custom'

/** What happens to a key a secret-scanning partner reports leaked. */
export type ExposedKeyAction = 'revoke' | 'deactivate' | 'notify'

/** Limits of an account: active items it may hold. */
export interface Limits {
  /** Applications per account. */
  applications: number
  /** Access keys per application. */
  accessKeysPerApplication: number
  /** JWT keys per application. */
  jwtKeysPerApplication: number
}

/** An account. */
export interface Account {
  /** Id (`acc_…`). */
  id: string
  /** Name. */
  name: string
  /** `free`: 4 applications; `commercial`: 25; `custom`: the limits given. */
  plan: PlanName
  /** Limits in force. */
  limits: Limits
  /** Whether this is the operator account. */
  operator: boolean
  /** Creation time (RFC 3339). */
  createdAt: Date
  /** Last change. */
  updatedAt: Date
}

/** An application. */
export interface Application {
  /** Id (`app_…`). */
  id: string
  /** Name, unique among the account's applications that are not revoked. */
  name: string
  /** Description. */
  description: string
  /** Policy groups whose permissions its credentials get. */
  groupIds: string[]
  /** `revoked` is terminal. */
  status: ApplicationStatus
  /** The user it belongs to. */
  createdBy: string
  /** Creation time. */
  createdAt: Date
  /** Last change. */
  updatedAt: Date
}

/** A user. */
export interface User {
  /** Id (`usr_…`). */
  id: string
  /** Email, unique among the account's active users. */
  email: string
  /** Display name. */
  name: string
  /** `deleted` is terminal. */
  status: UserStatus
  /** Policy groups the user belongs to. */
  groupIds: string[]
  /** Whether the user has set a console password (through a password link). */
  hasPassword: boolean
  /** Creation time. */
  createdAt: Date
  /** Last change. */
  updatedAt: Date
}

/** The credential a request authenticated with. */
export interface CredentialSummary {
  /** `access_key` (or `jwt_key`). */
  kind: 'access_key' | 'jwt_key'
  /** The key's id. */
  id: string
  /**
   * Scopes (immutable): the credential's rights are its application's groups'
   * permissions intersected with these; empty: unscoped (the application's
   * rights, as they change).
   */
  scopes: string[]
  /** When the key expires, if ever. */
  expiration: Date | null
}

/** Who the calling credential is. */
export interface Me {
  /** The credential's account. */
  account: Account
  /** The credential's application. */
  application: Application
  /** The user the credential belongs to. */
  user: User
  /** The credential. */
  credential: CredentialSummary
  /** Effective permissions: the application's groups' permissions intersected with the credential's scopes. */
  permissions: string[]
  /** The `aud` JWTs must carry. */
  jwtAudience: string
}

/** Liveness. */
export interface Health {
  /** Always `ok`. */
  status: string
}

/** Public facts about the server. */
export interface ServerInfo {
  /** The `aud` every JWT must carry. */
  jwtAudience: string
  /** The JWS algorithms JWT keys may use. */
  jwtAlgorithms: string[]
  /** The server's version. */
  version: string
}

/** Whether a credential is active, and whose it is when it is. */
export interface Introspection {
  /** Whether the credential may act now. When false, no other field is present. */
  active: boolean
  /** `access_key` or `jwt`. */
  tokenType?: 'access_key' | 'jwt'
  /** The credential's account (`acc_…`). */
  accountId?: string
  /** Its application (`app_…`). */
  applicationId?: string
  /** The user it acts as (`usr_…`). */
  userId?: string
  /** The access key (`key_…`) or JWT key (`jwk_…`) it is. */
  credentialId?: string
  /** Its effective permissions, space-separated (RFC 7662's `scope`). */
  scope?: string
  /**
   * When it stops working, in seconds since the epoch: a JWT's `exp`, or an
   * access key's expiration; absent when it has none.
   */
  exp?: number
}

/** An access key (never its secret). */
export interface AccessKey {
  /** Id (`key_…`). */
  id: string
  /** The application it belongs to (never changes). */
  applicationId: string
  /** Name, unique among the account's access keys that are not revoked. */
  name: string
  /** Description. */
  description: string
  /** The stored status, or `expired` when the expiration has passed (revoked wins). */
  status: AccessKeyStatus
  /** When it stops working, if ever. */
  expiration: Date | null
  /**
   * Scopes (immutable): the credential's rights are its application's groups'
   * permissions intersected with these; empty: unscoped (the application's
   * rights, as they change).
   */
  scopes: string[]
  /** `ak_` and the first 8 characters of the key id. */
  keyPrefix: string
  /** The server the key is for. */
  apiHost: string
  /** The user it belongs to. */
  createdBy: string
  /** Creation time. */
  createdAt: Date
  /** Last change. */
  updatedAt: Date
  /** Last successful authentication (coalesced: up to a minute late). */
  lastUsedAt: Date | null
}

/**
 * A new access key, with its secret string: shown this once, never again. `key`
 * is a secret, shown this once: a non-enumerable getter, so `JSON.stringify`,
 * `util.inspect` and spreading leave it out.
 */
export interface CreatedAccessKey extends AccessKey {
  /** The full access key (`ak_…`). Store it now: it is never shown again. */
  readonly key: string
}

/**
 * A roll's answer: the new key, its full key string shown once, and the rolled
 * key as it now is (expiring at the grace's end).
 */
export interface RolledAccessKey extends CreatedAccessKey {
  /** The rolled key: its `expiration` is when it stops working. */
  rolled: AccessKey
}

/** One id of a bulk delete. */
export interface BulkDeleteItem {
  /** The key id. */
  id: string
  /** `deleted`. */
  status: string
}

/** The outcome of a bulk delete that deleted every key. */
export interface BulkDeleteResult {
  /**
   * Always true here: when any id fails, nothing is deleted and the answer is a
   * 409 naming each failing id in `fields`.
   */
  deleted: boolean
  /** One line per id, in request order. */
  results: BulkDeleteItem[]
}

/** A JWT key: a registered public key whose holder signs its own tokens. */
export interface JwtKey {
  /** Id (`jwk_…`): the `kid` tokens signed with this key carry. */
  id: string
  /** The application it belongs to (never changes): the `iss` and `sub` of its tokens. */
  applicationId: string
  /** Name, unique among the account's JWT keys that are not revoked. */
  name: string
  /** Description. */
  description: string
  /** The one JWS algorithm its tokens must use. */
  algorithm: string
  /** The public key as a JWK, with `kid` (the key's id) and `alg`. */
  publicKey: Jwk
  /** RFC 7638 SHA-256 thumbprint of the public key (base64url). */
  thumbprint: string
  /** The stored status, or `expired` when the expiration has passed (revoked wins). */
  status: AccessKeyStatus
  /** When it stops working, if ever. */
  expiration: Date | null
  /**
   * Scopes (immutable): the credential's rights are its application's groups'
   * permissions intersected with these; empty: unscoped (the application's
   * rights, as they change).
   */
  scopes: string[]
  /** The user it belongs to. */
  createdBy: string
  /** Creation time. */
  createdAt: Date
  /** Last change. */
  updatedAt: Date
  /** Last successful authentication (coalesced: up to a minute late). */
  lastUsedAt: Date | null
}

/**
 * A one-time link that sets a user's console password. `url` is a secret, shown
 * this once: a non-enumerable getter, so `JSON.stringify`, `util.inspect` and
 * spreading leave it out.
 */
export interface PasswordLink {
  /** The user whose password it sets (`usr_…`). */
  userId: string
  /** The link, shown this once: whoever opens it can set the user's password and act as the user. It works once. */
  readonly url: string
  /** When it stops working (24 hours after it was made). */
  expiresAt: Date
}

/** A policy group. */
export interface PolicyGroup {
  /** Id (`grp_…`). */
  id: string
  /** Name, unique in the account. */
  name: string
  /** Description. */
  description: string
  /** Permissions granted to members. */
  permissions: string[]
  /** Whether this is the built-in `Administrators` group. */
  builtIn: boolean
  /** Creation time. */
  createdAt: Date
  /** Last change. */
  updatedAt: Date
}

/** An account's key policy. */
export interface KeyPolicy {
  /** Longest a key may live, from creation to expiration, in days; `null`: no limit. */
  maxKeyLifetimeDays: number | null
  /** Whether every new key must have an expiration. */
  requireExpiration: boolean
  /** Keys unused for this many days are deactivated; `null`: never. */
  deactivateUnusedAfterDays: number | null
  /** `revoke` (terminal), `deactivate` (can be undone), or `notify` (the exposure is only recorded). */
  exposedKeyAction: ExposedKeyAction
}

/**
 * A new account with what it starts with; `key` is shown this once. `key` is a
 * secret, shown this once: a non-enumerable getter, so `JSON.stringify`,
 * `util.inspect` and spreading leave it out.
 */
export interface CreatedAccount extends Account {
  /** Its admin user (in `Administrators`). */
  adminUser: User
  /** Its admin application (in `Administrators`). */
  adminApplication: Application
  /** The admin application's first access key. */
  accessKey: AccessKey
  /** The full access key (`ak_…`). Store it now: it is never shown again. */
  readonly key: string
}

/** Who acted. */
export interface AuditActor {
  /** The acting user (`usr_…`); null for the CLI and the system. */
  userId: string | null
  /** The acting credential's application (`app_…`); null in the console. */
  applicationId: string | null
  /** The credential: an access key (`key_…`), a JWT key (`jwk_…`) or a console session (`ses_…`). */
  credentialId: string | null
  /** How: `access_key`, `jwt`, `console`, `cli` or `system`. */
  via: string
}

/** What a record is about. */
export interface AuditTarget {
  /** `account`, `user`, `policy_group`, `application`, `access_key`, `jwt_key`, `session` or `credential`. */
  type: string
  /** Its id. */
  id: string
}

/** One entry of the audit log. */
export interface AuditRecord {
  /** Id (`aud_…`); records sort by it in the order they were written. */
  id: string
  /** The account whose log it is in. */
  accountId: string
  /** When. */
  at: Date
  /** Who. */
  actor: AuditActor
  /** What happened (`access_key.create`, `group.members.add`, …). */
  action: string
  /** To what. */
  target: AuditTarget
  /**
   * `{field: [before, after]}` for each field the change touched (null where
   * the object did not exist); never a secret.
   */
  changes: Record<string, [unknown, unknown]>
  /** The request that made the change (`X-Request-Id`), if one did. */
  requestId: string | null
  /** The client's address, if a request made the change. */
  ip: string | null
}

// --- end of the generated models ---

/** A key policy to put in force: what is left out (or `null`) asks nothing. */
export interface KeyPolicyInput {
  maxKeyLifetimeDays?: number | null
  requireExpiration?: boolean
  deactivateUnusedAfterDays?: number | null
  /** `revoke` when left out. */
  exposedKeyAction?: ExposedKeyAction
}

/** How to roll an access key. */
export interface RollOptions {
  /** How long the old key keeps working, 0 to 604800 seconds. */
  graceSeconds: number
  /** The new key's name (else the old name with a `-rolled-N` suffix). */
  name?: string
}

/** One page of a list. */
export interface Page<T> {
  data: T[]
  /** Whether more items follow: then `after` is the next page's cursor. */
  hasMore: boolean
  /** The cursor of the next page (the id of this page's last item). */
  after: string | null
  limit: number
  order: Order
  /** Every matching item, when asked for with `includeTotalCount`; else `null`. */
  totalCount: number | null
}

/** The options of a list. */
export interface ListOptions<S extends string = never> {
  /** Only items with this status (terminal statuses are hidden unless asked for). */
  status?: S
  /** Items per page, 1–1000 (the server's default is 50). */
  limit?: number
  order?: Order
  /** Start after the item with this id. */
  after?: string
}

/** The options of the one-page form of a list. */
export interface PageOptions<S extends string = never> extends ListOptions<S> {
  /** Ask for `totalCount`. */
  includeTotalCount?: boolean
}

/** The JWT credential of a client: tokens minted from a registered JWT key. */
export interface JwtSignerOptions {
  /** The application (`app_…`): the tokens' `iss` and `sub`. */
  applicationId: string
  /** The JWT key id (`jwk_…`): the tokens' `kid`. */
  keyId: string
  /** The private key: PEM (string or bytes), a private JWK or a `KeyObject`. */
  privateKey: string | Uint8Array | Jwk | KeyObject
  /** The tokens' `aud`; by default the server's, read once from `/.well-known/latchkey`. */
  audience?: string
  /** Token lifetime in seconds, 1 to 3600 (default 900). */
  lifetime?: number
}

/** How to build a client. */
export interface ClientOptions {
  /** The server's base URL; default `$LATCHKEY_URL`. */
  baseUrl?: string
  /** An access key (checked offline); default `$LATCHKEY_ACCESS_KEY` unless `signer` is given. */
  accessKey?: string
  /** A JWT credential instead of an access key. */
  signer?: JwtSignerOptions
  /** Time for each attempt of a request, in milliseconds (default 30000). */
  timeout?: number
  /** Time to connect, in milliseconds (default 10000). */
  connectTimeout?: number
  /** Retries of idempotent requests after a 429, a 503 or a failed connection (default 3). */
  maxRetries?: number
}

/** An application to create. */
export interface NewApplication {
  name: string
  description?: string
  groupIds?: string[]
  /** Another user of the account to own it (needs `users:manage`). */
  createdBy?: string
}

/** A change of an application; what is left out stays. */
export interface ApplicationUpdate {
  name?: string
  description?: string
  status?: ApplicationStatus
}

/** An access key to create. */
export interface NewAccessKey {
  name: string
  description?: string
  /**
   * Permissions the key is limited to (immutable). None: unscoped when the
   * calling credential holds every permission; otherwise the application's
   * current rights become its scopes.
   */
  scopes?: string[]
  expiration?: Date | null
  createdBy?: string
}

/** A change of a key; what is left out stays, `expiration: null` removes the expiration. */
export interface KeyUpdate {
  name?: string
  description?: string
  status?: KeyStatus
  expiration?: Date | null
}

/** A JWT key to register. */
export interface NewJwtKey {
  name: string
  /** PEM (SPKI or X.509 certificate), a public JWK, or a public `KeyObject`. */
  publicKey: string | Uint8Array | Jwk | KeyObject
  description?: string
  /** The algorithm; by default the server infers it from the key. */
  algorithm?: Algorithm
  expiration?: Date | null
  /** Permissions its tokens are limited to (immutable), as an access key's (none: likewise). */
  scopes?: string[]
  createdBy?: string
}

/** A user to create. */
export interface NewUser {
  email: string
  name?: string
  groupIds?: string[]
}

/** A change of a user. */
export interface UserUpdate {
  email?: string
  name?: string
  /** The user's groups, replacing the old ones. */
  groupIds?: string[]
}

/** A policy group to create. */
export interface NewPolicyGroup {
  name: string
  description?: string
  permissions?: string[]
}

/** A change of a policy group. */
export interface PolicyGroupUpdate {
  name?: string
  description?: string
  /** The group's permissions, replacing the old ones. */
  permissions?: string[]
}

/** A tenant account to create (operator only). */
export interface NewAccount {
  name: string
  plan?: PlanName
  /** Required with plan `custom`. */
  limits?: Limits
  adminEmail?: string
}

/** A change of an account (operator only). */
export interface AccountUpdate {
  name?: string
  plan?: PlanName
  limits?: Limits
}

/** The audit log's filters; every one given must match. */
export interface AuditLogFilter {
  /** Only this action (`access_key.update`, …). */
  action?: string
  /** Only records about this object. */
  targetId?: string
  /** Only what this user did. */
  actorUserId?: string
  /** Only records at or after this instant. */
  since?: Date
  /** Only records at or before this instant. */
  until?: Date
}

// --- generated by `cargo xtask codegen` from spec/sdk.json: the resources; do not edit ---

/** The client's own calls (`client.me()`, …); `Client` extends it. */
declare class ClientCalls {
  /** Who this credential is (`GET /v3/me`). */
  me(): Promise<Me>
  /** Liveness (`GET /health`): the status is `ok` while the server is up; no credential needed. */
  health(): Promise<Health>
  /** Public server facts (`GET /.well-known/latchkey`); no credential needed. */
  wellKnown(): Promise<ServerInfo>
  /** The server's OpenAPI 3.1 document (`GET /openapi.json`); no credential needed. */
  openapi(): Promise<Record<string, unknown>>
  /**
   * Whether `token` (an access key or a JWT) is active, and whose it is (`POST
   * /v3/introspect`, needs `credentials:introspect`). A revoked, expired,
   * unknown or malformed token is inactive with nothing else, whatever the
   * reason; each one that does not verify spends this client's failure budget
   * on the server.
   */
  introspect(token: string): Promise<Introspection>
}

/** Applications: the holders of credentials (`/v3/applications`). */
export interface Applications {
  /** Every application the caller may view, across pages (revoked ones only when the `status` filter is `revoked`). */
  list(options?: ListOptions<ApplicationStatus>): AsyncGenerator<Application, void, undefined>
  /** One page of applications. */
  listPage(options?: PageOptions<ApplicationStatus>): Promise<Page<Application>>
  /**
   * Creates an application in the policy groups `groupIds` (within the plan's
   * limit); `createdBy` names another owner (needs `users:manage`).
   */
  create(input: NewApplication): Promise<Application>
  /** An application. */
  get(applicationId: string): Promise<Application>
  /** Changes what is given of the name, description and status. */
  update(applicationId: string, update: ApplicationUpdate): Promise<Application>
  /** Revokes an application (terminal): its credentials stop working. */
  revoke(applicationId: string): Promise<Application>
  /** Deletes an application and all its keys. */
  delete(applicationId: string): Promise<void>
}

/** Access keys (`ak_…`) of applications. */
export interface AccessKeys {
  /** Every access key of an application, across pages (revoked ones only when the `status` filter is `revoked`). */
  list(applicationId: string, options?: ListOptions<AccessKeyStatus>): AsyncGenerator<AccessKey, void, undefined>
  /** One page of an application's access keys. */
  listPage(applicationId: string, options?: PageOptions<AccessKeyStatus>): Promise<Page<AccessKey>>
  /**
   * Every access key of the account the caller may view, optionally of one
   * application (`GET /v3/access-keys`), across pages.
   */
  listAccount(options?: ListOptions<AccessKeyStatus> & { applicationId?: string }): AsyncGenerator<AccessKey, void, undefined>
  /** One page of `GET /v3/access-keys`. */
  listAccountPage(options?: PageOptions<AccessKeyStatus> & { applicationId?: string }): Promise<Page<AccessKey>>
  /**
   * Creates an access key. `scopes` narrow it and never change (empty: unscoped
   * when the calling credential holds every permission; otherwise the
   * application's current rights become its scopes); `expiration` is an instant
   * with its time zone. The result's `key` is the full secret, shown this once.
   */
  create(applicationId: string, input: NewAccessKey): Promise<CreatedAccessKey>
  /** An access key. */
  get(applicationId: string, keyId: string): Promise<AccessKey>
  /**
   * Changes what is given: name, description, status (`active`, `inactive`,
   * `revoked`) and expiration, which may also be removed (the key then never
   * expires).
   */
  update(applicationId: string, keyId: string, update: KeyUpdate): Promise<AccessKey>
  /** Sets the stored status: `active`, `inactive` or `revoked` (terminal). */
  setStatus(applicationId: string, keyId: string, status: KeyStatus): Promise<AccessKey>
  /** Revokes an access key (terminal). */
  revoke(applicationId: string, keyId: string): Promise<AccessKey>
  /**
   * Rolls an access key: a new key with the old one's scopes, description and
   * expiration (named `name`, else the old name with a `-rolled-N` suffix),
   * while the old key keeps working for `graceSeconds` (0 to 604800) and then
   * expires. The result's `key` is the new secret, shown this once; its
   * `rolled` is the old key with its new `expiration`. `LimitExceededError`
   * when the application has no room for another key.
   */
  roll(applicationId: string, keyId: string, options: RollOptions): Promise<RolledAccessKey>
  /** Deletes an access key. */
  delete(applicationId: string, keyId: string): Promise<void>
  /**
   * Deletes every listed key, or none: when any cannot be deleted, a
   * `ConflictError` whose `fields` name each failing `ids[i]`.
   */
  bulkDelete(ids: string[]): Promise<BulkDeleteResult>
}

/** JWT keys: registered public keys whose private halves sign access tokens. */
export interface JwtKeys {
  /** Every JWT key of an application, across pages. */
  list(applicationId: string, options?: ListOptions<AccessKeyStatus>): AsyncGenerator<JwtKey, void, undefined>
  /** One page of an application's JWT keys. */
  listPage(applicationId: string, options?: PageOptions<AccessKeyStatus>): Promise<Page<JwtKey>>
  /**
   * Registers a public key (PEM SPKI or X.509 certificate text, or a JWK); its
   * `id` is the `kid` of the tokens it signs. `algorithm` defaults to the
   * key's. `scopes` narrow its tokens as an access key's scopes do, and never
   * change (empty: unscoped when the calling credential holds every permission;
   * otherwise the application's current rights become its scopes).
   */
  create(applicationId: string, input: NewJwtKey): Promise<JwtKey>
  /** A JWT key. */
  get(applicationId: string, keyId: string): Promise<JwtKey>
  /**
   * Changes what is given: name, description, status and expiration, which may
   * also be removed (the key then never expires).
   */
  update(applicationId: string, keyId: string, update: KeyUpdate): Promise<JwtKey>
  /** Sets the stored status: `active`, `inactive` or `revoked` (terminal). */
  setStatus(applicationId: string, keyId: string, status: KeyStatus): Promise<JwtKey>
  /** Revokes a JWT key (terminal). */
  revoke(applicationId: string, keyId: string): Promise<JwtKey>
  /** Deletes a JWT key. */
  delete(applicationId: string, keyId: string): Promise<void>
  /** The application's active public keys as a JWK set, as the JWT toolkit's verify takes it. */
  jwks(applicationId: string): Promise<Jwks>
}

/** Users of the caller's account. */
export interface Users {
  /** Every user, across pages (deleted ones only when the `status` filter is `deleted`). */
  list(options?: ListOptions<UserStatus>): AsyncGenerator<User, void, undefined>
  /** One page of users. */
  listPage(options?: PageOptions<UserStatus>): Promise<Page<User>>
  /** Creates a user in the policy groups `groupIds`. */
  create(input: NewUser): Promise<User>
  /** A user. */
  get(userId: string): Promise<User>
  /** Changes what is given of the email, name and groups. */
  update(userId: string, update: UserUpdate): Promise<User>
  /** Marks a user deleted: everything the user created stops authenticating. */
  delete(userId: string): Promise<void>
  /**
   * A one-time link that sets the user's console password, valid 24 hours; the
   * user's earlier links stop working. Needs `users:manage`, and the user's
   * rights must be the caller's to give (whoever holds the link acts as the
   * user): `ForbiddenError` naming `id` otherwise.
   */
  passwordLink(userId: string): Promise<PasswordLink>
}

/** Policy groups: named permission sets, and their members. */
export interface PolicyGroups {
  /** Every policy group, across pages. */
  list(options?: ListOptions): AsyncGenerator<PolicyGroup, void, undefined>
  /** One page of policy groups. */
  listPage(options?: PageOptions): Promise<Page<PolicyGroup>>
  /** Creates a policy group granting `permissions`. */
  create(input: NewPolicyGroup): Promise<PolicyGroup>
  /** A policy group. */
  get(groupId: string): Promise<PolicyGroup>
  /** Changes what is given of the name, description and permissions. */
  update(groupId: string, update: PolicyGroupUpdate): Promise<PolicyGroup>
  /** Deletes a policy group (`Administrators` cannot be deleted). */
  delete(groupId: string): Promise<void>
  /** The applications in a group, across pages. */
  listApplications(groupId: string, options?: ListOptions): AsyncGenerator<Application, void, undefined>
  /** One page of the applications in a group. */
  listApplicationsPage(groupId: string, options?: PageOptions): Promise<Page<Application>>
  /** Adds applications to a group, all or nothing. */
  addApplications(groupId: string, ids: string[]): Promise<void>
  /** Removes applications from a group, all or nothing. */
  removeApplications(groupId: string, ids: string[]): Promise<void>
  /** The users in a group, across pages. */
  listUsers(groupId: string, options?: ListOptions): AsyncGenerator<User, void, undefined>
  /** One page of the users in a group. */
  listUsersPage(groupId: string, options?: PageOptions): Promise<Page<User>>
  /** Adds users to a group, all or nothing. */
  addUsers(groupId: string, ids: string[]): Promise<void>
  /** Removes users from a group, all or nothing. */
  removeUsers(groupId: string, ids: string[]): Promise<void>
}

/** The caller's account; tenant accounts for the operator (`accounts:manage`). */
export interface Accounts {
  /** The caller's account. */
  current(): Promise<Account>
  /** The caller's account's key policy (`GET /v3/accounts/me/policy`, needs `account:view`). */
  keyPolicy(): Promise<KeyPolicy>
  /**
   * Replaces the caller's account's key policy (`PUT /v3/accounts/me/policy`,
   * needs `account:edit`); returns the policy now in force. A policy with
   * nothing set asks nothing. New keys are held to it (a `ValidationError`
   * naming `expiration` otherwise); keys made before it are left as they are.
   */
  updateKeyPolicy(policy: KeyPolicyInput): Promise<KeyPolicy>
  /** Renames the caller's account (the plan is the operator's to change). */
  renameCurrent(name: string): Promise<Account>
  /** Every account, across pages (operator only). */
  list(options?: ListOptions): AsyncGenerator<Account, void, undefined>
  /** One page of accounts (operator only). */
  listPage(options?: PageOptions): Promise<Page<Account>>
  /**
   * Creates a tenant account with its `Administrators` group, admin user, admin
   * application and first access key, whose secret is the result's `key`, shown
   * this once (operator only). `limits` go with plan `custom`.
   */
  create(input: NewAccount): Promise<CreatedAccount>
  /** An account (operator only). */
  get(accountId: string): Promise<Account>
  /** Changes an account's name, plan or limits (operator only). */
  update(accountId: string, update: AccountUpdate): Promise<Account>
}

/**
 * The account's audit log (`/v3/audit-log`, needs `audit:view`): every change
 * and sign-in, in the order written. Every filter given must match: `action`
 * (`access_key.update`, …), `targetId` (the object's id), `actorUserId`, and
 * `since`/`until` (instants, both inclusive). An action the server does not
 * know is its `ValidationError` naming `action`.
 */
export interface AuditLog {
  /** Every record passing the filters, across pages. */
  list(options?: AuditLogFilter & ListOptions): AsyncGenerator<AuditRecord, void, undefined>
  /** One page of the records passing the filters. */
  listPage(options?: AuditLogFilter & PageOptions): Promise<Page<AuditRecord>>
}

// --- end of the generated resources ---

/**
 * A Latchkey API client: every network method returns a promise whose
 * request runs on the Rust client, off the event loop.
 */
export declare class Client extends ClientCalls {
  /** Throws `TypeError`/`RangeError` for bad options and `InvalidAccessKeyError` for a mistyped key. */
  constructor(options?: ClientOptions)
  /** The server's base URL, without a trailing slash. */
  readonly baseUrl: string
  /** Whether `close()` was called. */
  readonly closed: boolean
  readonly applications: Applications
  readonly accessKeys: AccessKeys
  readonly jwtKeys: JwtKeys
  readonly users: Users
  readonly policyGroups: PolicyGroups
  readonly accounts: Accounts
  readonly auditLog: AuditLog
  /** Drops the connections; later calls reject with `ClientClosedError`. */
  close(): void
}

/** One field of a request an error is about: what is wrong with it, or what the acting credential lacks. */
export interface FieldError {
  readonly name: string
  readonly message: string
}

/** The server answered with an error body. */
export declare class ApiError extends LatchkeyError {
  readonly status: number
  /** The API's error type (`not_found`, …). */
  readonly type: string
  /** The request id, to quote to the operator. */
  readonly requestId: string | null
  /**
   * The fields concerned: each invalid field (validation errors, a refused
   * bulk delete's ids); for `ForbiddenError`, one entry per permission the
   * acting credential lacks, named after the request field that asks for it
   * (the API's names: `scopes`, `group_ids[0]`, `created_by`, …).
   */
  readonly fields: readonly FieldError[]
  /** Seconds the server asked to wait (`Retry-After`), or `null`. */
  readonly retryAfter: number | null
}
export declare class ValidationError extends ApiError { readonly code: 'ERR_LATCHKEY_VALIDATION' }
export declare class UnauthorizedError extends ApiError { readonly code: 'ERR_LATCHKEY_UNAUTHORIZED' }
/** 403: a permission is missing, or the request would grant more than the credential holds (see `fields`). */
export declare class ForbiddenError extends ApiError { readonly code: 'ERR_LATCHKEY_FORBIDDEN' }
export declare class NotFoundError extends ApiError { readonly code: 'ERR_LATCHKEY_NOT_FOUND' }
export declare class MethodNotAllowedError extends ApiError { readonly code: 'ERR_LATCHKEY_METHOD_NOT_ALLOWED' }
export declare class ConflictError extends ApiError { readonly code: 'ERR_LATCHKEY_CONFLICT' }
export declare class LimitExceededError extends ApiError { readonly code: 'ERR_LATCHKEY_LIMIT_EXCEEDED' }
export declare class PayloadTooLargeError extends ApiError { readonly code: 'ERR_LATCHKEY_PAYLOAD_TOO_LARGE' }
export declare class TooManyRequestsError extends ApiError { readonly code: 'ERR_LATCHKEY_RATE_LIMITED' }
export declare class ServerError extends ApiError {}
export declare class ServiceUnavailableError extends ServerError { readonly code: 'ERR_LATCHKEY_SERVICE_UNAVAILABLE' }
/** No HTTP answer: connection refused or reset, DNS or TLS failure. */
export declare class TransportError extends LatchkeyError {}
/** The connect or request timeout elapsed. */
export declare class RequestTimeoutError extends TransportError { readonly code: 'ERR_LATCHKEY_TIMEOUT' }
/** The server answered with a body that is not what the API promises. */
export declare class UnexpectedResponseError extends LatchkeyError { readonly code: 'ERR_LATCHKEY_UNEXPECTED_RESPONSE' }
/** The client was closed. */
export declare class ClientClosedError extends LatchkeyError { readonly code: 'ERR_LATCHKEY_CLIENT_CLOSED' }
