package io.wschat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.DevServer;
import io.wschat.support.Await;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.RedisServer;
import io.wschat.support.WsClient;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped (killed, losing everything) and started again while two servers serve clients:
 * established connections stay, chat among the clients of one server goes on, what would need the
 * other server is refused in words, and afterwards presence and cross-server delivery come back by
 * themselves, with one log line per server and state change.
 */
class RedisOutageIT {

    @Test
    void chatOnOneServerGoesOnWhileRedisIsDownAndEverythingComesBackAfter() throws Exception {
        List<LogRecord> layerLog = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.wschat.layer.redis.RedisChannelLayer");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.INFO.intValue()) {
                    layerLog.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> settings = Map.of("wschat.layer", "redis", "wschat.redisUrl", redis.url(),
                    "wschat.redisTimeoutMillis", "500");
            try (DevServer a = DevServer.start(DevServer.builtWar(), 0, "", settings, null);
                 DevServer b = DevServer.start(DevServer.builtWar(), 0, "", settings, null)) {
                URL baseA = new URL("http://127.0.0.1:" + a.port() + "/");
                URL baseB = new URL("http://127.0.0.1:" + b.port() + "/");
                // alice is in before the others come, so that she is told of both joins (not given them in her list).
                try (WsClient alice = welcomed(WsClient.connect(Http.ws(baseA, "/ws/chat/ops?name=alice")));
                     WsClient bob = WsClient.connect(Http.ws(baseA, "/ws/chat/ops?name=bob"));
                     WsClient carol = WsClient.connect(Http.ws(baseB, "/ws/chat/ops?name=carol"))) {
                    String epoch = alice.seen().stream().map(Json::parse).filter(j -> j.is("welcome")).findFirst()
                            .orElseThrow().str("epoch");
                    carol.awaitType("presence.members");
                    Await.until("alice sees everyone", () -> alice.seen().stream().filter(f -> f.contains("presence.join")).count() == 2);
                    layerLog.clear();

                    redis.stop();
                    Await.until("both servers DEGRADED", () -> Http.get(baseA, "/health").statusCode() == 503
                            && Http.get(baseB, "/health").statusCode() == 503);
                    assertEquals("DEGRADED", Http.health(baseA).str("status"));

                    // Same server: delivered at once, without an offset (not stored), and the sender is told.
                    alice.send("{\"message\":\"while redis is down\"}");
                    Json local = bob.awaitType("chat.message");
                    assertEquals("while redis is down", local.str("message"));
                    assertEquals(-1, local.number("offset"), "not stored, so not numbered: " + local.raw());
                    assertEquals("unavailable", alice.awaitType("error").str("code"));
                    // The other server's member does not get it, and its own message is refused in words.
                    assertNull(carol.poll(Duration.ofMillis(300)));
                    carol.send("{\"message\":\"across\"}");
                    assertEquals("unavailable", carol.awaitType("error").str("code"));
                    // A connection that needs the shared state cannot be served now: 1013, try again later.
                    try (WsClient late = WsClient.connect(Http.ws(baseA, "/ws/chat/ops?name=dave"))) {
                        assertEquals(1013, late.awaitClose().code());
                    }
                    assertTrue(alice.seen().size() > 0 && !alice.isClosed() && !carol.isClosed(), "connections stay");

                    redis.startAgain(); // empty: presence and streams are gone
                    Await.until(() -> "both servers UP again; log: " + layerLog, Duration.ofSeconds(20),
                            () -> Http.get(baseA, "/health").statusCode() == 200 && Http.get(baseB, "/health").statusCode() == 200);

                    // The room's stream started over; its members are told of the new epoch.
                    String newEpoch = alice.awaitType("welcome").str("epoch");
                    assertNotEquals(epoch, newEpoch);
                    // Presence came back: each server announced its members again.
                    try (WsClient dave = WsClient.connect(Http.ws(baseB, "/ws/chat/ops?name=dave"))) {
                        assertEquals(List.of("alice", "bob", "carol", "dave").stream().sorted().toList(),
                                dave.awaitType("presence.members").strings("members").stream().sorted().toList());
                        alice.send("{\"message\":\"after\"}");
                        for (WsClient c : List.of(carol, dave)) {
                            Json m = c.awaitType("chat.message");
                            assertEquals("after", m.str("message"));
                            assertEquals(1, m.number("offset"), "numbering starts over with the new epoch");
                        }
                    }
                    long warnings = layerLog.stream().filter(r -> r.getLevel() == Level.WARNING).count();
                    long recoveries = layerLog.stream().filter(r -> r.getMessage().contains("layer UP")).count();
                    assertEquals(2, warnings, "one line per server going DEGRADED: " + messages(layerLog));
                    assertEquals(2, recoveries, "one line per server coming back: " + messages(layerLog));
                }
            }
        } finally {
            logger.removeHandler(capture);
        }
    }

    private static WsClient welcomed(WsClient client) {
        client.awaitType("welcome");
        return client;
    }

    private static List<String> messages(List<LogRecord> records) {
        return records.stream().map(LogRecord::getMessage).toList();
    }
}
