package io.wschat.endpoint;

import io.wschat.api.Delivery;
import io.wschat.layer.LayerUnavailable;
import io.wschat.protocol.DirectRequest;
import io.wschat.protocol.ErrorCode;
import io.wschat.protocol.Frames;
import io.wschat.protocol.Inbound;
import io.wschat.protocol.ProtocolException;
import io.wschat.security.Identity;
import io.wschat.security.ScopeCapture;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

/**
 * {@code /ws/{username}}: point-to-point messages. The path names the connection's user; a user may
 * have several connections (tabs), and each gets every message sent to that user. In
 * {@code container} and {@code token} identity modes the path must name the signed-in user.
 */
@ServerEndpoint(value = "/ws/{username}", configurator = ScopeCapture.class,
        subprotocols = Frames.BATCH_SUBPROTOCOL)
public class DirectEndpoint extends ConnectionEndpoint {

    @ServerEndpoint(value = "/ws/{username}/", configurator = ScopeCapture.class,
        subprotocols = Frames.BATCH_SUBPROTOCOL)
    public static class WithSlash extends DirectEndpoint {
    }

    private String username;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config, @PathParam("username") String username) {
        // In container and token modes only the signed-in user's own name (else 1008); in open mode any valid name.
        this.username = username;
        open(session, config, (mode, scope) -> Identity.forUser(mode, scope, username));
    }

    @Override
    protected void join() {
        try {
            runtime.registry().joinUser(username, connection);
        } catch (LayerUnavailable e) {
            username = null; // in no group: nothing to say, nothing to leave
            closeUnavailable();
        }
    }

    @Override
    protected void onText(String text) {
        if (username == null) {
            return;
        }
        try {
            DirectRequest request = Inbound.direct(text);
            // from_user is this connection's path username, whatever the client wrote.
            Delivery d = runtime.messenger().sendDirect(username, request.toUser(), request.message());
            if (!d.complete()) {
                replyUnavailable("your message to '" + request.toUser() + "'");
            } else if (d.reached() == 0) {
                reply(Frames.error(ErrorCode.USER_OFFLINE, "user '" + request.toUser() + "' is not connected"));
            }
        } catch (ProtocolException e) {
            reply(e);
        }
    }

    @Override
    protected void leave() {
        if (username != null) {
            runtime.registry().leaveUser(username, connection);
        }
    }
}
