package io.wschat.protocol;

import java.util.regex.Pattern;

/**
 * The rule for room names and usernames: 1 to 64 characters, each a letter of any script (with its
 * combining marks), a digit, {@code -}, {@code _} or {@code .}; not made of dots alone, so that no
 * name reads as a path segment such as {@code ..}.
 */
public final class Names {

    public static final int MAX_LENGTH = 64;
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{M}\\p{Nd}._-]+");
    private static final Pattern ONLY_DOTS = Pattern.compile("\\.+");

    private Names() {
    }

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        int length = name.codePointCount(0, name.length());
        return length <= MAX_LENGTH && ALLOWED.matcher(name).matches() && !ONLY_DOTS.matcher(name).matches();
    }

    /**
     * {@code wanted} with the suffix {@code -n} (n at least 2), shortened first if needed so that the
     * result still has at most {@link #MAX_LENGTH} characters: how a second person asking for a taken
     * name is told apart.
     */
    public static String suffixed(String wanted, int n) {
        String suffix = "-" + n;
        int room = MAX_LENGTH - suffix.length();
        String base = wanted.codePointCount(0, wanted.length()) <= room ? wanted
                : wanted.substring(0, wanted.offsetByCodePoints(0, room));
        return base + suffix;
    }

    /** Returns {@code name} if valid, else throws with a reason a client can show. */
    public static String require(String what, String name) throws ProtocolException {
        if (!isValid(name)) {
            throw new ProtocolException(ErrorCode.INVALID_NAME, what + " must be 1-" + MAX_LENGTH
                    + " letters, digits, '-', '_' or '.', and not only dots");
        }
        return name;
    }
}
