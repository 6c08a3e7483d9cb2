package io.wschat.app;

import io.wschat.api.Messenger;
import io.wschat.config.Settings;
import io.wschat.hub.Connection;
import io.wschat.hub.Outbox;
import io.wschat.hub.Registry;
import io.wschat.layer.ChannelLayer;
import io.wschat.layer.InMemoryChannelLayer;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Everything one running chat server holds: settings, the registry, the channel layer, the
 * messenger and the threads that close connections.
 *
 * <p>The container creates endpoint instances itself, so they find the runtime through one static
 * reference, {@link #current()}, set when the web application starts ({@link ChatLifecycle}) and
 * cleared when it stops. It is the only static mutable state in the application.
 */
public final class ChatRuntime implements AutoCloseable {

    static final CloseReason GOING_AWAY =
            new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");

    private static final Logger LOG = Logger.getLogger(ChatRuntime.class.getName());
    private static volatile ChatRuntime current;

    private final Settings settings;
    private final Registry registry;
    private final ChannelLayer layer;
    private final Messenger messenger;
    private final ExecutorService closer;

    private ChatRuntime(Settings settings) {
        this.settings = settings;
        this.registry = new Registry(settings.historySize());
        this.layer = new InMemoryChannelLayer(registry);
        this.messenger = new Messenger(layer, Clock.systemUTC());
        this.closer = Executors.newFixedThreadPool(2, daemonThreads("wschat-closer-"));
    }

    /** Starts the runtime and makes it {@link #current()}. */
    public static synchronized ChatRuntime start(Settings settings) {
        if (current != null) {
            throw new IllegalStateException("a chat runtime is already running");
        }
        current = new ChatRuntime(settings);
        return current;
    }

    public static ChatRuntime current() {
        ChatRuntime r = current;
        if (r == null) {
            throw new IllegalStateException("the chat runtime is not started");
        }
        return r;
    }

    public Settings settings() {
        return settings;
    }

    public Registry registry() {
        return registry;
    }

    public Messenger messenger() {
        return messenger;
    }

    /** Wraps a newly opened session: its outbox, its registry entry. */
    public Connection connect(Session session, String name) {
        Outbox outbox = new Outbox(session, settings.outboxBytes(), closer, registry::countSlowConsumer);
        Connection c = new Connection(session.getId(), name, outbox);
        registry.register(c);
        return c;
    }

    public void disconnect(Connection c) {
        registry.unregister(c);
    }

    /** Closes every client with 1001 "going away", waits a bounded time, and stops every thread. */
    @Override
    public void close() {
        synchronized (ChatRuntime.class) {
            if (current == this) {
                current = null;
            }
        }
        registry.closeAll(GOING_AWAY);
        closer.shutdown();
        try {
            if (!closer.awaitTermination(settings.closeTimeoutSeconds(), TimeUnit.SECONDS)) {
                LOG.warning("connections still closing after " + settings.closeTimeoutSeconds() + " s; abandoning them");
                closer.shutdownNow();
            }
        } catch (InterruptedException e) {
            closer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        layer.close();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
