package io.wschat.protocol;

/** What a client asks the point-to-point endpoint to deliver. */
public record DirectRequest(String toUser, String message) {
}
