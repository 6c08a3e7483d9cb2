package io.wschat.hub;

import io.wschat.protocol.Frame;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one way anything is written to a connection: a queue bounded in bytes, drained in order by at
 * most one asynchronous send at a time.
 *
 * <p>Why: a {@link Session} must never be written from two threads at once (Tomcat fails with
 * {@code TEXT_FULL_WRITING}), and whoever delivers a message (another client's reader thread, the
 * push API) must never wait on this client's socket. {@link #offer} only enqueues and, if no send is
 * in flight, starts one; the completion of each send starts the next.
 *
 * <p>When a reader stops reading, its queue grows. Past {@code limitBytes} the connection is a slow
 * consumer: its queue is dropped and it is closed with 1008 "slow consumer", so it costs the others
 * nothing more. Closing can block on a dead socket, so it happens on the {@code closer} executor.
 *
 * <p>Pings go through the same queue ({@link #offerPing}), so the heartbeat never writes to a session
 * while a message is being sent. The WebSocket API has no asynchronous ping, so the ping itself is
 * sent on the {@code control} executor, never on the thread that happened to pump the queue.
 */
public final class Outbox {

    static final CloseReason SLOW_CONSUMER =
            new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "slow consumer");

    static final CloseReason WRITE_FAILED =
            new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "write failed");

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    /** Set while this thread is inside {@link #pump}: a send that completes inline must not recurse. */
    private static final ThreadLocal<Outbox> PUMPING = new ThreadLocal<>();

    private final Transport transport;
    private final long limitBytes;
    private final Executor closer;
    private final Executor control;
    private final Runnable onSlowConsumer;
    private final Sent onSent;
    private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean pingQueued = new AtomicBoolean();

    private static final ByteBuffer PING_PAYLOAD = ByteBuffer.wrap("wschat".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    /** A queued frame, a ping (both null), or (frame null) the close that follows everything queued before it. */
    private record Item(Frame frame, CloseReason close) {
        static final Item PING = new Item(null, null);
    }

    /** Told of every frame written (for {@code /metrics}): its size and how long the write took. */
    @FunctionalInterface
    public interface Sent {
        void sent(int bytes, long nanos);
    }

    /**
     * What an outbox writes to: a WebSocket session ({@link #of(Session)}), or a fake one in unit tests.
     */
    public interface Transport {
        /** Starts an asynchronous text send; {@code done} is told when it completes, maybe on this thread. */
        void sendText(String text, SendHandler done);

        /** Sends a ping. The WebSocket API has no asynchronous ping: this may block while the socket is full. */
        void sendPing(ByteBuffer payload) throws IOException;

        void close(CloseReason reason) throws IOException;

        boolean isOpen();

        static Transport of(Session session) {
            RemoteEndpoint.Async remote = session.getAsyncRemote();
            return new Transport() {
                @Override
                public void sendText(String text, SendHandler done) {
                    remote.sendText(text, done);
                }

                @Override
                public void sendPing(ByteBuffer payload) throws IOException {
                    remote.sendPing(payload);
                }

                @Override
                public void close(CloseReason reason) throws IOException {
                    session.close(reason);
                }

                @Override
                public boolean isOpen() {
                    return session.isOpen();
                }
            };
        }
    }

    public Outbox(Transport transport, long limitBytes, Executor closer, Executor control, Runnable onSlowConsumer,
            Sent onSent) {
        this.transport = transport;
        this.limitBytes = limitBytes;
        this.closer = closer;
        this.control = control;
        this.onSlowConsumer = onSlowConsumer;
        this.onSent = onSent;
    }

    /** Queues a ping, unless one is still waiting to go out (a stuck connection does not collect pings). */
    public void offerPing() {
        if (!closed.get() && pingQueued.compareAndSet(false, true)) {
            queue.add(Item.PING);
            pump();
        }
    }

    /**
     * Queues a frame. Returns false when it was not accepted: the connection is closing, or this
     * frame pushed the queue past its limit, in which case the connection is closed as a slow consumer.
     * A single frame larger than the limit is still accepted into an empty queue.
     */
    public boolean offer(Frame frame) {
        if (closed.get()) {
            return false;
        }
        long after = queuedBytes.addAndGet(frame.bytes());
        if (after > limitBytes && after != frame.bytes()) {
            queuedBytes.addAndGet(-frame.bytes());
            closeAsSlowConsumer();
            return false;
        }
        queue.add(new Item(frame, null));
        pump();
        return true;
    }

    /** Closes once every frame queued so far has been written. */
    public void closeAfterFlush(CloseReason reason) {
        if (!closed.get()) {
            queue.add(new Item(null, reason));
            pump();
        }
    }

    /** Drops whatever is queued and closes now. */
    public void closeNow(CloseReason reason) {
        if (closed.compareAndSet(false, true)) {
            dropQueued();
            closeSession(reason);
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Whether this thread is inside an outbox's send. Tyrus (Payara) may find a socket dead inside the
     * send call itself and close that session there, running its endpoint's {@code onClose} on this
     * thread while the caller, delivering to a room, still holds the room's lock.
     */
    public static boolean sendingOnThisThread() {
        return PUMPING.get() != null;
    }

    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** Drops whatever is queued and closes with 1008 "slow consumer", counting it. */
    public void closeAsSlowConsumer() {
        if (closed.compareAndSet(false, true)) {
            dropQueued();
            onSlowConsumer.run();
            closeSession(SLOW_CONSUMER);
        }
    }

    /** Drops whatever is queued, taking its bytes off the count. */
    private void dropQueued() {
        for (Item item; (item = queue.poll()) != null; ) {
            if (item.frame() != null) {
                queuedBytes.addAndGet(-item.frame().bytes());
            }
        }
    }

    private void pump() {
        if (PUMPING.get() == this) {
            return; // called from a send that completed inline: the loop below carries on
        }
        Outbox outer = PUMPING.get();
        PUMPING.set(this);
        try {
            while (!queue.isEmpty() && sending.compareAndSet(false, true)) {
                Item next = queue.poll();
                if (next == null) {
                    sending.set(false);
                } else if (next.frame() == null && next.close() != null) {
                    closeNow(next.close()); // leaves sending set: nothing may follow a close
                } else if (closed.get()) {
                    sending.set(false);
                } else if (next == Item.PING) {
                    ping();
                } else {
                    send(next.frame());
                }
            }
        } finally {
            PUMPING.set(outer);
        }
    }

    private void send(Frame frame) {
        long started = System.nanoTime();
        try {
            transport.sendText(frame.text(), result -> sent(frame, result, started));
        } catch (RuntimeException e) {
            sent(frame, new SendResult(e), started);
        }
    }

    private void ping() {
        Runnable ping = () -> {
            pingQueued.set(false);
            try {
                transport.sendPing(PING_PAYLOAD.duplicate());
            } catch (IOException | RuntimeException e) {
                // A peer that cannot take a ping is gone; the heartbeat closes it when its pong is overdue.
                LOG.log(Level.FINE, "ping failed", e);
            }
            sending.set(false);
            pump();
        };
        try {
            control.execute(ping);
        } catch (RejectedExecutionException e) {
            pingQueued.set(false);
            sending.set(false); // shutting down: no more pings
        }
    }

    private void sent(Frame frame, SendResult result, long startedNanos) {
        queuedBytes.addAndGet(-frame.bytes());
        if (result.isOK()) {
            onSent.sent(frame.bytes(), System.nanoTime() - startedNanos);
        }
        if (!result.isOK()) {
            // The socket is gone. Tomcat closes the socket after a failed write but leaves the session
            // open and never calls onClose, so the registry would keep this connection for ever:
            // closing the session ourselves makes the container run the endpoint's clean-up.
            LOG.log(Level.FINE, "send failed, closing", result.getException());
            closed.set(true);
            dropQueued();
            sending.set(false);
            closeSession(WRITE_FAILED);
            return;
        }
        sending.set(false);
        pump();
    }

    private void closeSession(CloseReason reason) {
        Runnable close = () -> {
            try {
                if (transport.isOpen()) {
                    transport.close(reason);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "close failed", e);
            }
        };
        try {
            closer.execute(close);
        } catch (RejectedExecutionException e) {
            close.run(); // the server is shutting down: close on this thread rather than not at all
        }
    }
}
