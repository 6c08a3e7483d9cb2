package io.wschat.app;

import io.wschat.api.Messenger;
import io.wschat.config.Settings;
import io.wschat.hub.Connection;
import io.wschat.hub.Heartbeat;
import io.wschat.hub.OpeningPing;
import io.wschat.hub.Outbox;
import io.wschat.hub.Registry;
import io.wschat.layer.ChannelLayer;
import io.wschat.layer.LayerState;
import io.wschat.metrics.MicrometerMetrics;
import io.wschat.metrics.RuntimeReadings;
import io.wschat.ops.Drain;
import io.wschat.protocol.Frames;
import io.wschat.security.ConnectionLimits;
import io.wschat.security.HandshakeStamp;
import io.wschat.security.Identity;
import io.wschat.security.OriginPolicy;
import io.wschat.security.TokenExpiry;
import io.wschat.security.TokenVerifier;
import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Everything one running chat server holds: settings, the registry, the channel layer, the
 * messenger, the handshake and connection limits, and the threads the application starts: the
 * closers, the two ping threads and the one scheduler, which drives the heartbeat, the opening pings'
 * checks, token expiry, the drain and the coalesced member counts of large rooms. (The Redis layer
 * starts and stops threads of its own, and Lettuce's.)
 *
 * <p>Each web application has its own runtime: {@link ChatLifecycle} starts it, stores it as the
 * {@link #ATTRIBUTE} of its {@code ServletContext} (where servlets and filters find it) and serves it
 * to the endpoints of its WebSocket container. The container creates endpoint instances itself and
 * hands them nothing of the web application but their session, whose
 * {@link Session#getContainer() container} is the one object per application that the endpoints and
 * the {@code ServletContext} share; so {@link #of(Session)} looks the runtime up by that container in
 * {@link #SERVED}, which holds one entry per running web application. Two servers in one JVM (two
 * web applications, or a test's two Tyrus servers) each have their own.
 */
public final class ChatRuntime implements AutoCloseable {

    /** At most this many connections close at once; see {@link #closerPool()}. */
    static final int MAX_CLOSERS = 16;

    static final CloseReason GOING_AWAY =
            new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");

    /** Every thread this runtime starts has a name beginning with this. */
    public static final String THREAD_PREFIX = "wschat-";

    /** The {@code ServletContext} attribute holding the web application's runtime. */
    public static final String ATTRIBUTE = ChatRuntime.class.getName();

    private static final Logger LOG = Logger.getLogger(ChatRuntime.class.getName());

    /** The running runtimes by the WebSocket container whose endpoints they serve. */
    private static final ConcurrentHashMap<WebSocketContainer, ChatRuntime> SERVED = new ConcurrentHashMap<>();

    private WebSocketContainer container;

    private final Settings settings;
    private final Registry registry;
    private final ChannelLayer layer;
    private final Messenger messenger;
    private final ExecutorService closer;
    private final ExecutorService control;
    private final ScheduledExecutorService scheduler;
    private final ConnectionLimits limits;
    private final OriginPolicy originPolicy;
    private final HandshakeStamp handshakeStamp = new HandshakeStamp();
    private OpeningPing openingPing; // set by serve(), before endpoints can find this runtime
    // ---- issue 11 (operations) ----
    private final TokenVerifier tokens;
    private final TokenExpiry tokenExpiry;
    private final Drain drain;
    private final MicrometerMetrics metrics;

    private ChatRuntime(Settings settings) {
        this.settings = settings;
        this.tokens = settings.identity() == Settings.IdentityMode.TOKEN // first: a bad key fails before threads start
                ? TokenVerifier.from(settings, Clock.systemUTC()) : null;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads(THREAD_PREFIX + "scheduler-"));
        this.layer = Layers.create(settings);
        this.registry = new Registry(layer, settings.outboxBytes(), settings.presenceListLimit(), scheduler);
        this.messenger = new Messenger(layer, registry, Clock.systemUTC());
        layer.start(registry);
        this.closer = closerPool();
        this.control = Executors.newFixedThreadPool(2, daemonThreads(THREAD_PREFIX + "ping-"));
        this.limits = new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress());
        this.originPolicy = new OriginPolicy(settings.allowedOrigins(), settings.allowMissingOrigin());
        this.tokenExpiry = new TokenExpiry(scheduler, Clock.systemUTC());
        this.drain = new Drain(registry::connections, scheduler, settings.drainSeconds() * 1000L, System::nanoTime);
        this.metrics = new MicrometerMetrics(new RuntimeReadings(
                registry::localRoomCount,
                () -> registry.connections().stream().mapToLong(Connection::queuedBytes).sum(),
                registry::slowConsumersClosed,
                layer.kind(),
                () -> layer.state() == LayerState.UP,
                layer::roundTripSeconds,
                drain::isDraining));
        long interval = settings.pingIntervalMillis();
        scheduler.scheduleWithFixedDelay(
                new Heartbeat(registry, interval, settings.pongTimeoutMillis(), System::nanoTime),
                interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Starts a runtime; {@link #serve} then makes it the one of a WebSocket container's endpoints. */
    public static ChatRuntime start(Settings settings) {
        return new ChatRuntime(settings);
    }

    /**
     * Makes this the runtime of the endpoints that {@code webSocketContainer} (the web application's
     * {@code ServerContainer}) creates, until {@link #close()}.
     */
    public void serve(WebSocketContainer webSocketContainer) {
        this.openingPing = OpeningPing.forContainer(webSocketContainer, scheduler, settings.pongTimeoutMillis());
        if (SERVED.putIfAbsent(webSocketContainer, this) != null) {
            throw new IllegalStateException("another chat runtime already serves " + webSocketContainer);
        }
        this.container = webSocketContainer;
    }

    /** The runtime serving a session's endpoint. */
    public static ChatRuntime of(Session session) {
        ChatRuntime r = SERVED.get(session.getContainer());
        if (r == null) {
            throw new IllegalStateException("no chat runtime serves this WebSocket container (not started, or stopped)");
        }
        return r;
    }

    /** The web application's runtime, or null while none runs (before start-up, after shutdown). */
    public static ChatRuntime of(ServletContext context) {
        return (ChatRuntime) context.getAttribute(ATTRIBUTE);
    }

    public Settings settings() {
        return settings;
    }

    public Registry registry() {
        return registry;
    }

    public ChannelLayer layer() {
        return layer;
    }

    public Messenger messenger() {
        return messenger;
    }

    public ConnectionLimits limits() {
        return limits;
    }

    public OriginPolicy originPolicy() {
        return originPolicy;
    }

    public HandshakeStamp handshakeStamp() {
        return handshakeStamp;
    }

    /** {@code token} identity mode's verifier; null in the other modes. */
    public TokenVerifier tokens() {
        return tokens;
    }

    public TokenExpiry tokenExpiry() {
        return tokenExpiry;
    }

    public Drain drain() {
        return drain;
    }

    public MicrometerMetrics metrics() {
        return metrics;
    }

    /**
     * Wraps a newly opened session: takes its connection slot, creates its outbox and registers it.
     * Returns null when the connection limits are reached (a burst of handshakes got past the filter's
     * check together); the caller closes the session.
     */
    public Connection connect(Session session, Identity identity, String clientAddress) {
        if (limits.tryOpen(clientAddress) != ConnectionLimits.Admission.OK) {
            return null;
        }
        int joinBytes = Frames.BATCH_SUBPROTOCOL.equals(session.getNegotiatedSubprotocol()) ? Frames.BATCH_BYTES : 0;
        Outbox outbox = new Outbox(Outbox.Transport.of(session), settings.outboxBytes(), joinBytes, closer, control,
                registry::countSlowConsumer, metrics::frameSent);
        Connection c = new Connection(session.getId(), identity.name(), identity.person(), clientAddress, outbox,
                System.nanoTime());
        registry.register(c);
        return c;
    }

    /** Called once the endpoint has joined its groups: the opening pings, where the container needs them (see {@link OpeningPing}). */
    public void opened(Connection c) {
        openingPing.watch(c);
    }

    /**
     * Gives the connection's slot back and unregisters it, in that order: once {@code /health} counts
     * a connection gone, its slot is free (a client that saw the count drop and reconnected at once
     * was refused 429 for a slot not yet given back).
     */
    public void disconnect(Connection c) {
        limits.release(c.clientAddress());
        registry.unregister(c);
    }

    /**
     * Drains (closes every client with 1012 over {@code wschat.drainSeconds}, unless a drain already
     * ran), closes whatever is left with 1001 "server shutting down", waits a bounded time, and stops every thread.
     */
    @Override
    public void close() {
        try {
            drain.runToEnd(settings.closeTimeoutSeconds() * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (container != null) {
            SERVED.remove(container, this);
        }
        scheduler.shutdownNow(); // no more pings
        registry.closeAll(GOING_AWAY);
        closer.shutdown();
        control.shutdown();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.closeTimeoutSeconds());
            if (!closer.awaitTermination(settings.closeTimeoutSeconds(), TimeUnit.SECONDS)) {
                LOG.warning("connections still closing after " + settings.closeTimeoutSeconds() + " s; abandoning them");
                closer.shutdownNow();
            }
            if (!control.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                control.shutdownNow();
            }
            awaitDisconnections(deadline);
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            closer.shutdownNow();
            control.shutdownNow();
            Thread.currentThread().interrupt();
        }
        layer.close();
        metrics.close();
    }

    /**
     * Waits, until the deadline, for the close handshakes to finish. Containers such as Tyrus write
     * the close frame asynchronously; stopping the server before the clients answer would cut them
     * off with 1006 instead of the 1001 they were sent.
     */
    private void awaitDisconnections(long deadlineNanos) throws InterruptedException {
        while (registry.connectionCount() > 0 && System.nanoTime() < deadlineNanos) {
            Thread.sleep(10);
        }
        if (registry.connectionCount() > 0) {
            LOG.warning(registry.connectionCount() + " connections did not finish closing in time");
        }
    }

    /**
     * The threads that close connections (the hub never closes on a delivering thread). A close can
     * wait: for a send in flight to a client that does not read (on Tomcat at most the blocking-send
     * time-out, {@code wschat.pongTimeoutMillis}, for a close with 1000), and on Payara for good, when
     * Grizzly and Tyrus deadlock on the connection (the README's Containers table). A close that waits
     * must not hold up the next, so each close finds a thread of its own while fewer than
     * {@value #MAX_CLOSERS} exist; a thread left idle for a minute ends.
     */
    static ExecutorService closerPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_CLOSERS, MAX_CLOSERS, 1, TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(), daemonThreads(THREAD_PREFIX + "closer-"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
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
