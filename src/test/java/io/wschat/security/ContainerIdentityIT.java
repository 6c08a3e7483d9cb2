package io.wschat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Json;
import io.wschat.support.RawWebSocket;
import io.wschat.support.TyrusServer;
import io.wschat.support.WsClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Identity in the server under test (Tomcat, or Payara Micro with a file realm): {@code container}
 * mode (BASIC against the shipped demo users file, as the run command does with
 * {@code -Dwschat.devUsers}) and {@code open} mode's name suffixes; and the per-handshake scope under
 * concurrent handshakes of different users, in the container and on bare Tyrus.
 */
class ContainerIdentityIT {

    static final Path USERS = Path.of("src/test/resources/dev-users.xml");
    static final List<String> USERS_IN_FILE = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi");

    static ChatServer container;
    static ChatServer open;

    @BeforeAll
    static void start() {
        container = ChatServers.start(ChatServers.spec().users(USERS));
        open = ChatServers.start();
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.close();
        }
        if (open != null) {
            open.close();
        }
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8));
    }

    static URI ws(ChatServer server, String path) {
        return server.ws(path);
    }

    // ---- container mode --------------------------------------------------------------------------

    @Test
    void withoutOrWithWrongCredentialsTheHandshakeIsRefusedWith401() {
        try (RawWebSocket c = RawWebSocket.connect(ws(container, "/ws/chat/lobby"))) {
            assertEquals(401, c.status());
            assertTrue(c.responseHeader("WWW-Authenticate").startsWith("Basic"), c.responseHeader("WWW-Authenticate"));
        }
        String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8));
        try (RawWebSocket c = RawWebSocket.connect(ws(container, "/ws/chat/lobby"), "Authorization", wrong)) {
            assertEquals(401, c.status());
        }
    }

    @Test
    void thePrincipalIsTheNameAndRenamingIsRefused() {
        try (WsClient alice = WsClient.connect(ws(container, "/ws/chat/lobby?name=mallory"), "Authorization", basic("alice"))) {
            assertEquals("alice", alice.awaitType("welcome").str("user"), "the name parameter is ignored");
            alice.send("{\"message\":\"/name bob\"}");
            assertEquals("forbidden", alice.awaitType("error").str("code"));
            alice.send("{\"message\":\"hello\"}");
            assertEquals("alice", alice.awaitType("chat.message").str("user"));
        }
    }

    @Test
    void theDirectEndpointServesOnlyTheSignedInUsersOwnName() {
        try (WsClient alice = WsClient.connect(ws(container, "/ws/alice"), "Authorization", basic("alice"));
             WsClient bob = WsClient.connect(ws(container, "/ws/bob/"), "Authorization", basic("bob"));
             WsClient aliceAsBob = WsClient.connect(ws(container, "/ws/bob"), "Authorization", basic("alice"))) {
            assertEquals(1008, aliceAsBob.awaitClose().code());
            bob.awaitJoinedAs("bob");
            alice.send("{\"message\":\"hi\",\"to_user\":\"bob\",\"from_user\":\"carol\"}");
            Json m = bob.awaitType("direct.message");
            assertEquals("alice", m.str("from_user"));
        }
    }

    @Test
    void cliClientsSendBasicCredentialsWithoutOriginWhenAllowed() throws Exception {
        // A CLI client (websocat -H 'Authorization: Basic ...') sends no Origin: refused by default.
        try (RawWebSocket c = RawWebSocket.connect(ws(container, "/ws/chat/lobby"), "Origin", null, "Authorization", basic("carol"))) {
            assertEquals(403, c.status());
        }
        try (ChatServer cli = ChatServers.start(ChatServers.spec().with("wschat.allowMissingOrigin", "true", "wschat.drainSeconds", "0").users(USERS));
             RawWebSocket c = RawWebSocket.connect(ws(cli, "/ws/chat/lobby"), "Origin", null, "Authorization", basic("carol"))) {
            assertEquals(101, c.status());
            assertEquals("carol", Json.parse(c.nextText()).str("user"));
        }
    }

    @Test
    void concurrentHandshakesOfDifferentUsersEachGetTheirOwnScopeOnTomcat() throws Exception {
        List<String> users = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            users.addAll(USERS_IN_FILE);
        }
        assertEachGetsOwnName(users, user -> WsClient.connect(ws(container, "/ws/chat/crowd?name=x"), "Authorization", basic(user)));
    }

    // ---- open mode -----------------------------------------------------------------------------------

    @Test
    void aTakenNameFromAnotherAddressGetsASuffixASecondTabDoesNot() {
        // One after the other: each joins before the next connects, so the suffixes are deterministic.
        try (RawWebSocket first = RawWebSocket.connect(ws(open, "/ws/chat/suffix?name=sam"))) {
            assertEquals("sam", Json.parse(first.nextText()).str("user"));
            RawWebSocket tab = RawWebSocket.connect(ws(open, "/ws/chat/suffix?name=sam"));
            assertEquals("sam", Json.parse(tab.nextText()).str("user"), "same address: a second tab");
            RawWebSocket other = RawWebSocket.connectFrom("127.0.0.2", ws(open, "/ws/chat/suffix?name=sam"));
            assertEquals("sam-2", Json.parse(other.nextText()).str("user"), "another address: another person");
            RawWebSocket third = RawWebSocket.connectFrom("127.0.0.3", ws(open, "/ws/chat/suffix?name=sam"));
            assertEquals("sam-3", Json.parse(third.nextText()).str("user"));
            // a rename onto a name another person holds is suffixed too
            other.sendText("{\"message\":\"/name sam\"}");
            assertEquals("sam-2", welcomeAfterRename(other));
            tab.close();
            other.close();
            third.close();
        }
    }

    private static String welcomeAfterRename(RawWebSocket c) {
        while (true) {
            Json j = Json.parse(c.nextText());
            if (j.is("welcome")) {
                return j.str("user");
            }
        }
    }

    @Test
    void concurrentHandshakesEachGetTheirOwnScopeOnTomcatInOpenMode() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            names.add("user" + i);
        }
        assertEachGetsOwnName(names, name -> WsClient.connect(ws(open, "/ws/chat/crowd?name=" + name)));
    }

    @Test
    @DisabledIfSystemProperty(named = ChatServers.CONTAINER_PROPERTY, matches = "payara|tomcat-dist",
            disabledReason = "bare Tyrus, no WAR: the default build runs it")
    void concurrentHandshakesEachGetTheirOwnScopeOnTyrus() throws Exception {
        try (TyrusServer tyrus = TyrusServer.start(Map.of())) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                names.add("user" + i);
            }
            assertEachGetsOwnName(names, name -> WsClient.connect(tyrus.ws("/ws/chat/crowd?name=" + name)));
        }
    }

    /** Opens one client per name at once (a barrier releases them together); each welcome must carry its own name. */
    static void assertEachGetsOwnName(List<String> names, Function<String, WsClient> connect) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(names.size());
        CyclicBarrier start = new CyclicBarrier(names.size());
        List<WsClient> clients = new ArrayList<>();
        try {
            List<Future<WsClient>> futures = new ArrayList<>();
            for (String name : names) {
                Callable<WsClient> task = () -> {
                    start.await(10, TimeUnit.SECONDS);
                    return connect.apply(name);
                };
                futures.add(pool.submit(task));
            }
            for (int i = 0; i < names.size(); i++) {
                WsClient c = futures.get(i).get(30, TimeUnit.SECONDS);
                clients.add(c);
                assertEquals(names.get(i), c.awaitType("welcome").str("user"));
            }
        } finally {
            clients.forEach(WsClient::close);
            pool.shutdownNow();
        }
    }
}
