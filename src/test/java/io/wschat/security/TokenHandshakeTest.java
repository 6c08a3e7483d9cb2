package io.wschat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token is not kept past the handshake: not in the query the container keeps, nor in the scope. */
class TokenHandshakeTest {

    @Test
    void theAccessTokenParameterIsTakenOutOfTheQuery() {
        assertEquals("name=alice&x=1", BearerTokens.withoutAccessToken("name=alice&access_token=eyJ.a.b&x=1"));
        assertNull(BearerTokens.withoutAccessToken("access_token=eyJ.a.b"));
        assertEquals("a=1", BearerTokens.withoutAccessToken("access%5Ftoken=eyJ.a.b&a=1"), "an encoded name is the same parameter");
        assertEquals("a=%zz", BearerTokens.withoutAccessToken("a=%zz&access_token=t"), "a broken escape elsewhere is left alone");
        assertEquals("access_tokens=1", BearerTokens.withoutAccessToken("access_tokens=1"));
    }

    @Test
    void theScopeKeepsNeitherTheTokenParameterNorTheQueryOfTheUri() {
        HandshakeScope scope = new HandshakeScope(null, null, "/ws/chat/lobby?access_token=eyJ.a.b",
                Map.of("access_token", List.of("eyJ.a.b"), "name", List.of("x")), Map.of("room", "lobby"), null);
        assertEquals("/ws/chat/lobby", scope.requestUri());
        assertEquals(Map.of("name", List.of("x")), scope.query());
        assertFalse(scope.toString().contains("eyJ"), scope.toString());
    }
}
