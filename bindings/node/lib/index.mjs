// @latchkey/node, ES module entry: the CommonJS entry's exports, named.
import latchkey from './index.cjs'

export const {
  version,
  jwt,
  jws,
  accessKey,
  LatchkeyError,
  JwtError,
  JwtMalformedError,
  JwtAlgorithmNotAllowedError,
  JwtUnknownKidError,
  JwtBadSignatureError,
  JwtExpiredError,
  JwtNotYetValidError,
  JwtLifetimeTooLongError,
  JwtMissingClaimError,
  JwtBadAudienceError,
  JwtBadIssuerError,
  JwtBadSubjectError,
  JwtInvalidKeyError,
  InvalidAccessKeyError,
} = latchkey
export default latchkey
