package io.wschat.hub;

import io.wschat.layer.Member;
import io.wschat.layer.RoomJoin;
import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.Frame;
import io.wschat.protocol.Frames;
import io.wschat.protocol.PresenceChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This server's connections in one room, and what each has already seen.
 *
 * <p>Why joining has two steps: a connection is added here ({@link #addJoining}) before the layer
 * takes the room's snapshot for it (history up to offset S, member list at presence version P), so
 * nothing delivered in between can pass it by; what arrives meanwhile is held back. {@link #joined}
 * then sends the welcome, the member list and the history, and replays only the held messages after
 * S and the presence changes after P. From then on a member is sent exactly the messages after S and
 * the changes after P: on a layer shared between servers, messages already in its history may still
 * be on their way to this server, and are skipped for it.
 *
 * <p>Presence in a large room: while the room has at most {@code listLimit} members, each join, leave
 * and rename is sent to every member. Above it, sending each change to every member would make a
 * storm of n joins cost n² frames; members are sent instead the member count ({@code presence.count}),
 * coalesced ({@link #countInterval}), and joiners get the first {@code listLimit} names.
 *
 * <p>Every change holds this room's monitor, so what a member is sent comes in the order the layer
 * delivered. Holding it is cheap: under it frames are only queued to each member's {@link Outbox};
 * the members are {@link Connection#flush() flushed} once it is released, since a send may close its
 * session on the spot and run the endpoint's clean-up, which takes the hub's locks.
 */
final class LocalRoom {

    /** A connection's place in the room. */
    private static final class Seen {
        /** Frames held back until the join completes (null afterwards), with their offset or version. */
        List<Held> held = new ArrayList<>();
        long heldBytes;
        long lastOffset;
        long presenceVersion;
    }

    /** A held-back message (offset set) or presence change (version set); -1 for the other. */
    private record Held(long offset, long version, Frame frame) {
    }

    /** How often, at most, members of a room larger than its list limit are sent its member count. */
    static final long COUNT_INTERVAL_MILLIS = 500;

    /** The most member counts a room sends its members here in a second, however many they are. */
    static final int COUNT_FRAMES_PER_SECOND = 1000;

    private final String name;
    private final long heldLimitBytes;
    private final int listLimit;
    private final ScheduledExecutorService scheduler;
    private final Map<Connection, Seen> members = new LinkedHashMap<>();
    private String epoch;
    private int count;
    private long countAsOf = Long.MIN_VALUE; // the presence version the count was taken at
    private long countVersion; // the presence version the next coalesced count covers
    private boolean countDue; // a coalesced count is scheduled

    LocalRoom(String name, long heldLimitBytes, int listLimit, ScheduledExecutorService scheduler) {
        this.name = name;
        this.heldLimitBytes = heldLimitBytes;
        this.listLimit = listLimit;
        this.scheduler = scheduler;
    }

    synchronized void addJoining(Connection c) {
        members.put(c, new Seen());
    }

    /**
     * Completes a join with the layer's snapshot: queues the welcome, members, history, then what was
     * held back. Nothing is sent here: the opening thread sends once the join has finished (see
     * {@link Registry#joinRoom}).
     */
    synchronized void joined(Connection c, RoomJoin join) {
        Seen seen = members.get(c);
        if (seen == null) {
            return; // closed while joining
        }
        epoch = join.epoch();
        c.rename(join.name());
        c.enqueue(Frames.welcome(name, join.name(), join.epoch(), join.recovered()));
        countIs(join.memberCount(), join.presenceVersion());
        c.enqueue(Frames.members(name, join.members(), join.memberCount()));
        for (ChatMessage m : join.history()) {
            c.enqueue(Frames.history(m));
        }
        seen.lastOffset = join.lastOffset();
        seen.presenceVersion = join.presenceVersion();
        List<Held> held = seen.held;
        seen.held = null;
        for (Held h : held) {
            boolean fresh = h.offset() >= 0 ? h.offset() > seen.lastOffset || h.offset() == ChatMessage.NOT_STORED
                    : h.version() > seen.presenceVersion || h.version() < 0;
            if (fresh) {
                c.enqueue(h.frame());
            }
        }
    }

    /** Removes the connection; true if it was a member (joined or joining). */
    synchronized boolean remove(Connection c) {
        return members.remove(c) != null;
    }

    /** True if the room has no connection left (joined or joining). */
    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    /** Sends a room message to every member that has not seen it; returns how many accepted it. */
    int deliver(ChatMessage m, Frame frame) {
        int accepted;
        Connection[] receivers;
        synchronized (this) {
            receivers = receivers();
            accepted = queueMessage(m, frame);
        }
        flush(receivers);
        return accepted;
    }

    private int queueMessage(ChatMessage m, Frame frame) {
        int accepted = 0;
        for (Map.Entry<Connection, Seen> e : members.entrySet()) {
            Seen seen = e.getValue();
            if (seen.held != null) {
                hold(e.getKey(), seen, new Held(m.offset(), -1, frame));
            } else if (!m.stored() || m.offset() > seen.lastOffset) {
                if (m.stored()) {
                    seen.lastOffset = m.offset();
                }
                if (e.getKey().enqueue(frame)) {
                    accepted++;
                }
            }
        }
        return accepted;
    }

    /**
     * Queues a presence change to every member whose list does not have it yet (version -1: this
     * server's own news); in a room larger than the list limit, only the count, coalesced.
     */
    void presence(PresenceChange change, Frame frame) {
        Connection[] receivers = null;
        synchronized (this) {
            if (queuePresence(change, frame)) {
                receivers = receivers();
            }
        }
        if (receivers != null) {
            flush(receivers);
        }
    }

    /**
     * Returns false when the change was only counted, for the coalesced count to carry later: then
     * there is nothing to flush, and a join storm into a large room must not cost a pass over every
     * member per join.
     */
    private boolean queuePresence(PresenceChange change, Frame frame) {
        countIs(change.count(), change.version());
        if (change.count() > listLimit && change.members() == null) {
            countVersion = Math.max(countVersion, change.version());
            if (!countDue) {
                countDue = true;
                try {
                    scheduler.schedule(this::sendCount, countInterval(members.size()), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    countDue = false; // shutting down
                }
            }
            return false;
        }
        queueVersioned(frame, change.version());
        return true;
    }

    /**
     * How long a change waits to be sent as a member count, in ms: {@value #COUNT_INTERVAL_MILLIS}, or
     * longer in a room with more members here than {@value #COUNT_FRAMES_PER_SECOND} a second can
     * reach that often (2 s at 2,000, 10 s at 10,000). A fixed interval would send a room of n members
     * n counts per interval for as long as people come and go, and a storm of n joins, which lasts
     * longer the larger n is, would again cost on the order of n² frames.
     */
    static long countInterval(int members) {
        return Math.max(COUNT_INTERVAL_MILLIS, members * 1000L / COUNT_FRAMES_PER_SECOND);
    }

    /**
     * Takes a member count unless a newer one was heard already: a join's snapshot can complete after
     * changes the layer numbered later (joins and changes arrive on different threads), and must not
     * turn the count back. Version -1 (this server's own news while the layer is away) is the newest.
     */
    private void countIs(int n, long version) {
        if (version < 0 || version >= countAsOf) {
            count = n;
            countAsOf = Math.max(countAsOf, version);
        }
    }

    /** Sends the coalesced member count to every member whose count is older. */
    private void sendCount() {
        Connection[] receivers;
        synchronized (this) {
            countDue = false;
            receivers = receivers();
            queueVersioned(Frames.count(name, count), countVersion);
        }
        flush(receivers);
    }

    /** Queues a presence frame of this version to every member that has not seen it (version -1: always). */
    private void queueVersioned(Frame frame, long version) {
        for (Map.Entry<Connection, Seen> e : members.entrySet()) {
            Seen seen = e.getValue();
            if (seen.held != null) {
                hold(e.getKey(), seen, new Held(-1, version, frame));
            } else if (version < 0 || version > seen.presenceVersion) {
                seen.presenceVersion = Math.max(seen.presenceVersion, version);
                e.getKey().enqueue(frame);
            }
        }
    }

    /** The room's member count as this server last heard it. */
    synchronized int count() {
        return count;
    }

    /**
     * Brings every joined member up to date with the room as the layer now has it: if the stream
     * started over (a new epoch, offsets from 1 again), a new welcome and the new stream's history;
     * and the member list.
     */
    void resynced(RoomJoin state) {
        Connection[] receivers;
        synchronized (this) {
            receivers = receivers();
            queueResynced(state);
        }
        flush(receivers);
    }

    private void queueResynced(RoomJoin state) {
        boolean newEpoch = epoch != null && !epoch.equals(state.epoch());
        epoch = state.epoch();
        count = state.memberCount(); // the layer's state now, whatever was heard before (a Redis that lost its data numbers from 1 again)
        countAsOf = state.presenceVersion();
        Frame memberList = Frames.members(name, state.members(), state.memberCount());
        for (Map.Entry<Connection, Seen> e : members.entrySet()) {
            Seen seen = e.getValue();
            if (seen.held != null) {
                continue; // its own join brings it the current state
            }
            Connection c = e.getKey();
            if (newEpoch) {
                c.enqueue(Frames.welcome(name, c.name(), state.epoch()));
                for (ChatMessage m : state.history()) {
                    c.enqueue(Frames.history(m));
                }
                seen.lastOffset = state.lastOffset();
            }
            c.enqueue(memberList);
            seen.presenceVersion = state.presenceVersion();
        }
    }

    /** Renames a member and tells it its new name. */
    void renamed(Connection c, String newName) {
        synchronized (this) {
            if (!members.containsKey(c)) {
                return;
            }
            c.rename(newName);
            c.enqueue(Frames.welcome(name, newName, epoch));
        }
        c.flush();
    }

    synchronized Connection find(String connectionId) {
        for (Connection c : members.keySet()) {
            if (c.id().equals(connectionId)) {
                return c;
            }
        }
        return null;
    }

    /** True if a member other than {@code except} goes by {@code memberName}. */
    synchronized boolean hasOtherMemberNamed(String memberName, Connection except) {
        for (Connection c : members.keySet()) {
            if (c != except && c.name().equals(memberName)) {
                return true;
            }
        }
        return false;
    }

    /** The members whose join has completed, as presence knows them. */
    synchronized List<Member> joinedMembers() {
        List<Member> out = new ArrayList<>();
        members.forEach((c, seen) -> {
            if (seen.held == null) {
                out.add(c.asMember());
            }
        });
        return out;
    }

    /** The connections here now, to flush once the lock is released. */
    private Connection[] receivers() {
        return members.keySet().toArray(new Connection[0]);
    }

    private static void flush(Connection[] receivers) {
        for (Connection c : receivers) {
            c.flush();
        }
    }

    private void hold(Connection c, Seen seen, Held h) {
        if (!c.isOpen()) {
            return;
        }
        seen.held.add(h);
        seen.heldBytes += h.frame().bytes();
        if (seen.heldBytes > heldLimitBytes) {
            // It cannot even take in what was said while it joined: a slow consumer. Its close takes it out.
            seen.held.clear();
            c.overflow();
        }
    }
}
