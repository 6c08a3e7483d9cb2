package io.wschat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.DevServer;
import io.wschat.support.Await;
import io.wschat.support.DevServerProcess;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.RawWebSocket;
import io.wschat.support.RedisServer;
import io.wschat.support.WsClient;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two servers (the WAR in two Tomcats) sharing one real Redis: presence, names, direct messages,
 * broadcast and the room list across servers; a server that stops cleanly or is killed.
 */
class ClusterIT {

    /** Short, so that a killed server's members are reaped within the test's patience. */
    static final int PRESENCE_TTL_SECONDS = 3;

    private static RedisServer redis;
    private static DevServer a;
    private static DevServer b;
    private static URL baseA;
    private static URL baseB;
    private static final AtomicInteger ROOMS = new AtomicInteger();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        a = DevServer.start(DevServer.builtWar(), 0, "", settings(), null);
        b = DevServer.start(DevServer.builtWar(), 0, "", settings(), null);
        baseA = new URL("http://127.0.0.1:" + a.port() + "/");
        baseB = new URL("http://127.0.0.1:" + b.port() + "/");
    }

    static Map<String, String> settings() {
        return Map.of("wschat.layer", "redis", "wschat.redisUrl", redis.url(),
                "wschat.presenceTtlSeconds", String.valueOf(PRESENCE_TTL_SECONDS));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        Await.until("both servers empty", () -> Http.health(baseA).integer("connections") == 0
                && Http.health(baseB).integer("connections") == 0 && Http.rooms(baseA).isEmpty());
    }

    private WsClient open(URL base, String path) {
        WsClient c = WsClient.connect(Http.ws(base, path));
        opened.add(c);
        return c;
    }

    private static String room() {
        return "c" + ROOMS.incrementAndGet();
    }

    // ---- presence and names ------------------------------------------------------------------

    @Test
    void presenceSpansServersAndTabsOnBothAreOneMember() {
        String room = room();
        WsClient alice = open(baseA, "/ws/chat/" + room + "?name=alice");
        assertEquals(List.of("alice"), alice.awaitType("presence.members").strings("members"));
        WsClient bob = open(baseB, "/ws/chat/" + room + "?name=bob");
        assertEquals(List.of("alice", "bob"), bob.awaitType("presence.members").strings("members"));
        assertEquals("bob", alice.awaitType("presence.join").str("user"));

        WsClient aliceOnB = open(baseB, "/ws/chat/" + room + "?name=alice"); // the same person, another server
        assertEquals("alice", aliceOnB.awaitType("welcome").str("user"));
        assertEquals(List.of("alice", "bob"), aliceOnB.awaitType("presence.members").strings("members"));
        assertEquals(Map.of(room, 2), Http.rooms(baseA));

        alice.close();
        bob.send("{\"message\":\"marker\"}");
        Json next = bob.await(j -> j.is("presence.leave") || j.is("chat.message"));
        assertTrue(next.is("chat.message"), "alice still has a tab on the other server: no leave; got " + next.raw());

        aliceOnB.close();
        assertEquals("alice", bob.awaitType("presence.leave").str("user"));
    }

    @Test
    void aNameTakenOnOneServerIsSuffixedOnTheOther() {
        String room = room();
        WsClient alice = open(baseA, "/ws/chat/" + room + "?name=alice");
        alice.awaitType("presence.members");
        // Another person (another address) asks for the same name on the other server.
        try (RawWebSocket other = RawWebSocket.connectFrom("127.0.0.2", Http.ws(baseB, "/ws/chat/" + room + "?name=alice"))) {
            assertEquals(101, other.status());
            Json welcome = Json.parse(other.nextText());
            assertEquals("alice-2", welcome.str("user"), welcome.raw());
            assertEquals(List.of("alice", "alice-2"), Json.parse(other.nextText()).strings("members"));
            assertEquals("alice-2", alice.awaitType("presence.join").str("user"));
        }
        assertEquals("alice-2", alice.awaitType("presence.leave").str("user"));
    }

    // ---- messages ------------------------------------------------------------------------------

    @Test
    void roomMessagesReachBothServersInOneOrderAndJoinersGetHistoryFromEither() {
        String room = room();
        WsClient onA = open(baseA, "/ws/chat/" + room + "?name=ann");
        onA.awaitType("presence.members");
        WsClient onB = open(baseB, "/ws/chat/" + room + "?name=ben");
        onB.awaitType("presence.members");
        onA.send("{\"message\":\"from a\"}");
        onB.send("{\"message\":\"from b\"}");
        List<String> orderOnA = new ArrayList<>();
        List<String> orderOnB = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Json m = onA.awaitType("chat.message");
            orderOnA.add(m.number("offset") + ":" + m.str("message"));
            Json n = onB.awaitType("chat.message");
            orderOnB.add(n.number("offset") + ":" + n.str("message"));
        }
        assertEquals(orderOnA, orderOnB, "one order, one numbering, on both servers");

        WsClient late = open(baseB, "/ws/chat/" + room + "?name=cat");
        late.awaitType("presence.members");
        List<String> history = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Json h = late.awaitType("chat.message");
            assertTrue(h.flag("history"));
            history.add(h.number("offset") + ":" + h.str("message"));
        }
        assertEquals(orderOnA, history, "what was said on either server is in the history");
    }

    @Test
    void directMessagesReachEveryConnectionOfBothUsersOnEveryServer() {
        WsClient aliceA = open(baseA, "/ws/alice");
        WsClient aliceB = open(baseB, "/ws/alice");
        WsClient bobB = open(baseB, "/ws/bob");
        WsClient bobA = open(baseA, "/ws/bob");
        Await.until("four connections", () -> Http.health(baseA).integer("connections")
                + Http.health(baseB).integer("connections") == 4);

        bobB.send("{\"message\":\"hi alice\",\"to_user\":\"alice\"}");
        for (WsClient c : List.of(aliceA, aliceB, bobB, bobA)) {
            Json m = c.awaitType("direct.message");
            assertEquals("hi alice", m.str("message"));
            assertEquals("bob", m.str("from_user"));
        }
        for (WsClient c : List.of(aliceA, aliceB, bobB, bobA)) {
            assertNull(c.poll(Duration.ofMillis(200)), "exactly once per connection");
        }

        aliceA.close();
        aliceB.close();
        Await.until("alice gone", () -> Http.health(baseA).integer("connections") == 1
                && Http.health(baseB).integer("connections") == 1);
        bobA.send("{\"message\":\"still there?\",\"to_user\":\"alice\"}");
        assertEquals("user_offline", bobA.awaitType("error").str("code"), "offline only when gone everywhere");
    }

    @Test
    void broadcastReachesTheBroadcastConnectionsOfBothServers() {
        WsClient onA = open(baseA, "/ws");
        WsClient onB = open(baseB, "/ws/");
        Await.until("two connections", () -> Http.health(baseA).integer("connections") == 1
                && Http.health(baseB).integer("connections") == 1);
        onB.send("to everyone");
        assertEquals("to everyone", onA.next());
        assertEquals("to everyone", onB.next());
        assertNull(onA.poll(Duration.ofMillis(200)), "once, not once per server");
    }

    @Test
    void thePushApiOfEitherServerReachesTheRoomOnBoth() throws Exception {
        try (DevServer c = DevServer.start(DevServer.builtWar(), 0, "", withPushToken(), null)) {
            URL baseC = new URL("http://127.0.0.1:" + c.port() + "/");
            String room = room();
            WsClient onA = open(baseA, "/ws/chat/" + room + "?name=ann");
            onA.awaitType("presence.members");
            WsClient onB = open(baseB, "/ws/chat/" + room + "?name=ben");
            onB.awaitType("presence.members");
            var response = Http.post(baseC, "/api/rooms/" + room + "/messages", "{\"message\":\"pushed\"}",
                    "Authorization", "Bearer push-secret");
            assertEquals(202, response.statusCode(), response.body());
            Json answer = Json.parse(response.body());
            assertEquals(2, answer.integer("delivered"), "every connection in the room, on every server");
            for (WsClient w : List.of(onA, onB)) {
                Json m = w.awaitType("chat.message");
                assertEquals("pushed", m.str("message"));
                assertEquals(answer.number("offset"), m.number("offset"));
            }
        }
    }

    private static Map<String, String> withPushToken() {
        Map<String, String> s = new HashMap<>(settings());
        s.put("wschat.pushToken", "push-secret");
        return s;
    }

    @Test
    void roomListAndHealthAnswerForTheCluster() {
        String room = room();
        WsClient onB = open(baseB, "/ws/chat/" + room + "?name=ben");
        onB.awaitType("presence.members");
        assertEquals(Map.of(room, 1), Http.rooms(baseA), "a room with members only on the other server is listed");
        Json health = Http.health(baseA);
        assertEquals("UP", health.str("status"));
        assertEquals("redis", health.str("layer"));
        assertEquals(0, health.integer("connections"), "health counts this server's connections");
        assertEquals(1, Http.health(baseB).integer("connections"));
    }

    // ---- servers that stop -------------------------------------------------------------------

    @Test
    void aServerThatStopsCleanlyTakesItsMembersOutOfPresenceAtOnce() throws Exception {
        String room = room();
        WsClient alice = open(baseA, "/ws/chat/" + room + "?name=alice");
        alice.awaitType("presence.members");
        Map<String, String> slowReaping = new HashMap<>(settings());
        slowReaping.put("wschat.presenceTtlSeconds", "600"); // only the clean stop can explain a quick leave
        try (DevServer c = DevServer.start(DevServer.builtWar(), 0, "", slowReaping, null)) {
            WsClient carol = WsClient.connect(Http.ws(new URL("http://127.0.0.1:" + c.port() + "/"),
                    "/ws/chat/" + room + "?name=carol"));
            carol.awaitType("presence.members");
            assertEquals("carol", alice.awaitType("presence.join").str("user"));
        }
        assertEquals("carol", alice.awaitType("presence.leave").str("user"));
        assertEquals(Map.of(room, 1), Http.rooms(baseA));
    }

    @Test
    void aKilledServersMembersLeaveEveryRoomWithinThePresenceTtl() throws Exception {
        String room = room();
        WsClient alice = open(baseA, "/ws/chat/" + room + "?name=alice");
        alice.awaitType("presence.members");
        try (DevServerProcess c = DevServerProcess.start(settings())) {
            WsClient carol = WsClient.connect(Http.ws(c.base(), "/ws/chat/" + room + "?name=carol"));
            opened.add(carol);
            WsClient dave = WsClient.connect(Http.ws(c.base(), "/ws/dave"));
            opened.add(dave);
            carol.awaitType("presence.members");
            assertEquals("carol", alice.awaitType("presence.join").str("user"));
            Await.until("dave is online", () -> directTo(baseA, "dave"));

            long killedAt = System.nanoTime();
            c.kill();
            Json leave = alice.await(j -> j.is("presence.leave"));
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            assertEquals("carol", leave.str("user"));
            assertTrue(seconds <= PRESENCE_TTL_SECONDS * 3, "reaped after " + seconds + " s");
            assertEquals(Map.of(room, 1), Http.rooms(baseA));
            assertFalse(directTo(baseA, "dave"), "a killed server's users are offline");
        }
    }

    /** Whether a direct message to {@code user} finds a connection (asked from a throwaway connection). */
    private static boolean directTo(URL base, String user) {
        try (WsClient probe = WsClient.connect(Http.ws(base, "/ws/probe"))) {
            probe.send("{\"message\":\"ping\",\"to_user\":\"" + user + "\"}");
            Json answer = probe.await(j -> j.is("direct.message") || j.is("error"));
            return answer.is("direct.message");
        }
    }
}
