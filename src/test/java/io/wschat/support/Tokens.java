package io.wschat.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Mints tokens as a web application would, with keys made for the test run: an HS256 secret, an
 * RSA and an EC P-256 key pair whose public halves are written to one PEM file (the server's
 * {@code wschat.tokenPublicKey}).
 */
public final class Tokens {

    public static final String SECRET = "test-hs256-secret-of-at-least-32-bytes!";
    public static final String ISSUER = "https://app.example.com";
    public static final String AUDIENCE = "wschat";

    public final KeyPair rsa;
    public final KeyPair ec;
    public final Path publicKeys;

    public Tokens() {
        try {
            KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
            rsaGen.initialize(2048);
            rsa = rsaGen.generateKeyPair();
            KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
            ecGen.initialize(new ECGenParameterSpec("secp256r1"));
            ec = ecGen.generateKeyPair();
            publicKeys = Files.createTempFile("wschat-token-keys", ".pem");
            Files.writeString(publicKeys, pem(rsa) + pem(ec), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The settings of a server that accepts these tokens (all three algorithms, issuer and audience checked). */
    public Map<String, String> serverSettings() {
        return Map.of(
                "wschat.identity", "token",
                "wschat.tokenSecret", SECRET,
                "wschat.tokenPublicKey", publicKeys.toString(),
                "wschat.tokenIssuer", ISSUER,
                "wschat.tokenAudience", AUDIENCE,
                "wschat.tokenLeewaySeconds", "0");
    }

    /** Claims a web application would sign for {@code user}: issuer, audience, issued now, valid for {@code seconds}. */
    public static JWTClaimsSet.Builder claims(String user, long seconds) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(user).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(seconds)));
    }

    public static JWTClaimsSet.Builder claims(String user, long seconds, List<String> rooms) {
        return claims(user, seconds).claim("rooms", rooms);
    }

    public static String hs256(JWTClaimsSet.Builder claims) {
        return hs256(claims, SECRET);
    }

    public static String hs256(JWTClaimsSet.Builder claims, String secret) {
        try {
            return sign(JWSAlgorithm.HS256, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String rs256(JWTClaimsSet.Builder claims) {
        return sign(JWSAlgorithm.RS256, new RSASSASigner(rsa.getPrivate()), claims);
    }

    public String es256(JWTClaimsSet.Builder claims) {
        try {
            return sign(JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) ec.getPrivate()), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}: an unsigned token, header and claims with an empty signature. */
    public static String unsigned(JWTClaimsSet.Builder claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.build().toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static String sign(JWSAlgorithm alg, JWSSigner signer, JWTClaimsSet.Builder claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(com.nimbusds.jose.JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
