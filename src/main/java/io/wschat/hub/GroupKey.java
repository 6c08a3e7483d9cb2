package io.wschat.hub;

import java.util.Objects;

/** Names a group of connections: a room, all connections of one user, or the broadcast channel. */
public record GroupKey(Kind kind, String name) {

    public enum Kind { ROOM, USER, BROADCAST }

    public static final GroupKey BROADCAST = new GroupKey(Kind.BROADCAST, "");

    public GroupKey {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(name);
    }

    public static GroupKey room(String name) {
        return new GroupKey(Kind.ROOM, name);
    }

    public static GroupKey user(String name) {
        return new GroupKey(Kind.USER, name);
    }
}
