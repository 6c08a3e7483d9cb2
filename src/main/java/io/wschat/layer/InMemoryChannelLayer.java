package io.wschat.layer;

import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The layer of one server: every room's stream and presence in memory, delivered straight to this
 * server's hub.
 *
 * <p>Each room is one object under its own lock: storing a message and handing it to the hub happen
 * under that lock, and so do a join and the snapshot the joiner gets, which is what makes every
 * member see one order and a joiner's history meet the live messages without gap or repeat.
 *
 * <p>A room with members keeps its last {@code max(historySize, maxRecover)} messages, so that a
 * client that was away briefly can resume exactly. A room whose last member left keeps its stream
 * (its last {@code historySize} messages, offsets, epoch) until its time to live runs out; at most
 * {@code maxIdleRooms} such rooms are kept, the least recently used going first.
 */
public final class InMemoryChannelLayer implements ChannelLayer {

    /** A room's stream and presence, and whether the layer has let it go (a late caller must look again). */
    private static final class Room {
        final RoomStream stream;
        final RoomPresence presence;
        boolean dropped;

        Room(String name, RoomStream stream, int listLimit) {
            this.stream = stream;
            this.presence = new RoomPresence(name, listLimit);
        }
    }

    private final int historySize;
    private final int maxRecover;
    private final int listLimit;
    private final long ttlNanos;
    private final int maxIdleRooms;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    /** Rooms without members, least recently used first, with when their stream was last used; guarded by itself. */
    private final LinkedHashMap<String, Long> idle = new LinkedHashMap<>();
    private long lastSweepNanos;
    private final ConcurrentHashMap<String, Integer> userConnections = new ConcurrentHashMap<>();
    private final Dedup dedup;
    private volatile LayerListener listener;

    /**
     * @param historySize  messages a joiner gets, and an idle room keeps
     * @param maxRecover   messages a resuming client may have missed at most (a room with members keeps as many)
     * @param ttlSeconds   how long a room's stream is kept after its last message or join
     * @param maxIdleRooms rooms without members kept at most
     * @param dedupSeconds how long a client id or idempotency key is remembered
     * @param listLimit    names a member list holds at most
     */
    public InMemoryChannelLayer(int historySize, int maxRecover, long ttlSeconds, int maxIdleRooms,
            long dedupSeconds, int listLimit, LongSupplier nanoClock) {
        this.historySize = historySize;
        this.maxRecover = maxRecover;
        this.listLimit = listLimit;
        this.dedup = new Dedup(dedupSeconds, 100_000, nanoClock);
        this.ttlNanos = ttlSeconds * 1_000_000_000L;
        this.maxIdleRooms = maxIdleRooms;
        this.nanoClock = nanoClock;
        this.lastSweepNanos = nanoClock.getAsLong();
    }

    @Override
    public void start(LayerListener listener) {
        this.listener = listener;
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public LayerState state() {
        return LayerState.UP;
    }

    // ---- rooms ---------------------------------------------------------------------------------

    @Override
    public RoomJoin joinRoom(String room, Member member, Resume resume) {
        return inRoom(room, (r, drop) -> {
            startOverIfExpired(room, r);
            String name = r.presence.join(member, listener::presenceChanged);
            markBusy(room);
            List<ChatMessage> missed = resume == null || !resume.epoch().equals(r.stream.epoch())
                    || r.stream.lastOffset() - resume.since() > maxRecover ? null : r.stream.after(resume.since());
            if (missed != null) {
                return new RoomJoin(name, r.stream.epoch(), r.stream.lastOffset(), r.presence.version(),
                        r.presence.members(), r.presence.memberCount(), missed, true);
            }
            RoomJoin usual = snapshot(r, name);
            return resume == null ? usual : new RoomJoin(name, usual.epoch(), usual.lastOffset(),
                    usual.presenceVersion(), usual.members(), usual.memberCount(), usual.history(), false);
        });
    }

    @Override
    public void leaveRoom(String room, Member member) {
        inRoom(room, false, (r, drop) -> {
            r.presence.leave(member, listener::presenceChanged);
            if (r.presence.isEmpty()) {
                markIdle(room, r, drop);
            }
            return null;
        });
    }

    @Override
    public String renameInRoom(String room, Member member, String wanted) {
        String name = inRoom(room, false, (r, drop) -> r.presence.rename(member, wanted, listener::presenceChanged));
        return name == null ? wanted : name;
    }

    @Override
    public Published publish(ChatMessage draft) {
        return inRoom(draft.room(), (r, drop) -> {
            startOverIfExpired(draft.room(), r);
            String key = draft.clientId() == null ? null : "room\n" + draft.room() + "\n" + draft.user() + "\n" + draft.clientId();
            Dedup.Answer first = key == null ? null : dedup.seen(key);
            if (first != null) {
                return new Published(draft.at(first.offset()), first.reached(), true);
            }
            ChatMessage m = r.stream.append(draft);
            if (r.presence.isEmpty()) {
                markIdle(draft.room(), r, drop); // said to nobody: kept for later joiners, and recently used
            }
            listener.roomMessage(m);
            Published p = new Published(m, r.presence.connectionCount(), false);
            if (key != null) {
                dedup.remember(key, new Dedup.Answer(m.offset(), p.delivered()));
            }
            return p;
        });
    }

    @Override
    public Map<String, Integer> rooms() {
        Map<String, Integer> out = new TreeMap<>();
        rooms.forEach((name, r) -> {
            synchronized (r) {
                if (!r.presence.isEmpty()) {
                    out.put(name, r.presence.memberCount());
                }
            }
        });
        return out;
    }

    /** Rooms held in memory, with members or only history: for tests of the idle bound. */
    public int roomsHeld() {
        return rooms.size();
    }

    /** A stream past its time to live starts over; members still there learn the new epoch. */
    private void startOverIfExpired(String room, Room r) {
        if (r.stream.touch(nanoClock.getAsLong()) && !r.presence.isEmpty()) {
            listener.roomResynced(room, snapshot(r, null));
        }
    }

    private RoomJoin snapshot(Room r, String name) {
        return new RoomJoin(name, r.stream.epoch(), r.stream.lastOffset(), r.presence.version(),
                r.presence.members(), r.presence.memberCount(), r.stream.last(historySize), null);
    }

    /** What a room operation does under the room's lock; it adds to {@code drop} the idle rooms to let go. */
    private interface RoomAction<T> {
        T apply(Room room, List<String> drop);
    }

    /**
     * Runs {@code action} under the room's lock, creating the room if needed, then lets go of the rooms
     * it evicted. Evicting takes the evicted room's lock, so it happens only after this one is released:
     * no thread ever holds two room locks.
     */
    private <T> T inRoom(String name, RoomAction<T> action) {
        return inRoom(name, true, action);
    }

    /** As {@link #inRoom(String, RoomAction)}; without {@code create}, a room not held gives null without running {@code action}. */
    private <T> T inRoom(String name, boolean create, RoomAction<T> action) {
        List<String> drop = new ArrayList<>(0);
        try {
            while (true) {
                Room r = create
                        ? rooms.computeIfAbsent(name, n -> new Room(n, new RoomStream(Math.max(historySize, maxRecover),
                                ttlNanos, nanoClock.getAsLong()), listLimit))
                        : rooms.get(name);
                if (r == null) {
                    return null;
                }
                synchronized (r) {
                    if (!r.dropped) {
                        return action.apply(r, drop);
                    }
                }
            }
        } finally {
            drop.forEach(this::drop);
        }
    }

    private void markBusy(String room) {
        synchronized (idle) {
            idle.remove(room);
        }
    }

    /**
     * Records the room as idle, most recently used, and picks the rooms to let go: the least recently
     * used idle rooms over the bound, and (at most once per time to live / 10) every idle room whose
     * stream has outlived its time to live, since nothing would be left of it.
     */
    private void markIdle(String room, Room r, List<String> drop) {
        r.stream.trimTo(historySize);
        long now = nanoClock.getAsLong();
        synchronized (idle) {
            idle.remove(room);
            idle.put(room, r.stream.touchedNanos());
            for (Iterator<String> eldest = idle.keySet().iterator(); idle.size() > maxIdleRooms && eldest.hasNext(); ) {
                drop.add(eldest.next());
                eldest.remove();
            }
            if (now - lastSweepNanos > ttlNanos / 10) {
                lastSweepNanos = now;
                idle.entrySet().removeIf(e -> {
                    boolean expired = now - e.getValue() > ttlNanos;
                    if (expired) {
                        drop.add(e.getKey());
                    }
                    return expired;
                });
            }
        }
    }

    /** Lets go of an idle room, unless someone joined it in the meantime. */
    private void drop(String room) {
        rooms.computeIfPresent(room, (k, r) -> {
            synchronized (r) {
                if (!r.presence.isEmpty()) {
                    return r;
                }
                r.dropped = true;
                return null;
            }
        });
    }

    // ---- users and broadcast -------------------------------------------------------------------

    @Override
    public void userConnected(String user, String connectionId) {
        userConnections.merge(user, 1, Integer::sum);
    }

    @Override
    public void userDisconnected(String user, String connectionId) {
        userConnections.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    @Override
    public int sendDirect(DirectMessage message, String idempotencyKey) {
        if (idempotencyKey == null) {
            return deliverDirect(message);
        }
        String key = "direct\n" + message.toUser() + "\n" + idempotencyKey;
        synchronized (dedup) { // a repeat arriving while the first is being sent waits for its answer
            Dedup.Answer first = dedup.seen(key);
            if (first != null) {
                return first.reached();
            }
            int receivers = deliverDirect(message);
            if (receivers > 0) {
                dedup.remember(key, new Dedup.Answer(ChatMessage.NOT_STORED, receivers));
            }
            return receivers;
        }
    }

    private int deliverDirect(DirectMessage message) {
        int receivers = userConnections.getOrDefault(message.toUser(), 0);
        if (receivers > 0) {
            listener.direct(message);
        }
        return receivers;
    }

    @Override
    public void broadcast(String text) {
        listener.broadcast(text);
    }

    @Override
    public void close() {
        // nothing held outside this server
    }
}
