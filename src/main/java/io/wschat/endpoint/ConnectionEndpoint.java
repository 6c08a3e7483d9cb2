package io.wschat.endpoint;

import io.wschat.app.ChatRuntime;
import io.wschat.hub.Connection;
import io.wschat.protocol.Frame;
import io.wschat.protocol.ProtocolException;
import io.wschat.protocol.Utf8;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every endpoint does the same way: register the connection, bound incoming frames, refuse
 * binary frames, and unregister on close whatever the reason. The container creates one instance
 * per connection, so the fields are that connection's own.
 */
public abstract class ConnectionEndpoint {

    static final CloseReason BINARY_REFUSED =
            new CloseReason(CloseCodes.CANNOT_ACCEPT, "binary frames are not accepted");

    private static final Logger LOG = Logger.getLogger(ConnectionEndpoint.class.getName());

    protected ChatRuntime runtime;
    protected Connection connection;

    /** Registers the connection; call first in {@code @OnOpen}. */
    protected final Connection open(Session session, String name) {
        runtime = ChatRuntime.current();
        int max = runtime.settings().maxMessageBytes();
        session.setMaxTextMessageBufferSize(max);
        session.setMaxBinaryMessageBufferSize(max);
        connection = runtime.connect(session, name);
        return connection;
    }

    /** Refuses a connection that cannot be served (an invalid name in the path or the query). */
    protected static void refuse(Session session, String reason) {
        try {
            session.close(new CloseReason(CloseCodes.VIOLATED_POLICY, reason));
        } catch (java.io.IOException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
    }

    /**
     * True if the frame is within the size limit; otherwise closes with 1009. The container
     * enforces the same limit; this check keeps it exact in UTF-8 bytes on every container.
     */
    protected final boolean withinLimit(String text) {
        int max = runtime.settings().maxMessageBytes();
        if (text.length() > max || (text.length() * 3L > max && Utf8.length(text) > max)) {
            connection.close(new CloseReason(CloseCodes.TOO_BIG, "message over " + max + " bytes"));
            return false;
        }
        return true;
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

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        if (connection != null) {
            try {
                leave();
            } finally {
                runtime.disconnect(connection);
            }
        }
    }

    @OnError
    public void onError(Session session, Throwable error) {
        // The container closes the session after reporting; onClose does the clean-up.
        LOG.log(Level.FINE, "connection error", error);
    }

    /** Takes the connection out of whatever groups it joined. */
    protected abstract void leave();
}
