package io.wschat.endpoint;

import io.wschat.protocol.Frame;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * {@code /echo}: echoes every text frame until the client closes. A plain {@code GET /echo?message=x}
 * on the same URL is answered by {@link io.wschat.http.EchoServlet}.
 */
@ServerEndpoint("/echo")
public class EchoEndpoint extends ConnectionEndpoint {

    @ServerEndpoint("/echo/")
    public static class WithSlash extends EchoEndpoint {
    }

    @OnOpen
    public void onOpen(Session session) {
        open(session, "echo");
    }

    @OnMessage
    public void onMessage(String text) {
        if (withinLimit(text)) {
            reply(Frame.of(text));
        }
    }

    @Override
    protected void leave() {
        // in no group
    }
}
