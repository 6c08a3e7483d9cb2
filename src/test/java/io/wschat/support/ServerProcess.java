package io.wschat.support;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server running as a process of its own (Payara Micro, a stock Tomcat): started with its output in
 * a log file, ready once the application answers 200, stopped as an operator stops it.
 */
final class ServerProcess {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command}; its output goes to {@code log}, or to this process's console if null. */
    static ServerProcess start(String name, List<String> command, Map<String, String> environment, Path log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        if (log == null) {
            pb.inheritIO();
        } else {
            pb.redirectOutput(log.toFile());
        }
        return new ServerProcess(name, pb.start(), log);
    }

    /**
     * Waits until {@code health} answers 200: an answer alone is not enough (Payara answers 404 with
     * its own page until the deployment has finished).
     */
    void awaitHealthy(URL health, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (answers200(health)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not serve " + health + " within " + timeout + ":\n" + logTail());
            }
            try {
                Thread.sleep(100); // the polling interval of a bounded wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static boolean answers200(URL url) {
        try {
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM (the server undeploys, so clients get 1001), then a bounded wait; killed if it hangs. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                // The benchmark reads this line: a stop that needed it was not clean.
                System.err.println(name + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM: killed");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The server's process id: the JVM itself, since the launch scripts exec it. */
    long pid() {
        return process.pid();
    }

    void waitFor() throws InterruptedException {
        process.waitFor();
    }

    /** The whole log so far. */
    String log() {
        try {
            return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last lines of the log, for failure messages. */
    String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
