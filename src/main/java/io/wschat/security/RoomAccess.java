package io.wschat.security;

import io.wschat.protocol.Names;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which rooms a token lets its holder join: the token's {@code rooms} claim, a list of room names
 * and patterns in which {@code *} stands for any run of characters ({@code team-*}, {@code *}).
 * Without the claim every room is allowed ({@link #ANY}); an empty list allows none.
 *
 * @param patterns the claim's entries, as given
 */
public record RoomAccess(List<String> patterns) {

    /** No {@code rooms} claim: every room. */
    public static final RoomAccess ANY = new RoomAccess(List.of("*"));

    public RoomAccess {
        patterns = List.copyOf(patterns);
        for (String p : patterns) {
            if (!isPattern(p)) {
                throw new IllegalArgumentException("the rooms claim holds something that is neither a room name nor a pattern");
            }
        }
    }

    /** Whether the holder may join {@code room}. */
    public boolean allows(String room) {
        for (String p : patterns) {
            if (p.equals(room) || (p.indexOf('*') >= 0 && glob(p).matcher(room).matches())) {
                return true;
            }
        }
        return false;
    }

    /** A room name, or one with some characters replaced by {@code *}. */
    static boolean isPattern(String p) {
        if (p == null || p.isEmpty()) {
            return false;
        }
        if (p.chars().allMatch(ch -> ch == '*')) {
            return true;
        }
        // Every '*' stands for at least nothing; the rest must be characters a name may hold.
        return Names.isValid(p.replace("*", "x"));
    }

    private static Pattern glob(String p) {
        StringBuilder regex = new StringBuilder();
        int from = 0;
        for (int star = p.indexOf('*'); star >= 0; star = p.indexOf('*', from)) {
            regex.append(Pattern.quote(p.substring(from, star))).append(".*");
            from = star + 1;
        }
        return Pattern.compile(regex.append(Pattern.quote(p.substring(from))).toString(), Pattern.DOTALL);
    }
}
