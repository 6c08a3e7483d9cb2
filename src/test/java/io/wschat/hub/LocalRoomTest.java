package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschat.layer.RoomJoin;
import io.wschat.protocol.Frames;
import io.wschat.protocol.PresenceChange;
import io.wschat.support.Await;
import io.wschat.support.Json;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A room's member count over a list limit of 2, with connections over {@link OutboxTest.FakeTransport}. */
class LocalRoomTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final LocalRoom room = new LocalRoom("large", 1 << 20, 2, scheduler);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static Connection connection(String name, OutboxTest.FakeTransport transport) {
        transport.inline = true;
        Outbox outbox = new Outbox(transport, 1 << 20, 0, OutboxTest.DIRECT, OutboxTest.DIRECT, () -> { },
                (messages, bytes, nanos) -> { });
        outbox.startSending();
        return new Connection(name, name, name, "127.0.0.1", outbox, System.nanoTime());
    }

    private static RoomJoin snapshot(String name, long presenceVersion, int count) {
        return new RoomJoin(name, "e1", 0, presenceVersion, List.of("a", "b"), count, List.of(), null);
    }

    @Test
    void aJoinSnapshotOlderThanAChangeAlreadyHeardDoesNotTurnTheCountBack() {
        OutboxTest.FakeTransport first = new OutboxTest.FakeTransport();
        Connection a = connection("a", first);
        room.addJoining(a);
        room.joined(a, snapshot("a", 1, 1));
        Connection c = connection("c", new OutboxTest.FakeTransport());
        room.addJoining(c);
        // The layer numbers c's join 3 (3 members) and then d's 4 (4 members); d's change reaches the
        // room first, c's join completes after it with its snapshot of version 3.
        PresenceChange dJoined = PresenceChange.joined("large", "d", 4, 4);
        room.presence(dJoined, Frames.presence(dJoined));
        room.joined(c, snapshot("c", 3, 3));

        Await.until("a is sent the coalesced count", () -> first.written.stream().anyMatch(f -> f.contains("presence.count")));
        List<Integer> counts = first.written.stream().map(Json::parse).filter(j -> j.is("presence.count"))
                .map(j -> j.integer("count")).toList();
        assertEquals(List.of(4), counts, "the count as of the newest change: " + first.written);
    }

    @Test
    void theMoreMembersARoomHasHereTheLessOftenTheyAreSentItsCount() {
        assertEquals(List.of(LocalRoom.COUNT_INTERVAL_MILLIS), countDelaysWith(3), "a few members: the usual interval");
        assertEquals(List.of(1_500L), countDelaysWith(1_500), "1,500 members: 1,000 counts a second at most");
    }

    /** The delays a room of {@code n} members here schedules its coalesced count with, after one more joins. */
    private static List<Long> countDelaysWith(int n) {
        RecordingScheduler recording = new RecordingScheduler();
        try {
            LocalRoom big = new LocalRoom("big", 1 << 20, 2, recording);
            for (int i = 1; i <= n; i++) {
                Connection c = connection("m" + i, new OutboxTest.FakeTransport());
                big.addJoining(c);
                big.joined(c, snapshot("m" + i, i, i));
            }
            PresenceChange late = PresenceChange.joined("big", "late", n + 1, n + 1);
            big.presence(late, Frames.presence(late));
            return List.copyOf(recording.delaysMillis);
        } finally {
            recording.shutdownNow();
        }
    }

    /** A scheduler that notes the delay of everything scheduled on it. */
    private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        final List<Long> delaysMillis = new CopyOnWriteArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            delaysMillis.add(unit.toMillis(delay));
            return super.schedule(task, delay, unit);
        }
    }
}
