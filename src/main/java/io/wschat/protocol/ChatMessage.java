package io.wschat.protocol;

import java.time.Instant;

/**
 * A message said in a room: what the room's members receive and what its stream keeps.
 *
 * @param room     the room it was said in
 * @param offset   its place in the room's stream: 1, 2, 3, ... without gaps, the same on every server;
 *                 {@link #NOT_STORED} for a message the shared store could not take, which reached only
 *                 the members on the server it was said on
 * @param user     who said it ({@value #SERVER_USER} for the push API)
 * @param message  the text
 * @param ts       when the server accepted it
 * @param clientId the sender's own id for it (see {@link ClientIds}), or null: a message sent again with the
 *                 same id by the same user within the dedup window is stored once
 */
public record ChatMessage(String room, long offset, String user, String message, Instant ts, String clientId) {

    public static final String SERVER_USER = "server";

    /** The offset of a message that is in no stream. */
    public static final long NOT_STORED = 0;

    /** A message about to be said: the layer gives it its offset when it stores it. */
    public static ChatMessage draft(String room, String user, String message, Instant ts, String clientId) {
        return new ChatMessage(room, NOT_STORED, user, message, ts, clientId);
    }

    public ChatMessage at(long newOffset) {
        return new ChatMessage(room, newOffset, user, message, ts, clientId);
    }

    public boolean stored() {
        return offset != NOT_STORED;
    }
}
