package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.protocol.Frames;
import io.wschat.support.Await;
import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.PrometheusText;
import io.wschat.support.WsClient;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code wschat.batch} subprotocol in the server under test: which endpoints agree to it, and
 * that messages which queue up for a client that asked for it reach it joined, one per line, every
 * one once and in order, while a client that did not ask gets one message per frame as before. Each
 * backlog is built for one stopped reader at a time, so the queued bytes the server reports are its.
 */
class BatchingIT {

    /** Room enough to back a reader up past its socket's buffers without closing it as slow. */
    static final int OUTBOX_BYTES = 64 * 1024 * 1024;

    /** Queued for the stopped reader before the small messages go. */
    static final long BACKLOG_BYTES = 512 * 1024;

    private static ChatServer server;
    private static URL base;

    @BeforeAll
    static void start() {
        server = ChatServers.start(ChatServers.spec().with("wschat.outboxBytes", String.valueOf(OUTBOX_BYTES),
                "wschat.messagesPerSecond", "100000", "wschat.messageBurst", "100000"));
        base = server.base();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theRoomAndDirectEndpointsAgreeToBatchingAndTheRawTextOnesDoNot() {
        for (String path : List.of("/ws/chat/agree", "/ws/chat/agree/", "/ws/agreeing", "/ws/agreeing/")) {
            try (WsClient c = WsClient.connectOffering(Frames.BATCH_SUBPROTOCOL, Http.ws(base, path))) {
                assertEquals(Frames.BATCH_SUBPROTOCOL, c.subprotocol(), path);
            }
        }
        // /ws and the echo endpoints pass on a client's raw text, which may hold newlines itself.
        for (String path : List.of("/ws", "/ws/", "/echo", "/echo_once")) {
            try (WsClient c = WsClient.connectOffering(Frames.BATCH_SUBPROTOCOL, Http.ws(base, path))) {
                assertEquals("", c.subprotocol(), path);
            }
        }
        try (WsClient c = WsClient.connect(Http.ws(base, "/ws/chat/agree"))) {
            assertEquals("", c.subprotocol(), "asked for nothing, given nothing");
        }
    }

    @Test
    void messagesThatQueueUpArriveJoinedOnePerLineInOrderAndOnce() {
        try (WsClient batched = WsClient.connectOffering(Frames.BATCH_SUBPROTOCOL, Http.ws(base, "/ws/chat/backlog?name=batched"));
             WsClient sender = WsClient.connect(Http.ws(base, "/ws/chat/backlog?name=sender"))) {
            assertEquals(Frames.BATCH_SUBPROTOCOL, batched.subprotocol());
            List<String> said = backUp(batched, sender, "backlog");

            assertEquals(said, chatMessages(batched, said.size()), "every message once, in order, when batched");
            assertTrue(batched.messagesPerFrame().stream().anyMatch(n -> n > 1),
                    "what queued up came joined: " + batched.messagesPerFrame().size() + " frames for "
                            + batched.received() + " messages");
            for (String m : batched.seen()) {
                Json.parse(m); // every line is a whole JSON object
            }
            assertTrue(joinedFrameSizes(batched).allMatch(bytes -> bytes <= Frames.BATCH_BYTES),
                    "a joined frame stays within " + Frames.BATCH_BYTES + " bytes");
        }
    }

    @Test
    void messagesThatQueueUpForAClientThatDidNotAskArriveOnePerFrame() {
        try (WsClient plain = WsClient.connect(Http.ws(base, "/ws/chat/backlog-plain?name=plain"));
             WsClient sender = WsClient.connect(Http.ws(base, "/ws/chat/backlog-plain?name=sender"))) {
            List<String> said = backUp(plain, sender, "backlog-plain");

            assertEquals(said, chatMessages(plain, said.size()), "every message once, in order");
            assertTrue(plain.messagesPerFrame().stream().allMatch(n -> n == 1), "one message per frame without batching");
            assertTrue(plain.seen().stream().noneMatch(f -> f.indexOf('\n') >= 0));
        }
    }

    /**
     * Stops {@code reader} reading, and has {@code sender} say large messages in {@code room} until the
     * server's outbound queues hold {@link #BACKLOG_BYTES}: the reader's queue, the only one left
     * holding any once the sender has its own copies. From then on every message waits behind a write
     * that cannot finish. Then 100 small ones, and the reader reads again. Returns what was said, in
     * order.
     */
    private static List<String> backUp(WsClient reader, WsClient sender, String room) {
        reader.awaitType("welcome");
        sender.awaitType("welcome");
        Await.until("both in " + room, () -> Http.rooms(base).getOrDefault(room, 0) == 2);
        Await.until("nothing queued from before", () -> queuedBytes() == 0);
        reader.stopReading();
        // A container may buffer megabytes of a stopped reader's frames itself (Payara's does) before
        // a write stays unfinished and the queue behind it grows.
        List<String> said = new ArrayList<>();
        String filler = "f".repeat(2000);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (queuedBytes() < BACKLOG_BYTES) {
            assertTrue(said.size() < 20_000 && System.nanoTime() < deadline,
                    "no backlog after " + said.size() + " messages: " + queuedBytes() + " bytes queued");
            for (int i = 0; i < 50; i++) {
                said.add(say(sender, "big " + said.size() + " " + filler));
            }
            // The sender gets its own copies: with the last of them in, its queue holds none of the count.
            String last = said.get(said.size() - 1);
            sender.await(m -> m.is("chat.message") && last.equals(m.str("message")));
        }
        for (int i = 0; i < 100; i++) {
            said.add(say(sender, "small " + said.size()));
        }
        reader.resumeReading();
        return said;
    }

    private static String say(WsClient sender, String text) {
        sender.send("{\"message\":\"" + text + "\"}");
        return text;
    }

    private static long queuedBytes() {
        return (long) PrometheusText.parse(Http.get(base, "/metrics").body()).value("wschat_outbox_queued_bytes");
    }

    /** The next {@code count} chat messages the client receives, skipping presence. */
    private static List<String> chatMessages(WsClient client, int count) {
        List<String> messages = new ArrayList<>();
        while (messages.size() < count) {
            messages.add(client.awaitType("chat.message").str("message"));
        }
        return messages;
    }

    /** The UTF-8 sizes of the frames that held several messages, rebuilt from the lines as they came. */
    private static IntStream joinedFrameSizes(WsClient client) {
        List<String> lines = client.seen();
        List<Integer> perFrame = client.messagesPerFrame();
        List<Integer> sizes = new ArrayList<>();
        int at = 0;
        for (int n : perFrame) {
            if (n > 1) {
                sizes.add(String.join("\n", lines.subList(at, at + n)).getBytes(StandardCharsets.UTF_8).length);
            }
            at += n;
        }
        return sizes.stream().mapToInt(Integer::intValue);
    }
}
