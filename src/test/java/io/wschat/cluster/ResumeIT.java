package io.wschat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.DevServer;
import io.wschat.support.Await;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.RedisServer;
import io.wschat.support.WsClient;
import java.net.URL;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reconnecting without losing or repeating a message, on one server (in-memory layer) and on two
 * servers sharing Redis: a member whose TCP connection is cut while 500 messages are said resumes
 * from its last offset and gets exactly those; a resume that cannot be exact (too old, wrong epoch,
 * Redis flushed) says so; a client id sent three times, through either server, is stored once.
 */
class ResumeIT {

    static final int MISSED = 500;

    private static RedisServer redis;
    private static DevServer single;
    private static DevServer a;
    private static DevServer b;
    private static URL singleBase;
    private static URL baseA;
    private static URL baseB;
    private static final AtomicInteger ROOMS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> fast = Map.of("wschat.messagesPerSecond", "100000", "wschat.messageBurst", "100000");
        single = DevServer.start(DevServer.builtWar(), 0, "", fast, null);
        singleBase = new URL("http://127.0.0.1:" + single.port() + "/");
        redis = RedisServer.start();
        Map<String, String> shared = new java.util.HashMap<>(fast);
        shared.putAll(Map.of("wschat.layer", "redis", "wschat.redisUrl", redis.url(), "wschat.presenceTtlSeconds", "3"));
        a = DevServer.start(DevServer.builtWar(), 0, "", shared, null);
        b = DevServer.start(DevServer.builtWar(), 0, "", shared, null);
        baseA = new URL("http://127.0.0.1:" + a.port() + "/");
        baseB = new URL("http://127.0.0.1:" + b.port() + "/");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {single, a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static String room() {
        return "resume" + ROOMS.incrementAndGet();
    }

    @Test
    void aCutMemberResumesWithExactlyTheMessagesItMissedOnOneServer() {
        cutMemberResumes(singleBase, singleBase);
    }

    @Test
    void aCutMemberResumesWithExactlyTheMessagesItMissedAcrossServers() {
        cutMemberResumes(baseA, baseB);
    }

    /** The member on {@code memberServer}, the sender on {@code senderServer}. */
    private static void cutMemberResumes(URL memberServer, URL senderServer) {
        String room = room();
        try (WsClient sender = WsClient.connect(Http.ws(senderServer, "/ws/chat/" + room + "?name=sender"))) {
            sender.awaitType("presence.members");
            WsClient member = WsClient.connect(Http.ws(memberServer, "/ws/chat/" + room + "?name=member"));
            String epoch = member.awaitType("welcome").str("epoch");
            member.awaitType("presence.members");
            sender.send("{\"message\":\"seen\"}");
            long seen = member.awaitType("chat.message").number("offset");

            member.cut(); // no close frame: the server still thinks it is there
            for (int i = 1; i <= MISSED; i++) {
                sender.send("{\"message\":\"missed " + i + "\"}");
            }
            for (int i = 0; i <= MISSED; i++) {
                sender.awaitType("chat.message"); // all stored before the member comes back
            }

            try (WsClient back = WsClient.connect(Http.ws(memberServer,
                    "/ws/chat/" + room + "?name=member&since=" + seen + "&epoch=" + epoch))) {
                Json welcome = back.awaitType("welcome");
                assertTrue(welcome.flag("recovered"), welcome.raw());
                assertEquals(epoch, welcome.str("epoch"));
                back.awaitType("presence.members");
                for (int i = 1; i <= MISSED; i++) {
                    Json m = back.awaitType("chat.message");
                    assertTrue(m.flag("history"), m.raw());
                    assertEquals("missed " + i, m.str("message"), "exactly the missed ones, in order, once");
                    assertEquals(seen + i, m.number("offset"));
                }
                sender.send("{\"message\":\"live again\"}");
                Json live = back.awaitType("chat.message");
                assertEquals("live again", live.str("message"), "then live traffic, nothing in between");
                assertFalse(live.flag("history"));
            }
        }
    }

    @Test
    void aResumeFromBeforeWhatTheStreamKeepsIsNotRecovered() {
        String room = room();
        try (WsClient sender = WsClient.connect(Http.ws(baseA, "/ws/chat/" + room + "?name=sender"))) {
            String epoch = sender.awaitType("welcome").str("epoch");
            int said = 1100; // the stream keeps max(historySize 50, maxRecover 1000) = 1000
            for (int i = 1; i <= said; i++) {
                sender.send("{\"message\":\"m" + i + "\"}");
            }
            for (int i = 1; i <= said; i++) {
                sender.awaitType("chat.message");
            }
            try (WsClient back = WsClient.connect(Http.ws(baseB, "/ws/chat/" + room + "?name=late&since=5&epoch=" + epoch))) {
                Json welcome = back.awaitType("welcome");
                assertFalse(welcome.flag("recovered"), welcome.raw());
                assertEquals("m1051", back.awaitType("chat.message").str("message"), "the usual history: the last 50");
            }
        }
    }

    @Test
    void aResumeAfterRedisWasFlushedIsNotRecovered() throws Exception {
        String room = room();
        try (WsClient stays = WsClient.connect(Http.ws(baseA, "/ws/chat/" + room + "?name=stays"))) {
            String epoch = stays.awaitType("welcome").str("epoch");
            stays.send("{\"message\":\"before the flush\"}");
            long seen = stays.awaitType("chat.message").number("offset");
            assertEquals("+OK", redis.command("FLUSHALL"));
            // The servers notice on their next heartbeat and announce their members again.
            Await.until("the room is listed again", () -> Http.rooms(baseB).containsKey(room));
            try (WsClient back = WsClient.connect(Http.ws(baseB, "/ws/chat/" + room + "?name=back&since=" + seen
                    + "&epoch=" + epoch))) {
                Json welcome = back.awaitType("welcome");
                assertFalse(welcome.flag("recovered"), welcome.raw());
                assertTrue(!epoch.equals(welcome.str("epoch")), "a new epoch");
                assertEquals(List.of("back", "stays"), back.awaitType("presence.members").strings("members")
                        .stream().sorted().toList(), "presence came back");
            }
        }
    }

    @Test
    void theSameClientIdThroughEitherServerIsStoredOnceAndAckedThriceWithOneOffset() {
        String room = room();
        try (WsClient watcher = WsClient.connect(Http.ws(baseB, "/ws/chat/" + room + "?name=watcher"))) {
            watcher.awaitType("presence.members");
            Set<Long> offsets = new HashSet<>();
            for (URL server : List.of(baseA, baseB, baseA)) { // a client that reconnects elsewhere and sends again
                try (WsClient sender = WsClient.connect(Http.ws(server, "/ws/chat/" + room + "?name=sender"))) {
                    sender.awaitType("presence.members");
                    sender.send("{\"message\":\"exactly once\",\"client_id\":\"0b6e4c1a-retry\"}");
                    Json ack = sender.awaitType("ack");
                    assertEquals("0b6e4c1a-retry", ack.str("client_id"));
                    offsets.add(ack.number("offset"));
                }
            }
            assertEquals(1, offsets.size(), "one offset in three acks: " + offsets);
            watcher.awaitType("chat.message");
            try (WsClient marker = WsClient.connect(Http.ws(baseA, "/ws/chat/" + room + "?name=marker"))) {
                marker.awaitType("presence.members");
                marker.send("{\"message\":\"marker\"}");
            }
            Json next = watcher.awaitType("chat.message");
            assertEquals("marker", next.str("message"), "the repeats were not delivered: " + next.raw());
        }
    }
}
