package io.wschat.endpoint;

import io.wschat.app.ChatRuntime;
import io.wschat.config.Settings;
import io.wschat.hub.Connection;
import io.wschat.hub.Outbox;
import io.wschat.protocol.ErrorCode;
import io.wschat.protocol.Frame;
import io.wschat.protocol.Frames;
import io.wschat.protocol.ProtocolException;
import io.wschat.protocol.Utf8;
import io.wschat.security.HandshakeScope;
import io.wschat.security.Identity;
import io.wschat.security.MessageRate;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every endpoint does the same way: read the handshake scope, decide the identity, take a
 * connection slot, register and join the endpoint's groups, then send the opening ping; bound
 * incoming frames in size and rate; refuse binary frames; note pongs for the heartbeat; and leave and
 * unregister on close whatever the reason. The container creates one instance per connection, so the
 * fields are that connection's own.
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

    /** Tomcat's per-session bound on a blocking send (pings and closes block); other containers ignore it. */
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private static final Logger LOG = Logger.getLogger(ConnectionEndpoint.class.getName());

    protected ChatRuntime runtime;
    protected Connection connection;
    protected HandshakeScope scope;
    protected Identity identity;
    private MessageRate rate;

    /** How an endpoint derives a connection's identity from its scope. */
    @FunctionalInterface
    protected interface IdentityRule {
        Identity identify(Settings.IdentityMode mode, HandshakeScope scope) throws Identity.Refused;
    }

    /**
     * Opens the connection: call in {@code @OnOpen}, once the fields {@link #join()} uses are set.
     * Returns false when it was refused (invalid or forbidden identity: 1008; connection limit: 1013);
     * the session is then being closed and the endpoint must do nothing more.
     *
     * <p>The opening ping goes out last, after {@link #join()}: a ping that fails makes Tomcat close
     * the session and call {@code onClose} at once, on the pinging thread, which must find the
     * connection registered and joined to clean it up.
     */
    protected final boolean open(Session session, IdentityRule rule) {
        runtime = ChatRuntime.of(session);
        Settings settings = runtime.settings();
        try {
            scope = HandshakeScope.of(session, runtime.handshakeStamp());
            identity = rule.identify(settings.identity(), scope);
        } catch (Identity.Refused e) {
            refuse(session, e.getMessage());
            return false;
        } catch (IllegalStateException e) {
            LOG.severe("refusing a connection: " + e.getMessage());
            close(session, SCOPE_MISMATCH);
            return false;
        }
        int max = settings.maxMessageBytes();
        session.setMaxTextMessageBufferSize(max);
        session.setMaxBinaryMessageBufferSize(max);
        // A blocked ping or close to a peer that stopped reading gives up when its pong would be overdue.
        session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, settings.pongTimeoutMillis());
        connection = runtime.connect(session, identity, scope.clientAddress());
        if (connection == null) {
            close(session, TOO_MANY_CONNECTIONS);
            return false;
        }
        rate = new MessageRate(settings.messagesPerSecond(), settings.messageBurst(), settings.floodStrikes(),
                System::nanoTime);
        join();
        runtime.opened(connection);
        return true;
    }

    /** Refuses a connection that cannot be served (an invalid or forbidden name) with 1008. */
    protected static void refuse(Session session, String reason) {
        close(session, new CloseReason(CloseCodes.VIOLATED_POLICY, reason));
    }

    private static void close(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (java.io.IOException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
    }

    /**
     * True if the frame may be acted on. Over the size limit the connection is closed with 1009 (the
     * container enforces the same limit; this check keeps it exact in UTF-8 bytes on every container).
     * Over the rate limit the frame is dropped with a {@code rate_limited} error frame, and a client
     * that keeps flooding is closed with 1008 (see {@link MessageRate}).
     */
    protected final boolean withinLimit(String text) {
        if (connection == null) {
            return false; // refused in onOpen; the close is on its way
        }
        int max = runtime.settings().maxMessageBytes();
        if (text.length() > max || (text.length() * 3L > max && Utf8.length(text) > max)) {
            connection.close(new CloseReason(CloseCodes.TOO_BIG, "message over " + max + " bytes"));
            return false;
        }
        switch (rate.take()) {
            case ACCEPT -> {
                return true;
            }
            case REFUSE -> {
                reply(Frames.error(ErrorCode.RATE_LIMITED, "over " + runtime.settings().messagesPerSecond()
                        + " messages per second; this one was dropped"));
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

    @OnMessage
    public void onBinary(ByteBuffer data) {
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
        Runnable cleanUp = () -> {
            try {
                leave();
            } finally {
                runtime.disconnect(connection);
            }
        };
        if (Outbox.sendingOnThisThread()) {
            // Tyrus closed this session from inside a send on this thread (it found the socket dead),
            // maybe under a room's lock held by the delivery: leaving the room here would take the
            // registry's locks in the reverse order of a join, a deadlock seen on Payara. So later.
            runtime.later(cleanUp);
        } else {
            cleanUp.run();
        }
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
