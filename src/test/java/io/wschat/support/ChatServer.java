package io.wschat.support;

import java.net.URI;
import java.net.URL;

/**
 * The server under test: the built WAR running in a real container, Tomcat 10.1 (embedded) by
 * default, Payara Micro 6 under {@code mvn verify -Ppayara}, or a stock Tomcat 10.1 distribution
 * under {@code mvn verify -Ptomcat-dist} (see {@link ChatServers}). Tests talk to it only over HTTP
 * and WebSocket, so the same test class proves every container.
 */
public interface ChatServer extends AutoCloseable {

    /** Which container: {@code tomcat}, {@code payara} or {@code tomcat-dist}. */
    String container();

    /** {@code http://127.0.0.1:port/context/}: always ends with a slash. */
    URL base();

    /** The HTTP port of {@link #base()}. */
    default int port() {
        return base().getPort();
    }

    /** {@code ws://127.0.0.1:port/context} + path. */
    default URI ws(String path) {
        return Http.ws(base(), path);
    }

    /**
     * Drops every connection made through {@link #base()} without a WebSocket close frame, as a failing
     * proxy or network does, and refuses new ones there until {@link #restoreConnections()}. The web
     * application and its state (rooms, history) stay up. Only for servers started
     * with {@link ChatServers.Spec#withCuts()}.
     */
    void cutConnections();

    /** Accepts connections through {@link #base()} again, after {@link #cutConnections()}. */
    void restoreConnections();

    /**
     * Leaves new connections through {@link #base()} unanswered, as a stalled server or proxy does: their
     * TCP handshake completes, then nothing is read or written until {@link #releaseConnections()}.
     * WebSocket connections already open carry on. Only for servers started with {@link ChatServers.Spec#withCuts()}.
     */
    void holdConnections();

    /** Answers new connections through {@link #base()} again, after {@link #holdConnections()}. */
    void releaseConnections();

    /** Another way in to the same application, which {@link #cutConnections()} leaves alone. */
    URL spareBase();

    /**
     * The server's threads that are blocked, or waiting in wschat's code, in one line: for the message
     * of a test that timed out waiting for the server to let go of something.
     */
    String stuckThreads();

    /** Stops the server: the application's clients are closed with 1001 as at any shutdown. */
    @Override
    void close();
}
