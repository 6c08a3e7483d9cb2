package io.wschat.metrics;

/**
 * What the endpoints, the handshake filter and the hub report as it happens, for {@code GET /metrics}.
 * Each call is one cheap counter step; what the runtime already counts (rooms, queued bytes, slow
 * consumers, the layer) is read at scrape time instead (see {@link RuntimeReadings}).
 */
public interface Metrics {

    /** Why a connection was refused, as the {@code reason} label shows it. */
    enum Refusal {
        /** 503: the server is draining (or 1012 where no filter ran). */
        DRAINING,
        /** 403: foreign or missing Origin. */
        ORIGIN,
        /** 401: missing or bad sign-in token. */
        TOKEN,
        /** 429: too many connections from one address. */
        ADDRESS_LIMIT,
        /** 503: too many connections in total. */
        TOTAL_LIMIT,
        /** 1013: the limit was reached between the handshake check and the connection opening. */
        CONNECTION_LIMIT,
        /** 1008: an invalid room or user name, not signed in, or someone else's username. */
        IDENTITY,
        /** 4403: a room the sign-in token does not allow. */
        ROOM_NOT_ALLOWED
    }

    /** A WebSocket connection opened on {@code endpoint} (a path template such as {@code /ws/chat/{room}}). */
    void connectionOpened(String endpoint);

    void connectionClosed(String endpoint);

    /** A client's frame was accepted for handling (within the size and rate limits). */
    void messageReceived(String endpoint);

    /**
     * A frame of {@code bytes} holding {@code messages} messages (more than one where the client opted
     * into batching) was written to a client, {@code nanos} after its write began.
     */
    void frameSent(int messages, int bytes, long nanos);

    /** A client's frame was dropped for exceeding the message rate. */
    void rateLimited();

    void connectionRefused(Refusal reason);
}
