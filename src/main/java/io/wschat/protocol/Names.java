package io.wschat.protocol;

/**
 * The rule for room names and usernames: 1 to 64 characters, each a letter of any script (with its
 * combining marks), a digit, {@code -}, {@code _} or {@code .}; not made of dots alone, so that no
 * name reads as a path segment such as {@code ..}.
 */
public final class Names {

    public static final int MAX_LENGTH = 64;

    private Names() {
    }

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > 2 * MAX_LENGTH) {
            return false;
        }
        int length = 0;
        boolean onlyDots = true;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            if (!isAllowed(cp) || ++length > MAX_LENGTH) {
                return false;
            }
            onlyDots &= cp == '.';
        }
        return !onlyDots;
    }

    /**
     * A letter of any script ({@code \p{L}}), a combining mark ({@code \p{M}}), a decimal digit
     * ({@code \p{Nd}}), dot, underscore or hyphen.
     */
    private static boolean isAllowed(int cp) {
        if (cp == '.' || cp == '_' || cp == '-' || Character.isLetter(cp) || Character.isDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
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
