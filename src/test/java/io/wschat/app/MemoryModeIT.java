package io.wschat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.support.DevServerProcess;
import io.wschat.support.Http;
import io.wschat.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default, in-memory mode needs nothing of Redis: a server that chats in that mode never loads a
 * class of the Redis client or of Netty (both travel in the WAR for the Redis layer).
 */
class MemoryModeIT {

    @Test
    void theInMemoryLayerLoadsNoClassOfTheRedisClient() throws Exception {
        Path loaded = Files.createTempFile("wschat-classes", ".log");
        try (DevServerProcess server = DevServerProcess.start(Map.of(), "-Xlog:class+load=info:file=" + loaded)) {
            try (WsClient a = WsClient.connect(Http.ws(server.base(), "/ws/chat/plain?name=ann"));
                 WsClient d = WsClient.connect(Http.ws(server.base(), "/ws/ann"))) {
                a.send("{\"message\":\"hello\"}");
                assertEquals("hello", a.awaitType("chat.message").str("message"));
                d.send("{\"message\":\"to myself\",\"to_user\":\"ann\"}");
                d.awaitType("direct.message");
            }
            assertEquals("memory", Http.health(server.base()).str("layer"));
        }
        List<String> lines = Files.readAllLines(loaded);
        assertTrue(lines.stream().anyMatch(l -> l.contains("io.wschat.layer.InMemoryChannelLayer")),
                "the log lists the classes the server loaded");
        List<String> redis = lines.stream().filter(l -> l.contains(" io.lettuce.") || l.contains(" io.netty.")
                || l.contains("io.wschat.layer.redis.")).toList();
        assertEquals(List.of(), redis);
    }
}
