package io.wschat.support;

import io.wschat.protocol.Frames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client for tests (the JDK's), collecting every text frame and the close.
 * Waits are bounded: each takes a deadline and fails the test when it passes.
 */
public final class WsClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final List<String> seen = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final List<Integer> messagesPerFrame = new ArrayList<>();
    private volatile boolean reading = true;
    private WebSocket socket;
    private boolean batched; // the server agreed to wschat.batch: a frame holds messages one per line

    /** The server answered the upgrade request with an HTTP status instead of 101. */
    public static final class HandshakeRefused extends RuntimeException {
        private final int status;

        HandshakeRefused(URI uri, int status, String body, Throwable cause) {
            super("handshake to " + uri + " refused with HTTP " + status + ": " + body, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** How the server ended the connection. */
    public record Closed(int code, String reason) {
    }

    private WsClient() {
    }

    /**
     * Connects as a page served by the same server would: with {@code Origin} set to the URI's own
     * origin, unless the headers name an Origin themselves (a null value sends none, as a non-browser
     * client does).
     */
    public static WsClient connect(URI uri, String... headers) {
        return connectOffering(null, uri, headers);
    }

    /**
     * Connects offering {@code subprotocol} (when not null). Where the server agrees to
     * {@code wschat.batch}, the frames' lines are read as the messages they are: {@link #next()} and
     * the rest see one message at a time, {@link #messagesPerFrame()} how they came.
     */
    public static WsClient connectOffering(String subprotocol, URI uri, String... headers) {
        try {
            return attempt(subprotocol, uri, headers);
        } catch (java.util.concurrent.CompletionException e) {
            if (!ChatServers.handshakesMayGoUnanswered() || !(e.getCause() instanceof java.util.concurrent.TimeoutException
                    || e.getCause() instanceof java.io.IOException)) {
                throw e;
            }
            System.err.println("[WsClient] the handshake with " + uri + " went unanswered (" + e.getCause()
                    + "); trying once more, as a client of " + ChatServers.container() + " must");
            return attempt(subprotocol, uri, headers);
        }
    }

    private static WsClient attempt(String subprotocol, URI uri, String... headers) {
        WsClient client = new WsClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        boolean originGiven = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Origin")) {
                originGiven = true;
            }
            if (headers[i + 1] != null) {
                builder.header(headers[i], headers[i + 1]);
            }
        }
        if (!originGiven) {
            builder.header("Origin", ownOrigin(uri));
        }
        try {
            client.socket = builder.buildAsync(uri, client.new Listener()).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                throw new HandshakeRefused(uri, h.getResponse().statusCode(), String.valueOf(h.getResponse().body()), h);
            }
            throw e;
        }
        client.batched = Frames.BATCH_SUBPROTOCOL.equals(client.socket.getSubprotocol());
        return client;
    }

    /** The subprotocol the server chose ("" for none). */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** {@code ws://host:port/x} → {@code http://host:port}: the origin of a page served by that server. */
    public static String ownOrigin(URI uri) {
        String scheme = uri.getScheme().equals("wss") ? "https" : "http";
        return scheme + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    /** Tries to connect; returns the failure instead of throwing (for handshakes that must be refused). */
    public static Throwable connectFailure(URI uri, String... headers) {
        try {
            connect(uri, headers).close();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    public WsClient send(String text) {
        socket.sendText(text, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return this;
    }

    public WsClient sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return this;
    }

    /** The next text frame, failing after the deadline. */
    public String next() {
        try {
            String frame = inbox.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + TIMEOUT + "; seen " + recent());
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Json nextJson() {
        return Json.parse(next());
    }

    /** Skips frames until one matches, returning it; fails at the deadline. */
    public Json await(Predicate<Json> wanted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String frame;
            try {
                frame = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (frame == null) {
                throw new AssertionError("no matching frame within " + TIMEOUT + "; seen " + recent());
            }
            Json json = Json.parse(frame);
            if (wanted.test(json)) {
                return json;
            }
        }
    }

    /**
     * For a client of {@code /ws/{user}}: waits until the server has joined it as {@code user}, by sending
     * that user a direct message and awaiting it. That endpoint sends no welcome, and its 101 can reach
     * the client before the server has joined the connection.
     */
    public WsClient awaitJoinedAs(String user) {
        send("{\"message\":\"joined?\",\"to_user\":\"" + user + "\"}");
        await(m -> "direct.message".equals(m.str("type")) && "joined?".equals(m.str("message")));
        return this;
    }

    public Json awaitType(String type) {
        return await(j -> type.equals(j.str("type")));
    }

    /** Returns a frame already waiting, or null: for asserting that nothing (more) arrived. */
    public String poll(Duration wait) {
        try {
            return inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for the server's close frame. */
    public Closed awaitClose() {
        try {
            return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + TIMEOUT + "; seen " + recent(), e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Stops reading from the socket: the server's writes back up (a slow consumer). */
    public void stopReading() {
        reading = false;
    }

    /** Reads again after {@link #stopReading()}. */
    public void resumeReading() {
        reading = true;
        socket.request(1);
    }

    /** How many messages each text frame held, in the order they came (more than one only on a batched connection). */
    public synchronized List<Integer> messagesPerFrame() {
        return List.copyOf(messagesPerFrame);
    }

    /** How many text frames (on a batched connection: messages) have arrived so far. */
    public synchronized int received() {
        return seen.size();
    }

    public synchronized List<String> seen() {
        return List.copyOf(seen);
    }

    /** The last few frames, shortened, for failure messages. */
    private synchronized String recent() {
        int from = Math.max(0, seen.size() - 10);
        StringBuilder b = new StringBuilder("(" + seen.size() + " frames; last: ");
        for (String f : seen.subList(from, seen.size())) {
            b.append(f.length() > 160 ? f.substring(0, 160) + "…" : f).append(" | ");
        }
        return b.append(")").toString();
    }

    /**
     * Drops the TCP connection without a close frame, as a network failure would: the server learns of
     * it only when a write fails or a pong is overdue.
     */
    public void cut() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!closed.isDone() && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                List<String> messages = batched ? List.of(frame.split("\n", -1)) : List.of(frame);
                synchronized (WsClient.this) {
                    seen.addAll(messages);
                    messagesPerFrame.add(messages.size());
                }
                inbox.addAll(messages);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(1006, String.valueOf(error)));
        }
    }
}
