package io.wschat.endpoint;

import io.wschat.security.Identity;
import io.wschat.security.ScopeCapture;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /ws}: every text frame goes, unchanged, to every connection on {@code /ws} on every server (sender included). */
@ServerEndpoint(value = "/ws", configurator = ScopeCapture.class)
public class BroadcastEndpoint extends ConnectionEndpoint {

    @ServerEndpoint(value = "/ws/", configurator = ScopeCapture.class)
    public static class WithSlash extends BroadcastEndpoint {
    }

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        open(session, config, Identity::anonymous);
    }

    @Override
    protected void join() {
        runtime.registry().joinBroadcast(connection);
    }

    @Override
    protected void onText(String text) {
        if (!runtime.messenger().broadcast(text)) {
            replyUnavailable("this broadcast");
        }
    }

    @Override
    protected void leave() {
        runtime.registry().leaveBroadcast(connection);
    }
}
