package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.layer.InMemoryChannelLayer;
import io.wschat.protocol.Frame;
import io.wschat.support.Await;
import jakarta.websocket.SendResult;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection this server closes but whose container never calls {@code onClose} (Tyrus can lose the
 * end of a connection that ends while it opens) still gets its endpoint's clean-up, once: from the
 * opening pings a pong timeout after their close, and from the heartbeat for one found closed and
 * overdue. The transport is a fake whose close tells no endpoint, as in that case.
 */
class LostConnectionTest {

    private static final long PONG_TIMEOUT_MILLIS = 50;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final OutboxTest.FakeTransport transport = new OutboxTest.FakeTransport();
    private final AtomicInteger cleanUps = new AtomicInteger();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Connection connection(Executor closer) {
        Outbox outbox = new Outbox(transport, 1 << 20, 0, closer, OutboxTest.DIRECT, () -> { },
                (messages, bytes, nanos) -> { });
        outbox.startSending();
        Connection c = new Connection("c1", "ann", "ann", "127.0.0.1", outbox, 0);
        c.whenLost(() -> c.end(cleanUps::incrementAndGet)); // as the endpoint's clean-up does
        return c;
    }

    /** A container that is not Tomcat's, so its connections get the opening pings. */
    private static WebSocketContainer otherContainer() {
        return (WebSocketContainer) Proxy.newProxyInstance(LostConnectionTest.class.getClassLoader(),
                new Class<?>[] {WebSocketContainer.class}, (proxy, method, args) -> null);
    }

    @Test
    void anUnansweredOpeningPingClosesTheConnectionAndAPongTimeoutLaterCleansItUp() {
        Connection c = connection(OutboxTest.DIRECT);
        OpeningPing.forContainer(otherContainer(), scheduler, PONG_TIMEOUT_MILLIS).watch(c);
        Await.until("the endpoint's clean-up, with no onClose from the container", () -> cleanUps.get() == 1);
        assertNotNull(transport.closedWith, "closed first, with 1001 no pong");
        assertEquals(Heartbeat.NO_PONG, transport.closedWith);
    }

    @Test
    void aConnectionClosedByAFailedWriteBeforeItsOpeningPingIsDueIsCleanedUpAPongTimeoutLater() {
        transport.inline = false;
        Connection c = connection(OutboxTest.DIRECT);
        c.send(Frame.of("{\"type\":\"welcome\"}"));
        OpeningPing.forContainer(otherContainer(), scheduler, PONG_TIMEOUT_MILLIS).watch(c);
        // The welcome's write fails (the client reset the connection): this server closes the session,
        // and the container never reports it.
        transport.inFlight.removeFirst().onResult(new SendResult(new IOException("Connection reset by peer")));
        assertEquals(Outbox.WRITE_FAILED, transport.closedWith);
        Await.until("the endpoint's clean-up, with no onClose from the container", () -> cleanUps.get() == 1);
    }

    @Test
    void aConnectionWhoseFirstWriteNeverReturnsIsStillClosedAndCleanedUpByItsOpeningPing() throws Exception {
        EndWhileJoiningTest.StuckWrite stuck = new EndWhileJoiningTest.StuckWrite();
        Outbox outbox = new Outbox(stuck, 1 << 20, 0, OutboxTest.DIRECT, OutboxTest.DIRECT, () -> { },
                (messages, bytes, nanos) -> { });
        Connection c = new Connection("c1", "ann", "ann", "127.0.0.1", outbox, 0);
        c.whenLost(() -> c.end(cleanUps::incrementAndGet));
        c.enqueue(Frame.of("{\"type\":\"welcome\"}")); // queued by the join, not yet written
        // onOpen's thread, as the endpoint's: the opening pings, then the first writes, of which the
        // welcome's never returns (Tyrus in Payara deadlocked so with the connection's reader).
        Thread opening = new Thread(() -> {
            OpeningPing.forContainer(otherContainer(), scheduler, PONG_TIMEOUT_MILLIS).watch(c);
            c.startSending();
        }, "onOpen");
        opening.start();
        try {
            Await.until("the endpoint's clean-up, the welcome's write still stuck", () -> cleanUps.get() == 1);
            assertTrue(opening.isAlive(), "the write is still stuck");
        } finally {
            stuck.release();
            opening.join(5_000);
        }
    }

    @Test
    void oneConnectionWhoseCleanUpFailsDoesNotStopTheHeartbeatForTheOthers() {
        AtomicLong clock = new AtomicLong(0);
        Registry registry = new Registry(new InMemoryChannelLayer(10, 10, 60, 10, 300, 100, clock::get),
                1 << 20, 100, scheduler);
        AtomicInteger attempts = new AtomicInteger();
        for (String id : List.of("c1", "c2")) {
            Outbox outbox = new Outbox(new OutboxTest.FakeTransport(), 1 << 20, 0, OutboxTest.DIRECT,
                    OutboxTest.DIRECT, () -> { }, (messages, bytes, nanos) -> { });
            outbox.startSending();
            Connection c = new Connection(id, id, id, "127.0.0.1", outbox, 0);
            c.whenLost(() -> {
                attempts.incrementAndGet();
                throw new IllegalStateException("clean-up of " + id + " failed");
            });
            c.abort(Heartbeat.NO_PONG); // closed by this server, never reported by the container
            registry.register(c);
        }
        Heartbeat heartbeat = new Heartbeat(registry, 1_000, 1_000, clock::get);
        clock.set(3_000_000_000L);
        heartbeat.run(); // a periodic task that throws is never run again
        assertEquals(2, attempts.get(), "both connections' clean-ups were tried");
    }

    @Test
    void aConnectionWhoseContainerReportsTheCloseIsNotCleanedUpTwice() throws Exception {
        AtomicInteger onCloses = new AtomicInteger();
        Connection[] self = new Connection[1];
        // The closer runs the close, then the container's onClose, which ends the connection (cleanUp's first step).
        Connection c = connection(close -> {
            close.run();
            self[0].end(() -> { });
            onCloses.incrementAndGet();
        });
        self[0] = c;
        OpeningPing.forContainer(otherContainer(), scheduler, PONG_TIMEOUT_MILLIS).watch(c);
        Await.until("the close and the container's onClose", () -> onCloses.get() == 1);
        // The lost check was scheduled a pong timeout after the close: run everything due by then.
        scheduler.schedule(() -> { }, 2 * PONG_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS).get();
        assertEquals(0, cleanUps.get(), "onClose ran: the hub does not clean up again");
    }

    @Test
    void theHeartbeatClosesAnOverdueConnectionAndCleansItUpOnALaterRoundIfStillRegistered() {
        AtomicLong clock = new AtomicLong(0);
        Registry registry = new Registry(new InMemoryChannelLayer(10, 10, 60, 10, 300, 100, clock::get),
                1 << 20, 100, scheduler);
        Connection c = connection(OutboxTest.DIRECT);
        registry.register(c);
        Heartbeat heartbeat = new Heartbeat(registry, 1_000, 1_000, clock::get);

        clock.set(3_000_000_000L); // no pong for three seconds: past interval + timeout
        heartbeat.run();
        assertEquals(Heartbeat.NO_PONG, transport.closedWith, "first round: closed");
        assertEquals(0, cleanUps.get(), "first round: the container still has time to call onClose");

        clock.addAndGet(1_000_000_000L);
        heartbeat.run();
        assertEquals(1, cleanUps.get(), "next round, still registered and closed: cleaned up");
    }
}
