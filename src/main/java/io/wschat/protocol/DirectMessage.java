package io.wschat.protocol;

import java.time.Instant;

/**
 * A point-to-point message. {@code fromUser} is always set by the server from the sender's own
 * connection, never taken from the client.
 */
public record DirectMessage(String fromUser, String toUser, String message, Instant ts) {
}
