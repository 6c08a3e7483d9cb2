package io.wschat.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's {@code /usr/bin/redis-server}) on a free loopback port, without
 * persistence: stopping it loses everything, as a restarted cache would. It can be stopped and started
 * again on the same port, to play an outage.
 */
public final class RedisServer implements AutoCloseable {

    private static final String BINARY = "/usr/bin/redis-server";

    private final int port;
    private final Path dir;
    private final String password;
    private final Path tls;
    private Process process;

    private RedisServer(int port, Path dir, String password, Path tls) {
        this.port = port;
        this.dir = dir;
        this.password = password;
        this.tls = tls;
    }

    public static RedisServer start() throws Exception {
        return start(null, null);
    }

    /**
     * A server that wants {@code password} (if not null) and, if {@code tls} is not null, speaks only
     * TLS with the certificate {@code tls/redis.crt} and key {@code tls/redis.key}.
     */
    public static RedisServer start(String password, Path tls) throws Exception {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " not found: install Debian's redis-server package (.ci/run does)");
        }
        RedisServer redis = new RedisServer(freePort(), Files.createTempDirectory("wschat-redis"), password, tls);
        redis.startAgain();
        return redis;
    }

    /** The URL a client uses: {@code redis://} or {@code rediss://}, with the password if there is one. */
    public String url() {
        return (tls == null ? "redis" : "rediss") + "://" + (password == null ? "" : ":" + password + "@")
                + "127.0.0.1:" + port + "/0";
    }

    public int port() {
        return port;
    }

    /** Starts the server (again) on its port, empty. */
    public synchronized void startAgain() throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(BINARY, "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        if (tls == null) {
            command.addAll(java.util.List.of("--port", String.valueOf(port)));
        } else {
            command.addAll(java.util.List.of("--port", "0", "--tls-port", String.valueOf(port),
                    "--tls-cert-file", tls.resolve("redis.crt").toString(), "--tls-key-file", tls.resolve("redis.key").toString(),
                    "--tls-ca-cert-file", tls.resolve("redis.crt").toString(), "--tls-auth-clients", "no"));
        }
        if (password != null) {
            command.addAll(java.util.List.of("--requirepass", password));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        Await.until(() -> "redis-server answering on " + port + "; log: " + log(), WsClient.TIMEOUT, this::answers);
    }

    /** Kills the server (SIGKILL): connections drop at once and everything it held is lost. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** Runs one command (inline protocol) and returns the first line of the answer, e.g. "+OK". */
    public String command(String line) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder answer = new StringBuilder();
            for (int b; (b = in.read()) != -1 && b != '\n'; ) {
                if (b != '\r') {
                    answer.append((char) b);
                }
            }
            return answer.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean answers() {
        if (tls != null) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true; // listening; the TLS handshake is the client's test
            } catch (IOException e) {
                return false;
            }
        }
        try {
            String pong = command("PING");
            return "+PONG".equals(pong) || pong.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
