package io.wschat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.support.Await;
import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Deployments;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.RawWebSocket;
import io.wschat.support.WsClient;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP side of the server under test: push API, rooms list, health, and the echo fallback. */
class HttpResourcesIT {

    private static final String[] AUTH = {"Authorization", "Bearer " + Deployments.PUSH_TOKEN};

    private static ChatServer server;
    private static URL base;

    @BeforeAll
    static void start() {
        server = ChatServers.start(ChatServers.spec().with("wschat.pushToken", Deployments.PUSH_TOKEN));
        base = server.base();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pushToARoomReachesEveryMemberAsUserServer() {
        try (WsClient a = WsClient.connect(Http.ws(base, "/ws/chat/builds?name=a"));
             WsClient b = WsClient.connect(Http.ws(base, "/ws/chat/builds?name=b"))) {
            a.awaitType("presence.members");
            b.awaitType("presence.members");

            HttpResponse<String> r = Http.post(base, "/api/rooms/builds/messages", "{\"message\":\"step 3 of 5\"}", AUTH);

            assertEquals(202, r.statusCode(), r.body());
            assertEquals(2, Json.parse(r.body()).integer("delivered"));
            for (WsClient c : new WsClient[] {a, b}) {
                Json m = c.awaitType("chat.message");
                assertEquals("server", m.str("user"));
                assertEquals("builds", m.str("room"));
                assertEquals("step 3 of 5", m.str("message"));
            }
        }
    }

    @Test
    void pushToARoomWithNoMembersReachesNobodyAndWaitsInItsHistory() {
        HttpResponse<String> r = Http.post(base, "/api/rooms/empty-room/messages", "{\"message\":\"hello?\"}", AUTH);
        assertEquals(202, r.statusCode());
        assertEquals(0, Json.parse(r.body()).integer("delivered"));
        assertEquals(Map.of(), Http.rooms(base), "a room without members is not listed");
        try (WsClient later = WsClient.connect(Http.ws(base, "/ws/chat/empty-room?name=later"))) {
            Json history = later.awaitType("chat.message");
            assertTrue(history.flag("history"));
            assertEquals("hello?", history.str("message"));
        }
    }

    @Test
    void aPushRepeatedWithTheSameIdempotencyKeyIsSentOnceAndAnsweredTheSame() {
        try (WsClient member = WsClient.connect(Http.ws(base, "/ws/chat/retries?name=m"));
             WsClient alice = WsClient.connect(Http.ws(base, "/ws/alice-retries"))) {
            member.awaitType("presence.members");
            Await.until("both connected", () -> Http.health(base).integer("connections") == 2);
            String[] keyed = {AUTH[0], AUTH[1], "Idempotency-Key", "job-42:step-3"};
            HttpResponse<String> first = Http.post(base, "/api/rooms/retries/messages", "{\"message\":\"step 3\"}", keyed);
            HttpResponse<String> again = Http.post(base, "/api/rooms/retries/messages", "{\"message\":\"step 3\"}", keyed);
            assertEquals(202, first.statusCode(), first.body());
            assertEquals(202, again.statusCode());
            assertEquals(first.body(), again.body(), "the same answer, offset included");
            assertEquals("step 3", member.awaitType("chat.message").str("message"));

            HttpResponse<String> toUser = Http.post(base, "/api/users/alice-retries/messages", "{\"message\":\"ready\"}", keyed);
            HttpResponse<String> toUserAgain = Http.post(base, "/api/users/alice-retries/messages", "{\"message\":\"ready\"}", keyed);
            assertEquals(202, toUser.statusCode(), toUser.body());
            assertEquals(toUser.body(), toUserAgain.body());
            assertEquals("ready", alice.awaitType("direct.message").str("message"));

            Http.post(base, "/api/rooms/retries/messages", "{\"message\":\"marker\"}", AUTH);
            assertEquals("marker", member.awaitType("chat.message").str("message"), "the repeat was not delivered");
            Http.post(base, "/api/users/alice-retries/messages", "{\"message\":\"marker\"}", AUTH);
            assertEquals("marker", alice.awaitType("direct.message").str("message"), "the repeat was not delivered");

            HttpResponse<String> bad = Http.post(base, "/api/rooms/retries/messages", "{\"message\":\"x\"}",
                    AUTH[0], AUTH[1], "Idempotency-Key", "not a key!");
            assertEquals(400, bad.statusCode());
            assertEquals("bad_field", Json.parse(bad.body()).str("error"));
        }
    }

    @Test
    void pushToAUserReachesEveryConnectionOfThatUser() {
        try (WsClient tab1 = WsClient.connect(Http.ws(base, "/ws/alice/"));
             WsClient tab2 = WsClient.connect(Http.ws(base, "/ws/alice/"))) {
            Await.until("both tabs connected", () -> Http.health(base).integer("connections") == 2);
            HttpResponse<String> r = Http.post(base, "/api/users/alice/messages", "{\"message\":\"your export is ready\"}", AUTH);
            assertEquals(202, r.statusCode(), r.body());
            assertEquals(2, Json.parse(r.body()).integer("delivered"));
            for (WsClient tab : new WsClient[] {tab1, tab2}) {
                Json m = tab.awaitType("direct.message");
                assertEquals("server", m.str("from_user"));
                assertEquals("alice", m.str("to_user"));
                assertEquals("your export is ready", m.str("message"));
            }
        }
    }

    @Test
    void pushToAnUnknownUserIs404() {
        HttpResponse<String> r = Http.post(base, "/api/users/nobody/messages", "{\"message\":\"x\"}", AUTH);
        assertEquals(404, r.statusCode());
        assertEquals("user_offline", Json.parse(r.body()).str("error"));
    }

    @Test
    void pushWithoutOrWithAWrongTokenIs401() {
        assertEquals(401, Http.post(base, "/api/rooms/r/messages", "{\"message\":\"x\"}").statusCode());
        HttpResponse<String> wrong = Http.post(base, "/api/rooms/r/messages", "{\"message\":\"x\"}",
                "Authorization", "Bearer " + Deployments.PUSH_TOKEN + "x");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }

    @Test
    void badPushRequestsAre400Or404() {
        assertEquals(400, Http.post(base, "/api/rooms/r/messages", "{oops", AUTH).statusCode());
        assertEquals(400, Http.post(base, "/api/rooms/r/messages", "{\"message\":5}", AUTH).statusCode());
        assertEquals(400, Http.post(base, "/api/rooms/%3Cb%3E/messages", "{\"message\":\"x\"}", AUTH).statusCode());
        assertEquals(404, Http.post(base, "/api/nothing/here", "{}", AUTH).statusCode());
    }

    @Test
    void roomsListsActiveRoomsWithMemberCounts() {
        try (WsClient a = WsClient.connect(Http.ws(base, "/ws/chat/alpha?name=a"));
             WsClient a2 = WsClient.connect(Http.ws(base, "/ws/chat/alpha?name=a"));
             WsClient b = WsClient.connect(Http.ws(base, "/ws/chat/beta?name=b"))) {
            for (WsClient c : new WsClient[] {a, a2, b}) {
                c.awaitType("presence.members");
            }
            assertEquals(Map.of("alpha", 1, "beta", 1), Http.rooms(base), "two tabs of one user count once");
        }
    }

    @Test
    void healthReportsConnectionsAndRooms() {
        try (WsClient a = WsClient.connect(Http.ws(base, "/ws/chat/alpha?name=a"))) {
            a.awaitType("presence.members");
            HttpResponse<String> r = Http.get(base, "/health");
            assertEquals(200, r.statusCode());
            Json health = Json.parse(r.body());
            assertEquals("UP", health.str("status"));
            // Eventually: the previous test's connections may still be closing on the server.
            Await.until(() -> "1 connection in 1 room; health: " + Http.health(base) + ", rooms: " + Http.rooms(base),
                    WsClient.TIMEOUT, () -> {
                        Json h = Http.health(base);
                        return h.integer("connections") == 1 && h.integer("rooms") == 1;
                    });
        }
    }

    @Test
    void anEncodedSlashInAPathIs400OnEveryContainer() {
        try (RawWebSocket c = RawWebSocket.connect(Http.ws(base, "/ws/chat/a%2Fb"))) {
            assertEquals(400, c.status(), "WebSocket handshake");
        }
        assertEquals(400, Http.post(base, "/api/rooms/a%2Fb/messages", "{\"message\":\"x\"}", AUTH).statusCode());
        assertEquals(400, Http.get(base, "/echo%2f?message=x").statusCode());
    }

    @Test
    void plainGetOnTheEchoUrlAnswersTheMessageAsText() {
        HttpResponse<String> r = Http.get(base, "/echo?message=hello%20%E4%BD%A0%E5%A5%BD");
        assertEquals(200, r.statusCode());
        assertEquals("hello 你好", r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals(400, Http.get(base, "/echo").statusCode());
    }
}
