package io.wschat.hub;

import io.wschat.layer.Member;
import io.wschat.protocol.Frame;
import jakarta.websocket.CloseReason;
import java.util.Objects;

/**
 * One open WebSocket connection as the hub sees it: an identity, a display name and its
 * {@link Outbox}. Identity is by object; two tabs of one user are two connections.
 *
 * <p>{@code person} tells people apart where names alone cannot (see {@link io.wschat.security.Identity}):
 * connections with one name and one person are tabs of one member; a different person asking for a
 * taken name gets a suffix (see {@link io.wschat.layer.ChannelLayer#joinRoom}).
 */
public final class Connection {

    private final String id;
    private final String person;
    private final String clientAddress;
    private final Outbox outbox;
    private volatile String name;
    private volatile long lastPongNanos;
    private boolean ended; // guarded by this: see end()
    private volatile Runnable cleanUp; // the endpoint's onClose work: see lost()

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

    /**
     * Marks the connection as ended (its endpoint's onClose is running): it joins nothing from now
     * on. Joins hold this connection's monitor ({@link Registry#joinRoom}), so this waits for a join
     * in progress, and the leave that follows undoes it whole.
     *
     * <p>Why: onClose can run on another thread while onOpen is still joining, when the connection's
     * outbox closes the session because a write failed (the client vanished right after connecting).
     */
    public synchronized void end() {
        ended = true;
    }

    synchronized boolean hasEnded() {
        return ended;
    }

    /** Sets the endpoint's clean-up, which {@link #lost()} runs when the container never reports the close (the endpoint makes it run once). */
    public void whenLost(Runnable cleanUp) {
        this.cleanUp = cleanUp;
    }

    /**
     * Runs the endpoint's clean-up for a connection this server has closed and whose endpoint has not
     * been told ({@link #end()} has not run): by {@link OpeningPing} a pong timeout after its close, by
     * the {@link Heartbeat} for one found closed and overdue on its pongs.
     *
     * <p>Why: a container can lose a connection's end while it is being opened (Tyrus in Payara, see
     * {@link OpeningPing}) and then never call {@code onClose}, even for a close this server asked for.
     * Without this the connection would stay registered, a ghost in rooms, {@code /health} and the
     * limits, for the server's lifetime.
     */
    void lost() {
        Runnable work = cleanUp;
        if (work != null && !hasEnded()) {
            work.run();
        }
    }

    /** As presence knows this connection. */
    public Member asMember() {
        return new Member(id, name, person);
    }

    /** Only the hub renames: as a room's snapshot or the layer says. */
    void rename(String newName) {
        this.name = Objects.requireNonNull(newName);
    }

    /** Queues a frame and starts sending it; false if the connection is closing or was just closed as a slow consumer. */
    public boolean send(Frame frame) {
        return outbox.offer(frame);
    }

    /** Queues a frame without sending: for a group that queues under its lock and {@link #flush}es after. */
    boolean enqueue(Frame frame) {
        return outbox.enqueue(frame);
    }

    /** Sends what is queued (if no send is in flight); never call it with a hub lock held. */
    void flush() {
        outbox.flush();
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

    /** Closes as a slow consumer: it could not take in what it was sent. */
    void overflow() {
        outbox.closeAsSlowConsumer();
    }

    /** Drops whatever is queued and closes now: for a peer that is no longer reading. */
    public void abort(CloseReason reason) {
        outbox.closeNow(reason);
    }

    public boolean isOpen() {
        return !outbox.isClosed();
    }

    /** Bytes queued and not yet written (for {@code /metrics}). */
    public long queuedBytes() {
        return outbox.queuedBytes();
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", " + name + "]";
    }
}
