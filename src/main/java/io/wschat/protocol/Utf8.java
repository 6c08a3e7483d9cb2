package io.wschat.protocol;

/** UTF-8 facts about Java strings, computed without encoding them. */
public final class Utf8 {

    private Utf8() {
    }

    /** The number of bytes {@code s} takes in UTF-8 (a lone surrogate counts as the 3-byte replacement). */
    public static int length(CharSequence s) {
        int bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** True when every surrogate in {@code s} is half of a proper pair, so the text encodes to UTF-8. */
    public static boolean isWellFormed(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
