package io.wschat.hub;

import io.wschat.protocol.Frame;
import jakarta.websocket.CloseReason;
import java.util.Objects;

/**
 * One open WebSocket connection as the hub sees it: an identity, a display name and its
 * {@link Outbox}. Identity is by object; two tabs of one user are two connections.
 */
public final class Connection {

    private final String id;
    private final Outbox outbox;
    private volatile String name;

    public Connection(String id, String name, Outbox outbox) {
        this.id = Objects.requireNonNull(id);
        this.name = Objects.requireNonNull(name);
        this.outbox = Objects.requireNonNull(outbox);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** Only the registry renames, under the lock of every room the connection is in. */
    void rename(String newName) {
        this.name = Objects.requireNonNull(newName);
    }

    /** Queues a frame; false if the connection is closing or was just closed as a slow consumer. */
    public boolean send(Frame frame) {
        return outbox.offer(frame);
    }

    /** Closes after every frame queued so far has gone out. */
    public void close(CloseReason reason) {
        outbox.closeAfterFlush(reason);
    }

    public boolean isOpen() {
        return !outbox.isClosed();
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", " + name + "]";
    }
}
