package io.wschat.hub;

import io.wschat.protocol.Frame;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one way anything is written to a connection: a queue bounded in bytes, drained in order by at
 * most one asynchronous send at a time.
 *
 * <p>Why: a {@link Session} must never be written from two threads at once (Tomcat fails with
 * {@code TEXT_FULL_WRITING}), and whoever delivers a message (another client's reader thread, the
 * push API) must never wait on this client's socket. Delivering is two steps: {@link #enqueue}
 * only queues, so a room can queue a message to all its members under its lock; {@link #flush}
 * starts sending if no send is in flight, and is called with no lock held (a container may close the
 * session from inside a failed send, on the sending thread, and run the endpoint's clean-up, which
 * takes the hub's locks). The completion of each send starts the next. Nothing at all is sent until
 * the thread opening the connection calls {@link #startSending} (see there).
 *
 * <p>When a reader stops reading, its queue grows. Past {@code limitBytes} the connection is a slow
 * consumer: its queue is dropped and it is closed with 1008 "slow consumer", so it costs the others
 * nothing more. Closing can block on a dead socket, so it happens on the {@code closer} executor.
 *
 * <p>Pings go through the same queue ({@link #offerPing}), so the heartbeat never writes to a session
 * while a message is being sent. The WebSocket API has no asynchronous ping, so the ping itself is
 * sent on the {@code control} executor, never on the thread that happened to drain the queue.
 *
 * <p>A connection that opted into batching (the {@code wschat.batch} subprotocol) has every frame
 * waiting behind the one in flight joined into one text frame, a newline between messages, up to
 * {@code joinBytes}: under load a receiver gets several messages per write instead of one write (and,
 * on Tomcat, one thread hand-off) each. Nothing waits to be joined: a frame goes out as soon as the
 * send before it completes, with whatever queued up meanwhile.
 */
public final class Outbox {

    static final CloseReason SLOW_CONSUMER =
            new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "slow consumer");

    static final CloseReason WRITE_FAILED =
            new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "write failed");

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private static final ByteBuffer PING_PAYLOAD = ByteBuffer.wrap("wschat".getBytes(StandardCharsets.US_ASCII));

    // The outbox's flags and byte count are fields of its own, updated through VarHandles rather than
    // atomic objects: with tens of thousands of connections, four objects less per connection count.
    private static final VarHandle SENDING;
    private static final VarHandle CLOSED;
    private static final VarHandle PING_QUEUED;
    private static final VarHandle QUEUED_BYTES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SENDING = lookup.findVarHandle(Outbox.class, "sending", boolean.class);
            CLOSED = lookup.findVarHandle(Outbox.class, "closed", boolean.class);
            PING_QUEUED = lookup.findVarHandle(Outbox.class, "pingQueued", boolean.class);
            QUEUED_BYTES = lookup.findVarHandle(Outbox.class, "queuedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Transport transport;
    private final long limitBytes;
    private final int joinBytes;
    private final Executor closer;
    private final Executor control;
    private final Runnable onSlowConsumer;
    private final Sent onSent;
    private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
    // Through SENDING: whoever holds it drains the queue until it clears it. Held from the start by the
    // thread opening the connection, until startSending(): see there.
    @SuppressWarnings("unused")
    private volatile boolean sending = true;
    @SuppressWarnings("unused") // through CLOSED
    private volatile boolean closed;
    @SuppressWarnings("unused") // through PING_QUEUED
    private volatile boolean pingQueued;
    @SuppressWarnings("unused") // through QUEUED_BYTES
    private volatile long queuedBytes;
    // An item taken off the queue while joining that did not join (a ping, a close, a frame that did
    // not fit): sent next. Only the thread owning sending touches it; the hand-offs of sending (the
    // write's phase, the executors) order it between threads.
    private Item held;

    /** A queued frame, a ping (both null), or (frame null) the close that follows everything queued before it. */
    private record Item(Frame frame, CloseReason close) {
        static final Item PING = new Item(null, null);
    }

    /** Told of every frame written (for {@code /metrics}): the messages in it, its size and how long the write took. */
    @FunctionalInterface
    public interface Sent {
        void sent(int messages, int bytes, long nanos);
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

    /**
     * @param limitBytes past this many bytes queued the connection is a slow consumer
     * @param joinBytes  the most UTF-8 bytes of messages joined into one frame; 0: one message per frame
     */
    public Outbox(Transport transport, long limitBytes, int joinBytes, Executor closer, Executor control,
            Runnable onSlowConsumer, Sent onSent) {
        this.transport = transport;
        this.limitBytes = limitBytes;
        this.joinBytes = joinBytes;
        this.closer = closer;
        this.control = control;
        this.onSlowConsumer = onSlowConsumer;
        this.onSent = onSent;
    }

    /** Queues a ping, unless one is still waiting to go out (a stuck connection does not collect pings). */
    public void offerPing() {
        if (!isClosed() && PING_QUEUED.compareAndSet(this, false, true)) {
            queue.add(Item.PING);
            flush();
        }
    }

    /** Queues a frame and starts sending: {@link #enqueue} then {@link #flush}. */
    public boolean offer(Frame frame) {
        boolean queued = enqueue(frame);
        flush();
        return queued;
    }

    /**
     * Queues a frame without sending anything: call {@link #flush} afterwards, with no lock held.
     * Returns false when it was not accepted: the connection is closing, or this frame pushed the
     * queue past its limit, in which case the connection is closed as a slow consumer. A single frame
     * larger than the limit is still accepted into an empty queue.
     */
    public boolean enqueue(Frame frame) {
        if (isClosed()) {
            return false;
        }
        long after = (long) QUEUED_BYTES.getAndAdd(this, (long) frame.bytes()) + frame.bytes();
        if (after > limitBytes && after != frame.bytes()) {
            QUEUED_BYTES.getAndAdd(this, (long) -frame.bytes());
            closeAsSlowConsumer();
            return false;
        }
        queue.add(new Item(frame, null));
        return true;
    }

    /**
     * Sends what was queued while the connection opened, on this thread, and from then on lets whoever
     * queues send. Call once, from {@code onOpen}, when nothing in it can fail any more.
     *
     * <p>Why: until then nothing is written, by any thread. Tyrus in Payara (Grizzly) has two races with
     * writes made while {@code onOpen} runs: from another thread (a message to the room, arriving
     * just after the join), the frame can go out mangled with the handshake's 101 or not at all; and
     * from {@code onOpen}'s own thread, a write that fails can stop that thread for good (see
     * {@link Registry#joinRoom}), so the hub must be ready to close and clean up the connection first.
     */
    public void startSending() {
        drain();
    }

    /** Starts draining the queue on this thread, unless a send is already in flight (its completion goes on). */
    public void flush() {
        if (!queue.isEmpty() && SENDING.compareAndSet(this, false, true)) {
            drain();
        }
    }

    /** Closes once every frame queued so far has been written. */
    public void closeAfterFlush(CloseReason reason) {
        if (!isClosed()) {
            queue.add(new Item(null, reason));
            flush();
        }
    }

    /** Drops whatever is queued and closes now. */
    public void closeNow(CloseReason reason) {
        if (CLOSED.compareAndSet(this, false, true)) {
            dropQueued();
            closeSession(reason);
        }
    }

    public boolean isClosed() {
        return (boolean) CLOSED.getVolatile(this);
    }

    public long queuedBytes() {
        return (long) QUEUED_BYTES.getVolatile(this);
    }

    /** Drops whatever is queued and closes with 1008 "slow consumer", counting it. */
    public void closeAsSlowConsumer() {
        if (CLOSED.compareAndSet(this, false, true)) {
            dropQueued();
            onSlowConsumer.run();
            closeSession(SLOW_CONSUMER);
        }
    }

    /** Drops whatever is queued, taking its bytes off the count. */
    private void dropQueued() {
        for (Item item; (item = queue.poll()) != null; ) {
            if (item.frame() != null) {
                QUEUED_BYTES.getAndAdd(this, (long) -item.frame().bytes());
            }
        }
    }

    /**
     * Sends what is queued, one frame at a time, while sends complete on this thread. Runs only while
     * this thread owns {@code sending}; hands it on to a send that completes later (its completion
     * drains on), or to the ping task, or gives it up when the queue is empty.
     */
    private void drain() {
        while (true) {
            Item next = held != null ? held : queue.poll();
            held = null;
            if (next == null) {
                SENDING.setVolatile(this, false);
                // Something queued between the poll and the release would wait for the next flush: look again.
                if (queue.isEmpty() || !SENDING.compareAndSet(this, false, true)) {
                    return;
                }
                continue;
            }
            if (next.close() != null) {
                closeNow(next.close()); // keeps sending set: nothing may follow a close
                return;
            }
            if (isClosed()) {
                if (next.frame() != null) {
                    QUEUED_BYTES.getAndAdd(this, (long) -next.frame().bytes()); // taken before the close dropped the rest
                }
                SENDING.setVolatile(this, false);
                return;
            }
            if (next == Item.PING) {
                ping();
                return;
            }
            Write write = joinBytes > 0 ? joinedFrom(next.frame()) : new Write(next.frame().text(), next.frame().bytes(), 1);
            try {
                transport.sendText(write.text, write);
            } catch (RuntimeException e) {
                write.onResult(new SendResult(e));
            }
            if (write.returned()) {
                return; // completes later: its completion drains on
            }
        }
    }

    /**
     * One write of {@code first} and the frames queued right behind it, joined with newlines while they
     * fit in {@code joinBytes}. The first item that does not join is held for the next write.
     */
    private Write joinedFrom(Frame first) {
        Item after = queue.poll();
        if (!joins(after, first.bytes())) {
            held = after;
            return new Write(first.text(), first.bytes(), 1);
        }
        StringBuilder text = new StringBuilder(first.text());
        int bytes = first.bytes();
        int messages = 1;
        do {
            text.append('\n').append(after.frame().text());
            bytes += 1 + after.frame().bytes();
            messages++;
            after = queue.poll();
        } while (joins(after, bytes));
        held = after;
        return new Write(text.toString(), bytes, messages);
    }

    private boolean joins(Item item, int bytesSoFar) {
        return item != null && item.frame() != null && bytesSoFar + 1 + item.frame().bytes() <= joinBytes;
    }

    /**
     * One write: a frame, or several joined. Whichever comes second, the completion or the return from
     * {@code sendText}, carries on draining; so a send that completes inline does not recurse, and one
     * that completes later on another thread is picked up there. No thread-local state is needed.
     */
    private final class Write implements SendHandler {

        private static final VarHandle PHASE;
        private static final int PENDING = 0;
        private static final int RETURNED = 1;
        private static final int DONE = 2;

        static {
            try {
                PHASE = MethodHandles.lookup().findVarHandle(Write.class, "phase", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final String text;
        final int bytes; // the text's UTF-8 size: its messages' queued bytes and the newlines between them
        final int messages;
        final long startedNanos = System.nanoTime();
        @SuppressWarnings("unused") // through PHASE
        private volatile int phase;

        Write(String text, int bytes, int messages) {
            this.text = text;
            this.bytes = bytes;
            this.messages = messages;
        }

        /** Called by the drain after sendText returned: true if the completion has not come yet (it drains on). */
        boolean returned() {
            return PHASE.compareAndSet(this, PENDING, RETURNED);
        }

        @Override
        public void onResult(SendResult result) {
            if (!written(this, result)) {
                return;
            }
            if (!PHASE.compareAndSet(this, PENDING, DONE)) {
                drain(); // sendText returned long ago: carry on here
            }
        }
    }

    private void ping() {
        Runnable ping = () -> {
            PING_QUEUED.setVolatile(this, false);
            try {
                transport.sendPing(PING_PAYLOAD.duplicate());
            } catch (IOException | RuntimeException e) {
                // A peer that cannot take a ping is gone; the heartbeat closes it when its pong is overdue.
                LOG.log(Level.FINE, "ping failed", e);
            }
            drain(); // still owning sending
        };
        try {
            control.execute(ping);
        } catch (RejectedExecutionException e) {
            PING_QUEUED.setVolatile(this, false);
            SENDING.setVolatile(this, false); // shutting down: no more pings
        }
    }

    /** Accounts for a finished write; false (and the connection closed) if it failed. */
    private boolean written(Write write, SendResult result) {
        // The newlines that joined its messages were never counted as queued.
        QUEUED_BYTES.getAndAdd(this, (long) -(write.bytes - (write.messages - 1)));
        if (!result.isOK()) {
            // The socket is gone. Tomcat closes the socket after a failed write but leaves the session
            // open and never calls onClose, so the registry would keep this connection for ever:
            // closing the session ourselves makes the container run the endpoint's clean-up.
            LOG.log(Level.FINE, "send failed, closing", result.getException());
            CLOSED.setVolatile(this, true);
            if (held != null && held.frame() != null) {
                QUEUED_BYTES.getAndAdd(this, (long) -held.frame().bytes());
            }
            held = null;
            dropQueued();
            closeSession(WRITE_FAILED);
            return false;
        }
        onSent.sent(write.messages, write.bytes, System.nanoTime() - write.startedNanos);
        return true;
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
