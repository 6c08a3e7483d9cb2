package io.wschat.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.support.Await;
import io.wschat.support.ChatServers;
import io.wschat.support.Json;
import io.wschat.support.WsClient;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket endpoints' behaviour, over real sockets. Subclasses run it on a real container:
 * Tomcat (through Arquillian) and Tyrus (the implementation Payara uses).
 */
public abstract class EndpointContract {

    /** A WebSocket URI for a context-relative path such as {@code /ws/chat/lobby}. */
    protected abstract URI ws(String path);

    /** Active rooms with member counts, as the server sees them. */
    protected abstract Map<String, Integer> rooms();

    /** Open connections the server has registered. */
    protected abstract int connections();

    private final java.util.List<WsClient> clients = new java.util.ArrayList<>();

    private static final String RUN = Long.toString(System.nanoTime() & 0xffffff, 36);
    private static final java.util.concurrent.atomic.AtomicInteger ROOMS = new java.util.concurrent.atomic.AtomicInteger();

    /** This test's own room: rooms keep their history, so each test starts in one nobody used. */
    protected String lobby;

    @org.junit.jupiter.api.BeforeEach
    void newRoom() {
        lobby = unique("lobby");
    }

    /** A room name no other test of this run uses. */
    protected static String unique(String base) {
        return base + "-" + RUN + "-" + ROOMS.incrementAndGet();
    }

    protected WsClient open(String path) {
        WsClient c = WsClient.connect(ws(path));
        clients.add(c);
        return c;
    }

    @AfterEach
    void closeClientsAndCheckNothingIsLeft() {
        clients.forEach(WsClient::close);
        Await.until(() -> "registry empty after the test's clients closed; left: " + connections() + " connections, rooms "
                + rooms(), ChatServers.connectionsGoneWithin(), () -> connections() == 0 && rooms().isEmpty());
    }

    static String message(String text) {
        return "{\"message\":" + jsonString(text) + "}";
    }

    static String jsonString(String s) {
        return jakarta.json.Json.createValue(s).toString();
    }

    // ---- rooms ---------------------------------------------------------------------------------

    @Test
    void roomMembersIncludingTheSenderReceiveEachMessage() {
        WsClient alice = open("/ws/chat/" + lobby + "/?name=alice");   // the articles' trailing slash
        assertEquals("alice", alice.awaitType("welcome").str("user"));
        WsClient bob = open("/ws/chat/" + lobby + "?name=bob");        // and without it: the same room
        bob.awaitType("welcome");

        alice.send(message("hello, room"));

        java.util.Set<Long> offsets = new java.util.HashSet<>();
        for (WsClient c : List.of(alice, bob)) {
            Json m = c.awaitType("chat.message");
            assertEquals(lobby, m.str("room"));
            assertEquals("alice", m.str("user"));
            assertEquals("hello, room", m.str("message"));
            assertNotNull(Instant.parse(m.str("ts")));
            assertFalse(m.flag("history"));
            offsets.add(m.number("offset"));
        }
        assertEquals(1, offsets.size(), "every member sees the message at the same offset: " + offsets);
        assertTrue(offsets.iterator().next() >= 1);
    }

    @Test
    void roomMessagesAreNumberedOneByOneAndTheWelcomeNamesTheEpoch() {
        String room = unique("numbered");
        WsClient alice = open("/ws/chat/" + room + "?name=alice");
        Json welcome = alice.awaitType("welcome");
        assertNotNull(welcome.str("epoch"), welcome.raw());
        assertFalse(welcome.str("epoch").isEmpty());
        WsClient bob = open("/ws/chat/" + room + "?name=bob");
        assertEquals(welcome.str("epoch"), bob.awaitType("welcome").str("epoch"), "one room, one epoch");
        for (int i = 0; i < 5; i++) {
            (i % 2 == 0 ? alice : bob).send(message("m" + i));
        }
        for (WsClient c : List.of(alice, bob)) {
            long previous = -1;
            for (int i = 0; i < 5; i++) {
                long offset = c.awaitType("chat.message").number("offset");
                if (previous != -1) {
                    assertEquals(previous + 1, offset, "offsets rise by one, without gaps");
                }
                previous = offset;
            }
        }
    }

    @Test
    void aStandardJakartaWebSocketClientChatsToo() throws Exception {
        // Tyrus's client, through the plain jakarta.websocket client API: a second implementation
        // besides the JDK client the other tests use.
        URI uri = ws("/ws/chat/" + unique("jakarta") + "?name=tyrus");
        java.util.concurrent.BlockingQueue<String> frames = new java.util.concurrent.LinkedBlockingQueue<>();
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> headers) {
                        headers.put("Origin", List.of(WsClient.ownOrigin(uri)));
                    }
                }).build();
        Session session = ClientManager.createClient().connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig c) {
                s.addMessageHandler(String.class, frames::add);
            }
        }, config, uri);
        try {
            assertEquals("tyrus", nextOfType(frames, "welcome").str("user"));
            session.getBasicRemote().sendText(message("from a JSR 356 client"));
            assertEquals("from a JSR 356 client", nextOfType(frames, "chat.message").str("message"));
        } finally {
            session.close();
        }
    }

    private static Json nextOfType(java.util.concurrent.BlockingQueue<String> frames, String type) throws InterruptedException {
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        while (true) {
            String frame = frames.poll(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no " + type + " frame within " + WsClient.TIMEOUT);
            }
            Json json = Json.parse(frame);
            if (json.is(type)) {
                return json;
            }
        }
    }

    @Test
    void welcomeTellsAGuestItsGeneratedName() {
        WsClient guest = open("/ws/chat/" + lobby);
        Json welcome = guest.nextJson();
        assertTrue(welcome.is("welcome"), welcome.raw());
        assertTrue(welcome.str("user").startsWith("guest-"), welcome.raw());
        guest.send(message("hi"));
        assertEquals(welcome.str("user"), guest.awaitType("chat.message").str("user"));
    }

    @Test
    void nameCommandRenamesAndTellsTheRoom() {
        WsClient alice = open("/ws/chat/" + lobby + "?name=alice");
        alice.awaitType("presence.members");
        WsClient bob = open("/ws/chat/" + lobby + "?name=bob");
        bob.awaitType("presence.members");

        alice.send(message("/name alicia"));

        assertEquals("alicia", alice.awaitType("welcome").str("user"));
        Json renamed = bob.awaitType("presence.rename");
        assertEquals("alice", renamed.str("from"));
        assertEquals("alicia", renamed.str("to"));
        alice.send(message("now renamed"));
        assertEquals("alicia", bob.awaitType("chat.message").str("user"));
    }

    @Test
    void invalidNewNameIsAnErrorAndTheConnectionStays() {
        WsClient alice = open("/ws/chat/" + lobby + "?name=alice");
        alice.awaitType("presence.members");
        alice.send(message("/name <script>"));
        assertEquals("invalid_name", alice.awaitType("error").str("code"));
        alice.send(message("still here"));
        assertEquals("alice", alice.awaitType("chat.message").str("user"));
    }

    @Test
    void roomNamesInAnyScriptWorkPercentEncoded() {
        String room = unique("聊天室");
        WsClient c = open("/ws/chat/" + URLEncoder.encode(room, StandardCharsets.UTF_8) + "/?name=" + URLEncoder.encode("小明", StandardCharsets.UTF_8));
        Json welcome = c.awaitType("welcome");
        assertEquals(room, welcome.str("room"));
        assertEquals("小明", welcome.str("user"));
        c.send(message("你好 👋"));
        assertEquals("你好 👋", c.awaitType("chat.message").str("message"));
        assertEquals(Map.of(room, 1), rooms());
    }

    @Test
    void invalidRoomNameIsClosedWith1008() {
        String tooLong = "r".repeat(65);
        for (String room : List.of(tooLong, "a%20b", "...", "%3Cb%3E", "a%2Fb")) {
            assertRefused("/ws/chat/" + room);
        }
    }

    /** Refused at the handshake (an HTTP error, e.g. Tomcat's 400 for an encoded slash) or closed with 1008. */
    protected void assertRefused(String path) {
        WsClient c;
        try {
            c = open(path);
        } catch (RuntimeException refusedAtHandshake) {
            return;
        }
        assertEquals(1008, c.awaitClose().code(), path);
    }

    @Test
    void presenceListsMembersAndAnnouncesJoinAndLeaveOncePerUser() {
        WsClient alice = open("/ws/chat/" + lobby + "?name=alice");
        assertEquals(List.of("alice"), alice.awaitType("presence.members").strings("members"));

        WsClient bob = open("/ws/chat/" + lobby + "?name=bob");
        assertEquals(List.of("alice", "bob"), bob.awaitType("presence.members").strings("members"));
        assertEquals("bob", alice.awaitType("presence.join").str("user"));

        WsClient bobTab2 = open("/ws/chat/" + lobby + "?name=bob");     // a second tab is the same member
        assertEquals(List.of("alice", "bob"), bobTab2.awaitType("presence.members").strings("members"));
        assertEquals(Map.of(lobby, 2), rooms());

        bobTab2.close();
        alice.send(message("marker"));
        // Bob still has a tab open: alice hears no leave before her own marker.
        Json next = alice.await(j -> j.is("presence.leave") || j.is("chat.message"));
        assertTrue(next.is("chat.message"), "no leave while bob has a tab: " + next.raw());

        bob.close();
        assertEquals("bob", alice.awaitType("presence.leave").str("user"));
    }

    @Test
    void joiningConnectionGetsTheHistoryMarkedBeforeLiveMessages() {
        WsClient alice = open("/ws/chat/" + lobby + "?name=alice");
        for (int i = 1; i <= 3; i++) {
            alice.send(message("old " + i));
        }
        for (int i = 1; i <= 3; i++) {
            alice.awaitType("chat.message");
        }
        WsClient bob = open("/ws/chat/" + lobby + "?name=bob");
        assertTrue(bob.nextJson().is("welcome"));
        assertTrue(bob.nextJson().is("presence.members"));
        for (int i = 1; i <= 3; i++) {
            Json h = bob.nextJson();
            assertTrue(h.is("chat.message") && h.flag("history"), h.raw());
            assertEquals("old " + i, h.str("message"));
        }
        alice.send(message("live"));
        Json live = bob.awaitType("chat.message");
        assertEquals("live", live.str("message"));
        assertFalse(live.flag("history"));
    }

    @Test
    void aRoomThatEmptiesKeepsItsHistoryAndItsNumbering() {
        String room = unique("kept");
        WsClient alice = open("/ws/chat/" + room + "?name=alice");
        String epoch = alice.awaitType("welcome").str("epoch");
        alice.send(message("said once"));
        long offset = alice.awaitType("chat.message").number("offset");
        assertEquals(Map.of(room, 1), rooms());
        alice.close();
        Await.until("room no longer listed once empty", () -> rooms().isEmpty());

        WsClient bob = open("/ws/chat/" + room + "?name=bob");
        assertEquals(epoch, bob.awaitType("welcome").str("epoch"), "the stream lives on: same epoch");
        Json history = bob.awaitType("chat.message");
        assertTrue(history.flag("history"), history.raw());
        assertEquals("said once", history.str("message"));
        assertEquals(offset, history.number("offset"));
        bob.send(message("fresh"));
        assertEquals(offset + 1, bob.awaitType("chat.message").number("offset"), "numbering goes on");
    }

    // ---- resuming and acknowledged sends -------------------------------------------------------

    @Test
    void aRejoinWithSinceAndEpochGetsExactlyWhatItMissedAndSaysSo() {
        WsClient stays = open("/ws/chat/" + lobby + "?name=stays");
        String epoch = stays.awaitType("welcome").str("epoch");
        WsClient away = open("/ws/chat/" + lobby + "?name=away");
        away.awaitType("presence.members");
        stays.send(message("before"));
        long seen = away.awaitType("chat.message").number("offset");
        away.close();
        for (int i = 1; i <= 3; i++) {
            stays.send(message("missed " + i));
        }
        // Stored once the sender has its own copy of the last; "before" also comes to it first.
        stays.await(m -> m.is("chat.message") && "missed 3".equals(m.str("message")));
        WsClient back = open("/ws/chat/" + lobby + "?name=away&since=" + seen + "&epoch=" + epoch);
        Json welcome = back.awaitType("welcome");
        assertTrue(welcome.flag("recovered"), welcome.raw());
        back.awaitType("presence.members");
        for (int i = 1; i <= 3; i++) {
            Json m = back.nextJson();
            assertTrue(m.is("chat.message") && m.flag("history"), m.raw());
            assertEquals("missed " + i, m.str("message"));
            assertEquals(seen + i, m.number("offset"));
        }
        stays.send(message("live"));
        Json live = back.awaitType("chat.message");
        assertEquals("live", live.str("message"));
        assertFalse(live.flag("history"));
    }

    @Test
    void aRejoinThatCannotBeExactSaysSoAndGetsTheUsualHistory() {
        WsClient alice = open("/ws/chat/" + lobby + "?name=alice");
        alice.awaitType("presence.members");
        alice.send(message("only message"));
        long offset = alice.awaitType("chat.message").number("offset");
        WsClient wrongEpoch = open("/ws/chat/" + lobby + "?name=bob&since=" + offset + "&epoch=notthisone");
        Json welcome = wrongEpoch.awaitType("welcome");
        assertEquals(Flag.FALSE, Flag.of(welcome, "recovered"), welcome.raw());
        Json history = wrongEpoch.awaitType("chat.message");
        assertTrue(history.flag("history"));
        assertEquals("only message", history.str("message"));
        Json plain = open("/ws/chat/" + lobby + "?name=carol").awaitType("welcome");
        assertEquals(Flag.ABSENT, Flag.of(plain, "recovered"), "no resume asked, nothing said");
    }

    /** Whether a boolean field is true, false or absent. */
    enum Flag {
        TRUE, FALSE, ABSENT;

        static Flag of(Json json, String field) {
            var v = json.object().get(field);
            return v == null ? ABSENT : v == jakarta.json.JsonValue.TRUE ? TRUE : FALSE;
        }
    }

    @Test
    void invalidResumeParametersAreClosedWith1008AndAReason() {
        for (String query : List.of("since=abc&epoch=abc", "since=5", "epoch=abc", "since=-1&epoch=abc",
                "since=1&epoch=%3Cb%3E")) {
            WsClient c = open("/ws/chat/" + lobby + "?name=x&" + query);
            WsClient.Closed closed = c.awaitClose();
            assertEquals(1008, closed.code(), query);
            assertTrue(closed.reason().startsWith("invalid since") || closed.reason().startsWith("invalid epoch"),
                    query + ": " + closed.reason());
        }
    }

    @Test
    void aMessageWithAClientIdIsAcknowledgedAndARepeatIsStoredOnce() {
        WsClient alice = open("/ws/chat/" + lobby + "?name=alice");
        alice.awaitType("presence.members");
        WsClient bob = open("/ws/chat/" + lobby + "?name=bob");
        bob.awaitType("presence.members");
        String frame = "{\"message\":\"once\",\"client_id\":\"3f1c-77\"}";
        for (int i = 0; i < 3; i++) {
            alice.send(frame);
        }
        java.util.Set<Long> acked = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            Json ack = alice.awaitType("ack");
            assertEquals("3f1c-77", ack.str("client_id"));
            acked.add(ack.number("offset"));
        }
        assertEquals(1, acked.size(), "three acks, one offset: " + acked);
        Json m = bob.awaitType("chat.message");
        assertEquals("once", m.str("message"));
        assertEquals(acked.iterator().next(), m.number("offset"));
        assertEquals("3f1c-77", m.str("client_id"));
        alice.send(message("next"));
        assertEquals("next", bob.awaitType("chat.message").str("message"), "nothing else came before it");

        alice.send("{\"message\":\"x\",\"client_id\":\"has space\"}");
        assertEquals("bad_field", alice.awaitType("error").str("code"));
        alice.send("{\"message\":\" \",\"client_id\":\"empty-1\"}");
        Json error = alice.awaitType("error");
        assertEquals("empty_message", error.str("code"));
        assertEquals("empty-1", error.str("client_id"), "an error names the message it is about");
    }

    // ---- bad input -----------------------------------------------------------------------------

    @Test
    void badFramesGetAnErrorFrameAndTheConnectionStaysUsable() {
        WsClient c = open("/ws/chat/" + lobby + "?name=alice");
        c.awaitType("presence.members");
        Map<String, String> cases = Map.of(
                "{not json", "bad_json",
                "[1,2,3]", "not_an_object",
                "\"just a string\"", "not_an_object",
                "{\"message\": 42}", "bad_field",
                "{\"text\": \"no message field\"}", "bad_field",
                "{\"message\": \"   \"}", "empty_message",
                "{\"message\": \"\\ud800 lone\"}", "bad_text");
        cases.forEach((frame, code) -> {
            c.send(frame);
            Json error = c.awaitType("error");
            assertEquals(code, error.str("code"), frame);
            assertNotNull(error.str("detail"));
        });
        c.send(message("still works"));
        assertEquals("still works", c.awaitType("chat.message").str("message"));
    }

    @Test
    void aFrameOverTheLimitIsClosedWith1009AndOneUnderItPasses() {
        WsClient c = open("/ws/chat/" + lobby + "?name=alice");
        c.awaitType("presence.members");
        String under = "x".repeat(64 * 1024 - message("").length());
        c.send(message(under));
        assertEquals(under.length(), c.awaitType("chat.message").str("message").length());

        c.send(message(under + "x"));
        assertEquals(1009, c.awaitClose().code());
    }

    @Test
    void aBinaryFrameIsClosedWith1003() {
        WsClient c = open("/ws/chat/" + lobby + "?name=alice");
        c.awaitType("presence.members");
        c.sendBinary(new byte[] {1, 2, 3});
        assertEquals(1003, c.awaitClose().code());
    }

    // ---- broadcast -----------------------------------------------------------------------------

    @Test
    void broadcastSendsTheRawTextToEveryConnection() {
        WsClient a = open("/ws/");
        WsClient b = open("/ws");
        Await.until("both connected", () -> connections() == 2);
        a.send("plain text, not JSON");
        assertEquals("plain text, not JSON", a.next());
        assertEquals("plain text, not JSON", b.next());
    }

    // ---- point-to-point ------------------------------------------------------------------------

    @Test
    void directMessageReachesEveryTabOfTheTargetWithTheServerSetSender() {
        WsClient aliceTab1 = open("/ws/alice/");
        WsClient aliceTab2 = open("/ws/alice");
        WsClient bob = open("/ws/bob/");
        WsClient carol = open("/ws/carol/");
        Await.until("all connected", () -> connections() == 4);

        bob.send("{\"message\":\"hi alice\",\"to_user\":\"alice\",\"from_user\":\"mallory\"}");

        for (WsClient tab : List.of(aliceTab1, aliceTab2, bob)) {
            Json m = tab.awaitType("direct.message");
            assertEquals("hi alice", m.str("message"));
            assertEquals("bob", m.str("from_user"), "from_user is the sender's path username, never the client's claim");
            assertEquals("alice", m.str("to_user"));
            assertNotNull(Instant.parse(m.str("ts")));
        }
        assertNull(carol.poll(Duration.ofMillis(200)), "a direct message reaches only its target (and the sender)");

        aliceTab1.close();
        Await.until("tab closed", () -> connections() == 3);
        bob.send("{\"message\":\"still there?\",\"to_user\":\"alice\"}");
        assertEquals("still there?", aliceTab2.awaitType("direct.message").str("message"));
    }

    @Test
    void directMessageToAnOfflineUserIsAnError() {
        WsClient bob = open("/ws/bob");
        bob.send("{\"message\":\"anyone?\",\"to_user\":\"nobody\",\"from_user\":\"bob\"}");
        Json error = bob.awaitType("error");
        assertEquals("user_offline", error.str("code"));
        bob.send("{\"message\":\"x\",\"to_user\":\"../etc\"}");
        assertEquals("invalid_name", bob.awaitType("error").str("code"));
        bob.send("{\"message\":\"x\"}");
        assertEquals("bad_field", bob.awaitType("error").str("code"));
    }

    @Test
    void invalidUsernameInThePathIsClosedWith1008() {
        assertRefused("/ws/" + "u".repeat(65));
        assertRefused("/ws/a%20b/");
    }

    // ---- echo ----------------------------------------------------------------------------------

    @Test
    void echoEchoesEveryFrameUntilTheClientCloses() {
        WsClient c = open("/echo");
        for (String text : List.of("one", "two", "{\"json\":true}", "三")) {
            c.send(text);
            assertEquals(text, c.next());
        }
        assertFalse(c.isClosed());
    }

    @Test
    void echoOnceEchoesOneFrameThenClosesWith1000() {
        WsClient c = open("/echo_once/");
        c.send("only this");
        assertEquals("only this", c.next());
        assertEquals(1000, c.awaitClose().code());
    }
}
