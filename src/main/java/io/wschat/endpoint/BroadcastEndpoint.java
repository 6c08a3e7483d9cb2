package io.wschat.endpoint;

import io.wschat.hub.GroupKey;
import io.wschat.security.Identity;
import io.wschat.security.ScopeCapture;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /ws}: every text frame goes, unchanged, to every connection on {@code /ws} (sender included). */
@ServerEndpoint(value = "/ws", configurator = ScopeCapture.class)
public class BroadcastEndpoint extends ConnectionEndpoint {

    @ServerEndpoint(value = "/ws/", configurator = ScopeCapture.class)
    public static class WithSlash extends BroadcastEndpoint {
    }

    @OnOpen
    public void onOpen(Session session) {
        open(session, Identity::anonymous);
    }

    @Override
    protected void join() {
        runtime.registry().join(GroupKey.BROADCAST, connection);
    }

    @OnMessage
    public void onMessage(String text) {
        if (withinLimit(text)) {
            runtime.messenger().broadcast(text);
        }
    }

    @Override
    protected void leave() {
        runtime.registry().leave(GroupKey.BROADCAST, connection);
    }
}
