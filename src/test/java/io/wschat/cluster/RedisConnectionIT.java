package io.wschat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.support.DevServerProcess;
import io.wschat.support.Http;
import io.wschat.support.RedisServer;
import io.wschat.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code wschat.redisUrl} as teams write it: with a password, and {@code rediss://} to a Redis that
 * speaks only TLS (its certificate trusted the Java way, with a truststore). The password never
 * appears in the log.
 */
class RedisConnectionIT {

    static final String PASSWORD = "s3cret-for-the-test";

    @Test
    void aPasswordInTheUrlWorksAndIsNeverLogged() throws Exception {
        try (RedisServer redis = RedisServer.start(PASSWORD, null);
             DevServerProcess server = DevServerProcess.start(Map.of("wschat.layer", "redis", "wschat.redisUrl", redis.url()))) {
            assertEquals("UP", Http.health(server.base()).str("status"));
            chatIsStored(server);
            assertFalse(server.log().contains(PASSWORD), server.log());
            assertTrue(server.log().contains("redis://***@127.0.0.1:" + redis.port()), "the URL is logged without it");
        }
    }

    @Test
    void aWrongPasswordLeavesTheServerDegradedAndSaysSo() throws Exception {
        try (RedisServer redis = RedisServer.start(PASSWORD, null);
             DevServerProcess server = DevServerProcess.start503(Map.of("wschat.layer", "redis",
                     "wschat.redisUrl", "redis://:wrong-one@127.0.0.1:" + redis.port() + "/0"))) {
            assertEquals("DEGRADED", io.wschat.support.Json.parse(Http.get(server.base(), "/health").body()).str("status"));
            assertFalse(server.log().contains("wrong-one"), server.log());
            assertTrue(server.log().contains("WRONGPASS"), "the start-up warning names the problem: " + server.log());
        }
    }

    @Test
    void redissWithATrustedCertificate() throws Exception {
        Path tls = Files.createTempDirectory("wschat-tls");
        run(tls, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "redis.key", "-out", "redis.crt");
        run(tls, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                "-alias", "redis", "-file", "redis.crt", "-keystore", "trust.p12", "-storetype", "PKCS12",
                "-storepass", "changeit");
        try (RedisServer redis = RedisServer.start(PASSWORD, tls);
             DevServerProcess server = DevServerProcess.start(Map.of("wschat.layer", "redis", "wschat.redisUrl", redis.url()),
                     "-Djavax.net.ssl.trustStore=" + tls.resolve("trust.p12"), "-Djavax.net.ssl.trustStorePassword=changeit")) {
            assertTrue(redis.url().startsWith("rediss://"));
            assertEquals("UP", Http.health(server.base()).str("status"));
            chatIsStored(server);
        }
    }

    /** A room message comes back with an offset: Redis numbered and stored it. */
    private static void chatIsStored(DevServerProcess server) {
        try (WsClient c = WsClient.connect(Http.ws(server.base(), "/ws/chat/r?name=ann"))) {
            c.send("{\"message\":\"stored?\"}");
            assertEquals(1, c.awaitType("chat.message").number("offset"));
        }
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", List.of(command)) + ": " + output);
    }
}
