package io.wschat.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's {@code /usr/sbin/nginx}) in front of a test server, configured as the
 * README tells: HTTP/1.1 to the upstream, the Upgrade and Connection headers passed, and the
 * client's Host kept (with its port, so the Origin check still sees the page's own origin).
 */
public final class Nginx implements AutoCloseable {

    private static final String BINARY = "/usr/sbin/nginx";

    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Proxies a free loopback port to {@code upstreamPort}; idle connections are cut after {@code readTimeoutSeconds}. */
    public static Nginx start(int upstreamPort, int readTimeoutSeconds) throws Exception {
        return start(readTimeoutSeconds, new int[] {upstreamPort});
    }

    /**
     * Proxies a free loopback port to several servers, round robin without sticky sessions (each
     * request and each WebSocket goes to the next server), as the README's several-servers setup.
     */
    public static Nginx start(int readTimeoutSeconds, int... upstreamPorts) throws Exception {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " not found: install Debian's nginx package (.ci/run does)");
        }
        int port = freePort();
        Path dir = Files.createTempDirectory("wschat-nginx");
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config(dir, port, upstreamPorts, readTimeoutSeconds));
        // -e: the start-up error log too goes to the prefix, not /var/log/nginx (unwritable when not root).
        Process process = new ProcessBuilder(BINARY, "-p", dir.toString(), "-c", conf.toString(),
                "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        Nginx nginx = new Nginx(process, port, dir);
        try {
            Await.until(() -> "nginx listening on " + port + "; log: " + nginx.log(), WsClient.TIMEOUT, nginx::accepts);
        } catch (AssertionError e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private boolean accepts() {
        if (!process.isAlive()) {
            throw new AssertionError("nginx exited with " + process.exitValue() + ": " + log());
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("stdout.log")) + Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static String config(Path dir, int port, int[] upstreamPorts, int readTimeoutSeconds) {
        StringBuilder servers = new StringBuilder();
        for (int upstream : upstreamPorts) {
            servers.append("server 127.0.0.1:").append(upstream).append("; ");
        }
        // 'user root' only matters when the master runs as root (as in CI): the workers then keep
        // access to this temporary prefix. Otherwise nginx ignores it with a warning.
        return """
                user root;
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                    upstream wschat { %3$s}
                    server {
                        listen 127.0.0.1:%2$d;
                        location / {
                            proxy_pass http://wschat;
                            proxy_http_version 1.1;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection $connection_upgrade;
                            proxy_set_header Host $http_host;
                            proxy_set_header X-Real-IP $remote_addr;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Forwarded-Host $http_host;
                            proxy_read_timeout %4$ds;
                        }
                    }
                }
                """.formatted(dir, port, servers, readTimeoutSeconds);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
