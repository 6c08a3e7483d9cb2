package io.wschat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.wschat.support.TyrusServer;
import io.wschat.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two servers in one JVM, with the endpoint classes loaded once (two Tyrus servers on the test class
 * path): each has its own runtime, found through its own WebSocket container, and its own rooms.
 */
class RuntimePerServerIT {

    @Test
    void twoServersInOneJvmKeepTheirRoomsApart() throws Exception {
        try (TyrusServer a = TyrusServer.start(Map.of());
             TyrusServer b = TyrusServer.start(Map.of("wschat.historySize", "0"));
             WsClient onA = WsClient.connect(a.ws("/ws/chat/same?name=ann"));
             WsClient onB = WsClient.connect(b.ws("/ws/chat/same?name=bob"))) {
            assertEquals(List.of("ann"), onA.awaitType("presence.members").strings("members"));
            assertEquals(List.of("bob"), onB.awaitType("presence.members").strings("members"));

            onA.send("{\"message\":\"only on a\"}");
            assertEquals("only on a", onA.awaitType("chat.message").str("message"));
            assertNull(onB.poll(Duration.ofMillis(300)), "server b's room is another room");
            assertEquals(0, b.runtime().settings().historySize(), "each runtime has its own settings");
            assertEquals(50, a.runtime().settings().historySize());
        }
    }
}
