package io.wschat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.wschat.config.Settings;
import io.wschat.support.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The token rules in isolation: every refusal the README lists, and the keys the settings describe. */
class TokenVerifierTest {

    static final Tokens TOKENS = new Tokens();
    static final TokenVerifier VERIFIER = TokenVerifier.from(Settings.of(TOKENS.serverSettings()), Clock.systemUTC());

    static String refusal(String token) {
        return assertThrows(TokenVerifier.Refused.class, () -> VERIFIER.verify(token)).getMessage();
    }

    @Test
    void validTokensOfEachAlgorithmNameTheirSubject() throws Exception {
        assertEquals("alice", VERIFIER.verify(Tokens.hs256(Tokens.claims("alice", 60))).getName());
        assertEquals("bob", VERIFIER.verify(TOKENS.rs256(Tokens.claims("bob", 60))).getName());
        assertEquals("聊天", VERIFIER.verify(TOKENS.es256(Tokens.claims("聊天", 60))).getName());
        assertEquals(Set.of("HS256", "RS256", "ES256"),
                VERIFIER.algorithms().stream().map(JWSAlgorithm::getName).collect(Collectors.toSet()));
    }

    @Test
    void theConnectionMayLastUntilExpiryPlusTheLeeway() throws Exception {
        Instant exp = Instant.now().plusSeconds(100).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JWTClaimsSet.Builder claims = Tokens.claims("alice", 0).expirationTime(Date.from(exp));
        assertEquals(exp, VERIFIER.verify(Tokens.hs256(claims)).validUntil());
        TokenVerifier lenient = new TokenVerifier(Tokens.SECRET, List.of(), null, null, Duration.ofSeconds(30), Clock.systemUTC());
        assertEquals(exp.plusSeconds(30), lenient.verify(Tokens.hs256(claims)).validUntil());
    }

    @Test
    void eachBadTokenIsRefusedWithItsOwnReason() throws Exception {
        assertTrue(refusal(null).startsWith("no token"));
        assertEquals("malformed token", refusal("not.a.jwt"));
        assertEquals("malformed token", refusal("abc"));
        assertEquals("token expired", refusal(Tokens.hs256(Tokens.claims("alice", -5))));
        assertEquals("token not yet valid", refusal(Tokens.hs256(Tokens.claims("alice", 60)
                .notBeforeTime(Date.from(Instant.now().plusSeconds(30))))));
        assertEquals("bad signature", refusal(Tokens.hs256(Tokens.claims("alice", 60), "another-secret-of-at-least-32-bytes!!")));
        assertEquals("unsigned token (alg none)", refusal(Tokens.unsigned(Tokens.claims("alice", 60))));
        assertEquals("wrong audience", refusal(Tokens.hs256(Tokens.claims("alice", 60).audience("other-app"))));
        assertEquals("wrong audience", refusal(Tokens.hs256(Tokens.claims("alice", 60).audience((String) null))));
        assertEquals("wrong issuer", refusal(Tokens.hs256(Tokens.claims("alice", 60).issuer("https://evil.example"))));
        assertEquals("sub is not a valid user name", refusal(Tokens.hs256(Tokens.claims("../admin", 60))));
        assertEquals("sub is not a valid user name", refusal(Tokens.hs256(Tokens.claims(null, 60))));
        assertEquals("the token has no exp claim", refusal(Tokens.hs256(Tokens.claims("alice", 60).expirationTime(null))));
        assertEquals("the rooms claim must be a list of room names or patterns",
                refusal(Tokens.hs256(Tokens.claims("alice", 60).claim("rooms", "lobby"))));
        assertEquals("the rooms claim must be a list of room names or patterns",
                refusal(Tokens.hs256(Tokens.claims("alice", 60, List.of("lobby", "<b>")))));
        // A good signature by a key of the right kind that is not configured.
        Tokens other = new Tokens();
        assertEquals("bad signature", refusal(other.rs256(Tokens.claims("alice", 60))));
        assertEquals("bad signature", refusal(other.es256(Tokens.claims("alice", 60))));
    }

    @Test
    void onlyTheAlgorithmsOfConfiguredKeysAreAccepted() throws Exception {
        TokenVerifier hsOnly = new TokenVerifier(Tokens.SECRET, List.of(), null, null, Duration.ZERO, Clock.systemUTC());
        String rs = TOKENS.rs256(Tokens.claims("alice", 60));
        assertTrue(assertThrows(TokenVerifier.Refused.class, () -> hsOnly.verify(rs)).getMessage()
                .startsWith("algorithm or type not accepted"));
        // Key confusion: an HS256 token whose HMAC key is the server's RSA public key.
        TokenVerifier rsOnly = new TokenVerifier(null, List.of(TOKENS.rsa.getPublic()), null, null, Duration.ZERO,
                Clock.systemUTC());
        SignedJWT confused = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), Tokens.claims("alice", 60).build());
        confused.sign(new MACSigner(TOKENS.rsa.getPublic().getEncoded()));
        assertThrows(TokenVerifier.Refused.class, () -> rsOnly.verify(confused.serialize()));
        // HS512 with the right secret is not on the list either.
        SignedJWT hs512 = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), Tokens.claims("alice", 60).build());
        hs512.sign(new MACSigner((Tokens.SECRET + Tokens.SECRET).getBytes()));
        assertThrows(TokenVerifier.Refused.class, () -> hsOnly.verify(hs512.serialize()));
    }

    @Test
    void theRoomsClaimAllowsNamesAndPatterns() throws Exception {
        RoomAccess any = VERIFIER.verify(Tokens.hs256(Tokens.claims("alice", 60))).rooms();
        assertTrue(any.allows("lobby") && any.allows("x"));
        RoomAccess some = VERIFIER.verify(Tokens.hs256(Tokens.claims("alice", 60, List.of("lobby", "team-*", "*-ops")))).rooms();
        assertTrue(some.allows("lobby"));
        assertTrue(some.allows("team-a"));
        assertTrue(some.allows("team-"));
        assertTrue(some.allows("db-ops"));
        assertFalse(some.allows("lobby2"));
        assertFalse(some.allows("teams"));
        assertFalse(some.allows("ops"));
        RoomAccess none = VERIFIER.verify(Tokens.hs256(Tokens.claims("alice", 60, List.of()))).rooms();
        assertFalse(none.allows("lobby"));
        // Regex characters in a pattern are literal.
        assertFalse(new RoomAccess(List.of("a.b")).allows("axb"));
    }

    @Test
    void settingsRefuseTokenModeWithoutKeysAndShortSecrets() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("wschat.identity", "token")));
        Settings shortSecret = Settings.of(Map.of("wschat.identity", "token", "wschat.tokenSecret", "short"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenVerifier.from(shortSecret, Clock.systemUTC()))
                .getMessage().contains("32 bytes"));
        Path privateKey = Files.createTempFile("wschat-private", ".pem");
        Files.writeString(privateKey, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        Settings wrongFile = Settings.of(Map.of("wschat.identity", "token", "wschat.tokenPublicKey", privateKey.toString()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenVerifier.from(wrongFile, Clock.systemUTC()))
                .getMessage().contains("never a private key"));
        String printed = Settings.of(TOKENS.serverSettings()).toString();
        assertFalse(printed.contains(Tokens.SECRET), printed);
        assertTrue(printed.contains("tokenSecret=(set)"), printed);
    }
}
