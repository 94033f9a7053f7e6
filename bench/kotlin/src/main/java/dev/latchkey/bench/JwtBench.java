package dev.latchkey.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import dev.latchkey.Jwt;
import dev.latchkey.JwtException;
import dev.latchkey.LatchkeyKt;
import dev.latchkey.SigningKey;
import dev.latchkey.VerifiedToken;
import dev.latchkey.VerifyOptions;
import dev.latchkey.VerifyingKey;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verify and sign throughput, per algorithm, of the Latchkey Kotlin SDK (the
 * Rust toolkit through the generated uniffi/JNA binding) and of
 * nimbus-jose-jwt, on one key pair and one token.
 *
 * <p>Both sides verify the very same token (signed by Latchkey) with the
 * same public key, parsed once in {@link #setUp}, and check the same things:
 * the header's {@code alg} is the one allowed, the signature, {@code exp}
 * present and not passed (no leeway), {@code nbf}/{@code iat} when present,
 * {@code aud} and {@code iss}; both return the parsed claims. Signing signs a
 * prepared claims set under the same private key. The set-up checks that
 * each side accepts the other's tokens, so neither measures a failure path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JwtBench {
    private static final String ISSUER = "app_bench";
    private static final String AUDIENCE = "https://latchkey.example";

    /** The JWS algorithm under test. */
    @Param({"EdDSA", "ES256", "ES384", "RS256", "PS256"})
    public String algorithm;

    private String token;
    private String claimsJson;

    private SigningKey latchkeySigningKey;
    private VerifyingKey latchkeyVerifyingKey;
    private VerifyOptions latchkeyOptions;

    private JWSAlgorithm nimbusAlgorithm;
    private JWSVerifier nimbusVerifier;
    private JWSSigner nimbusSigner;
    private DefaultJWTClaimsVerifier<?> nimbusClaimsVerifier;
    private JWSHeader nimbusHeader;
    private JWTClaimsSet nimbusClaims;

    /** One key pair, one token, every key parsed once. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        claimsJson = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"jti\":\"bench-1\"}";

        latchkeySigningKey = Jwt.INSTANCE.generateKeyPair(algorithm, null);
        latchkeyVerifyingKey = latchkeySigningKey.verifyingKey();
        latchkeyOptions = new VerifyOptions(
                List.of(algorithm), List.of(AUDIENCE), ISSUER, null, null, null, List.of("exp"), null);
        token = Jwt.INSTANCE.sign(claimsJson, latchkeySigningKey, null, null, null);

        JWK privateJwk = JWK.parse(new HashMap<String, Object>(latchkeySigningKey.privateJwk()));
        JWK publicJwk = JWK.parse(new HashMap<String, Object>(latchkeyVerifyingKey.toJwk()));
        nimbusAlgorithm = JWSAlgorithm.parse(algorithm);
        if (algorithm.equals("EdDSA")) {
            nimbusVerifier = new Ed25519Verifier((OctetKeyPair) publicJwk);
            nimbusSigner = new Ed25519Signer((OctetKeyPair) privateJwk);
        } else if (algorithm.startsWith("ES")) {
            nimbusVerifier = new ECDSAVerifier((ECKey) publicJwk);
            nimbusSigner = new ECDSASigner((ECKey) privateJwk);
        } else {
            nimbusVerifier = new RSASSAVerifier((RSAKey) publicJwk);
            nimbusSigner = new RSASSASigner((RSAKey) privateJwk);
        }
        DefaultJWTClaimsVerifier<?> claimsVerifier = new DefaultJWTClaimsVerifier<>(
                AUDIENCE, new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("exp"));
        claimsVerifier.setMaxClockSkew(0);
        nimbusClaimsVerifier = claimsVerifier;
        nimbusHeader = new JWSHeader.Builder(nimbusAlgorithm).type(JOSEObjectType.JWT).build();
        nimbusClaims = JWTClaimsSet.parse(claimsJson);

        // Each side accepts the other's tokens: both benchmarks measure success.
        Map<String, Object> fromNimbus = nimbusVerify().getClaims();
        Map<String, Object> fromLatchkey = JWTClaimsSet.parse(latchkeyVerify().getClaimsJson()).getClaims();
        if (!fromNimbus.equals(fromLatchkey)) {
            throw new IllegalStateException("the two sides read different claims");
        }
        Jwt.INSTANCE.verify(nimbusSign(), latchkeyVerifyingKey, latchkeyOptions);
        SignedJWT ours = SignedJWT.parse(latchkeySign());
        if (!ours.verify(nimbusVerifier)) {
            throw new IllegalStateException("Nimbus refused a Latchkey signature");
        }
    }

    /** Latchkey: one call, every check in Rust. */
    @Benchmark
    public VerifiedToken latchkeyVerify() {
        return Jwt.INSTANCE.verify(token, latchkeyVerifyingKey, latchkeyOptions);
    }

    /** Nimbus: parse, allowed algorithm, signature, then the claims verifier. */
    @Benchmark
    public JWTClaimsSet nimbusVerify() throws ParseException, JOSEException, BadJWTException {
        SignedJWT jwt = SignedJWT.parse(token);
        if (!jwt.getHeader().getAlgorithm().equals(nimbusAlgorithm)) {
            throw new BadJWTException("algorithm not allowed");
        }
        if (!jwt.verify(nimbusVerifier)) {
            throw new BadJWTException("bad signature");
        }
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        nimbusClaimsVerifier.verify(claims, null);
        return claims;
    }

    /**
     * The binding's floor: one call that crosses the FFI with the token and
     * back with a short string, but does no cryptography (reads the header,
     * unverified). The distance to {@link #latchkeyVerify} is the check.
     */
    @Benchmark
    public String latchkeyCallFloor() throws JwtException {
        // The generated function: Jwt.unverifiedHeader parses the header
        // into a JsonObject, work this floor must not include.
        return LatchkeyKt.jwtUnverifiedHeader(token);
    }

    /** Latchkey: the prepared claims (JSON text) signed into a compact token. */
    @Benchmark
    public String latchkeySign() {
        return Jwt.INSTANCE.sign(claimsJson, latchkeySigningKey, null, null, null);
    }

    /** Nimbus: the prepared claims set signed into a compact token. */
    @Benchmark
    public String nimbusSign() throws JOSEException {
        SignedJWT jwt = new SignedJWT(nimbusHeader, nimbusClaims);
        jwt.sign(nimbusSigner);
        return jwt.serialize();
    }
}
