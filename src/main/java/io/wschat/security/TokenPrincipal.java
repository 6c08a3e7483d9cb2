package io.wschat.security;

import java.security.Principal;
import java.time.Instant;
import java.util.Objects;

/**
 * The user a verified token names, as the handshake filter hands it to the container in place of a
 * container login ({@code HttpServletRequest.getUserPrincipal()}); both Tomcat and Tyrus give it
 * to the WebSocket session as its principal. It carries what the connection needs after the
 * handshake and nothing more: never the token itself.
 *
 * @param name       the token's {@code sub}, a valid user name
 * @param rooms      the rooms the token allows (its {@code rooms} claim)
 * @param validUntil when the token stops being accepted: its {@code exp} plus the configured leeway
 */
public record TokenPrincipal(String name, RoomAccess rooms, Instant validUntil) implements Principal {

    public TokenPrincipal {
        Objects.requireNonNull(name);
        Objects.requireNonNull(rooms);
        Objects.requireNonNull(validUntil);
    }

    @Override
    public String getName() {
        return name;
    }
}
