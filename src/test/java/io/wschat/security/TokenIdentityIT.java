package io.wschat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Json;
import io.wschat.support.RawWebSocket;
import io.wschat.support.Tokens;
import io.wschat.support.TyrusServer;
import io.wschat.support.WsClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * {@code wschat.identity=token} on the built WAR in the build's container (see {@link ChatServers}):
 * tokens of each algorithm, every kind of bad token refused at the handshake with 401, the rooms claim,
 * direct messages as the token's user, expiry mid-connection. In the embedded Tomcat only, where the
 * server's log is this JVM's: refusals are logged without the token; and on a bare Tyrus server, where
 * no handshake filter runs, every connection is refused (fail closed).
 */
class TokenIdentityIT {

    static final Tokens TOKENS = new Tokens();
    static ChatServer server;

    @BeforeAll
    static void start() {
        server = ChatServers.start(ChatServers.spec().with(TOKENS.serverSettings()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static URI ws(String path) {
        return server.ws(path);
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    @Test
    void aValidTokenOfEachAlgorithmIsItsSubjectWhateverTheNameParameterSays() {
        List<String> tokens = List.of(
                Tokens.hs256(Tokens.claims("alice", 60)),
                TOKENS.rs256(Tokens.claims("bob", 60)),
                TOKENS.es256(Tokens.claims("carol", 60)));
        List<String> names = new ArrayList<>();
        for (String token : tokens) {
            try (WsClient c = WsClient.connect(ws("/ws/chat/lobby/?name=mallory"), "Authorization", bearer(token))) {
                names.add(c.awaitType("welcome").str("user"));
                c.send("{\"message\":\"/name mallory\"}");
                assertEquals("forbidden", c.awaitType("error").str("code"));
            }
        }
        assertEquals(List.of("alice", "bob", "carol"), names);
    }

    @Test
    void browsersSendTheTokenAsTheAccessTokenParameter() {
        String token = TOKENS.es256(Tokens.claims("dave", 60));
        try (WsClient c = WsClient.connect(ws("/ws/chat/lobby?access_token=" + token));
             WsClient broadcast = WsClient.connect(ws("/ws?access_token=" + token))) {
            assertEquals("dave", c.awaitType("welcome").str("user"));
            c.send("{\"message\":\"hi\"}");
            assertEquals("dave", c.awaitType("chat.message").str("user"));
            broadcast.send("raw");
            assertEquals("raw", broadcast.next());
        }
    }

    /** Every kind of bad token, and none. */
    static Map<String, String> badTokens() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("no token", null);
        cases.put("malformed token", "abc.def");
        cases.put("token expired", Tokens.hs256(Tokens.claims("alice", -10)));
        cases.put("token not yet valid", Tokens.hs256(Tokens.claims("alice", 60)
                .notBeforeTime(java.util.Date.from(Instant.now().plusSeconds(60)))));
        cases.put("bad signature", Tokens.hs256(Tokens.claims("alice", 60), "a-secret-the-server-does-not-know-!!"));
        cases.put("bad signature ", new Tokens().rs256(Tokens.claims("alice", 60)));
        cases.put("unsigned token (alg none)", Tokens.unsigned(Tokens.claims("alice", 60)));
        cases.put("wrong audience", Tokens.hs256(Tokens.claims("alice", 60).audience("another-app")));
        cases.put("wrong issuer", Tokens.hs256(Tokens.claims("alice", 60).issuer("https://evil.example")));
        cases.put("sub is not a valid user name", TOKENS.rs256(Tokens.claims("<script>", 60)));
        return cases;
    }

    /** Tries each bad token in the Authorization header and as the access_token parameter. */
    static void assertEachRefusedWith401(Map<String, String> cases) {
        cases.forEach((reason, token) -> {
            for (boolean inQuery : new boolean[] {false, true}) {
                String path = "/ws/chat/lobby" + (inQuery && token != null ? "?access_token=" + token : "");
                try (RawWebSocket c = inQuery || token == null ? RawWebSocket.connect(ws(path))
                        : RawWebSocket.connect(ws(path), "Authorization", bearer(token))) {
                    assertEquals(401, c.status(), reason);
                    assertTrue(c.responseBody().contains(reason.strip()), reason + ": " + c.responseBody());
                    assertTrue(c.responseHeader("WWW-Authenticate").startsWith("Bearer"), reason);
                }
            }
        });
    }

    @Test
    void everyBadTokenIsRefusedAt401WithItsReason() {
        assertEachRefusedWith401(badTokens());
    }

    @Test
    @DisabledIfSystemProperty(named = ChatServers.CONTAINER_PROPERTY, matches = "payara|tomcat-dist",
            disabledReason = "reads the server's log in this JVM")
    void refusalsAreLoggedWithoutTheToken() {
        Map<String, String> cases = badTokens();
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(String.valueOf(r.getMessage()) + " " + java.util.Arrays.toString(r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            assertEachRefusedWith401(cases);
        } finally {
            root.removeHandler(capture);
        }
        assertTrue(logged.stream().anyMatch(line -> line.contains("with 401")), "refusals are logged: " + logged);
        for (String token : cases.values()) {
            if (token != null) {
                String signature = token.substring(token.lastIndexOf('.') + 1);
                String claims = token.split("\\.")[1];
                for (String line : logged) {
                    assertFalse(line.contains(claims) || (!signature.isEmpty() && line.contains(signature)), line);
                }
            }
        }
    }

    @Test
    void theRoomsClaimLimitsTheRoomsAUserMayJoin() {
        String token = Tokens.hs256(Tokens.claims("erin", 60, List.of("lobby", "team-*")));
        try (WsClient lobby = WsClient.connect(ws("/ws/chat/lobby"), "Authorization", bearer(token));
             WsClient team = WsClient.connect(ws("/ws/chat/team-red"), "Authorization", bearer(token));
             WsClient secret = WsClient.connect(ws("/ws/chat/board-room"), "Authorization", bearer(token))) {
            assertEquals("erin", lobby.awaitType("welcome").str("user"));
            assertEquals("team-red", team.awaitType("welcome").str("room"));
            WsClient.Closed refused = secret.awaitClose();
            assertEquals(4403, refused.code());
            assertEquals("room not allowed", refused.reason());
        }
        String none = Tokens.hs256(Tokens.claims("erin", 60, List.of()));
        try (WsClient c = WsClient.connect(ws("/ws/chat/lobby"), "Authorization", bearer(none));
             WsClient direct = WsClient.connect(ws("/ws/erin"), "Authorization", bearer(none))) {
            assertEquals(4403, c.awaitClose().code());
            direct.send("{\"message\":\"to myself\",\"to_user\":\"erin\"}");
            assertEquals("to myself", direct.awaitType("direct.message").str("message"), "direct messages need no room");
        }
    }

    @Test
    void theRoomListNeedsATokenAndShowsOnlyTheRoomsItAllows() throws Exception {
        String everywhere = Tokens.hs256(Tokens.claims("heidi", 60));
        try (WsClient lobby = WsClient.connect(ws("/ws/chat/lobby"), "Authorization", bearer(everywhere));
             WsClient team = WsClient.connect(ws("/ws/chat/team-green"), "Authorization", bearer(everywhere));
             WsClient board = WsClient.connect(ws("/ws/chat/board"), "Authorization", bearer(everywhere))) {
            for (WsClient c : List.of(lobby, team, board)) {
                c.awaitType("welcome");
            }
            java.net.URL base = server.base();
            var refused = io.wschat.support.Http.get(base, "/api/rooms");
            assertEquals(401, refused.statusCode());
            assertTrue(refused.body().contains("no token"), refused.body());
            String some = Tokens.hs256(Tokens.claims("ivan", 60, List.of("lobby", "team-*")));
            var listed = io.wschat.support.Http.get(base, "/api/rooms?access_token=" + some);
            assertEquals(200, listed.statusCode());
            List<String> names = Json.parse(listed.body()).object().getJsonArray("rooms").stream()
                    .map(v -> v.asJsonObject().getString("name")).toList();
            assertTrue(names.containsAll(List.of("lobby", "team-green")), names.toString());
            assertFalse(names.contains("board"), "a private room's name is not shown: " + names);
            var all = io.wschat.support.Http.get(base, "/api/rooms", "Authorization", bearer(everywhere));
            assertTrue(all.body().contains("\"board\""), all.body());
        }
    }

    @Test
    void directMessagesOnlyAsYourselfAndFromUserIsTheSubject() {
        String alice = TOKENS.rs256(Tokens.claims("alice", 60));
        String bob = TOKENS.es256(Tokens.claims("bob", 60));
        try (WsClient a = WsClient.connect(ws("/ws/alice"), "Authorization", bearer(alice));
             WsClient b = WsClient.connect(ws("/ws/bob/"), "Authorization", bearer(bob));
             WsClient aliceAsBob = WsClient.connect(ws("/ws/bob"), "Authorization", bearer(alice))) {
            WsClient.Closed refused = aliceAsBob.awaitClose();
            assertEquals(1008, refused.code());
            assertEquals("signed in as another user", refused.reason());
            b.awaitJoinedAs("bob");
            a.send("{\"message\":\"hi\",\"to_user\":\"bob\",\"from_user\":\"carol\"}");
            Json m = b.awaitType("direct.message");
            assertEquals("alice", m.str("from_user"));
            assertEquals("hi", m.str("message"));
        }
    }

    @Test
    void aConnectionIsClosedWith4401WhenItsTokenExpires() throws Exception {
        String token = Tokens.hs256(Tokens.claims("frank", 2));
        Instant exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
        try (WsClient c = WsClient.connect(ws("/ws/chat/lobby"), "Authorization", bearer(token));
             WsClient other = WsClient.connect(ws("/ws/chat/lobby"), "Authorization",
                     bearer(Tokens.hs256(Tokens.claims("grace", 60))))) {
            assertEquals("frank", c.awaitType("welcome").str("user"));
            other.awaitType("welcome");
            WsClient.Closed closed = c.awaitClose();
            Instant at = Instant.now();
            assertEquals(4401, closed.code());
            assertEquals("token expired", closed.reason());
            assertFalse(at.isBefore(exp.minusMillis(100)), "closed at " + at + ", before exp " + exp);
            assertTrue(Duration.between(exp, at).toMillis() < 3000, "closed at " + at + ", long after exp " + exp);
            assertEquals("frank", other.await(j -> j.is("presence.leave")).str("user"), "the room saw frank leave");
            assertFalse(other.isClosed(), "a valid token's connection stays");
        }
    }

    @Test
    void aTokenMintedByTheReadmesPythonCodeIsAccepted() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        String marker = "<!-- token-python: TokenIdentityIT runs this block -->\n```python\n";
        int start = readme.indexOf(marker);
        assertTrue(start >= 0, "the README's Python example is marked");
        String code = readme.substring(start + marker.length(), readme.indexOf("```", start + marker.length()));
        ProcessBuilder python = new ProcessBuilder("/usr/bin/python3", "-c", code).redirectErrorStream(true);
        python.environment().put("WSCHAT_TOKEN_SECRET", Tokens.SECRET);
        Process p = python.start();
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "python finished");
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out + "\n(Debian: apt-get install python3-jwt; .ci/run installs it)");
        try (WsClient team = WsClient.connect(ws("/ws/chat/team-blue?access_token=" + out));
             WsClient other = WsClient.connect(ws("/ws/chat/other?access_token=" + out))) {
            assertEquals("alice", team.awaitType("welcome").str("user"));
            assertEquals(4403, other.awaitClose().code(), "the example's rooms claim is lobby and team-*");
        }
    }

    @Test
    @DisabledIfSystemProperty(named = ChatServers.CONTAINER_PROPERTY, matches = "payara|tomcat-dist",
            disabledReason = "a bare Tyrus server in this JVM, whatever the container")
    void onABareTyrusServerNoFilterVerifiesTokensSoEveryConnectionIsRefused() throws Exception {
        try (TyrusServer tyrus = TyrusServer.start(TOKENS.serverSettings())) {
            String valid = Tokens.hs256(Tokens.claims("alice", 60));
            for (String path : List.of("/ws/chat/lobby", "/ws/alice", "/ws", "/echo")) {
                try (WsClient c = WsClient.connect(tyrus.ws(path + "?access_token=" + valid), "Authorization", null)) {
                    WsClient.Closed closed = c.awaitClose();
                    assertEquals(1008, closed.code(), path);
                    assertEquals("authentication required", closed.reason(), path);
                }
            }
        }
    }
}
