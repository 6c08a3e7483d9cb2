package io.wschat.security;

import io.wschat.protocol.Names;
import jakarta.websocket.Session;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Who a connection is: the container's authenticated user, else the {@code name} query parameter, else a guest name. */
public final class Identity {

    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

    private Identity() {
    }

    /**
     * The display name for a new connection, or empty if the client asked for a name that breaks
     * the naming rule (the caller refuses the connection).
     */
    public static Optional<String> displayName(Session session) {
        Principal principal = session.getUserPrincipal();
        if (principal != null && principal.getName() != null) {
            return Optional.of(principal.getName());
        }
        List<String> asked = session.getRequestParameterMap().get("name");
        if (asked != null && !asked.isEmpty() && !asked.get(0).isEmpty()) {
            String name = asked.get(0);
            return Names.isValid(name) ? Optional.of(name) : Optional.empty();
        }
        return Optional.of(guestName());
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
