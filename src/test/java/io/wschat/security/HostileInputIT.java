package io.wschat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.wschat.support.Await;
import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.PayaraMicro;
import io.wschat.support.RawWebSocket;
import io.wschat.support.WsClient;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Hostile input against the server under test (Tomcat, or Payara Micro with {@code -Ppayara}) serving
 * the built WAR, over real sockets: each row names what a
 * client does and the answer it must get. Frames a library would not send go through
 * {@link RawWebSocket}. The last row checks the server still serves a normal client and holds nothing.
 */
class HostileInputIT {

    static final int MAX = 64 * 1024;
    static final int PER_ADDRESS = 50;
    static final String TOKEN = "hostile-suite-token-0123456789";

    static ChatServer server;
    static ChatServer containerServer;
    static URL base;
    static final AtomicInteger rooms = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = ChatServers.start(ChatServers.spec().with(Map.of(
                "wschat.pingIntervalMillis", "500",
                "wschat.pongTimeoutMillis", "2000",
                "wschat.messagesPerSecond", "5",
                "wschat.messageBurst", "10",
                "wschat.floodStrikes", "10",
                "wschat.maxConnectionsPerAddress", String.valueOf(PER_ADDRESS),
                "wschat.pushToken", TOKEN)));
        base = server.base();
    }

    @AfterAll
    static void stop() {
        if (containerServer != null) {
            containerServer.close();
        }
        server.close();
    }

    record Row(String name, Executable check) {
    }

    static Row row(String name, Executable check) {
        return new Row(name, check);
    }

    @TestFactory
    Stream<DynamicTest> hostileInputs() {
        List<Row> rows = new ArrayList<>();
        rows.addAll(jsonRows());
        rows.addAll(frameRows());
        rows.addAll(nameRows());
        rows.addAll(handshakeRows());
        rows.addAll(abuseRows());
        rows.add(row("afterwards: a normal client is served and the registry is empty", HostileInputIT::serverStillHealthy));
        assertTrue(rows.size() >= 40, "the suite has " + rows.size() + " cases");
        return rows.stream().map(r -> dynamicTest(r.name(), r.check()));
    }

    // ---- JSON content: an error frame, and the connection stays usable ----------------------------

    static List<Row> jsonRows() {
        String nestedArrays = "[".repeat(10_000) + "]".repeat(10_000);
        String nestedObjects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        return List.of(
                row("malformed JSON -> bad_json", () -> errorFor("{not json", "bad_json")),
                row("truncated JSON -> bad_json", () -> errorFor("{\"message\":\"hel", "bad_json")),
                row("truncated unicode escape -> bad_json", () -> errorFor("{\"message\":\"\\u12", "bad_json")),
                row("trailing garbage after the object -> bad_json", () -> errorFor("{\"message\":\"x\"} {}", "bad_json")),
                row("10,000 nested arrays as the message -> bad_json", () -> errorFor("{\"message\":" + nestedArrays + "}", "bad_json")),
                row("10,000 nested objects -> bad_json", () -> errorFor(nestedObjects, "bad_json")),
                row("huge exponent number as message -> bad_field", () -> errorFor("{\"message\":1e999999999}", "bad_field")),
                row("10,000-digit number as message -> bad_json (parser limit)", () -> errorFor("{\"message\":" + "9".repeat(10_000) + "}", "bad_json")),
                row("message is a number -> bad_field", () -> errorFor("{\"message\":42}", "bad_field")),
                row("message is a boolean -> bad_field", () -> errorFor("{\"message\":true}", "bad_field")),
                row("message is null -> bad_field", () -> errorFor("{\"message\":null}", "bad_field")),
                row("message is an array -> bad_field", () -> errorFor("{\"message\":[\"a\"]}", "bad_field")),
                row("message is an object -> bad_field", () -> errorFor("{\"message\":{\"text\":\"a\"}}", "bad_field")),
                row("top-level array -> not_an_object", () -> errorFor("[1,2]", "not_an_object")),
                row("top-level string -> not_an_object", () -> errorFor("\"hi\"", "not_an_object")),
                row("top-level number -> not_an_object", () -> errorFor("12", "not_an_object")),
                row("top-level null -> not_an_object", () -> errorFor("null", "not_an_object")),
                row("empty text frame -> bad_json", () -> errorFor("", "bad_json")),
                row("whitespace-only frame -> bad_json", () -> errorFor(" \t\r\n ", "bad_json")),
                row("empty message -> empty_message", () -> errorFor("{\"message\":\"\"}", "empty_message")),
                row("whitespace message -> empty_message", () -> errorFor("{\"message\":\" \\t\\n\"}", "empty_message")),
                row("raw control character inside a JSON string -> bad_json", () -> errorFor("{\"message\":\"a\u0001b\"}", "bad_json")),
                row("lone surrogate escape -> bad_text", () -> errorFor("{\"message\":\"\\udc00x\"}", "bad_text")),
                row("unknown fields are ignored, the message is said", () -> saidAs("{\"message\":\"hi\",\"user\":\"admin\",\"type\":\"x\",\"isAdmin\":true}", "hi")),
                row("escaped control characters are kept and re-escaped", () -> saidAs("{\"message\":\"a\\u0000b\\u001b[31m\"}", "a\u0000b\u001b[31m")),
                row("markup in a message is passed on as text, unchanged", () -> saidAs("{\"message\":\"<img src=x onerror=alert(1)>\"}", "<img src=x onerror=alert(1)>")),
                row("forged from_user is replaced by the path username", HostileInputIT::forgedFromUser),
                row("to_user with path traversal -> invalid_name", () -> directError("{\"message\":\"x\",\"to_user\":\"../admin\"}", "invalid_name")),
                row("to_user of the wrong type -> bad_field", () -> directError("{\"message\":\"x\",\"to_user\":7}", "bad_field")));
    }

    // ---- frames: what the protocol forbids is a close with the right code --------------------------

    static List<Row> frameRows() {
        byte[] just = json(MAX);
        byte[] over = json(MAX + 1);
        return List.of(
                row("invalid UTF-8 byte in a text frame -> 1007", () -> closedWith(c -> c.send(true, RawWebSocket.TEXT, bytes(0x7b, 0xff, 0x7d)), 1007)),
                row("overlong UTF-8 encoding -> 1007", () -> closedWith(c -> c.send(true, RawWebSocket.TEXT, bytes(0xc0, 0xaf)), 1007)),
                row("UTF-8-encoded surrogate -> 1007", () -> closedWith(c -> c.send(true, RawWebSocket.TEXT, bytes(0xed, 0xa0, 0x80)), 1007)),
                row("invalid UTF-8 in the second fragment -> 1007", () -> closedWith(c -> {
                    c.send(false, RawWebSocket.TEXT, "{\"message\":\"".getBytes(StandardCharsets.UTF_8));
                    c.send(true, RawWebSocket.CONTINUATION, bytes(0xf8, 0x88, 0x80, 0x80, 0x80));
                }, 1007)),
                row("binary frame -> 1003", () -> closedWith(c -> c.send(true, RawWebSocket.BINARY, bytes(1, 2, 3)), 1003)),
                row("frame of exactly the size limit is accepted", () -> {
                    try (RawWebSocket c = joined()) {
                        c.send(true, RawWebSocket.TEXT, just);
                        assertEquals(MAX - 14, chatMessage(c).length());
                    }
                }),
                row("frame one byte over the size limit -> 1009", () -> closedWith(c -> c.send(true, RawWebSocket.TEXT, over), 1009)),
                row("a message in three fragments is reassembled", () -> {
                    try (RawWebSocket c = joined()) {
                        c.send(false, RawWebSocket.TEXT, "{\"mess".getBytes(StandardCharsets.UTF_8));
                        c.send(false, RawWebSocket.CONTINUATION, "age\":\"in thr".getBytes(StandardCharsets.UTF_8));
                        c.send(true, RawWebSocket.CONTINUATION, "ee\"}".getBytes(StandardCharsets.UTF_8));
                        assertEquals("in three", chatMessage(c));
                    }
                }),
                row("fragments adding up to over the limit -> 1009", () -> closedWith(c -> {
                    c.send(false, RawWebSocket.TEXT, new byte[MAX / 2 + 1]);
                    c.trySend(true, RawWebSocket.CONTINUATION, new byte[MAX / 2 + 1]);
                }, 1009)),
                row("continuation frame with nothing to continue -> 1002", () -> closedWith(c -> c.send(true, RawWebSocket.CONTINUATION, bytes(0x41)), 1002)),
                row("new text frame while a fragmented one is open -> 1002", () -> closedWith(c -> {
                    c.send(false, RawWebSocket.TEXT, bytes(0x7b));
                    c.send(true, RawWebSocket.TEXT, bytes(0x7d));
                }, 1002)),
                row("unmasked client frame -> 1002 on Tomcat; read as any frame by Tyrus (Payara)", HostileInputIT::unmaskedFrame),
                row("reserved opcode 0x3 -> 1002", () -> closedWith(c -> c.send(true, 0x3, bytes(1)), 1002)),
                row("reserved bit RSV1 without an extension -> 1002", () -> closedWith(c -> c.sendFrame(true, 4, RawWebSocket.TEXT, bytes(0x7b, 0x7d), true), 1002)),
                row("ping with a 126-byte payload -> 1002", () -> closedWith(c -> c.send(true, RawWebSocket.PING, new byte[126]), 1002)),
                row("fragmented ping -> 1002", () -> closedWith(c -> c.send(false, RawWebSocket.PING, bytes(1)), 1002)));
    }

    // ---- names in paths and queries ------------------------------------------------------------

    static List<Row> nameRows() {
        return List.of(
                row("room '..' -> never a room", () -> neverARoom("/ws/chat/..")),
                row("room with encoded path traversal -> refused", () -> refused("/ws/chat/..%2F..%2Fetc")),
                row("room with encoded backslash traversal -> refused", () -> refused("/ws/chat/..%5C..%5Cetc")),
                row("markup as room name -> refused", () -> refused("/ws/chat/%3Cscript%3Ealert(1)%3C%2Fscript%3E")),
                row("markup as user name -> 1008", () -> refused("/ws/chat/lobby?name=%3Cb%3Ex%3C%2Fb%3E")),
                row("markup as path username -> refused", () -> refused("/ws/%3Cimg%3E")),
                row("65-character room -> 1008", () -> refused("/ws/chat/" + "r".repeat(65))),
                row("65-character name -> 1008", () -> refused("/ws/chat/lobby?name=" + "n".repeat(65))),
                row("64-character name is accepted", () -> {
                    try (RawWebSocket c = joined("/ws/chat/" + room() + "?name=" + "n".repeat(64))) {
                        c.sendText("{\"message\":\"ok\"}");
                        assertEquals("ok", chatMessage(c));
                    }
                }),
                row("double percent-encoded dots -> refused", () -> refused("/ws/chat/%252e%252e")),
                row("percent-encoded NUL -> refused", () -> refused("/ws/chat/a%00b")),
                row("overlong UTF-8 dots, percent-encoded -> refused", () -> refused("/ws/chat/%C0%AE%C0%AE")),
                row("right-to-left override in a name -> 1008", () -> refused("/ws/chat/lobby?name=abc%E2%80%AEgpj")),
                row("encoded dots as path username -> never a user", () -> neverARoom("/ws/%2e%2e")));
    }

    // ---- handshakes ------------------------------------------------------------------------------

    static List<Row> handshakeRows() {
        String own = "http://127.0.0.1:" + server.port();
        return List.of(
                row("forged Origin -> 403", () -> handshakeStatus(403, "Origin", "http://evil.example")),
                row("missing Origin -> 403", () -> handshakeStatus(403, "Origin", null)),
                row("Origin 'null' (sandboxed page) -> 403", () -> handshakeStatus(403, "Origin", "null")),
                row("own host on another port -> 403", () -> handshakeStatus(403, "Origin", "http://127.0.0.1:1")),
                row("own origin as a prefix of a foreign host -> 403", () -> handshakeStatus(403, "Origin", own + ".evil.example")),
                row("own origin -> 101", () -> handshakeStatus(101, "Origin", own)),
                row("forged internal stamp header is not believed", () -> handshakeStatus(101, HandshakeStamp.HEADER, "0000 10.9.9.9")),
                row("20 KB request header -> 400", () -> handshakeStatus(400, "X-Padding", "p".repeat(20_000))),
                row("unsupported Sec-WebSocket-Version -> 426", () -> handshakeStatus(426, "Sec-WebSocket-Version", "8")),
                row("username impersonation in container mode -> 1008", HostileInputIT::impersonation),
                row("push API: wrong bearer token of the same length -> 401", () -> {
                    String wrong = TOKEN.substring(0, TOKEN.length() - 1) + "X";
                    assertEquals(401, Http.post(base, "/api/rooms/r/messages", "{\"message\":\"x\"}", "Authorization", "Bearer " + wrong).statusCode());
                    assertEquals(401, Http.post(base, "/api/rooms/r/messages", "{\"message\":\"x\"}", "Authorization", "Bearer " + TOKEN + "x").statusCode());
                    assertEquals(202, Http.post(base, "/api/rooms/r/messages", "{\"message\":\"x\"}", "Authorization", "Bearer " + TOKEN).statusCode());
                }));
    }

    // ---- abuse: floods, crowds, silent and half-closed clients ----------------------------------------

    static List<Row> abuseRows() {
        return List.of(
                row("message flood -> rate_limited error frames, then 1008", HostileInputIT::flood),
                row("1,000 connections from one address -> 429 past the limit; counts return to 0", HostileInputIT::crowd),
                row("client that never reads -> dropped, the room keeps flowing", HostileInputIT::neverReads),
                row("client that half-closes TCP -> unregistered", HostileInputIT::halfClose),
                row("client that stops answering pings -> 1001", () -> {
                    try (RawWebSocket c = joined()) {
                        c.autoPong(false);
                        assertEquals(1001, c.awaitClose());
                    }
                }),
                row("ping flood -> every ping answered, connection usable", HostileInputIT::pingFlood),
                row("unsolicited pong flood -> connection usable", () -> {
                    try (RawWebSocket c = joined()) {
                        for (int i = 0; i < 5_000; i++) {
                            c.send(true, RawWebSocket.PONG, bytes(i & 0x7f));
                        }
                        c.sendText("{\"message\":\"after pongs\"}");
                        assertEquals("after pongs", chatMessage(c));
                    }
                }));
    }

    // ---- the cases ---------------------------------------------------------------------------------

    static void errorFor(String frame, String code) {
        try (RawWebSocket c = joined()) {
            c.sendText(frame);
            Json error = nextOfType(c, "error");
            assertEquals(code, error.str("code"), error.raw());
            c.sendText("{\"message\":\"still usable\"}");
            assertEquals("still usable", chatMessage(c));
        }
    }

    static void saidAs(String frame, String expected) {
        try (RawWebSocket c = joined()) {
            c.sendText(frame);
            Json m = nextOfType(c, "chat.message");
            assertEquals(expected, m.str("message"));
            assertEquals("tester", m.str("user"));
            assertEquals(null, m.object().get("isAdmin"), "unknown fields are not passed on");
        }
    }

    static void forgedFromUser() {
        try (RawWebSocket bob = RawWebSocket.connect(ws("/ws/bob"));
             RawWebSocket alice = RawWebSocket.connect(ws("/ws/alice"))) {
            Await.until("both registered", () -> connections() >= 2);
            bob.sendText("{\"message\":\"hi\",\"to_user\":\"alice\",\"from_user\":\"mallory\"}");
            Json m = nextOfType(alice, "direct.message");
            assertEquals("bob", m.str("from_user"));
        }
    }

    static void directError(String frame, String code) {
        try (RawWebSocket c = RawWebSocket.connect(ws("/ws/dora"))) {
            assertEquals(101, c.status());
            c.sendText(frame);
            assertEquals(code, nextOfType(c, "error").str("code"));
        }
    }

    interface Action {
        void on(RawWebSocket c);
    }

    static void closedWith(Action action, int code) {
        try (RawWebSocket c = joined()) {
            action.on(c);
            assertEquals(code, c.awaitClose());
        }
    }

    /** Refused at the handshake with a 4xx (Tomcat rejects some encodings itself) or closed with 1008 right after. */
    static void refused(String path) {
        try (RawWebSocket c = RawWebSocket.connect(ws(path))) {
            if (c.status() != 101) {
                assertTrue(c.status() >= 400 && c.status() < 500, "status " + c.status());
                return;
            }
            assertEquals(1008, c.awaitClose(), path);
        }
    }

    /**
     * A dot-segment path: no room or user named {@code ..} may come of it, whatever the container makes
     * of the path. Tomcat resolves the dots before routing, so {@code /ws/chat/..} and {@code /ws/%2e%2e}
     * reach the broadcast endpoint {@code /ws/}, which sends a probe back to its sender; Tyrus (Payara)
     * takes {@code ..} as the username, which the endpoint refuses with 1008, or opens no WebSocket.
     */
    static void neverARoom(String path) {
        try (RawWebSocket c = RawWebSocket.connect(ws(path))) {
            if (c.status() == 101) {
                c.trySend(true, RawWebSocket.TEXT, "probe".getBytes(StandardCharsets.UTF_8));
                RawWebSocket.Frame answer = c.next();
                assertTrue(answer != null, "the server answered " + path);
                if (answer.opcode() == RawWebSocket.CLOSE) {
                    assertEquals(1008, answer.closeCode(), path);
                } else {
                    assertEquals("probe", answer.text(), path + " is the broadcast endpoint");
                }
            }
            assertTrue(Http.rooms(base).keySet().stream().noneMatch(r -> r.contains("..")), Http.rooms(base).toString());
        }
    }

    /**
     * RFC 6455 requires a server to fail a connection whose client frames are not masked. Tomcat does
     * (1002); Tyrus, the WebSocket implementation in Payara, does not check and reads the frame as any
     * other, and an application cannot see masking: a documented difference (README, Containers).
     */
    static void unmaskedFrame() {
        try (RawWebSocket c = joined()) {
            c.sendFrame(true, 0, RawWebSocket.TEXT, "{\"message\":\"unmasked\"}".getBytes(StandardCharsets.UTF_8), false);
            if (server.container().equals("payara")) {
                assertEquals("unmasked", chatMessage(c));
            } else {
                assertEquals(1002, c.awaitClose());
            }
        }
    }

    static void handshakeStatus(int status, String header, String value) {
        try (RawWebSocket c = RawWebSocket.connect(ws("/ws/chat/" + room() + "?name=tester"), header, value)) {
            assertEquals(status, c.status(), c.responseBody());
            if (status == 101) {
                assertEquals("welcome", Json.parse(c.nextText()).str("type"));
            }
        }
    }

    static void impersonation() throws Exception {
        if (containerServer == null) {
            containerServer = ChatServers.start(ChatServers.spec().users(ContainerIdentityIT.USERS));
        }
        URI bobAsAlice = containerServer.ws("/ws/bob");
        try (RawWebSocket c = RawWebSocket.connect(bobAsAlice, "Authorization", ContainerIdentityIT.basic("alice"))) {
            assertEquals(101, c.status());
            assertEquals(1008, c.awaitClose());
        }
        try (RawWebSocket c = RawWebSocket.connect(bobAsAlice)) {
            assertEquals(401, c.status(), "no credentials, no handshake");
        }
    }

    static void flood() {
        try (RawWebSocket c = joined()) {
            int sent = 0;
            while (sent < 500 && c.trySend(true, RawWebSocket.TEXT, "{\"message\":\"flood\"}".getBytes(StandardCharsets.UTF_8))) {
                sent++;
            }
            int rateLimited = 0;
            int code;
            while (true) {
                RawWebSocket.Frame f = c.next();
                if (f == null) {
                    code = 1006;
                    break;
                }
                if (f.opcode() == RawWebSocket.CLOSE) {
                    code = f.closeCode();
                    break;
                }
                if (f.opcode() == RawWebSocket.TEXT && "rate_limited".equals(Json.parse(f.text()).str("code"))) {
                    rateLimited++;
                }
            }
            assertTrue(rateLimited >= 1, "rate_limited error frames: " + rateLimited);
            assertEquals(1008, code);
        }
    }

    /** Waits for connections clients have ended to be gone (longer where Tyrus can lose an end). */
    private static void awaitNoConnection(String what) {
        Await.until(() -> what + "; connections: " + connections(), ChatServers.connectionsGoneWithin(),
                () -> connections() == 0);
    }

    static void crowd() {
        awaitNoConnection("no connection left from earlier rows");
        List<RawWebSocket> open = new ArrayList<>();
        int accepted = 0;
        int tooMany = 0;
        try {
            for (int i = 0; i < 1_000; i++) {
                RawWebSocket c = RawWebSocket.connect(ws("/echo"));
                if (c.status() == 101) {
                    accepted++;
                    open.add(c.keepAlive());
                    // The 101 goes out just before the endpoint takes its slot; wait for it, so the
                    // next handshake meets the filter's count rather than the endpoint's 1013 fallback.
                    int expected = accepted;
                    Await.until("connection " + expected + " registered", () -> connections() == expected);
                } else {
                    assertEquals(429, c.status());
                    assertEquals("5", c.responseHeader("Retry-After"));
                    tooMany++;
                    c.close();
                }
            }
            assertEquals(PER_ADDRESS, accepted);
            assertEquals(1_000 - PER_ADDRESS, tooMany);
            assertEquals(PER_ADDRESS, connections());
            try (RawWebSocket other = RawWebSocket.connectFrom("127.0.0.2", ws("/echo"))) {
                assertEquals(101, other.status(), "another address is not affected");
            }
        } finally {
            open.forEach(RawWebSocket::close);
        }
        awaitNoConnection("every slot given back");
        try (RawWebSocket again = RawWebSocket.connect(ws("/echo"))) {
            assertEquals(101, again.status(), "the address may connect again");
        }
    }

    static void neverReads() {
        String room = room();
        try (RawWebSocket silent = RawWebSocket.connect(ws("/ws/chat/" + room + "?name=silent"));
             WsClient reader = WsClient.connect(ws("/ws/chat/" + room + "?name=reader"))) {
            assertEquals(101, silent.status());
            reader.awaitType("presence.members");
            String big = "x".repeat(60_000);
            for (int i = 0; i < 30; i++) {
                int status = Http.post(base, "/api/rooms/" + room + "/messages", "{\"message\":\"" + big + "\"}",
                        "Authorization", "Bearer " + TOKEN).statusCode();
                assertEquals(202, status);
                assertEquals(big.length(), reader.awaitType("chat.message").str("message").length());
            }
            Await.until("the silent client is dropped", () -> connections() == 1);
            assertEquals(Map.of(room, 1), Http.rooms(base));
        }
    }

    static void halfClose() {
        awaitNoConnection("no connection left from earlier rows");
        try (RawWebSocket c = joined()) {
            assertEquals(1, connections());
            c.shutdownOutput();
            Await.until("unregistered after the half-close", () -> connections() == 0);
        }
    }

    static void pingFlood() {
        try (RawWebSocket c = joined()) {
            int pings = 2_000;
            for (int i = 0; i < pings; i++) {
                c.send(true, RawWebSocket.PING, bytes(i & 0x7f));
            }
            int pongs = 0;
            while (pongs < pings) {
                RawWebSocket.Frame f = c.next();
                assertTrue(f != null && f.opcode() != RawWebSocket.CLOSE, "closed after " + pongs + " pongs");
                if (f.opcode() == RawWebSocket.PONG) {
                    pongs++;
                }
            }
            c.sendText("{\"message\":\"after pings\"}");
            assertEquals("after pings", chatMessage(c));
        }
    }

    static void serverStillHealthy() {
        try (WsClient c = WsClient.connect(ws("/ws/chat/" + room() + "?name=normal"))) {
            c.awaitType("presence.members");
            c.send("{\"message\":\"all fine\"}");
            assertEquals("all fine", c.awaitType("chat.message").str("message"));
        }
        awaitNoConnection("no connection left");
        Await.until("no room left", () -> Http.rooms(base).isEmpty());
        assertEquals(0, Http.health(base).integer("groups"));
        if (server instanceof PayaraMicro payara) {
            // With Grizzly's own WebSocket add-on on (Payara's default), hostile paths logged a
            // CharConversionException stack trace each; the shipped pre-boot commands turn it off.
            assertFalse(payara.log().contains("CharConversionException"), "Payara logged a URI decoding stack trace");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    static String room() {
        return "h" + rooms.incrementAndGet();
    }

    static URI ws(String path) {
        return Http.ws(base, path);
    }

    static int connections() {
        return Http.health(base).integer("connections");
    }

    /** A raw client in a fresh room, past its welcome, member list and first ping. */
    static RawWebSocket joined() {
        return joined("/ws/chat/" + room() + "?name=tester");
    }

    static RawWebSocket joined(String path) {
        RawWebSocket c = RawWebSocket.connect(ws(path));
        assertEquals(101, c.status(), c.responseBody());
        nextOfType(c, "presence.members");
        // The first ping (on Payara the opening ping, sent as soon as the connection has joined; on
        // Tomcat, which sends none, the heartbeat's, within its 500 ms) answered now, its pong cannot
        // cross a close the row provokes (a pong sent to a socket the server has just closed makes the
        // server's side reset, and the close frame is lost: 1006).
        c.answerPings(1);
        return c;
    }

    static Json nextOfType(RawWebSocket c, String type) {
        while (true) {
            Json j = Json.parse(c.nextText());
            if (type.equals(j.str("type"))) {
                return j;
            }
        }
    }

    static String chatMessage(RawWebSocket c) {
        return nextOfType(c, "chat.message").str("message");
    }

    /** A {@code {"message":"xxx"}} frame of exactly {@code size} bytes. */
    static byte[] json(int size) {
        String s = "{\"message\":\"" + "x".repeat(size - 14) + "\"}";
        assertEquals(size, s.length());
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

}
