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

/** The offline JWT toolkit, with `jsonwebtoken`'s names. */
export declare const jwt: {
  generateKeyPair(algorithm: Algorithm, options?: GenerateKeyPairOptions): KeyPair
  sign(payload: JwtPayload, key: KeyInput, options?: SignOptions): string
  verify(token: string, keyOrJwks: KeyInput | Jwks, options: VerifyOptions & { complete: true }): { header: JwtHeader; payload: JwtPayload }
  verify(token: string, keyOrJwks: KeyInput | Jwks, options: VerifyOptions): JwtPayload
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

declare const latchkey: {
  version: typeof version
  jwt: typeof jwt
  jws: typeof jws
  accessKey: typeof accessKey
}
export default latchkey
