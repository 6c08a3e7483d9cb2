package io.wschat.hub;

import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.Frame;
import io.wschat.protocol.Frames;
import io.wschat.protocol.Names;
import jakarta.websocket.CloseReason;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who is where on this server: every open connection, and the groups (rooms, users, the broadcast
 * channel) they belong to. This is the one piece of shared mutable state in the application.
 *
 * <p>A group exists exactly while it has members: joining creates it and the last leave removes it,
 * both inside {@link ConcurrentHashMap#compute}, so a join never lands in a group that is being
 * removed. The group's own lock is taken inside that (never the other way round), so there is no
 * lock-order cycle. Sends look the group up without the map's lock.
 */
public final class Registry {

    private final int historySize;
    private final ConcurrentHashMap<GroupKey, Group> groups = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final LongAdder slowConsumers = new LongAdder();

    public Registry(int historySize) {
        this.historySize = historySize;
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

    // ---- plain groups (users, broadcast) ------------------------------------------------------

    public void join(GroupKey key, Connection c) {
        groups.compute(key, (k, g) -> {
            Group group = g != null ? g : new Group(k, 0);
            group.add(c);
            return group;
        });
    }

    public void leave(GroupKey key, Connection c) {
        groups.computeIfPresent(key, (k, g) -> {
            g.remove(c);
            return g.isEmpty() ? null : g;
        });
    }

    /** Queues the frame to every member of the group; returns how many connections accepted it. */
    public int send(GroupKey key, Frame frame) {
        Group g = groups.get(key);
        return g == null ? 0 : g.deliver(frame);
    }

    public int memberCount(GroupKey key) {
        Group g = groups.get(key);
        return g == null ? 0 : g.size();
    }

    // ---- rooms: presence and history ----------------------------------------------------------

    /**
     * Adds the connection to the room and, in the room's order, sends it: a welcome with its name,
     * the member list, then the history; everyone else is told of a new member (not of a second
     * tab of a member already there).
     *
     * <p>A name another person already goes by in the room is not shared: the newcomer becomes
     * {@code name-2} (or {@code -3}, ...) and learns it from the welcome. The same person (see
     * {@link Connection#person()}) with the same name is a second tab of one member.
     */
    public void joinRoom(String room, Connection c) {
        groups.compute(GroupKey.room(room), (k, g) -> {
            Group group = g != null ? g : new Group(k, historySize);
            synchronized (group) {
                c.rename(unusedName(group, c, c.name()));
                boolean newName = !group.hasOtherMemberNamed(c.name(), c);
                group.add(c);
                c.send(Frames.welcome(room, c.name()));
                c.send(Frames.members(room, group.memberNames()));
                for (ChatMessage m : group.history()) {
                    c.send(Frames.history(m));
                }
                if (newName) {
                    group.deliverExcept(Frames.joined(room, c.name()), c);
                }
            }
            return group;
        });
    }

    /** Removes the connection; the room hears of it once the member's last connection has gone. */
    public void leaveRoom(String room, Connection c) {
        groups.computeIfPresent(GroupKey.room(room), (k, group) -> {
            synchronized (group) {
                if (group.remove(c) && !group.hasOtherMemberNamed(c.name(), c)) {
                    group.deliver(Frames.left(room, c.name()));
                }
                return group.isEmpty() ? null : group;
            }
        });
    }

    /** Renames a connection in its room; everyone there, the renamed included, is told. */
    public void renameInRoom(String room, Connection c, String newName) {
        Group group = groups.get(GroupKey.room(room));
        if (group == null) {
            c.rename(newName);
            return;
        }
        synchronized (group) {
            newName = unusedName(group, c, newName);
            String old = c.name();
            if (old.equals(newName)) {
                c.send(Frames.welcome(room, newName));
                return;
            }
            boolean oldStays = group.hasOtherMemberNamed(old, c);
            boolean newExists = group.hasOtherMemberNamed(newName, c);
            c.rename(newName);
            c.send(Frames.welcome(room, newName));
            if (!oldStays && !newExists) {
                group.deliver(Frames.renamed(room, old, newName));
            } else {
                // Another tab keeps the old name, or the new name is already a member: present it as
                // the membership changes it is, so every client's member list stays right.
                if (!oldStays) {
                    group.deliver(Frames.left(room, old));
                }
                if (!newExists) {
                    group.deliver(Frames.joined(room, newName));
                }
            }
        }
    }

    /** {@code wanted}, or the first of {@code wanted-2}, {@code wanted-3}, ... that no other person in the group uses. */
    static String unusedName(Group group, Connection c, String wanted) {
        if (!group.isTakenByAnotherPerson(wanted, c)) {
            return wanted;
        }
        for (int i = 2; ; i++) {
            String suffix = "-" + i;
            int room = Names.MAX_LENGTH - suffix.length();
            String base = wanted.codePointCount(0, wanted.length()) <= room ? wanted
                    : wanted.substring(0, wanted.offsetByCodePoints(0, room));
            String candidate = base + suffix;
            if (!group.isTakenByAnotherPerson(candidate, c)) {
                return candidate;
            }
        }
    }

    /** Records the message in the room's history and delivers it; 0 if the room has no members. */
    public int sayInRoom(ChatMessage message, Frame frame) {
        Group g = groups.get(GroupKey.room(message.room()));
        return g == null ? 0 : g.say(message, frame);
    }

    /** Active rooms with how many members (distinct names) each has, sorted by name. */
    public Map<String, Integer> rooms() {
        Map<String, Integer> rooms = new TreeMap<>();
        groups.forEach((k, g) -> {
            if (k.kind() == GroupKey.Kind.ROOM) {
                rooms.put(k.name(), g.memberNames().size());
            }
        });
        return rooms;
    }

    /** Whether nothing at all is registered: no connection, no group. */
    public boolean isEmpty() {
        return connections.isEmpty() && groups.isEmpty();
    }

    public int groupCount() {
        return groups.size();
    }

    /** Closes every connection, for shutdown. */
    public void closeAll(CloseReason reason) {
        // Not after a flush: a queue behind a stalled send could outlive the shutdown's deadline.
        connections.forEach(c -> c.abort(reason));
    }
}
