package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.protocol.Frame;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The outbox's rules over a fake transport that records what is written and completes sends when
 * told (or at once): one send at a time, in order; the byte bound and the slow-consumer close; closes
 * after a flush or at once; pings behind what is queued; a failed write closes.
 */
class OutboxTest {

    /** Records what the outbox writes; completes a send when told, or at once if {@code inline}. */
    static final class FakeTransport implements Outbox.Transport {
        final List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>(); // read by tests while a scheduler writes
        final Deque<SendHandler> inFlight = new ArrayDeque<>();
        final List<String> pings = new ArrayList<>();
        CloseReason closedWith;
        boolean inline;
        int depth;
        int maxDepth;

        @Override
        public void sendText(String text, SendHandler done) {
            written.add(text);
            if (inline) {
                depth++;
                maxDepth = Math.max(maxDepth, depth);
                done.onResult(new SendResult());
                depth--;
            } else {
                inFlight.add(done);
            }
        }

        @Override
        public void sendPing(ByteBuffer payload) {
            pings.add("ping after " + written.size());
        }

        @Override
        public void close(CloseReason reason) {
            closedWith = reason;
        }

        @Override
        public boolean isOpen() {
            return closedWith == null;
        }

        /** Completes the oldest send in flight. */
        void complete() {
            inFlight.removeFirst().onResult(new SendResult());
        }

        void fail() {
            inFlight.removeFirst().onResult(new SendResult(new IOException("connection reset")));
        }
    }

    static final Executor DIRECT = Runnable::run;

    private final FakeTransport transport = new FakeTransport();
    private final AtomicInteger slowConsumers = new AtomicInteger();
    private final List<Integer> sentBytes = new ArrayList<>();
    private final List<Integer> sentMessages = new ArrayList<>();

    private Outbox outbox(long limitBytes) {
        return outbox(limitBytes, 0);
    }

    /** An outbox as it is once its connection has opened (see {@link Outbox#startSending}). */
    private Outbox outbox(long limitBytes, int joinBytes) {
        Outbox outbox = new Outbox(transport, limitBytes, joinBytes, DIRECT, DIRECT, slowConsumers::incrementAndGet,
                (messages, bytes, nanos) -> {
                    sentMessages.add(messages);
                    sentBytes.add(bytes);
                });
        outbox.startSending();
        return outbox;
    }

    @Test
    void nothingIsWrittenUntilTheOpeningThreadStartsSendingThenEverythingQueuedGoesOutInOrder() {
        transport.inline = true;
        Outbox outbox = new Outbox(transport, 1_000, 0, DIRECT, DIRECT, () -> { }, (m, b, n) -> { });
        assertTrue(outbox.offer(Frame.of("welcome")), "queued while opening");
        assertTrue(outbox.offer(Frame.of("a message to the room")), "another thread's delivery");
        outbox.offerPing();
        assertEquals(List.of(), transport.written, "nothing written while the connection opens");
        assertEquals(List.of(), transport.pings);
        outbox.startSending();
        assertEquals(List.of("welcome", "a message to the room"), transport.written);
        assertEquals(List.of("ping after 2"), transport.pings);
        assertTrue(outbox.offer(Frame.of("later")));
        assertEquals(List.of("welcome", "a message to the room", "later"), transport.written, "then sent as queued");
    }

    @Test
    void framesAreWrittenInOrderWithOneSendInFlightAtATime() {
        Outbox outbox = outbox(1_000);
        assertTrue(outbox.offer(Frame.of("a")));
        assertTrue(outbox.offer(Frame.of("b")));
        assertTrue(outbox.offer(Frame.of("c")));
        assertEquals(List.of("a"), transport.written, "the next waits for the one in flight");
        transport.complete();
        assertEquals(List.of("a", "b"), transport.written);
        transport.complete();
        transport.complete();
        assertEquals(List.of("a", "b", "c"), transport.written);
        assertEquals(0, outbox.queuedBytes());
        assertEquals(List.of(1, 1, 1), sentBytes, "each write is reported with its size");
    }

    @Test
    void sendsThatCompleteOnTheCallersThreadDoNotRecurse() {
        transport.inline = true;
        Outbox outbox = outbox(1_000_000);
        for (int i = 0; i < 10_000; i++) {
            outbox.offer(Frame.of("m" + i));
        }
        assertEquals(10_000, transport.written.size());
        assertEquals(1, transport.maxDepth, "each completion hands back to the loop instead of sending from inside it");
    }

    @Test
    void aQueuePastItsByteLimitIsClosedAsASlowConsumerAndDropped() {
        Outbox outbox = outbox(10);
        assertTrue(outbox.offer(Frame.of("12345")), "in flight");
        assertTrue(outbox.offer(Frame.of("12345")), "queued: 10 bytes, at the limit");
        assertFalse(outbox.offer(Frame.of("1")), "past it");
        assertEquals(1, slowConsumers.get());
        assertEquals(CloseReason.CloseCodes.VIOLATED_POLICY, transport.closedWith.getCloseCode());
        assertEquals("slow consumer", transport.closedWith.getReasonPhrase());
        transport.complete();
        assertEquals(List.of("12345"), transport.written, "what was queued is dropped");
        assertFalse(outbox.offer(Frame.of("x")), "a closed outbox takes nothing");
        assertEquals(1, slowConsumers.get(), "counted once");
    }

    @Test
    void oneFrameLargerThanTheLimitIsStillAcceptedIntoAnEmptyQueue() {
        Outbox outbox = outbox(10);
        assertTrue(outbox.offer(Frame.of("x".repeat(100))));
        assertNull(transport.closedWith);
    }

    @Test
    void closeAfterFlushWritesWhatWasQueuedFirst() {
        Outbox outbox = outbox(1_000);
        outbox.offer(Frame.of("a"));
        outbox.offer(Frame.of("b"));
        outbox.closeAfterFlush(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "done"));
        assertNull(transport.closedWith);
        transport.complete();
        assertNull(transport.closedWith, "b is still to go");
        transport.complete();
        assertEquals("done", transport.closedWith.getReasonPhrase());
        assertEquals(List.of("a", "b"), transport.written);
    }

    @Test
    void closeNowDropsWhatIsQueued() {
        Outbox outbox = outbox(1_000);
        outbox.offer(Frame.of("a"));
        outbox.offer(Frame.of("b"));
        outbox.closeNow(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "bye"));
        assertEquals("bye", transport.closedWith.getReasonPhrase());
        transport.complete();
        assertEquals(List.of("a"), transport.written);
        assertTrue(outbox.isClosed());
    }

    @Test
    void aFailedWriteClosesTheSessionAndTheOutbox() {
        Outbox outbox = outbox(1_000);
        outbox.offer(Frame.of("a"));
        outbox.offer(Frame.of("b"));
        transport.fail();
        assertEquals(CloseReason.CloseCodes.CLOSED_ABNORMALLY, transport.closedWith.getCloseCode());
        assertEquals(List.of("a"), transport.written);
        assertFalse(outbox.offer(Frame.of("c")));
        assertEquals(0, outbox.queuedBytes());
    }

    @Test
    void aPingGoesBehindWhatIsQueuedAndIsNotQueuedTwice() {
        Outbox outbox = outbox(1_000);
        outbox.offer(Frame.of("a"));
        outbox.offerPing();
        outbox.offerPing();
        assertEquals(List.of(), transport.pings, "behind the frame in flight");
        transport.complete();
        assertEquals(List.of("ping after 1"), transport.pings, "one ping, after the frame");
        outbox.offerPing();
        assertEquals(2, transport.pings.size(), "the next interval's ping goes out");
    }

    @Test
    void withJoiningFramesQueuedBehindTheOneInFlightGoOutAsOneOnALineEach() {
        Outbox outbox = outbox(1_000, 100);
        outbox.offer(Frame.of("a"));
        outbox.offer(Frame.of("b"));
        outbox.offer(Frame.of("c"));
        outbox.offer(Frame.of("dé"));
        assertEquals(List.of("a"), transport.written, "nothing waits to be joined: the first goes at once");
        transport.complete();
        assertEquals(List.of("a", "b\nc\ndé"), transport.written);
        transport.complete();
        assertEquals(List.of(1, 3), sentMessages, "a write reports the messages in it");
        assertEquals(List.of(1, 7), sentBytes, "and its UTF-8 size, newlines included");
        assertEquals(0, outbox.queuedBytes(), "the newlines were never counted as queued");
    }

    @Test
    void withoutJoiningEveryFrameIsAWriteOfItsOwn() {
        Outbox outbox = outbox(1_000, 0);
        outbox.offer(Frame.of("a"));
        outbox.offer(Frame.of("b"));
        outbox.offer(Frame.of("c"));
        transport.complete();
        transport.complete();
        assertEquals(List.of("a", "b", "c"), transport.written);
    }

    @Test
    void joiningStopsAtTheByteBoundAndAFrameLargerThanItGoesAlone() {
        Outbox outbox = outbox(1_000, 5);
        outbox.offer(Frame.of("a"));
        outbox.offer(Frame.of("bb"));
        outbox.offer(Frame.of("cc")); // "bb\ncc" is 5 bytes: joins
        outbox.offer(Frame.of("dd")); // one more would be 8
        outbox.offer(Frame.of("eeeeeeee"));
        outbox.offer(Frame.of("f"));
        for (int i = 0; i < 5; i++) {
            transport.complete();
        }
        assertEquals(List.of("a", "bb\ncc", "dd", "eeeeeeee", "f"), transport.written);
        assertEquals(0, outbox.queuedBytes());
    }

    @Test
    void joiningStopsAtAPingAndAtAClose() {
        Outbox outbox = outbox(1_000, 100);
        outbox.offer(Frame.of("a"));
        outbox.offer(Frame.of("b"));
        outbox.offerPing();
        outbox.offer(Frame.of("c"));
        outbox.offer(Frame.of("d"));
        outbox.closeAfterFlush(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "done"));
        outbox.offer(Frame.of("e"));
        transport.complete();
        assertEquals(List.of("a", "b"), transport.written, "b alone: the ping is next");
        transport.complete();
        assertEquals(List.of("ping after 2"), transport.pings);
        assertNull(transport.closedWith, "c and d are in flight");
        transport.complete();
        assertEquals(List.of("a", "b", "c\nd"), transport.written);
        assertEquals("done", transport.closedWith.getReasonPhrase(), "the close after what was queued before it");
    }

    @Test
    void aFailedJoinedWriteLeavesNothingCountedAsQueued() {
        Outbox outbox = outbox(1_000, 3);
        outbox.offer(Frame.of("a"));
        outbox.offer(Frame.of("b"));
        outbox.offer(Frame.of("c"));
        outbox.offer(Frame.of("dd")); // taken off the queue while joining b and c, held for the next write
        transport.complete();
        assertEquals(List.of("a", "b\nc"), transport.written);
        transport.fail();
        assertEquals(CloseReason.CloseCodes.CLOSED_ABNORMALLY, transport.closedWith.getCloseCode());
        assertEquals(0, outbox.queuedBytes(), "the held frame's bytes are let go too");
    }
}
