package io.wschat.config;

import java.util.regex.Pattern;

/** Redis URLs as they may be shown: logs and health never print a password. */
public final class RedisUrls {

    private static final Pattern CREDENTIALS = Pattern.compile("^(rediss?(?:-socket)?://)[^@/]*@");

    private RedisUrls() {
    }

    /** {@code redis://:secret@host:6379/0} → {@code redis://***@host:6379/0}. */
    public static String withoutPassword(String url) {
        return CREDENTIALS.matcher(url).replaceFirst("$1***@");
    }
}
