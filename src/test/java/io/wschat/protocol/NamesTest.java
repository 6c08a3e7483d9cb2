package io.wschat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The rule for room names and usernames. */
class NamesTest {

    /** The rule as the README states it, in regular-expression form. */
    private static final Pattern RULE = Pattern.compile("[\\p{L}\\p{M}\\p{Nd}._-]{1,64}");

    @Test
    void acceptsLettersOfAnyScriptDigitsAndDotUnderscoreHyphen() {
        for (String ok : new String[] {"lobby", "Zoë", "ещё", "東京", "नमस्ते", "room_1-b.c", "a.", "x".repeat(64),
                "\uD835\uDC00".repeat(64)}) { // the last: 64 letters outside the BMP (U+1D400), 128 chars
            assertTrue(Names.isValid(ok), ok);
        }
    }

    @Test
    void refusesEmptyTooLongOnlyDotsAndOtherCharacters() {
        for (String bad : new String[] {"", ".", "..", "...", "x".repeat(65), "\uD835\uDC00".repeat(65), "a b", "a/b",
                "a\\b", "a%2Fb", "<script>", "a\u0000", "😀", "\uD800", "a\u200Bb"}) {
            assertFalse(Names.isValid(bad), bad);
        }
        assertFalse(Names.isValid(null));
    }

    @Test
    void agreesWithTheRuleOnEveryCodePoint() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String one = new String(Character.toChars(cp));
            boolean expected = RULE.matcher(one).matches() && cp != '.';
            assertEquals(expected, Names.isValid(one), () -> "U+" + Integer.toHexString(one.codePointAt(0)));
            String two = "a" + one;
            assertEquals(RULE.matcher(two).matches(), Names.isValid(two), () -> "a + U+" + Integer.toHexString(one.codePointAt(0)));
        }
    }
}
