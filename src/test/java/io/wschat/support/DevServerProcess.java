package io.wschat.support;

import io.wschat.DevServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The run command's server in a JVM of its own, so that a test can kill it the hard way (SIGKILL: no
 * shutdown hook, no clean-up), as a crashed machine would.
 */
public final class DevServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private DevServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code DevServer} with the built WAR and {@code -D} settings, and waits until /health answers 200. */
    public static DevServerProcess start(Map<String, String> settings, String... jvmOptions) throws Exception {
        return start(200, settings, jvmOptions);
    }

    /** As {@link #start}, for a server expected to come up unhealthy: waits until /health answers 503. */
    public static DevServerProcess start503(Map<String, String> settings, String... jvmOptions) throws Exception {
        return start(503, settings, jvmOptions);
    }

    private static DevServerProcess start(int health, Map<String, String> settings, String... jvmOptions) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(List.of(jvmOptions));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-D" + DevServer.SERVE_HERE + "=true", // this JVM is the server: a kill reaches it
                "-cp", DevServer.serverClassPath(), DevServer.class.getName(),
                DevServer.builtWar().toAbsolutePath().toString(), String.valueOf(port)));
        Path log = Files.createTempFile("wschat-devserver", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        DevServerProcess server = new DevServerProcess(process, port, log);
        try {
            Await.until(() -> "the server process answering /health with " + health + "; log: " + server.log(),
                    java.time.Duration.ofSeconds(60), () -> server.answers() == health);
        } catch (AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    public URL base() {
        try {
            return new URL("http://127.0.0.1:" + port + "/");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: the process ends at once, without running anything of its own. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** The status /health answers with, or -1 while nothing answers. */
    private int answers() {
        if (!process.isAlive()) {
            throw new AssertionError("the server process exited with " + process.exitValue() + ": " + log());
        }
        try {
            var c = (java.net.HttpURLConnection) new URL(base(), "health").openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            return c.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }
}
