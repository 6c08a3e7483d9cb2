package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.support.Await;
import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.WsClient;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery under concurrency in the server under test: many senders, late joiners, a reader that
 * stops reading, and thousands of connections coming and going.
 */
class DeliveryIT {

    /** Small enough that a stalled reader overflows quickly once the TCP buffers are full. */
    static final int OUTBOX_BYTES = 256 * 1024;

    /** Two default pong timeouts (10 s each), and some slack. */
    static final Duration GONE_WITHIN = Duration.ofSeconds(30);

    private static ChatServer server;
    private static URL base;

    @BeforeAll
    static void start() {
        // Load, not abuse: these clients send faster than the per-connection rate limit a person needs,
        // and come and go faster than a person: on Payara, a client that ends its connection while it is
        // being opened stays counted until its opening ping goes unanswered (hub.OpeningPing), and a
        // few seconds of churn from this one address would pass the per-address limit meanwhile.
        server = ChatServers.start(ChatServers.spec().with("wschat.outboxBytes", String.valueOf(OUTBOX_BYTES),
                "wschat.messagesPerSecond", "100000", "wschat.messageBurst", "100000",
                "wschat.maxConnectionsPerAddress", "10000"));
        base = server.base();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        awaitGone("registry empty", () -> {
            Json h = Http.health(base);
            return h.integer("connections") == 0 && h.integer("groups") == 0;
        });
    }

    @Test
    void twentyClientsTimesFiftyMessagesEveryoneGetsEverythingInSenderOrderOnce() throws Exception {
        int clients = 20;
        int perSender = 50;
        List<WsClient> all = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                WsClient c = WsClient.connect(Http.ws(base, "/ws/chat/load?name=c" + i));
                c.awaitType("presence.members");
                all.add(c);
            }
            // Every client has seen everyone join, so no presence frame is still on its way.
            for (int i = 0; i < clients; i++) {
                int expectedJoins = clients - 1 - i;
                for (int j = 0; j < expectedJoins; j++) {
                    all.get(i).awaitType("presence.join");
                }
            }
            List<Future<?>> senders = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                WsClient c = all.get(i);
                int sender = i;
                senders.add(pool.submit(() -> {
                    for (int seq = 0; seq < perSender; seq++) {
                        c.send("{\"message\":\"" + sender + ":" + seq + "\"}");
                    }
                }));
            }
            for (Future<?> f : senders) {
                f.get(60, TimeUnit.SECONDS);
            }
            for (WsClient c : all) {
                Map<String, Integer> lastSeqBySender = new HashMap<>();
                for (int n = 0; n < clients * perSender; n++) {
                    Json m = c.awaitType("chat.message");
                    String[] parts = m.str("message").split(":");
                    int seq = Integer.parseInt(parts[1]);
                    Integer previous = lastSeqBySender.put(parts[0], seq);
                    int expected = previous == null ? 0 : previous + 1;
                    assertEquals(expected, seq, "per-sender order, no gap, no duplicate, from sender " + parts[0]);
                    assertEquals("c" + parts[0], m.str("user"));
                }
                assertEquals(clients, lastSeqBySender.size());
                lastSeqBySender.values().forEach(last -> assertEquals(perSender - 1, last));
            }
        } finally {
            all.forEach(WsClient::close);
        }
    }

    @Test
    void aReaderThatStopsReadingIsClosedAsSlowConsumerAndTheOthersGetEverything() throws Exception {
        int writers = 3;
        int perWriter = 300;
        String payload = "x".repeat(16 * 1024); // 3 x 300 x 16 KiB = 14 MiB into every member's socket
        List<WsClient> others = new ArrayList<>();
        WsClient slow = WsClient.connect(Http.ws(base, "/ws/chat/big?name=slow"));
        try {
            slow.awaitType("presence.members");
            for (int i = 0; i < writers; i++) {
                WsClient c = WsClient.connect(Http.ws(base, "/ws/chat/big?name=w" + i));
                c.awaitType("presence.members");
                others.add(c);
            }
            long slowBefore = Http.health(base).integer("slowConsumersClosed");
            slow.stopReading();

            // The writers read as they write, keeping at most WINDOW rounds un-echoed, as a healthy
            // chat client does; only the stalled reader falls behind.
            int window = 2; // rounds: 2 x 3 x 16 KiB stays well inside a healthy reader's outbox
            int[] baseline = others.stream().mapToInt(WsClient::received).toArray();
            for (int seq = 0; seq < perWriter; seq++) {
                for (int w = 0; w < writers; w++) {
                    if (others.get(w).isClosed()) {
                        throw new AssertionError("writer " + w + " was closed: " + others.get(w).awaitClose() + " at " + seq + " " + Http.health(base));
                    }
                    others.get(w).send("{\"message\":\"" + w + ":" + seq + ":" + payload + "\"}");
                }
                int echoedRounds = seq + 1 - window;
                if (echoedRounds > 0) {
                    for (int w = 0; w < writers; w++) {
                        int ww = w;
                        awaitTrue("writer " + w + " keeps up",
                                () -> others.get(ww).received() - baseline[ww] >= echoedRounds * writers);
                    }
                }
            }
            for (WsClient c : others) {
                int[] next = new int[writers];
                for (int n = 0; n < writers * perWriter; n++) {
                    String[] parts = c.awaitType("chat.message").str("message").split(":", 3);
                    int w = Integer.parseInt(parts[0]);
                    assertEquals(next[w]++, Integer.parseInt(parts[1]), "in order from writer " + w);
                }
            }
            awaitTrue("the slow reader was closed as a slow consumer",
                    () -> Http.health(base).integer("slowConsumersClosed") == slowBefore + 1);
            awaitTrue("and left the room", () -> Http.rooms(base).get("big") == writers);
            for (WsClient c : others) {
                awaitTrue("every writer is told the slow reader left", () -> c.seen().stream()
                        .filter(f -> f.startsWith("{\"type\":\"presence.leave\""))
                        .anyMatch(f -> "slow".equals(Json.parse(f).str("user"))));
            }
        } finally {
            others.forEach(WsClient::close);
            slow.close();
        }
    }

    @Test
    void lateJoinersSeeHistoryThenLiveWithNoGapAndNoDuplicate() throws Exception {
        int total = 400;
        try (WsClient sender = WsClient.connect(Http.ws(base, "/ws/chat/hist?name=sender"))) {
            sender.awaitType("presence.members");
            Future<?> sending = pool.submit(() -> {
                for (int seq = 1; seq <= total; seq++) {
                    sender.send("{\"message\":\"" + seq + "\"}");
                }
            });
            List<WsClient> joiners = new ArrayList<>();
            try {
                // Join while the sender is mid-stream: each join lands somewhere in the sequence.
                for (int i = 0; i < 10; i++) {
                    WsClient j = WsClient.connect(Http.ws(base, "/ws/chat/hist?name=j" + i));
                    joiners.add(j);
                }
                sending.get(60, TimeUnit.SECONDS);
                for (WsClient j : joiners) {
                    j.awaitType("presence.members");
                    int expected = -1;
                    boolean live = false;
                    while (expected != total) {
                        Json m = j.awaitType("chat.message");
                        int seq = Integer.parseInt(m.str("message"));
                        if (m.flag("history")) {
                            assertTrue(!live, "history comes before live messages");
                        } else {
                            live = true;
                        }
                        if (expected != -1) {
                            assertEquals(expected + 1, seq, "no gap, no duplicate between history and live");
                        }
                        expected = seq;
                    }
                }
            } finally {
                joiners.forEach(WsClient::close);
            }
        }
    }

    @Test
    void concurrentJoinersEachEndUpWithTheFullMemberListWithNoJoinMissedOrRepeated() throws Exception {
        int clients = 20;
        assertEquals("UP", Http.health(base).str("status"));
        List<Future<WsClient>> joining = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String name = "p" + i;
            joining.add(pool.submit(() -> WsClient.connect(Http.ws(base, "/ws/chat/presence?name=" + name))));
        }
        List<WsClient> all = new ArrayList<>();
        try {
            for (Future<WsClient> f : joining) {
                all.add(f.get(30, TimeUnit.SECONDS));
            }
            for (WsClient c : all) {
                // The member list is a snapshot; every join after it must be announced exactly once.
                java.util.Set<String> members = new java.util.HashSet<>(c.awaitType("presence.members").strings("members"));
                while (members.size() < clients) {
                    String joined = c.awaitType("presence.join").str("user");
                    assertTrue(members.add(joined), joined + " announced although already listed: " + members);
                }
            }
        } finally {
            all.forEach(WsClient::close);
        }
    }

    @Test
    void thousandsOfConnectJoinLeaveCyclesLeaveTheRegistryEmpty() throws Exception {
        int cycles = 2400;
        // Payara (Grizzly) leaves about one handshake in a few thousand of this churn unanswered: the
        // session opens on the server, but no 101 reaches the client, which times out (README,
        // Containers). The server closes that session within its pong timeout, so the registry must
        // still end empty. Tomcat answers every handshake.
        int unansweredAllowed = ChatServers.container().equals("payara") ? 5 : 0;
        AtomicInteger unanswered = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int worker = w;
            workers.add(pool.submit(() -> {
                for (int i = worker; i < cycles && !Thread.currentThread().isInterrupted(); i += 4) {
                    String path = switch (i % 3) {
                        case 0 -> "/ws/chat/room" + (i % 7) + "?name=u" + (i % 11);
                        case 1 -> "/ws/user" + (i % 5);
                        default -> "/ws/";
                    };
                    WsClient connected;
                    try {
                        connected = WsClient.connect(Http.ws(base, path));
                    } catch (RuntimeException e) {
                        if (unanswered.incrementAndGet() <= unansweredAllowed) {
                            continue;
                        }
                        throw new AssertionError("cycle " + i + " (" + path + "): handshake " + unanswered.get()
                                + " not answered, " + unansweredAllowed + " allowed here", e);
                    }
                    String step = "welcome";
                    try (WsClient c = connected) {
                        if (i % 3 == 0) {
                            c.awaitType("presence.members");
                            step = "send";
                            c.send("{\"message\":\"m" + i + "\"}");
                        } else {
                            step = "send";
                            c.send("{\"message\":\"hi\",\"to_user\":\"user0\"}");
                        }
                    } catch (RuntimeException | AssertionError e) {
                        throw new AssertionError("cycle " + i + " (" + path + ") failed at " + step, e);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get(5, TimeUnit.MINUTES);
        }
        awaitGone("every connection, room and user gone", () -> {
            Json h = Http.health(base);
            return h.integer("connections") == 0 && h.integer("groups") == 0 && h.integer("rooms") == 0;
        });
    }

    /**
     * Waits for clients that have left to be gone from the server. On Payara a client that answers its
     * opening ping and leaves at once can stay counted until its second opening ping goes unanswered,
     * twice the pong timeout after it opened (see {@code hub.OpeningPing}). A failure names the server's
     * stuck threads: a connection that never leaves means a thread that never came back.
     */
    private void awaitGone(String what, BooleanSupplier condition) {
        Await.until(() -> what + "; health: " + Http.health(base) + "; server threads: " + server.stuckThreads(),
                GONE_WITHIN, condition);
    }

    /** Waits with twice the usual deadline (these tests move megabytes); a failure shows /health. */
    private void awaitTrue(String what, BooleanSupplier condition) {
        Await.until(() -> what + "; health: " + Http.health(base), WsClient.TIMEOUT.multipliedBy(2), condition);
    }
}
