package io.wschat.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wschat.DevServer;
import io.wschat.support.Http;
import io.wschat.support.Nginx;
import io.wschat.support.RawWebSocket;
import io.wschat.support.WsClient;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The WAR behind a real nginx configured as the README says, including nginx's idle time-out. */
class NginxProxyIT {

    /** nginx cuts a connection idle for this long; the default is 60 s, shortened to keep the test quick. */
    static final int PROXY_READ_TIMEOUT_SECONDS = 2;

    @Test
    void roomChatAndHttpWorkThroughTheProxyWithTheBrowsersOwnOrigin() throws Exception {
        try (DevServer server = DevServer.start(DevServer.builtWar(), 0, "");
             Nginx nginx = Nginx.start(server.port(), PROXY_READ_TIMEOUT_SECONDS)) {
            URL proxied = new URL("http://127.0.0.1:" + nginx.port() + "/");
            assertEquals(200, Http.get(proxied, "/health").statusCode());
            // The page's origin is the proxy's; with Host passed through, the origin check agrees.
            try (WsClient ann = WsClient.connect(Http.ws(proxied, "/ws/chat/lobby/?name=ann"))) {
                ann.awaitType("presence.members");
                ann.send("{\"message\":\"through nginx\"}");
                assertEquals("through nginx", ann.awaitType("chat.message").str("message"));
            }
            WsClient.HandshakeRefused refused = assertThrows(WsClient.HandshakeRefused.class,
                    () -> WsClient.connect(Http.ws(proxied, "/ws/chat/lobby"), "Origin", "http://evil.example"));
            assertEquals(403, refused.status());
        }
    }

    @Test
    void serverPingsKeepAnIdleConnectionOpenPastTheProxysIdleTimeout() throws Exception {
        try (DevServer server = DevServer.start(DevServer.builtWar(), 0, "", Map.of("wschat.pingIntervalMillis", "500"), null);
             Nginx nginx = Nginx.start(server.port(), PROXY_READ_TIMEOUT_SECONDS);
             RawWebSocket client = RawWebSocket.connect(URI.create("ws://127.0.0.1:" + nginx.port() + "/echo"))) {
            assertEquals(101, client.status());
            // Eight pings at 0.5 s: the client says nothing itself for twice nginx's time-out.
            client.answerPings(8);
            client.sendText("still here");
            assertEquals("still here", client.nextText());
        }
    }

    @Test
    void withoutServerPingsTheProxyDropsTheIdleConnection() throws Exception {
        // The control for the test above: it is the pings that keep the connection, not luck.
        try (DevServer server = DevServer.start(DevServer.builtWar(), 0, "", Map.of("wschat.pingIntervalMillis", "600000"), null);
             Nginx nginx = Nginx.start(server.port(), PROXY_READ_TIMEOUT_SECONDS);
             RawWebSocket client = RawWebSocket.connect(URI.create("ws://127.0.0.1:" + nginx.port() + "/echo"))) {
            assertEquals(101, client.status());
            assertEquals(1006, client.awaitClose(), "nginx closes the idle TCP connection without a close frame");
        }
    }
}
