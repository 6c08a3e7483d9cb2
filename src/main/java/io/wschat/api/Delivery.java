package io.wschat.api;

/**
 * What became of something said.
 *
 * @param offset   the room offset it was stored at; 0 if it is not a room message or was not stored
 * @param reached  the connections it was sent to: for a room, every connection in the room on every
 *                 server when it was stored; for a direct message, every connection of the receiver
 *                 (0: offline); when not {@code complete}, only the connections on this server
 * @param complete false when the state servers share was unreachable: it was not stored, and it
 *                 reached only connections on this server
 */
public record Delivery(long offset, int reached, boolean complete) {
}
