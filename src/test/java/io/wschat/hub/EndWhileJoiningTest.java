package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.layer.ChannelLayer;
import io.wschat.layer.InMemoryChannelLayer;
import io.wschat.layer.LayerListener;
import io.wschat.layer.LayerState;
import io.wschat.layer.Member;
import io.wschat.layer.Published;
import io.wschat.layer.Resume;
import io.wschat.layer.RoomJoin;
import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.util.Map;
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
 * once it has finished, on the joining thread. And the join itself writes nothing, so a first write that
 * never returns holds no join: the connection can still be ended and cleaned up at once.
 *
 * <p>Why it matters: the container's {@code onClose} can run under that session's locks, and a join can
 * take a while (a Redis round trip); a clean-up that waited for the join there could wait for ever. A
 * write can stop its thread for good (Tyrus in Payara, see {@link Registry#joinRoom}): a join that wrote
 * would then never finish, and its connection could never be cleaned up.
 */
class EndWhileJoiningTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService joiner = Executors.newSingleThreadExecutor();
    private final InMemoryChannelLayer layer = new InMemoryChannelLayer(10, 10, 60, 10, 300, 100, System::nanoTime);
    private final HeldJoins heldJoins = new HeldJoins(layer);
    private final Registry registry = new Registry(heldJoins, 1 << 20, 100, scheduler);

    @AfterEach
    void stop() {
        heldJoins.release();
        joiner.shutdownNow();
        scheduler.shutdownNow();
        layer.close();
    }

    /** The in-memory layer, whose room joins wait until {@link #release()} while {@code holding}. */
    private static final class HeldJoins implements ChannelLayer {
        final InMemoryChannelLayer layer;
        final CountDownLatch joining = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        volatile boolean holding;

        HeldJoins(InMemoryChannelLayer layer) {
            this.layer = layer;
        }

        void release() {
            released.countDown();
        }

        @Override
        public RoomJoin joinRoom(String room, Member member, Resume resume) {
            RoomJoin join = layer.joinRoom(room, member, resume);
            if (holding) {
                joining.countDown();
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return join;
        }

        @Override
        public void start(LayerListener listener) {
            layer.start(listener);
        }

        @Override
        public String kind() {
            return layer.kind();
        }

        @Override
        public LayerState state() {
            return layer.state();
        }

        @Override
        public void leaveRoom(String room, Member member) {
            layer.leaveRoom(room, member);
        }

        @Override
        public String renameInRoom(String room, Member member, String wanted) {
            return layer.renameInRoom(room, member, wanted);
        }

        @Override
        public Published publish(ChatMessage draft) {
            return layer.publish(draft);
        }

        @Override
        public Map<String, Integer> rooms() {
            return layer.rooms();
        }

        @Override
        public void userConnected(String user, String connectionId) {
            layer.userConnected(user, connectionId);
        }

        @Override
        public void userDisconnected(String user, String connectionId) {
            layer.userDisconnected(user, connectionId);
        }

        @Override
        public int sendDirect(DirectMessage message, String idempotencyKey) {
            return layer.sendDirect(message, idempotencyKey);
        }

        @Override
        public void broadcast(String text) {
            layer.broadcast(text);
        }

        @Override
        public void close() {
            layer.close();
        }
    }

    /** A session whose first write waits until {@link #release()}, as a container's write can. */
    static final class StuckWrite implements Outbox.Transport {
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
    void endingWhileTheJoinWaitsForTheLayerReturnsAtOnceAndTheJoiningThreadUndoesTheJoinWhenItFinishes()
            throws Exception {
        heldJoins.start(registry);
        heldJoins.holding = true;
        OutboxTest.FakeTransport transport = new OutboxTest.FakeTransport();
        transport.inline = true;
        Connection c = connection(transport);
        AtomicReference<Thread> joinedOn = new AtomicReference<>();
        Future<?> joining = joiner.submit(() -> {
            joinedOn.set(Thread.currentThread());
            registry.joinRoom("lobby", c, null);
            return null;
        });
        assertTrue(heldJoins.joining.await(5, TimeUnit.SECONDS), "the join is waiting for the layer");

        AtomicReference<Thread> leftOn = new AtomicReference<>();
        Thread ending = new Thread(() -> c.end(leave(c, leftOn)), "onClose");
        ending.start();
        ending.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(ending.isAlive(), "ending waited for the join");
        assertNull(leftOn.get(), "nothing is left while the join is still running");
        assertEquals(1, layer.rooms().get("lobby"), "the join is still in the room");

        heldJoins.release();
        joining.get(5, TimeUnit.SECONDS);
        assertSame(joinedOn.get(), leftOn.get(), "the joining thread left, as its join finished");
        assertTrue(registry.isEmpty(), "the join was undone whole");
        assertEquals(0, layer.rooms().getOrDefault("lobby", 0), "nobody in the room's presence");
    }

    @Test
    void aWelcomeWhoseWriteNeverReturnsHoldsNoJoinSoEndingLeavesAtOnce() throws Exception {
        heldJoins.start(registry);
        StuckWrite transport = new StuckWrite();
        Connection c = connection(transport);
        Future<?> opening = joiner.submit(() -> {
            registry.joinRoom("lobby", c, null);
            c.startSending(); // as the endpoint's onOpen does once the join has finished
            return null;
        });
        assertTrue(transport.writing.await(5, TimeUnit.SECONDS), "the welcome is being written");

        AtomicReference<Thread> leftOn = new AtomicReference<>();
        Thread ending = new Thread(() -> c.end(leave(c, leftOn)), "lost");
        ending.start();
        ending.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(ending.isAlive(), "ending waited");
        assertSame(ending, leftOn.get(), "left at once, on the ending thread, the write still stuck");
        assertTrue(registry.isEmpty(), "nothing left registered");
        assertEquals(0, layer.rooms().getOrDefault("lobby", 0), "nobody in the room's presence");
        assertFalse(opening.isDone(), "the write is still stuck");

        transport.release();
        opening.get(5, TimeUnit.SECONDS);
    }

    @Test
    void endingWithNoJoinRunningLeavesAtOnceAndTheConnectionJoinsNothingAfterwards() throws Exception {
        heldJoins.start(registry);
        OutboxTest.FakeTransport transport = new OutboxTest.FakeTransport();
        transport.inline = true;
        Connection c = connection(transport);
        c.startSending();
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
