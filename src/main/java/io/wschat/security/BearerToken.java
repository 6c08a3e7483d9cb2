package io.wschat.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks an {@code Authorization: Bearer ...} header against the configured token, in constant time. */
public final class BearerToken {

    private static final String PREFIX = "Bearer ";

    private final byte[] expected;

    public BearerToken(String token) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] given = authorizationHeader.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        // MessageDigest.isEqual takes time independent of where the arrays differ.
        return MessageDigest.isEqual(expected, given);
    }
}
