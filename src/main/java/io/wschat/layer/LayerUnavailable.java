package io.wschat.layer;

/** The shared state could not be reached, so the operation did not happen. */
public final class LayerUnavailable extends Exception {

    public LayerUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
