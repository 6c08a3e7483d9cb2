package io.wschat.protocol;

/** The {@code code} of an error frame. The README's error table lists each with its meaning. */
public enum ErrorCode {
    /** The frame is not valid JSON. */
    BAD_JSON("bad_json"),
    /** The frame is JSON, but not a JSON object. */
    NOT_AN_OBJECT("not_an_object"),
    /** A field is missing or has the wrong type. */
    BAD_FIELD("bad_field"),
    /** The message is empty or only white space. */
    EMPTY_MESSAGE("empty_message"),
    /** The text holds a lone UTF-16 surrogate, which no receiver could decode. */
    BAD_TEXT("bad_text"),
    /** A room or user name breaks the naming rule. */
    INVALID_NAME("invalid_name"),
    /** The target user of a direct message has no open connection. */
    USER_OFFLINE("user_offline"),
    /** The connection sent messages faster than its allowance; this one was dropped. */
    RATE_LIMITED("rate_limited"),
    /** The action is not allowed in this configuration (e.g. renaming when names come from the login). */
    FORBIDDEN("forbidden"),
    /** The state servers share could not be reached: the message reached only this server's connections, if any. */
    UNAVAILABLE("unavailable");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as it appears in the JSON frame. */
    public String wire() {
        return wire;
    }
}
