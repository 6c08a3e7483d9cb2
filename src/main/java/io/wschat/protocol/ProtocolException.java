package io.wschat.protocol;

/** A client frame that cannot be acted on; answered with an error frame, never a dropped connection. */
public final class ProtocolException extends Exception {

    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public Frame toFrame() {
        return Frames.error(code, getMessage());
    }

    /** The error frame for a client frame that carried {@code clientId} (null if none). */
    public Frame toFrame(String clientId) {
        return Frames.error(code, getMessage(), clientId);
    }
}
