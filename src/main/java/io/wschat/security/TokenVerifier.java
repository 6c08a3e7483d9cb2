package io.wschat.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.wschat.config.Settings;
import io.wschat.protocol.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies the JSON Web Tokens of {@code wschat.identity=token}: the web application signs a token
 * for its user, and this decides whether a handshake carrying it is that user.
 *
 * <p>Parsing and signatures are Nimbus JOSE+JWT's. Only the algorithms for which a key is configured
 * are accepted: HS256 with {@code wschat.tokenSecret}, RS256 and ES256 (P-256) with the keys in
 * {@code wschat.tokenPublicKey}. A token signed with another algorithm, unsigned ({@code alg: none})
 * or encrypted is refused, so a public key can never be used as an HMAC secret. The claims rules
 * ({@link ClaimRules}) are this project's: {@code exp} is required, {@code nbf} and {@code exp} hold
 * within {@code wschat.tokenLeewaySeconds}, {@code iss} and {@code aud} match when configured,
 * {@code sub} is a valid user name, {@code rooms} (optional) a list of room names or patterns.
 *
 * <p>Every refusal has a fixed reason that names no part of the token, so that the reason can be
 * logged and returned without leaking it.
 */
public final class TokenVerifier {

    /** Why a token was refused; the message is fixed text, never part of the token. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final String ROOMS_CLAIM = "rooms";

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Set<JWSAlgorithm> algorithms;
    private final Duration leeway;

    TokenVerifier(String secret, List<PublicKey> publicKeys, String issuer, String audience, Duration leeway,
            Clock clock) {
        List<JWK> keys = new ArrayList<>();
        Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        if (secret != null) {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 32) {
                throw new IllegalArgumentException(Settings.TOKEN_SECRET + " must be at least 32 bytes (HS256 keys are 256 bits)");
            }
            keys.add(new OctetSequenceKey.Builder(bytes).algorithm(JWSAlgorithm.HS256).build());
            algs.add(JWSAlgorithm.HS256);
        }
        for (PublicKey key : publicKeys) {
            if (key instanceof RSAPublicKey rsa) {
                keys.add(new RSAKey.Builder(rsa).algorithm(JWSAlgorithm.RS256).build());
                algs.add(JWSAlgorithm.RS256);
            } else if (key instanceof ECPublicKey ec && Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
                keys.add(new ECKey.Builder(Curve.P_256, ec).algorithm(JWSAlgorithm.ES256).build());
                algs.add(JWSAlgorithm.ES256);
            } else {
                throw new IllegalArgumentException(Settings.TOKEN_PUBLIC_KEY + ": only RSA keys (RS256) and EC P-256 keys"
                        + " (ES256) are accepted, not " + key.getAlgorithm());
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("wschat.identity=token needs " + Settings.TOKEN_SECRET + " or "
                    + Settings.TOKEN_PUBLIC_KEY);
        }
        this.algorithms = Set.copyOf(algs);
        this.leeway = leeway;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(new JWKSet(keys))));
        // "JWT" (PyJWT, most libraries), "at+jwt" (OAuth access tokens, RFC 9068), or no typ at all.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWTClaimsSetVerifier(new ClaimRules(issuer, audience, leeway, clock));
    }

    /** The verifier the settings describe; reads the public key file if one is configured. */
    public static TokenVerifier from(Settings settings, Clock clock) {
        List<PublicKey> publicKeys = List.of();
        if (settings.tokenPublicKey() != null) {
            try {
                publicKeys = PemKeys.read(Path.of(settings.tokenPublicKey()));
            } catch (IOException e) {
                throw new IllegalArgumentException(Settings.TOKEN_PUBLIC_KEY + ": cannot read " + settings.tokenPublicKey()
                        + ": " + e, e);
            }
        }
        return new TokenVerifier(settings.tokenSecret(), publicKeys, settings.tokenIssuer(), settings.tokenAudience(),
                Duration.ofSeconds(settings.tokenLeewaySeconds()), clock);
    }

    /** The algorithms accepted, for the start-up log. */
    public Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    /** The user named by the token an HTTP request carries (bearer header or {@code access_token}). */
    public TokenPrincipal verify(jakarta.servlet.http.HttpServletRequest request) throws Refused {
        return verify(BearerTokens.of(request));
    }

    /** The user {@code token} names, or why it names nobody. */
    public TokenPrincipal verify(String token) throws Refused {
        if (token == null || token.isBlank()) {
            throw new Refused("no token: send 'Authorization: Bearer <token>' or the access_token query parameter");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.trim());
        } catch (ParseException e) {
            throw new Refused("malformed token");
        }
        if (jwt instanceof PlainJWT) {
            throw new Refused("unsigned token (alg none)");
        }
        if (jwt instanceof EncryptedJWT) {
            throw new Refused("encrypted tokens are not accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJWSException e) {
            throw new Refused("bad signature");
        } catch (BadJWTException e) {
            throw new Refused(e.getMessage()); // one of ClaimRules' fixed reasons
        } catch (BadJOSEException e) {
            throw new Refused("algorithm or type not accepted (accepted: " + algorithms + ")");
        } catch (JOSEException e) {
            throw new Refused("the token could not be verified");
        }
        try {
            List<String> rooms = claims.getStringListClaim(ROOMS_CLAIM);
            return new TokenPrincipal(claims.getSubject(), rooms == null ? RoomAccess.ANY : new RoomAccess(rooms),
                    claims.getExpirationTime().toInstant().plus(leeway));
        } catch (ParseException | IllegalArgumentException e) {
            throw new Refused("the rooms claim must be a list of room names or patterns"); // ClaimRules checked it
        }
    }

    /** The claims every token must satisfy, each failure with a fixed reason. */
    static final class ClaimRules implements JWTClaimsSetVerifier<SecurityContext> {

        private final String issuer;
        private final String audience;
        private final Duration leeway;
        private final Clock clock;

        ClaimRules(String issuer, String audience, Duration leeway, Clock clock) {
            this.issuer = issuer;
            this.audience = audience;
            this.leeway = leeway;
            this.clock = clock;
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            Instant now = clock.instant();
            Date exp = claims.getExpirationTime();
            if (exp == null) {
                throw new BadJWTException("the token has no exp claim");
            }
            if (now.isAfter(exp.toInstant().plus(leeway))) {
                throw new BadJWTException("token expired");
            }
            Date nbf = claims.getNotBeforeTime();
            if (nbf != null && now.plus(leeway).isBefore(nbf.toInstant())) {
                throw new BadJWTException("token not yet valid");
            }
            if (issuer != null && !issuer.equals(claims.getIssuer())) {
                throw new BadJWTException("wrong issuer");
            }
            if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
                throw new BadJWTException("wrong audience");
            }
            if (!Names.isValid(claims.getSubject())) {
                throw new BadJWTException("sub is not a valid user name");
            }
            try {
                List<String> rooms = claims.getStringListClaim(ROOMS_CLAIM);
                if (rooms != null && !rooms.stream().allMatch(RoomAccess::isPattern)) {
                    throw new BadJWTException("the rooms claim must be a list of room names or patterns");
                }
            } catch (ParseException e) {
                throw new BadJWTException("the rooms claim must be a list of room names or patterns");
            }
        }
    }
}
