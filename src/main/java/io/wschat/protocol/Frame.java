package io.wschat.protocol;

/**
 * One outbound text frame, encoded once and shared by every receiver.
 *
 * @param text  the frame's text, usually a JSON object
 * @param bytes its size in UTF-8, which is what outbound queues are bounded by
 */
public record Frame(String text, int bytes) {

    public static Frame of(String text) {
        return new Frame(text, Utf8.length(text));
    }
}
