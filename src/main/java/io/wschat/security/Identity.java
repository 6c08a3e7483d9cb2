package io.wschat.security;

import io.wschat.config.Settings.IdentityMode;
import io.wschat.protocol.Names;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who a connection is, decided once from its handshake scope.
 *
 * <ul>
 * <li>{@code open} (the default, a demo): the display name is the {@code name} query parameter, or a
 *     generated guest name; {@code /ws/{username}} is whoever the path says. The "person" behind a
 *     connection is its client address, which is how a room tells a second tab (same name, same
 *     address: one member) from someone else who picked a taken name (another address: they get a
 *     suffix, see {@link io.wschat.hub.Registry#joinRoom}).
 * <li>{@code container}: the container authenticated the handshake (a {@code security-constraint});
 *     the user principal's name is the only identity, the person is the principal, {@code name} is
 *     ignored, renaming is refused and {@code /ws/{username}} must be the principal's own name.
 * <li>{@code token}: as {@code container}, with the principal a {@link TokenPrincipal} that the
 *     handshake filter made from a verified token; in addition the token's {@code rooms} claim limits
 *     the rooms (else close {@value #ROOM_NOT_ALLOWED}), and the connection ends when the token does
 *     (close {@value #TOKEN_EXPIRED}). Without such a principal (no filter ran, as on a bare Tyrus
 *     server) every connection is refused: fail closed.
 * </ul>
 *
 * @param name       the display name to start with
 * @param person     what tells people apart: the client address ({@code open}) or the principal
 *                   ({@code container}, {@code token})
 * @param fixed      whether the name may not be changed ({@code container} and {@code token} modes)
 * @param validUntil when the connection must end because its token does; null without a token
 */
public record Identity(String name, String person, boolean fixed, java.time.Instant validUntil) {

    /** Close code: the token has expired; get a new one and reconnect. */
    public static final int TOKEN_EXPIRED = 4401;

    /** Close code: the token's rooms claim does not include this room. */
    public static final int ROOM_NOT_ALLOWED = 4403;

    public Identity(String name, String person, boolean fixed) {
        this(name, person, fixed, null);
    }

    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

    /** Why a handshake cannot be given an identity; the endpoint closes with {@link #closeCode()} and this reason. */
    public static final class Refused extends Exception {
        private final int closeCode;

        public Refused(String reason) {
            this(1008, reason);
        }

        public Refused(int closeCode, String reason) {
            super(reason, null, false, false);
            this.closeCode = closeCode;
        }

        public int closeCode() {
            return closeCode;
        }
    }

    /**
     * The identity of a connection to {@code room}, which must be a valid room name: the principal, or
     * the {@code name} parameter, or a guest name. In {@code token} mode the token must allow the room.
     */
    public static Identity forRoom(IdentityMode mode, HandshakeScope scope, String room) throws Refused {
        if (!Names.isValid(room)) {
            throw new Refused("invalid room name");
        }
        if (mode == IdentityMode.TOKEN) {
            Identity me = authenticated(mode, scope);
            if (!scope.token().rooms().allows(room)) {
                throw new Refused(ROOM_NOT_ALLOWED, "room not allowed");
            }
            return me;
        }
        if (mode == IdentityMode.CONTAINER) {
            return authenticated(mode, scope);
        }
        String asked = scope.queryParam("name");
        if (asked != null && !asked.isEmpty()) {
            if (!Names.isValid(asked)) {
                throw new Refused("invalid name parameter");
            }
            return new Identity(asked, scope.clientAddress(), false);
        }
        return new Identity(guestName(), scope.clientAddress(), false);
    }

    /** The identity of a {@code /ws/{username}} connection; in {@code container} mode only one's own name. */
    public static Identity forUser(IdentityMode mode, HandshakeScope scope, String username) throws Refused {
        if (!Names.isValid(username)) {
            throw new Refused("invalid username");
        }
        if (mode != IdentityMode.OPEN) {
            Identity me = authenticated(mode, scope);
            if (!me.name().equals(username)) {
                throw new Refused("signed in as another user"); // not the name: a close reason holds at most 123 bytes
            }
            return me;
        }
        return new Identity(username, scope.clientAddress(), false);
    }

    /** A connection without a name of its own (broadcast, echo): the principal if any, else a guest. */
    public static Identity anonymous(IdentityMode mode, HandshakeScope scope) throws Refused {
        if (mode != IdentityMode.OPEN) {
            return authenticated(mode, scope);
        }
        return new Identity(guestName(), scope.clientAddress(), false);
    }

    private static Identity authenticated(IdentityMode mode, HandshakeScope scope) throws Refused {
        if (mode == IdentityMode.TOKEN) {
            TokenPrincipal token = scope.token();
            if (token == null) {
                // Fail closed: the handshake filter, which verifies tokens, did not run for this connection.
                throw new Refused("authentication required");
            }
            return new Identity(token.name(), token.name(), true, token.validUntil());
        }
        String principal = scope.principal();
        if (principal == null) {
            // Fail closed: container mode without a security-constraint over the endpoint is a misconfiguration.
            throw new Refused("authentication required");
        }
        if (!Names.isValid(principal)) {
            throw new Refused("the signed-in user's name cannot be shown in a room");
        }
        return new Identity(principal, principal, true);
    }

    public static String guestName() {
        StringBuilder b = new StringBuilder("guest-");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 6; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
