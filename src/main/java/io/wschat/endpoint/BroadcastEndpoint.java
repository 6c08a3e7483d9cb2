package io.wschat.endpoint;

import io.wschat.hub.GroupKey;
import io.wschat.security.Identity;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /ws}: every text frame goes, unchanged, to every connection on {@code /ws} (sender included). */
@ServerEndpoint("/ws")
public class BroadcastEndpoint extends ConnectionEndpoint {

    @ServerEndpoint("/ws/")
    public static class WithSlash extends BroadcastEndpoint {
    }

    @OnOpen
    public void onOpen(Session session) {
        open(session, Identity.guestName());
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
