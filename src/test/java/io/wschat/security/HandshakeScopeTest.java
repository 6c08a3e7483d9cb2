package io.wschat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** What a handshake captured lives on in the endpoint alone, not in the maps the container keeps for the session. */
class HandshakeScopeTest {

    @Test
    void theCapturedScopeAndStampLeaveTheSessionsAndTheHandshakeConfigurationsProperties() {
        HandshakeStamp stamp = new HandshakeStamp();
        HandshakeScope captured = new HandshakeScope(null, null, "/ws/chat/lobby", Map.of("name", List.of("ann")), null, null);
        // As Tomcat does: the configurator's per-handshake configuration, copied into the session's properties.
        Map<String, Object> configProperties = new ConcurrentHashMap<>(Map.of("container.own", "kept",
                HandshakeScope.KEY, captured, HandshakeStamp.HEADER, stamp.stamp("192.0.2.7")));
        Map<String, Object> sessionProperties = new ConcurrentHashMap<>(configProperties);

        HandshakeScope scope = HandshakeScope.of(session(sessionProperties), config(configProperties), stamp);

        assertEquals("192.0.2.7", scope.clientAddress());
        assertEquals("ann", scope.queryParam("name"));
        assertEquals(Map.of("room", "lobby"), scope.pathParameters());
        assertEquals(Map.of("container.own", "kept"), sessionProperties);
        assertEquals(Map.of("container.own", "kept"), configProperties, "the handshake's configuration keeps nothing of it");
    }

    @Test
    void aSharedConfigurationWithoutTheHandshakesValuesIsLeftAlone() {
        HandshakeStamp stamp = new HandshakeStamp();
        Map<String, Object> shared = new HashMap<>(Map.of(HandshakeScope.KEY, "another handshake's"));
        Map<String, Object> sessionProperties = new ConcurrentHashMap<>(Map.of(HandshakeScope.KEY,
                new HandshakeScope(null, null, "/echo", Map.of(), null, null)));

        HandshakeScope.of(session(sessionProperties), config(shared), stamp);

        assertTrue(sessionProperties.isEmpty());
        assertEquals(Map.of(HandshakeScope.KEY, "another handshake's"), shared);
    }

    private static Session session(Map<String, Object> userProperties) {
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUserProperties" -> userProperties;
                    case "getPathParameters" -> Map.of("room", "lobby");
                    case "getUserPrincipal" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static EndpointConfig config(Map<String, Object> userProperties) {
        return new EndpointConfig() {
            @Override
            public List<Class<? extends Encoder>> getEncoders() {
                return List.of();
            }

            @Override
            public List<Class<? extends Decoder>> getDecoders() {
                return List.of();
            }

            @Override
            public Map<String, Object> getUserProperties() {
                return userProperties;
            }
        };
    }
}
