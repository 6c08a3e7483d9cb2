package io.wschat.protocol;

import java.util.List;

/**
 * A change in who is in a room, as every member is told of it: someone joined, left or was renamed.
 *
 * @param room    the room
 * @param kind    what happened
 * @param user    who joined or left, or the new name of who was renamed
 * @param from    the old name of who was renamed; null otherwise
 * @param version the room's presence version after this change: changes are numbered per room, so a
 *                member list taken at version V is brought up to date by exactly the changes after V
 * @param count   how many members (names) the room has after the change
 * @param members for a leave that brought a large room back to its list limit, the whole member list
 *                (members who joined while the room was large were only counted); null otherwise
 */
public record PresenceChange(String room, Kind kind, String user, String from, long version, int count,
        List<String> members) {

    public enum Kind { JOIN, LEAVE, RENAME }

    public PresenceChange {
        members = members == null ? null : List.copyOf(members);
    }

    public static PresenceChange joined(String room, String user, long version, int count) {
        return new PresenceChange(room, Kind.JOIN, user, null, version, count, null);
    }

    public static PresenceChange left(String room, String user, long version, int count, List<String> members) {
        return new PresenceChange(room, Kind.LEAVE, user, null, version, count, members);
    }

    public static PresenceChange renamed(String room, String from, String to, long version, int count) {
        return new PresenceChange(room, Kind.RENAME, to, from, version, count, null);
    }
}
