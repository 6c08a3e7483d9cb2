package io.wschat.support;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Duration;

/**
 * A {@link ChatServer} running in a process of its own ({@link ServerProcess}): the WAR in Payara
 * Micro or in a stock Tomcat. For a server started {@link ChatServers.Spec#withCuts() with cuts}, a
 * {@link TcpRelay} stands in front of its port, and {@link #base()} goes through it.
 */
abstract class ProcessChatServer implements ChatServer {

    private final ServerProcess process;
    private final int port;
    private final String contextPath;
    private final TcpRelay relay;

    ProcessChatServer(ServerProcess process, int port, ChatServers.Spec spec) throws IOException {
        this.process = process;
        this.port = port;
        this.contextPath = spec.contextPath();
        this.relay = spec.cuttable() ? new TcpRelay(port) : null;
    }

    /** Waits until the application answers on {@code /health}; stops the process if it does not. */
    final void awaitStarted(Duration timeout) {
        try {
            process.awaitHealthy(url(port, "health"), timeout);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public URL base() {
        return url(relay != null ? relay.port() : port, "");
    }

    @Override
    public URL spareBase() {
        return url(port, "");
    }

    @Override
    public void cutConnections() {
        requireRelay().cut();
    }

    @Override
    public void restoreConnections() {
        requireRelay().restore();
    }

    @Override
    public void holdConnections() {
        requireRelay().hold();
    }

    @Override
    public void releaseConnections() {
        requireRelay().release();
    }

    private TcpRelay requireRelay() {
        if (relay == null) {
            throw new IllegalStateException("start the server with Spec.withCuts() to cut its connections");
        }
        return relay;
    }

    /** The server's process id (what the benchmark measures). */
    final long pid() {
        return process.pid();
    }

    @Override
    public String stuckThreads() {
        return StuckThreads.ofProcess(pid());
    }

    /** Waits until the server's process ends (a run command, stopped with Ctrl+C). */
    final void waitForExit() throws InterruptedException {
        process.waitFor();
    }

    /** The server's log so far (a test may check what the server logged). */
    public String log() {
        return process.log();
    }

    /** Stops the server as an operator would (SIGTERM: the application is stopped, so clients get closed), then waits for it. */
    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
        process.stop();
    }

    private URL url(int p, String path) {
        try {
            return new URL("http://127.0.0.1:" + p + contextPath + "/" + path);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
