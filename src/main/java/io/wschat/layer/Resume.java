package io.wschat.layer;

/**
 * A rejoining client's place in a room's stream: it has seen every message up to {@code since} of the
 * stream {@code epoch}.
 */
public record Resume(long since, String epoch) {
}
