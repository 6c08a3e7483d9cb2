package io.wschat.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.DevServer;
import io.wschat.support.Await;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.RawWebSocket;
import io.wschat.support.TyrusServer;
import io.wschat.support.WsClient;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain on a real Tomcat and on Tyrus: every client closed with 1012 "service restart",
 * the closes spread across {@code wschat.drainSeconds} rather than all at once; meanwhile new
 * handshakes get 503 and {@code /health} says DRAINING. Started over HTTP, and by a shutdown
 * (where on Tomcat the drain has to come before the container's own 1001).
 */
class DrainIT {

    static final String PUSH_TOKEN = "drain-test-push-token";
    static final int CLIENTS = 8;
    static final long WINDOW_MILLIS = 2000;

    /** When a client saw its close, and what it was. */
    record Seen(WsClient.Closed closed, long atNanos) {
    }

    static URI ws(DevServer s, String path) {
        return URI.create("ws://127.0.0.1:" + s.port() + path);
    }

    static URL base(DevServer s) throws Exception {
        return new URL("http://127.0.0.1:" + s.port() + "/");
    }

    static List<CompletableFuture<Seen>> watch(List<WsClient> clients) {
        List<CompletableFuture<Seen>> seen = new ArrayList<>();
        for (WsClient c : clients) {
            seen.add(CompletableFuture.supplyAsync(() -> new Seen(c.awaitClose(), System.nanoTime())));
        }
        return seen;
    }

    /** Every client got 1012, the first soon after the start, the closes spread over the window, none long after it. */
    static void assertSpreadAcrossTheWindow(List<CompletableFuture<Seen>> futures, long startNanos) throws Exception {
        List<Long> offsets = new ArrayList<>();
        for (CompletableFuture<Seen> f : futures) {
            Seen s = f.get(WINDOW_MILLIS + 10_000, TimeUnit.MILLISECONDS);
            assertEquals(1012, s.closed().code(), s.closed().reason());
            assertEquals("service restart", s.closed().reason());
            offsets.add(TimeUnit.NANOSECONDS.toMillis(s.atNanos() - startNanos));
        }
        offsets.sort(null);
        long first = offsets.get(0);
        long last = offsets.get(offsets.size() - 1);
        assertTrue(first < 700, "first close after " + first + " ms: " + offsets);
        // N closes due at k * window / N: the last at 7/8 of the window.
        assertTrue(last - first >= WINDOW_MILLIS / 2, "closes not spread: " + offsets);
        assertTrue(last < WINDOW_MILLIS + 1500, "last close after " + last + " ms: " + offsets);
        // Not in lumps: no more than a quarter of the clients within any 100 ms.
        for (int i = 0; i + CLIENTS / 4 < offsets.size(); i++) {
            assertTrue(offsets.get(i + CLIENTS / 4) - offsets.get(i) >= 100, "closes bunched: " + offsets);
        }
    }

    static List<WsClient> connect(int n, java.util.function.IntFunction<URI> uri) {
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WsClient c = WsClient.connect(uri.apply(i));
            c.awaitType("welcome");
            clients.add(c);
        }
        return clients;
    }

    @Test
    void postApiDrainClosesClientsWith1012AcrossTheWindowAndRefusesNewOnesWith503() throws Exception {
        try (DevServer s = DevServer.start(DevServer.builtWar(), 0, "", Map.of(
                "wschat.pushToken", PUSH_TOKEN, "wschat.drainSeconds", String.valueOf(WINDOW_MILLIS / 1000)), null)) {
            URL base = base(s);
            assertEquals(200, Http.get(base, "/health").statusCode());
            assertEquals(401, Http.post(base, "/api/drain", "").statusCode(), "the push token is required");
            List<WsClient> clients = connect(CLIENTS, i -> ws(s, "/ws/chat/lobby?name=c" + i));
            List<CompletableFuture<Seen>> seen = watch(clients);

            long start = System.nanoTime();
            HttpResponse<String> drain = Http.post(base, "/api/drain", "", "Authorization", "Bearer " + PUSH_TOKEN);
            assertEquals(202, drain.statusCode());
            assertEquals("DRAINING", Json.parse(drain.body()).str("status"));
            assertEquals(CLIENTS, Json.parse(drain.body()).integer("connections"));

            HttpResponse<String> health = Http.get(base, "/health");
            assertEquals(503, health.statusCode());
            assertEquals("DRAINING", Json.parse(health.body()).str("status"));
            try (RawWebSocket late = RawWebSocket.connect(ws(s, "/ws/chat/lobby?name=late"))) {
                assertEquals(503, late.status());
                assertEquals("5", late.responseHeader("Retry-After"));
            }
            assertSpreadAcrossTheWindow(seen, start);
            Await.until("every connection gone", () -> Http.health(base).integer("connections") == 0);
            assertEquals(503, Http.get(base, "/health").statusCode(), "a drained server stays drained");
            assertEquals(202, Http.post(base, "/api/drain", "", "Authorization", "Bearer " + PUSH_TOKEN).statusCode(),
                    "a second drain request is answered the same");
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void stoppingTomcatDrainsWith1012BeforeTheContainersOwn1001() throws Exception {
        DevServer s = DevServer.start(DevServer.builtWar(), 0, "", Map.of(
                "wschat.drainSeconds", String.valueOf(WINDOW_MILLIS / 1000)), null);
        List<WsClient> clients = connect(CLIENTS, i -> ws(s, "/ws/chat/lobby?name=c" + i));
        List<CompletableFuture<Seen>> seen = watch(clients);
        long start = System.nanoTime();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                s.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertSpreadAcrossTheWindow(seen, start);
        stopped.get(20, TimeUnit.SECONDS);
        clients.forEach(WsClient::close);
    }

    @Test
    void onTyrusTheRuntimeDrainsAndTheEndpointsRefuseNewConnectionsWith1012() throws Exception {
        TyrusServer tyrus = TyrusServer.start(Map.of("wschat.drainSeconds", String.valueOf(WINDOW_MILLIS / 1000)));
        try {
            List<WsClient> clients = connect(CLIENTS, i -> tyrus.ws("/ws/chat/lobby?name=c" + i));
            List<CompletableFuture<Seen>> seen = watch(clients);
            long start = System.nanoTime();
            tyrus.runtime().drain().start();
            try (WsClient late = WsClient.connect(tyrus.ws("/echo"))) {
                WsClient.Closed refused = late.awaitClose();
                assertEquals(1012, refused.code(), "no filter answers 503 here; the endpoint refuses");
            }
            assertSpreadAcrossTheWindow(seen, start);
            clients.forEach(WsClient::close);
        } finally {
            long closing = System.nanoTime();
            tyrus.close();
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing) < WINDOW_MILLIS,
                    "a finished drain is not run again at shutdown");
        }
    }

    @Test
    void shuttingDownTyrusDrainsToo() throws Exception {
        TyrusServer tyrus = TyrusServer.start(Map.of("wschat.drainSeconds", String.valueOf(WINDOW_MILLIS / 1000)));
        List<WsClient> clients = connect(CLIENTS, i -> tyrus.ws("/ws/chat/lobby?name=c" + i));
        List<CompletableFuture<Seen>> seen = watch(clients);
        long start = System.nanoTime();
        tyrus.close();
        assertSpreadAcrossTheWindow(seen, start);
        clients.forEach(WsClient::close);
    }
}
