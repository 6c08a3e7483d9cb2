package io.wschat.endpoint;

import io.wschat.hub.GroupKey;
import io.wschat.protocol.DirectRequest;
import io.wschat.protocol.ErrorCode;
import io.wschat.protocol.Frames;
import io.wschat.protocol.Inbound;
import io.wschat.protocol.ProtocolException;
import io.wschat.security.Identity;
import io.wschat.security.ScopeCapture;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

/**
 * {@code /ws/{username}}: point-to-point messages. The path names the connection's user; a user may
 * have several connections (tabs), and each gets every message sent to that user. In
 * {@code container} identity mode the path must name the signed-in user.
 */
@ServerEndpoint(value = "/ws/{username}", configurator = ScopeCapture.class)
public class DirectEndpoint extends ConnectionEndpoint {

    @ServerEndpoint(value = "/ws/{username}/", configurator = ScopeCapture.class)
    public static class WithSlash extends DirectEndpoint {
    }

    private String username;

    @OnOpen
    public void onOpen(Session session, @PathParam("username") String username) {
        this.username = username;
        // In container mode only the signed-in user's own name (else 1008); in open mode any valid name.
        open(session, (mode, scope) -> Identity.forUser(mode, scope, username));
    }

    @Override
    protected void join() {
        runtime.registry().join(GroupKey.user(username), connection);
    }

    @OnMessage
    public void onMessage(String text) {
        if (!withinLimit(text)) {
            return;
        }
        try {
            DirectRequest request = Inbound.direct(text);
            // from_user is this connection's path username, whatever the client wrote.
            int reached = runtime.messenger().sendDirect(username, request.toUser(), request.message());
            if (reached == 0) {
                reply(Frames.error(ErrorCode.USER_OFFLINE, "user '" + request.toUser() + "' is not connected"));
            }
        } catch (ProtocolException e) {
            reply(e);
        }
    }

    @Override
    protected void leave() {
        runtime.registry().leave(GroupKey.user(username), connection);
    }
}
