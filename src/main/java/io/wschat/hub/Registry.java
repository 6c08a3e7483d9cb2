package io.wschat.hub;

import io.wschat.layer.ChannelLayer;
import io.wschat.layer.LayerListener;
import io.wschat.layer.LayerUnavailable;
import io.wschat.layer.Member;
import io.wschat.layer.Resume;
import io.wschat.layer.RoomJoin;
import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import io.wschat.protocol.Frame;
import io.wschat.protocol.Frames;
import io.wschat.protocol.PresenceChange;
import jakarta.websocket.CloseReason;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who is where on this server: every open connection, the rooms, users and broadcast endpoint they
 * are in here, and the fan-out to them of what the {@link ChannelLayer} delivers. What servers share
 * (presence, room streams, who is connected elsewhere) belongs to the layer; the registry tells the
 * layer of its connections' joins and leaves and never holds a room's lock while calling it.
 *
 * <p>A local room or user group exists exactly while it has connections here: joining creates it and
 * the last leave removes it, both inside {@link ConcurrentHashMap#compute}, so a join never lands in a
 * group that is being removed. Deliveries look groups up without the map's lock.
 */
public final class Registry implements LayerListener {

    private final ChannelLayer layer;
    private final long heldLimitBytes;
    private final int listLimit;
    private final ScheduledExecutorService scheduler;
    private final ConcurrentHashMap<String, LocalRoom> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Group> users = new ConcurrentHashMap<>();
    private final Group broadcast = new Group();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final LongAdder slowConsumers = new LongAdder();

    /**
     * @param heldLimitBytes how much may be held back for a joining connection (its outbox limit): a
     *                       joiner that cannot take that in is a slow consumer
     * @param listLimit      names a member list holds at most; above it members get a coalesced count
     * @param scheduler      where coalesced member counts are sent from
     */
    public Registry(ChannelLayer layer, long heldLimitBytes, int listLimit, ScheduledExecutorService scheduler) {
        this.layer = layer;
        this.heldLimitBytes = heldLimitBytes;
        this.listLimit = listLimit;
        this.scheduler = scheduler;
    }

    // ---- connections -------------------------------------------------------------------------

    public void register(Connection c) {
        connections.add(c);
    }

    public void unregister(Connection c) {
        connections.remove(c);
    }

    public int connectionCount() {
        return connections.size();
    }

    public Set<Connection> connections() {
        return Set.copyOf(connections);
    }

    /** Called by an {@link Outbox} that gave up on its reader. */
    public void countSlowConsumer() {
        slowConsumers.increment();
    }

    public long slowConsumersClosed() {
        return slowConsumers.sum();
    }

    // ---- rooms ---------------------------------------------------------------------------------

    /**
     * Joins the connection to the room: it gets a welcome with its name (the one it asked for, or a
     * suffixed one), the member list, the history, then live traffic, with nothing missed or repeated
     * in between (see {@link LocalRoom}). With a {@code resume} (null otherwise), the history is what
     * the client missed, if the layer still has all of it, and the welcome says whether it did.
     *
     * <p>Nothing happens for a connection that has {@link Connection#end ended}.
     *
     * <p>The join only queues; the opening thread then sends ({@link Connection#startSending}). Why: a
     * write can stop its thread for good (Tyrus in Payara, writing from {@code onOpen} to a client that
     * has gone, deadlocks with the connection's reader), and a join that never finished could never be
     * undone; once it has finished, the connection can still be closed and cleaned up like any other.
     *
     * @throws LayerUnavailable if the shared state cannot be reached; the connection is then in no room
     */
    public void joinRoom(String room, Connection c, Resume resume) throws LayerUnavailable {
        joining(c, () -> {
            LocalRoom local = rooms.compute(room, (k, r) -> {
                LocalRoom joined = r != null ? r : new LocalRoom(k, heldLimitBytes, listLimit, scheduler);
                joined.addJoining(c);
                return joined;
            });
            RoomJoin join;
            try {
                join = layer.joinRoom(room, c.asMember(), resume);
            } catch (LayerUnavailable | RuntimeException e) {
                removeLocally(room, c);
                throw e;
            }
            local.joined(c, join);
        });
    }

    /** A join's work, which may fail with {@code E}. */
    @FunctionalInterface
    private interface Join<E extends Exception> {
        void run() throws E;
    }

    /** Runs {@code join} as a join of {@code c} (see {@link Connection#end}); nothing for one that has ended. */
    private static <E extends Exception> void joining(Connection c, Join<E> join) throws E {
        if (!c.startJoin()) {
            return;
        }
        try {
            join.run();
        } finally {
            c.finishJoin();
        }
    }

    /**
     * Takes the connection out of the room; the room hears of it if its name has no connection left.
     * Nothing happens for a connection that is not in the room (a join that failed, or never started).
     */
    public void leaveRoom(String room, Connection c) {
        LocalRoom local = removeLocally(room, c);
        if (local == null) {
            return;
        }
        try {
            layer.leaveRoom(room, c.asMember());
        } catch (LayerUnavailable e) {
            // The layer re-announces this server's members once it is back; until then, tell the room here.
            if (!local.hasOtherMemberNamed(c.name(), c)) {
                PresenceChange left = PresenceChange.left(room, c.name(), -1, Math.max(0, local.count() - 1), null);
                local.presence(left, Frames.presence(left));
            }
        }
    }

    /** Renames the connection in its room (suffixed if another person goes by that name); everyone there is told. */
    public void renameInRoom(String room, Connection c, String wanted) throws LayerUnavailable {
        String name = layer.renameInRoom(room, c.asMember(), wanted);
        LocalRoom local = rooms.get(room);
        if (local != null) {
            local.renamed(c, name);
        }
    }

    /** Takes the connection out of the room here, and the room out of the map if it was the last; the room it was in, or null. */
    private LocalRoom removeLocally(String room, Connection c) {
        LocalRoom[] removedFrom = {null};
        rooms.computeIfPresent(room, (k, r) -> {
            if (r.remove(c)) {
                removedFrom[0] = r;
            }
            return r.isEmpty() ? null : r;
        });
        return removedFrom[0];
    }

    /** Queues a message said here while the layer was unreachable to this server's members of its room. */
    public int sayLocally(ChatMessage message) {
        LocalRoom local = rooms.get(message.room());
        return local == null ? 0 : local.deliver(message, Frames.chat(message));
    }

    /** How many rooms have connections on this server. */
    public int localRoomCount() {
        return rooms.size();
    }

    // ---- users and broadcast -----------------------------------------------------------------

    /**
     * Adds a {@code /ws/{username}} connection: it receives the user's direct messages.
     *
     * <p>Nothing happens for a connection that has {@link Connection#end ended}.
     *
     * @throws LayerUnavailable if the shared state cannot be reached; the connection is then in no group
     */
    public void joinUser(String user, Connection c) throws LayerUnavailable {
        joining(c, () -> {
            users.compute(user, (k, g) -> {
                Group group = g != null ? g : new Group();
                group.add(c);
                return group;
            });
            try {
                layer.userConnected(user, c.id());
            } catch (LayerUnavailable | RuntimeException e) {
                removeUser(user, c);
                throw e;
            }
        });
    }

    /** Takes the connection out of the user's group; nothing happens for one that is not in it. */
    public void leaveUser(String user, Connection c) {
        if (!removeUser(user, c)) {
            return;
        }
        try {
            layer.userDisconnected(user, c.id());
        } catch (LayerUnavailable e) {
            // re-announced by the layer when it is back
        }
    }

    /** True if the connection was in the user's group. */
    private boolean removeUser(String user, Connection c) {
        boolean[] removed = {false};
        users.computeIfPresent(user, (k, g) -> {
            removed[0] = g.remove(c);
            return g.isEmpty() ? null : g;
        });
        return removed[0];
    }

    public void joinBroadcast(Connection c) {
        joining(c, () -> broadcast.add(c));
    }

    public void leaveBroadcast(Connection c) {
        broadcast.remove(c);
    }

    /** Queues a direct message to this server's connections of its receiver and sender; returns the receiver's. */
    public int directLocally(DirectMessage message) {
        Frame frame = Frames.direct(message);
        int reached = deliverToUser(message.toUser(), frame);
        if (reached > 0 && !message.fromUser().equals(message.toUser())) {
            deliverToUser(message.fromUser(), frame);
        }
        return reached;
    }

    public int broadcastLocally(String text) {
        return broadcast.deliver(Frame.of(text));
    }

    private int deliverToUser(String user, Frame frame) {
        Group g = users.get(user);
        return g == null ? 0 : g.deliver(frame);
    }

    // ---- what the layer delivers -------------------------------------------------------------

    @Override
    public void roomMessage(ChatMessage message) {
        LocalRoom local = rooms.get(message.room());
        if (local != null) {
            local.deliver(message, Frames.chat(message));
        }
    }

    @Override
    public void presenceChanged(PresenceChange change) {
        LocalRoom local = rooms.get(change.room());
        if (local != null) {
            local.presence(change, Frames.presence(change));
        }
    }

    @Override
    public void direct(DirectMessage message) {
        Frame frame = Frames.direct(message);
        deliverToUser(message.toUser(), frame);
        if (!message.fromUser().equals(message.toUser())) {
            deliverToUser(message.fromUser(), frame);
        }
    }

    @Override
    public void broadcast(String text) {
        broadcastLocally(text);
    }

    @Override
    public void roomResynced(String room, RoomJoin state) {
        LocalRoom local = rooms.get(room);
        if (local != null) {
            local.resynced(state);
        }
    }

    @Override
    public void renamed(String room, String connectionId, String newName) {
        LocalRoom local = rooms.get(room);
        Connection c = local == null ? null : local.find(connectionId);
        if (c != null) {
            local.renamed(c, newName);
        }
    }

    @Override
    public Map<String, List<Member>> localRoomMembers() {
        Map<String, List<Member>> out = new TreeMap<>();
        rooms.forEach((name, local) -> {
            List<Member> members = local.joinedMembers();
            if (!members.isEmpty()) {
                out.put(name, members);
            }
        });
        return out;
    }

    @Override
    public Map<String, List<String>> localUserConnections() {
        Map<String, List<String>> out = new TreeMap<>();
        users.forEach((user, g) -> {
            List<String> ids = g.ids();
            if (!ids.isEmpty()) {
                out.put(user, ids);
            }
        });
        return out;
    }

    // ---- state ---------------------------------------------------------------------------------

    /** Whether nothing at all is registered here: no connection, no room, user or broadcast member. */
    public boolean isEmpty() {
        return connections.isEmpty() && rooms.isEmpty() && users.isEmpty() && broadcast.isEmpty();
    }

    /** Rooms and users with connections here, plus the broadcast endpoint if it has any. */
    public int groupCount() {
        return rooms.size() + users.size() + (broadcast.isEmpty() ? 0 : 1);
    }

    /** Closes every connection, for shutdown. */
    public void closeAll(CloseReason reason) {
        // Not after a flush: a queue behind a stalled send could outlive the shutdown's deadline.
        connections.forEach(c -> c.abort(reason));
    }
}
