package io.wschat.hub;

import io.wschat.protocol.Frame;
import jakarta.websocket.CloseReason;
import java.util.Objects;

/**
 * One open WebSocket connection as the hub sees it: an identity, a display name and its
 * {@link Outbox}. Identity is by object; two tabs of one user are two connections.
 *
 * <p>{@code person} tells people apart where names alone cannot (see {@link io.wschat.security.Identity}):
 * connections with one name and one person are tabs of one member; a different person asking for a
 * taken name gets a suffix.
 */
public final class Connection {

    private final String id;
    private final String person;
    private final String clientAddress;
    private final Outbox outbox;
    private volatile String name;
    private volatile long lastPongNanos;

    public Connection(String id, String name, String person, String clientAddress, Outbox outbox, long nowNanos) {
        this.id = Objects.requireNonNull(id);
        this.name = Objects.requireNonNull(name);
        this.person = Objects.requireNonNull(person);
        this.clientAddress = Objects.requireNonNull(clientAddress);
        this.outbox = Objects.requireNonNull(outbox);
        this.lastPongNanos = nowNanos;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String person() {
        return person;
    }

    public String clientAddress() {
        return clientAddress;
    }

    /** Only the registry renames, under the lock of every room the connection is in. */
    void rename(String newName) {
        this.name = Objects.requireNonNull(newName);
    }

    /** Queues a frame; false if the connection is closing or was just closed as a slow consumer. */
    public boolean send(Frame frame) {
        return outbox.offer(frame);
    }

    /** Queues a ping behind whatever is queued (the Outbox is the only writer of a session). */
    public void ping() {
        outbox.offerPing();
    }

    /** Records a pong (answered or unsolicited): the peer is alive. */
    public void ponged(long nowNanos) {
        lastPongNanos = nowNanos;
    }

    public long lastPongNanos() {
        return lastPongNanos;
    }

    /** Closes after every frame queued so far has gone out. */
    public void close(CloseReason reason) {
        outbox.closeAfterFlush(reason);
    }

    /** Drops whatever is queued and closes now: for a peer that is no longer reading. */
    public void abort(CloseReason reason) {
        outbox.closeNow(reason);
    }

    public boolean isOpen() {
        return !outbox.isClosed();
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", " + name + "]";
    }
}
