package io.wschat.endpoint;

import io.wschat.support.TyrusServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The endpoint contract on Tyrus, the WebSocket implementation inside Payara and GlassFish. */
class TyrusEndpointsIT extends EndpointContract {

    private static TyrusServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TyrusServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected URI ws(String path) {
        return server.ws(path);
    }

    @Override
    protected Map<String, Integer> rooms() {
        try {
            return server.runtime().layer().rooms();
        } catch (io.wschat.layer.LayerUnavailable e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected int connections() {
        return server.runtime().registry().connectionCount();
    }
}
