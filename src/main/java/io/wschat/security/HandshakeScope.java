package io.wschat.security;

import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one handshake said (the "scope" of ASGI servers): who, from where, with which query and path
 * parameters. Captured once per connection by {@link ScopeCapture}, immutable, and held by
 * that connection's endpoint instance only.
 *
 * <p>Request headers are not kept: nothing after the handshake reads them (the Origin is checked by
 * the handshake filter), and a
 * copy of every header cost about 2 KB per connection, an eighth of an idle connection's whole cost.
 * Credentials (the {@code access_token} query parameter) are left out too: a long-lived connection
 * should not keep them in memory. In {@code token} mode what the verified token said is kept instead
 * ({@link #token}).
 *
 * @param principal      the authenticated user's name, or null
 * @param clientAddress  the client's IP address as the handshake filter saw it, or
 *                       {@link ConnectionLimits#UNKNOWN_ADDRESS} where no filter ran
 * @param requestUri     the handshake's request URI, without its query
 * @param query          query parameters
 * @param pathParameters the endpoint path's parameters (e.g. {@code room})
 * @param token          the verified token's user, rooms and expiry ({@code token} mode), or null
 */
public record HandshakeScope(
        String principal,
        String clientAddress,
        String requestUri,
        Map<String, List<String>> query,
        Map<String, String> pathParameters,
        TokenPrincipal token) {

    /** The user-properties key {@link ScopeCapture} stores the scope under. */
    public static final String KEY = HandshakeScope.class.getName();

    /** The query parameter that may carry a token (browsers cannot set headers on a WebSocket). */
    public static final String ACCESS_TOKEN = "access_token";

    public HandshakeScope {
        clientAddress = clientAddress == null ? ConnectionLimits.UNKNOWN_ADDRESS : clientAddress;
        query = query == null ? Map.of() : copy(query);
        int queryStart = requestUri == null ? -1 : requestUri.indexOf('?');
        requestUri = queryStart < 0 ? requestUri : requestUri.substring(0, queryStart);
        pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
    }

    /**
     * The scope of an open session: the one captured at its handshake, completed with the session's
     * path parameters and the client address from the handshake filter's stamp (if {@code stamp}, this
     * server's, vouches for it). Where the endpoint was deployed without {@link ScopeCapture}, what
     * the session itself knows (principal, query) with an unknown address.
     *
     * <p>What {@link ScopeCapture} stored is taken out of both maps that hold it for the session's
     * lifetime: the session's user properties, and those of {@code config}, the per-handshake
     * configuration the container passed {@code @OnOpen} (Tomcat's session keeps it); the endpoint
     * keeps the scope.
     *
     * @throws IllegalStateException if the captured scope names another user than the session: the
     *         container handed one handshake's data to another connection, and it must not be served
     */
    public static HandshakeScope of(Session session, EndpointConfig config, HandshakeStamp stamp) {
        Principal p = session.getUserPrincipal();
        String sessionPrincipal = p == null ? null : p.getName();
        Object captured = take(session, config, KEY);
        HandshakeScope scope = captured instanceof HandshakeScope s ? s
                : new HandshakeScope(sessionPrincipal, null, String.valueOf(session.getRequestURI()),
                        session.getRequestParameterMap(), null,
                        p instanceof TokenPrincipal t ? t : null);
        if (!java.util.Objects.equals(scope.principal(), sessionPrincipal)) {
            throw new IllegalStateException("handshake scope of user " + scope.principal()
                    + " found on a session of user " + sessionPrincipal);
        }
        Object stamped = take(session, config, HandshakeStamp.HEADER);
        String address = stamped instanceof String s ? stamp.address(s) : null;
        return new HandshakeScope(scope.principal(), address, scope.requestUri(),
                scope.query(), session.getPathParameters(), scope.token());
    }

    /**
     * Removes {@code key} from the session's user properties, and from the configuration's if it maps
     * to the same value there (a container that passes the endpoint's shared configuration never has
     * a handshake's value in it).
     */
    private static Object take(Session session, EndpointConfig config, String key) {
        Object value = session.getUserProperties().remove(key);
        if (value != null && config != null) {
            config.getUserProperties().remove(key, value);
        }
        return value;
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }


    private static Map<String, List<String>> copy(Map<String, List<String>> raw) {
        Map<String, List<String>> out = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (!ACCESS_TOKEN.equals(k)) {
                out.put(k, v == null ? List.of() : List.copyOf(v));
            }
        });
        return Map.copyOf(out);
    }
}
