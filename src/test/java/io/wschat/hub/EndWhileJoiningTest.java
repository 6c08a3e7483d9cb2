package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.layer.InMemoryChannelLayer;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection that ends while it is joining ({@code onClose} on another thread while {@code onOpen}
 * is still in {@link Registry#joinRoom}): ending never waits for the join, and the join is undone whole
 * once it has finished, on the joining thread.
 *
 * <p>Why it matters: the join writes the welcome, and a container's write can hold that session's locks
 * while it waits; the container's {@code onClose} runs under the same locks. A clean-up that waited for
 * the join there could wait for ever.
 */
class EndWhileJoiningTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService joiner = Executors.newSingleThreadExecutor();
    private final InMemoryChannelLayer layer = new InMemoryChannelLayer(10, 10, 60, 10, 300, 100, System::nanoTime);
    private final Registry registry = new Registry(layer, 1 << 20, 100, scheduler);

    @AfterEach
    void stop() {
        joiner.shutdownNow();
        scheduler.shutdownNow();
        layer.close();
    }

    /** A session whose first write waits until {@link #release()}, as a container's write can. */
    private static final class StuckWrite implements Outbox.Transport {
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);

        @Override
        public void sendText(String text, SendHandler done) {
            writing.countDown();
            try {
                released.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.onResult(new SendResult());
        }

        void release() {
            released.countDown();
        }

        @Override
        public void sendPing(ByteBuffer payload) {
        }

        @Override
        public void close(CloseReason reason) {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    private Connection connection(Outbox.Transport transport) {
        Outbox outbox = new Outbox(transport, 1 << 20, 0, OutboxTest.DIRECT, OutboxTest.DIRECT, () -> { },
                (messages, bytes, nanos) -> { });
        Connection c = new Connection("c1", "ann", "ann", "127.0.0.1", outbox, System.nanoTime());
        registry.register(c);
        return c;
    }

    /** What the endpoint's clean-up does once the connection has ended: leave, unregister. */
    private Runnable leave(Connection c, AtomicReference<Thread> leftOn) {
        return () -> {
            leftOn.set(Thread.currentThread());
            registry.leaveRoom("lobby", c);
            registry.unregister(c);
        };
    }

    @Test
    void endingWhileTheJoinIsStuckInAWriteReturnsAtOnceAndTheJoiningThreadUndoesTheJoinWhenItFinishes()
            throws Exception {
        layer.start(registry);
        StuckWrite transport = new StuckWrite();
        Connection c = connection(transport);
        AtomicReference<Thread> joinedOn = new AtomicReference<>();
        Future<?> joining = joiner.submit(() -> {
            joinedOn.set(Thread.currentThread());
            registry.joinRoom("lobby", c, null);
            return null;
        });
        assertTrue(transport.writing.await(5, TimeUnit.SECONDS), "the join is writing the welcome");

        AtomicReference<Thread> leftOn = new AtomicReference<>();
        Thread ending = new Thread(() -> c.end(leave(c, leftOn)), "onClose");
        ending.start();
        ending.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(ending.isAlive(), "ending waited for the join");
        assertNull(leftOn.get(), "nothing is left while the join is still running");
        assertEquals(1, layer.rooms().get("lobby"), "the join is still in the room");

        transport.release();
        joining.get(5, TimeUnit.SECONDS);
        assertSame(joinedOn.get(), leftOn.get(), "the joining thread left, as its join finished");
        assertTrue(registry.isEmpty(), "the join was undone whole");
        assertEquals(0, layer.rooms().getOrDefault("lobby", 0), "nobody in the room's presence");
    }

    @Test
    void endingWithNoJoinRunningLeavesAtOnceAndTheConnectionJoinsNothingAfterwards() throws Exception {
        layer.start(registry);
        OutboxTest.FakeTransport transport = new OutboxTest.FakeTransport();
        transport.inline = true;
        Connection c = connection(transport);
        AtomicInteger leaves = new AtomicInteger();
        AtomicReference<Thread> leftOn = new AtomicReference<>();
        Runnable leave = leave(c, leftOn);
        c.end(() -> {
            leaves.incrementAndGet();
            leave.run();
        });
        assertSame(Thread.currentThread(), leftOn.get(), "left at once, on the ending thread");

        registry.joinRoom("lobby", c, null);
        assertTrue(registry.isEmpty(), "an ended connection joins nothing");
        assertEquals(0, layer.rooms().getOrDefault("lobby", 0));
        assertEquals(1, leaves.get());
        assertEquals(0, transport.written.size(), "nothing was sent to the ended connection");
    }
}
