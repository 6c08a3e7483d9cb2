package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschat.support.Await;
import io.wschat.DevServer;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.WsClient;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connections that die without a close frame (a proxy or the network fails) must not stay in the
 * registry as ghosts: the next delivery to one fails, and that failure closes and unregisters it.
 */
class DroppedConnectionsIT {

    @Test
    void aConnectionCutWithoutACloseFrameLeavesTheRoomOnTheNextDelivery() throws Exception {
        try (DevServer server = DevServer.start(DevServer.builtWar(), 0, "")) {
            URL main = new URL("http://127.0.0.1:" + server.port() + "/");
            URL spare = new URL("http://127.0.0.1:" + server.openSparePort() + "/");
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
}
