package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschat.support.Await;
import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.RawWebSocket;
import io.wschat.support.WsClient;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connections that die without a close frame (a proxy or the network fails) must not stay in the
 * registry as ghosts: the next delivery to one fails, and that failure closes and unregisters it; and
 * one that dies while it is being opened, which Tyrus (Payara) may not notice, is gone once it has not
 * answered an opening ping.
 */
class DroppedConnectionsIT {

    @Test
    void aConnectionCutWithoutACloseFrameLeavesTheRoomOnTheNextDelivery() throws Exception {
        try (ChatServer server = ChatServers.start(ChatServers.spec().withCuts())) {
            URL main = server.base();
            URL spare = server.spareBase();
            WsClient ghost = WsClient.connect(Http.ws(main, "/ws/chat/z?name=ghost"));
            ghost.awaitType("presence.members");
            try (WsClient survivor = WsClient.connect(Http.ws(spare, "/ws/chat/z?name=survivor"))) {
                assertEquals(List.of("ghost", "survivor"), survivor.awaitType("presence.members").strings("members"));

                server.cutConnections(); // the ghost's socket is gone; no close frame was exchanged
                survivor.send("{\"message\":\"anyone there?\"}");

                Json leave = survivor.awaitType("presence.leave");
                assertEquals("ghost", leave.str("user"));
                Await.until("the ghost unregistered", () -> Http.health(spare).integer("connections") == 1);
                assertEquals(1, Http.rooms(spare).get("z"));
            } finally {
                ghost.close();
                server.restoreConnections();
            }
        }
    }

    /**
     * A batch of clients that go away right after their handshake, half with a FIN (half-close), half
     * with a reset. Tyrus (Payara) loses such an end when it comes while the endpoint is opening, so
     * some would stay counted until the heartbeat, set far off here, found them; the opening ping
     * clears every one within the pong timeout (see {@code hub.OpeningPing}). Tomcat sees them at once.
     */
    @Test
    void connectionsThatEndRightAfterTheirHandshakeAreAllGoneWithinThePongTimeout() {
        endRightAfterTheHandshake(false, Duration.ofSeconds(8));
    }

    /**
     * As above, but each client sends a pong before it goes, as a client that reads its welcome, answers
     * the opening ping and leaves at once does. On Payara the pong can be handled while the end is lost,
     * so a single opening ping would count those clients alive until the heartbeat; the second opening
     * ping, a pong timeout later, finds them gone.
     */
    @Test
    void connectionsThatSendAPongAndEndRightAfterTheirHandshakeAreAllGoneWithinTwoPongTimeouts() {
        endRightAfterTheHandshake(true, Duration.ofSeconds(10));
    }

    /**
     * The opening pings go only where the container can lose a connection's end while it opens: on
     * Payara a new connection is pinged at once; on Tomcat, which sees every end (the two tests above
     * pass there without pings), it is not. The heartbeat is set far off, so any ping is an opening one.
     */
    @Test
    void aNewConnectionIsPingedAtOnceOnlyWhereTheContainerCanLoseItsEnd() {
        try (ChatServer server = ChatServers.start(ChatServers.spec().with(
                "wschat.pingIntervalMillis", "600000", "wschat.pongTimeoutMillis", "2000"))) {
            for (String path : List.of("/echo", "/ws/chat/pinged?name=p")) {
                RawWebSocket c = RawWebSocket.connect(server.ws(path));
                try {
                    assertEquals(101, c.status(), c.responseBody());
                    long pings = c.framesWithin(Duration.ofSeconds(1)).stream()
                            .filter(f -> f.opcode() == RawWebSocket.PING).count();
                    assertEquals(ChatServers.container().equals("payara") ? 1 : 0, pings, path);
                } finally {
                    c.close();
                }
            }
        }
    }

    /** 40 clients, on /echo and in a room, end (FIN or RST) at once; all gone from /health within the deadline. */
    private static void endRightAfterTheHandshake(boolean pongFirst, Duration gone) {
        try (ChatServer server = ChatServers.start(ChatServers.spec().with(
                "wschat.pingIntervalMillis", "600000", "wschat.pongTimeoutMillis", "2000"))) {
            List<RawWebSocket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    RawWebSocket c = RawWebSocket.connect(server.ws(i % 2 == 0 ? "/echo" : "/ws/chat/gone?name=g" + i));
                    clients.add(c);
                    assertEquals(101, c.status(), c.responseBody());
                    if (pongFirst) {
                        c.send(true, RawWebSocket.PONG, new byte[0]);
                    }
                    if (i % 4 < 2) {
                        c.shutdownOutput();
                    } else {
                        c.reset();
                    }
                }
                Await.until(() -> "every connection gone; health: " + Http.health(server.base())
                        + "; server threads: " + server.stuckThreads(), gone,
                        () -> Http.health(server.base()).integer("connections") == 0);
                assertEquals(0, Http.health(server.base()).integer("rooms"));
            } finally {
                clients.forEach(RawWebSocket::close);
            }
        }
    }
}
