package io.wschat.endpoint;

import io.wschat.protocol.Frame;
import io.wschat.security.Identity;
import io.wschat.security.ScopeCapture;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /echo_once}: echoes the first text frame, then closes with 1000. */
@ServerEndpoint(value = "/echo_once", configurator = ScopeCapture.class)
public class EchoOnceEndpoint extends ConnectionEndpoint {

    static final CloseReason DONE = new CloseReason(CloseCodes.NORMAL_CLOSURE, "echoed once");

    @ServerEndpoint(value = "/echo_once/", configurator = ScopeCapture.class)
    public static class WithSlash extends EchoOnceEndpoint {
    }

    private boolean echoed;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        open(session, config, Identity::anonymous);
    }

    @Override
    protected void onText(String text) {
        if (!echoed) {
            echoed = true;
            reply(Frame.of(text));
            connection.close(DONE);
        }
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
