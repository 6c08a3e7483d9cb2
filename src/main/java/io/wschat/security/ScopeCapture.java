package io.wschat.security;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * Captures each handshake's {@link HandshakeScope} into the configuration the container hands this
 * one handshake, from where the container copies it into the new session's user properties.
 *
 * <p>The known JSR 356 pitfall: {@code ServerEndpointConfig.getUserProperties()} is one map per
 * endpoint on some implementations, so a value stored there during a handshake can be overwritten by
 * a concurrent handshake before the first session copies it. Tomcat (since 8.0) and Tyrus 2 pass
 * {@code modifyHandshake} a per-handshake copy, which this relies on; {@link HandshakeScope#of}
 * checks the captured principal against the session's own, so a container that leaked would refuse
 * the connection rather than serve it as someone else. The concurrency tests cover both containers.
 */
public class ScopeCapture extends ServerEndpointConfig.Configurator {

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        String stamp = null;
        for (Map.Entry<String, List<String>> h : request.getHeaders().entrySet()) {
            if (h.getKey().equalsIgnoreCase(HandshakeStamp.HEADER) && h.getValue() != null && !h.getValue().isEmpty()) {
                stamp = h.getValue().get(0);
            }
        }
        Principal principal = request.getUserPrincipal();
        HandshakeScope scope = new HandshakeScope(
                principal == null ? null : principal.getName(),
                null, // the address is in the stamp, which only the endpoint, holding the runtime, can verify
                String.valueOf(request.getRequestURI()),
                request.getParameterMap(),
                null,
                principal instanceof TokenPrincipal token ? token : null);
        config.getUserProperties().put(HandshakeScope.KEY, scope);
        if (stamp != null) {
            config.getUserProperties().put(HandshakeStamp.HEADER, stamp);
        }
    }
}
