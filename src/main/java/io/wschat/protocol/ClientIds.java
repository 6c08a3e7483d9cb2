package io.wschat.protocol;

import java.util.regex.Pattern;

/**
 * The rule for {@code client_id} (a room message's id chosen by its sender, and the push API's
 * {@code Idempotency-Key}): 1 to 64 ASCII letters, digits, {@code -}, {@code _}, {@code .} or
 * {@code :}, so that a UUID, a ULID or a counter fits and the id can be part of a Redis key as is.
 */
public final class ClientIds {

    public static final int MAX_LENGTH = 64;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

    private ClientIds() {
    }

    public static boolean isValid(String id) {
        return id != null && ALLOWED.matcher(id).matches();
    }

    public static String require(String field, String id) throws ProtocolException {
        if (!isValid(id)) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "'" + field + "' must be 1-" + MAX_LENGTH
                    + " letters, digits, '-', '_', '.' or ':' (a UUID, say)");
        }
        return id;
    }
}
