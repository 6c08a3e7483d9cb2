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
    // Guarded by this, which is held only to read or change them: see end().
    private boolean ended;
    private int joins; // joins in progress
    private Runnable afterJoins; // the leave end() left to the last join in progress
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
     * Ends the connection: it joins nothing from now on, and {@code leave} (undoing its joins) runs once
     * every join in progress has finished: at once on this thread if none is, otherwise on the joining
     * thread as that join finishes. Either way a join is undone whole, and nothing waits.
     *
     * <p>Why not wait for the join instead: {@code onClose} can run on another thread while {@code onOpen}
     * is still joining (a client that left right after connecting), often on a container thread that
     * holds the container's own locks of that session, and a join can take a round trip to Redis. A
     * thread that waited here would hold those meanwhile, and so would the heartbeat, which runs the
     * clean-up of connections the container never reports.
     */
    public void end(Runnable leave) {
        synchronized (this) {
            ended = true;
            if (joins > 0) {
                afterJoins = leave;
                return;
            }
        }
        leave.run();
    }

    /** Starts a join; false if the connection has ended, which must then join nothing. Pair with {@link #finishJoin()}. */
    synchronized boolean startJoin() {
        if (ended) {
            return false;
        }
        joins++;
        return true;
    }

    /** Finishes a join; if the connection ended meanwhile, runs what {@link #end} left to it (here, with no lock held). */
    void finishJoin() {
        Runnable leave;
        synchronized (this) {
            joins--;
            if (joins > 0 || afterJoins == null) {
                return;
            }
            leave = afterJoins;
            afterJoins = null;
        }
        leave.run();
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
     * been told ({@link #end} has not run): by {@link OpeningPing} a pong timeout after its close, by
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

    /** Sends what was queued while it opened, and lets the hub send from now on (see {@link Outbox#startSending}). */
    public void startSending() {
        outbox.startSending();
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
