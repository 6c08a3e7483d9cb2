package io.wschat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschat.DevServer;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.RedisServer;
import io.wschat.support.WsClient;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two servers × 25 clients in one room, each sending 100 messages at once: every client gets every
 * message exactly once, each sender's in the order sent, and every client sees the same offset order.
 */
class ClusterLoadIT {

    static final int PER_SERVER = 25;
    static final int MESSAGES = 100;

    @Test
    void everyClientGetsEveryMessageOnceInSenderOrderAndOneOffsetOrder() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> settings = Map.of("wschat.layer", "redis", "wschat.redisUrl", redis.url(),
                    "wschat.messagesPerSecond", "100000", "wschat.messageBurst", "100000",
                    "wschat.outboxBytes", String.valueOf(16 << 20),
                    "wschat.drainSeconds", "0"); // the clients are still open when the servers stop
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<WsClient> clients = new ArrayList<>();
            try (DevServer a = DevServer.start(DevServer.builtWar(), 0, "", settings, null);
                 DevServer b = DevServer.start(DevServer.builtWar(), 0, "", settings, null)) {
                List<URL> bases = List.of(new URL("http://127.0.0.1:" + a.port() + "/"),
                        new URL("http://127.0.0.1:" + b.port() + "/"));
                for (int i = 0; i < 2 * PER_SERVER; i++) {
                    WsClient c = WsClient.connect(Http.ws(bases.get(i % 2), "/ws/chat/load?name=c" + i));
                    c.awaitType("presence.members");
                    clients.add(c);
                }
                int total = clients.size() * MESSAGES;
                List<Future<?>> sending = new ArrayList<>();
                for (int i = 0; i < clients.size(); i++) {
                    WsClient c = clients.get(i);
                    int sender = i;
                    sending.add(pool.submit(() -> {
                        for (int seq = 0; seq < MESSAGES; seq++) {
                            c.send("{\"message\":\"" + sender + ":" + seq + "\"}");
                        }
                    }));
                }
                for (Future<?> f : sending) {
                    f.get(60, TimeUnit.SECONDS);
                }
                List<String> reference = null;
                for (int i = 0; i < clients.size(); i++) {
                    WsClient c = clients.get(i);
                    Map<String, Integer> lastSeq = new HashMap<>();
                    List<String> order = new ArrayList<>(total);
                    long lastOffset = -1;
                    for (int n = 0; n < total; n++) {
                        Json m = c.awaitType("chat.message");
                        String[] parts = m.str("message").split(":");
                        int seq = Integer.parseInt(parts[1]);
                        Integer previous = lastSeq.put(parts[0], seq);
                        assertEquals(previous == null ? 0 : previous + 1, seq,
                                "client " + i + ": sender " + parts[0] + " in order, no gap, no repeat");
                        long offset = m.number("offset");
                        if (lastOffset != -1) {
                            assertEquals(lastOffset + 1, offset, "client " + i + ": offsets one by one");
                        }
                        lastOffset = offset;
                        order.add(offset + "=" + m.str("message"));
                    }
                    assertEquals(clients.size(), lastSeq.size(), "client " + i + " heard every sender");
                    if (reference == null) {
                        reference = order;
                    } else {
                        assertEquals(reference, order, "client " + i + " sees the same order as client 0");
                    }
                }
            } finally {
                clients.forEach(WsClient::close);
                pool.shutdownNow();
            }
        }
    }
}
