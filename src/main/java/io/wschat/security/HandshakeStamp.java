package io.wschat.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Carries the client address from the handshake filter to the endpoint.
 *
 * <p>Why: the WebSocket API shows the endpoint the handshake's headers but not the client's address.
 * The filter, which sees the address, passes it on as a request header; that header starts with a
 * secret that exists only in this server's memory, so a client that sends the header itself (through
 * a container where the filter does not run, say) is not believed. The filter also drops any copy
 * the client sent.
 */
public final class HandshakeStamp {

    public static final String HEADER = "X-Wschat-Handshake";

    private final String secret;

    public HandshakeStamp() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        this.secret = HexFormat.of().formatHex(bytes);
    }

    /** The header value for a handshake from {@code address}. */
    public String stamp(String address) {
        return secret + " " + address;
    }

    /** The address in a header value this server stamped, or null for anything else. */
    public String address(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        int space = headerValue.indexOf(' ');
        if (space < 0) {
            return null;
        }
        boolean ours = MessageDigest.isEqual(secret.getBytes(StandardCharsets.US_ASCII),
                headerValue.substring(0, space).getBytes(StandardCharsets.US_ASCII));
        return ours ? headerValue.substring(space + 1) : null;
    }
}
