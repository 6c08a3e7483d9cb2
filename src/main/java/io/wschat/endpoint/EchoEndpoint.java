package io.wschat.endpoint;

import io.wschat.protocol.Frame;
import io.wschat.security.Identity;
import io.wschat.security.ScopeCapture;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * {@code /echo}: echoes every text frame until the client closes. A plain {@code GET /echo?message=x}
 * on the same URL is answered by {@link io.wschat.http.EchoServlet}.
 */
@ServerEndpoint(value = "/echo", configurator = ScopeCapture.class)
public class EchoEndpoint extends ConnectionEndpoint {

    @ServerEndpoint(value = "/echo/", configurator = ScopeCapture.class)
    public static class WithSlash extends EchoEndpoint {
    }

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        open(session, config, Identity::anonymous);
    }

    @Override
    protected void onText(String text) {
        reply(Frame.of(text));
    }

    @Override
    protected void join() {
        // in no group
    }

    @Override
    protected void leave() {
        // in no group
    }
}
