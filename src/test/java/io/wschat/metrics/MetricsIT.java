package io.wschat.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.DevServer;
import io.wschat.support.Await;
import io.wschat.support.Http;
import io.wschat.support.PrometheusText;
import io.wschat.support.RawWebSocket;
import io.wschat.support.RedisServer;
import io.wschat.support.WsClient;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on a real Tomcat serving the built WAR: strict Prometheus text with the chat
 * server's meters and the JVM's, counters that move as messages flow, and who may read it.
 */
class MetricsIT {

    static final String ROOM = "/ws/chat/{room}";
    static final int LISTENERS = 20;
    static DevServer server;
    static URL base;

    @BeforeAll
    static void start() throws Exception {
        server = DevServer.start(DevServer.builtWar(), 0, "", Map.of(), null);
        base = new URL("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    static PrometheusText scrape() {
        HttpResponse<String> r = Http.get(base, "/metrics");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/plain;version=0.0.4;charset=utf-8",
                r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase());
        return PrometheusText.parse(r.body());
    }

    @Test
    void theScrapeIsPrometheusTextWithTheServersAndTheJvmsMeters() {
        PrometheusText m = scrape();
        for (String family : List.of("wschat_messages_delivered_total", "wschat_sent_bytes_total",
                "wschat_send_latency_seconds", "wschat_rate_limited_total", "wschat_connections_refused_total",
                "wschat_rooms", "wschat_outbox_queued_bytes", "wschat_slow_consumers_closed_total",
                "wschat_layer_up", "wschat_layer_round_trip_seconds", "wschat_draining",
                "jvm_memory_used_bytes", "jvm_gc_pause_seconds", "jvm_threads_live_threads", "process_uptime_seconds",
                "process_cpu_usage", "process_files_open_files", "jvm_classes_loaded_classes")) {
            assertTrue(m.hasFamily(family), family);
        }
        assertEquals("counter", m.type("wschat_messages_delivered_total"));
        assertEquals("histogram", m.type("wschat_send_latency_seconds"));
        assertEquals(1.0, m.value("wschat_layer_up", "layer", "memory"));
        assertTrue(Double.isNaN(m.value("wschat_layer_round_trip_seconds", "layer", "memory")), "the memory layer has no round trip");
        assertEquals(0.0, m.value("wschat_draining"));
    }

    @Test
    void countersMoveWhenMessagesFlow() {
        PrometheusText before = scrape();
        // Listeners enough that hundreds of frames go out: send latency is recorded for one write in
        // 16 at random, and the chance that none of them is recorded is then below one in 10^9.
        List<WsClient> listeners = new java.util.ArrayList<>();
        try (WsClient alice = WsClient.connect(ws("/ws/chat/metered?name=alice"));
             WsClient bob = WsClient.connect(ws("/ws/chat/metered?name=bob"));
             WsClient echo = WsClient.connect(ws("/echo"))) {
            alice.awaitType("welcome");
            bob.awaitType("welcome");
            for (int i = 0; i < LISTENERS; i++) {
                listeners.add(WsClient.connect(ws("/ws/chat/metered?name=listener" + i)));
            }
            Await.until("everyone joined", () -> scrape().value("wschat_connections", "endpoint", ROOM) == 2 + LISTENERS);
            for (int i = 0; i < 5; i++) {
                alice.send("{\"message\":\"hello " + i + "\"}");
            }
            echo.send("ping");
            assertEquals("ping", echo.next());
            Await.until("bob has all five", () -> bob.seen().stream().filter(f -> f.contains("hello ")).count() == 5);
            Await.until("alice has her five back", () -> alice.seen().stream().filter(f -> f.contains("hello ")).count() == 5);
            for (WsClient listener : listeners) {
                Await.until("a listener has all five", () -> listener.seen().stream().filter(f -> f.contains("hello ")).count() == 5);
            }

            PrometheusText after = scrape();
            assertEquals(5, after.value("wschat_messages_received_total", "endpoint", ROOM)
                    - before.valueOrZero("wschat_messages_received_total", "endpoint", ROOM));
            assertEquals(1, after.value("wschat_messages_received_total", "endpoint", "/echo")
                    - before.valueOrZero("wschat_messages_received_total", "endpoint", "/echo"));
            double delivered = after.value("wschat_messages_delivered_total") - before.value("wschat_messages_delivered_total");
            assertTrue(delivered >= 5 * (2 + LISTENERS) + 1,
                    "5 messages to every member and an echo, besides welcomes and presence: " + delivered);
            double bytes = after.value("wschat_sent_bytes_total") - before.value("wschat_sent_bytes_total");
            assertTrue(bytes >= 10 * "{\"message\":\"hello 0\"}".length(), "bytes out: " + bytes);
            double timed = after.value("wschat_send_latency_seconds_count") - before.value("wschat_send_latency_seconds_count");
            assertTrue(timed >= 1 && timed <= delivered, "a sample of the " + delivered + " writes is timed: " + timed);
            assertEquals(1.0, after.value("wschat_connections", "endpoint", "/echo"));
            assertTrue(after.value("wschat_rooms") >= 1);

            // A flood: the burst passes, the rest is refused for rate.
            for (int i = 0; i < 40; i++) {
                echo.send("flood " + i);
            }
            Await.until("an error frame for rate", () -> echo.seen().stream().anyMatch(f -> f.contains("rate_limited")));
            assertTrue(scrape().value("wschat_rate_limited_total") - before.value("wschat_rate_limited_total") >= 1);
        } finally {
            listeners.forEach(WsClient::close);
        }
        Await.until("the connection gauges are back to 0", () -> {
            PrometheusText m = scrape();
            return m.value("wschat_connections", "endpoint", ROOM) == 0 && m.value("wschat_connections", "endpoint", "/echo") == 0;
        });
    }

    @Test
    void refusedConnectionsAreCountedByReason() {
        PrometheusText before = scrape();
        try (RawWebSocket foreign = RawWebSocket.connect(ws("/echo"), "Origin", "https://evil.example")) {
            assertEquals(403, foreign.status());
        }
        try (WsClient badName = WsClient.connect(ws("/ws/chat/lobby?name=%3Cb%3E"))) {
            assertEquals(1008, badName.awaitClose().code());
        }
        try (WsClient badRoom = WsClient.connect(ws("/ws/chat/" + "r".repeat(65)))) {
            assertEquals(1008, badRoom.awaitClose().code());
        }
        Await.until("the three refusals counted", () -> {
            PrometheusText m = scrape();
            return m.value("wschat_connections_refused_total", "reason", "origin")
                    - before.value("wschat_connections_refused_total", "reason", "origin") == 1
                    && m.value("wschat_connections_refused_total", "reason", "identity")
                    - before.value("wschat_connections_refused_total", "reason", "identity") == 2;
        });
    }

    @Test
    void withTheRedisLayerItsStateAndRoundTripAreShown() throws Exception {
        try (RedisServer redis = RedisServer.start();
             DevServer clustered = DevServer.start(DevServer.builtWar(), 0, "", Map.of("wschat.layer", "redis",
                     "wschat.redisUrl", redis.url(), "wschat.presenceTtlSeconds", "2"), null)) {
            URL b = new URL("http://127.0.0.1:" + clustered.port() + "/");
            java.util.function.Supplier<PrometheusText> scrape = () -> PrometheusText.parse(Http.get(b, "/metrics").body());
            Await.until("a heartbeat's round trip is measured",
                    () -> !Double.isNaN(scrape.get().value("wschat_layer_round_trip_seconds", "layer", "redis")));
            PrometheusText up = scrape.get();
            assertEquals(1.0, up.value("wschat_layer_up", "layer", "redis"));
            double rtt = up.value("wschat_layer_round_trip_seconds", "layer", "redis");
            assertTrue(rtt > 0 && rtt < 2, "round trip " + rtt);
            redis.stop();
            try (WsClient c = WsClient.connect(URI.create("ws://127.0.0.1:" + clustered.port() + "/ws/chat/lobby"))) {
                c.awaitClose(); // a room join needs Redis: this notices the outage
            }
            Await.until("the layer shows degraded", () -> scrape.get().value("wschat_layer_up", "layer", "redis") == 0);
        }
    }

    @Test
    void onlyLocalClientsOrHoldersOfTheMetricsTokenMayRead() throws Exception {
        assertEquals(403, Http.get(base, "/metrics", "X-Forwarded-For", "203.0.113.9").statusCode(),
                "a request through a proxy on this machine is not local");
        try (DevServer guarded = DevServer.start(DevServer.builtWar(), 0, "", Map.of("wschat.metricsToken", "scrape-secret"), null)) {
            URL b = new URL("http://127.0.0.1:" + guarded.port() + "/");
            HttpResponse<String> none = Http.get(b, "/metrics");
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertEquals(401, Http.get(b, "/metrics", "Authorization", "Bearer wrong").statusCode());
            HttpResponse<String> ok = Http.get(b, "/metrics", "Authorization", "Bearer scrape-secret",
                    "X-Forwarded-For", "203.0.113.9");
            assertEquals(200, ok.statusCode());
            assertTrue(PrometheusText.parse(ok.body()).hasFamily("wschat_rooms"));
        }
    }
}
