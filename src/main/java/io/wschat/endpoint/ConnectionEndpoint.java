package io.wschat.endpoint;

import io.wschat.app.ChatRuntime;
import io.wschat.config.Settings;
import io.wschat.hub.Connection;
import io.wschat.metrics.Metrics;
import io.wschat.ops.Drain;
import io.wschat.protocol.ErrorCode;
import io.wschat.protocol.Frame;
import io.wschat.protocol.Frames;
import io.wschat.protocol.Inbound;
import io.wschat.protocol.ProtocolException;
import io.wschat.protocol.Utf8;
import io.wschat.security.HandshakeScope;
import io.wschat.security.Identity;
import io.wschat.security.MessageRate;
import io.wschat.security.TokenExpiry;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every endpoint does the same way: read the handshake scope, decide the identity, take a
 * connection slot and register; bound incoming frames in size and rate; refuse binary frames; note
 * pongs for the heartbeat; and unregister on close whatever the reason. The container creates one
 * instance per connection, so the fields are that connection's own.
 */
public abstract class ConnectionEndpoint {

    static final CloseReason BINARY_REFUSED =
            new CloseReason(CloseCodes.CANNOT_ACCEPT, "binary frames are not accepted");
    static final CloseReason FLOODING =
            new CloseReason(CloseCodes.VIOLATED_POLICY, "message rate exceeded");
    static final CloseReason TOO_MANY_CONNECTIONS =
            new CloseReason(CloseCodes.TRY_AGAIN_LATER, "too many connections");
    static final CloseReason SCOPE_MISMATCH =
            new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "handshake data mismatch");
    static final CloseReason LAYER_UNAVAILABLE =
            new CloseReason(CloseCodes.TRY_AGAIN_LATER, "shared state unavailable");

    /** Tomcat's per-session bound on a blocking send (pings and closes block); other containers ignore it. */
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private static final Logger LOG = Logger.getLogger(ConnectionEndpoint.class.getName());

    protected ChatRuntime runtime;
    protected Connection connection;
    protected HandshakeScope scope;
    protected Identity identity;
    private MessageRate rate;
    private StringBuilder partial; // a text message arriving in parts, until its last part
    private long partialBytes;
    private TokenExpiry.Watch expiry;
    private String endpoint; // this endpoint's path template, the label of its metrics
    private boolean cleanedUp; // guarded by this: see cleanUp()

    /** How an endpoint derives a connection's identity from its scope. */
    @FunctionalInterface
    protected interface IdentityRule {
        Identity identify(Settings.IdentityMode mode, HandshakeScope scope) throws Identity.Refused;
    }

    /**
     * Opens the connection: call in {@code @OnOpen}, with the configuration the container passed it, once
     * the fields {@link #join()} uses are set.
     * Returns false when it was refused (an invalid room or user name, or a forbidden identity: 1008, or
     * in {@code token} mode a room the token does not allow: 4403; connection limit: 1013; a draining
     * server: 1012; another handshake's data: 1011); the session is then being closed and the endpoint
     * must do nothing more.
     *
     * <p>Nothing is written to the connection, by any thread, until {@link #join()} has finished and the
     * opening pings are scheduled; then this thread sends what was queued (a room's welcome), see
     * {@code Outbox.startSending}. A write that fails can make the container close the session and call
     * {@code onClose} at once, on the writing thread, which must find the connection registered and
     * joined to clean it up; and on Payara a write can stop this thread for good, when the opening ping's
     * check must still close the connection and clean it up.
     */
    protected final boolean open(Session session, EndpointConfig config, IdentityRule rule) {
        runtime = ChatRuntime.of(session);
        Settings settings = runtime.settings();
        endpoint = pathTemplate(getClass());
        if (runtime.drain().isDraining()) {
            runtime.metrics().connectionRefused(Metrics.Refusal.DRAINING);
            close(session, Drain.SERVICE_RESTART); // where no handshake filter answered 503 (a bare Tyrus server)
            return false;
        }
        try {
            scope = HandshakeScope.of(session, config, runtime.handshakeStamp());
            identity = rule.identify(settings.identity(), scope);
        } catch (Identity.Refused e) {
            runtime.metrics().connectionRefused(e.closeCode() == Identity.ROOM_NOT_ALLOWED
                    ? Metrics.Refusal.ROOM_NOT_ALLOWED : Metrics.Refusal.IDENTITY);
            close(session, new CloseReason(CloseCodes.getCloseCode(e.closeCode()), e.getMessage()));
            return false;
        } catch (IllegalStateException e) {
            LOG.severe("refusing a connection: " + e.getMessage());
            close(session, SCOPE_MISMATCH);
            return false;
        }
        // No buffer sizes are raised here: the container's (512 characters in web.xml) are allocated for every
        // connection at open, whatever it will send; messages larger than that arrive in parts (onTextPart).
        // A blocked ping or close to a peer that stopped reading gives up when its pong would be overdue.
        session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, settings.pongTimeoutMillis());
        connection = runtime.connect(session, identity, scope.clientAddress());
        if (connection == null) {
            runtime.metrics().connectionRefused(Metrics.Refusal.CONNECTION_LIMIT);
            close(session, TOO_MANY_CONNECTIONS);
            return false;
        }
        rate = new MessageRate(settings.messagesPerSecond(), settings.messageBurst(), settings.floodStrikes(),
                System::nanoTime);
        if (identity.validUntil() != null) {
            expiry = runtime.tokenExpiry().watch(connection, identity.validUntil());
        }
        runtime.metrics().connectionOpened(endpoint);
        connection.whenLost(this::cleanUp);
        try {
            join();
            runtime.opened(connection);
        } finally {
            connection.startSending();
        }
        return true;
    }

    /**
     * Closes a connection that could not join its room or user because the state servers share is
     * unreachable: 1013, try again later (a client that reconnects with backoff gets in once it is back).
     */
    protected final void closeUnavailable() {
        connection.close(LAYER_UNAVAILABLE);
    }

    /** Tells the sender that what it said reached only this server's connections (or nobody). */
    protected final void replyUnavailable(String what) {
        replyUnavailable(what, null);
    }

    /** As {@link #replyUnavailable(String)}, naming the message by its {@code client_id} (null if none). */
    protected final void replyUnavailable(String what, String clientId) {
        reply(Frames.error(ErrorCode.UNAVAILABLE, what + ": the servers' shared state is unreachable, so it"
                + " reached only connections on this server, if any, and was not kept; send it again later",
                clientId));
    }

    /** {@code /ws/chat/{room}} for both the endpoint and its {@code WithSlash} twin. */
    static String pathTemplate(Class<?> endpointClass) {
        String path = endpointClass.getAnnotation(ServerEndpoint.class).value();
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static void close(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (java.io.IOException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
    }

    /**
     * A text message or a part of one. The container buffers each connection's messages in a small
     * buffer it allocates up front (512 characters here, see web.xml), so a larger message comes in parts; only
     * those are assembled, into a buffer that lives as long as the message, and a message growing past
     * {@code wschat.maxMessageBytes} is closed with 1009 as soon as it does.
     */
    @OnMessage
    public final void onTextPart(String part, boolean last) {
        if (connection == null) {
            return; // refused in onOpen; the close is on its way
        }
        String text = part;
        if (partial != null || !last) {
            if (partial == null) {
                partial = new StringBuilder(part.length() * 2);
            }
            partial.append(part);
            partialBytes += Utf8.length(part);
            int max = runtime.settings().maxMessageBytes();
            if (partialBytes > max) {
                partial = null;
                connection.close(new CloseReason(CloseCodes.TOO_BIG, "message over " + max + " bytes"));
                return;
            }
            if (!last) {
                return;
            }
            text = partial.toString();
            partial = null;
            partialBytes = 0;
        }
        if (withinLimit(text)) {
            onText(text);
        }
    }

    /** A whole text message within the size and rate limits. */
    protected abstract void onText(String text);

    /**
     * True if the frame may be acted on. Over the size limit the connection is closed with 1009 (exact
     * in UTF-8 bytes, whatever the container).
     * Over the rate limit the frame is dropped with a {@code rate_limited} error frame, and a client
     * that keeps flooding is closed with 1008 (see {@link MessageRate}).
     */
    private boolean withinLimit(String text) {
        int max = runtime.settings().maxMessageBytes();
        if (text.length() > max || (text.length() * 3L > max && Utf8.length(text) > max)) {
            connection.close(new CloseReason(CloseCodes.TOO_BIG, "message over " + max + " bytes"));
            return false;
        }
        switch (rate.take()) {
            case ACCEPT -> {
                runtime.metrics().messageReceived(endpoint);
                return true;
            }
            case REFUSE -> {
                runtime.metrics().rateLimited();
                // Named by its client_id if it has one, so that the client knows which message to send again.
                reply(Frames.error(ErrorCode.RATE_LIMITED, "over " + runtime.settings().messagesPerSecond()
                        + " messages per second; this one was dropped", Inbound.clientIdOf(text)));
                return false;
            }
            default -> {
                connection.close(FLOODING);
                return false;
            }
        }
    }

    protected final void reply(Frame frame) {
        connection.send(frame);
    }

    protected final void reply(ProtocolException e) {
        connection.send(e.toFrame());
    }

    /** Binary frames are refused on their first part: nothing of them is buffered. */
    @OnMessage
    public void onBinary(ByteBuffer part, boolean last) {
        if (connection != null) {
            connection.close(BINARY_REFUSED);
        }
    }

    /** Any pong, answered or unsolicited, shows the peer is alive. */
    @OnMessage
    public void onPong(PongMessage pong) {
        if (connection != null) {
            connection.ponged(System.nanoTime());
        }
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        if (connection == null) {
            return; // refused in onOpen: nothing was registered
        }
        cleanUp();
    }

    /**
     * Leaves and unregisters, once: from {@code onClose}, or for a connection whose container never
     * calls it, from the hub ({@link Connection#lost()}).
     */
    private void cleanUp() {
        synchronized (this) {
            if (cleanedUp) {
                return;
            }
            cleanedUp = true;
        }
        if (expiry != null) {
            expiry.cancel();
        }
        runtime.metrics().connectionClosed(endpoint);
        // Safe on any thread, even inside a send that found the socket dead (Tyrus closes the session
        // right there): no hub lock is ever held while a socket is written (see Outbox#flush). Never
        // waits: a join still running in onOpen does the leaving when it finishes (see Connection#end).
        connection.end(() -> {
            try {
                leave();
            } finally {
                runtime.disconnect(connection);
            }
        });
    }

    @OnError
    public void onError(Session session, Throwable error) {
        // The container closes the session after reporting; onClose does the clean-up.
        LOG.log(Level.FINE, "connection error", error);
    }

    /** Puts the newly registered connection into the endpoint's groups (a room, a user, broadcast). */
    protected abstract void join();

    /** Takes the connection out of whatever groups it joined. */
    protected abstract void leave();
}
