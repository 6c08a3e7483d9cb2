package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschat.layer.RoomJoin;
import io.wschat.protocol.Frames;
import io.wschat.protocol.PresenceChange;
import io.wschat.support.Await;
import io.wschat.support.Json;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
}
