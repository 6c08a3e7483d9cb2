package io.wschat.protocol;

/**
 * What a client says in a room.
 *
 * @param message  the text (or a {@code /name} command)
 * @param clientId the client's id for it, or null: with one, the sender gets an {@code ack} and a repeat is stored once
 */
public record ChatRequest(String message, String clientId) {
}
