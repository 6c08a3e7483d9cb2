package io.wschat.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client on a bare socket, for the frames a well-behaved library will not produce:
 * invalid UTF-8, fragments, reserved opcodes, unmasked frames, floods of pings, half-closes, or just
 * never reading. It does the HTTP upgrade by hand, masks what it sends (unless told not to) and reads
 * frames with a deadline. It answers pings only while {@link #autoPong} is on.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int status;
    private final Map<String, String> responseHeaders;
    private final String responseBody;
    private volatile boolean autoPong = true;

    /** One received frame. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame (1005 if it carries none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private RawWebSocket(Socket socket, int status, Map<String, String> headers, String body) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.status = status;
        this.responseHeaders = headers;
        this.responseBody = body;
    }

    /** Handshakes with {@code ws://host:port/path}, Origin set to the server's own unless given; see {@link #status()}. */
    public static RawWebSocket connect(URI uri, String... headers) {
        return connectFrom(null, uri, headers);
    }

    /**
     * As {@link #connect}, from a given local address (any of 127.0.0.0/8 reaches a loopback server):
     * how tests play clients at different addresses. Headers with a null value are left out; an
     * {@code Origin} given here replaces the default.
     */
    public static RawWebSocket connectFrom(String localAddress, URI uri, String... headers) {
        try {
            return attempt(localAddress, uri, headers);
        } catch (AssertionError e) {
            if (!ChatServers.handshakesMayGoUnanswered()) {
                throw e;
            }
            System.err.println("[RawWebSocket] " + e.getMessage() + "; trying once more, as a client of "
                    + ChatServers.container() + " must");
            return attempt(localAddress, uri, headers);
        }
    }

    /** One handshake; an AssertionError if it fails without an HTTP answer. */
    private static RawWebSocket attempt(String localAddress, URI uri, String... headers) {
        long start = System.nanoTime();
        Socket socket = new Socket();
        try {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            }
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) WsClient.TIMEOUT.toMillis());
            socket.setSoTimeout((int) WsClient.TIMEOUT.toMillis());
            String key = Base64.getEncoder().encodeToString(randomBytes(16));
            StringBuilder request = new StringBuilder()
                    .append("GET ").append(uri.getRawPath()).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    .append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(key).append("\r\n");
            boolean originGiven = false;
            boolean versionGiven = false;
            for (int i = 0; i + 1 < headers.length; i += 2) {
                originGiven |= headers[i].equalsIgnoreCase("Origin");
                versionGiven |= headers[i].equalsIgnoreCase("Sec-WebSocket-Version");
                if (headers[i + 1] != null) {
                    request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
                }
            }
            if (!originGiven) {
                request.append("Origin: ").append(WsClient.ownOrigin(uri)).append("\r\n");
            }
            if (!versionGiven) {
                request.append("Sec-WebSocket-Version: 13\r\n");
            }
            request.append("\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return readHandshake(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
            // The cause and the time in the message: a CI log may show only this line.
            throw new AssertionError("handshake with " + uri + " failed after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms: " + e, e);
        }
    }

    private static RawWebSocket readHandshake(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        String statusLine = readLine(in);
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line; !(line = readLine(in)).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String body = "";
        if (status != 101 && headers.containsKey("content-length")) {
            byte[] b = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            body = new String(b, StandardCharsets.UTF_8);
        }
        return new RawWebSocket(socket, status, headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                throw new EOFException("connection closed during the handshake");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** The handshake's HTTP status: 101 when upgraded. */
    public int status() {
        return status;
    }

    public String responseHeader(String name) {
        return responseHeaders.get(name.toLowerCase(Locale.ROOT));
    }

    public String responseBody() {
        return responseBody;
    }

    public RawWebSocket autoPong(boolean on) {
        autoPong = on;
        return this;
    }

    // ---- sending ---------------------------------------------------------------------------------

    public RawWebSocket sendText(String text) {
        return send(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public RawWebSocket send(boolean fin, int opcode, byte[] payload) {
        return sendFrame(fin, 0, opcode, payload, true);
    }

    /** Any frame: {@code rsv} is the three reserved bits (0-7); {@code masked} false breaks the client rule. */
    public synchronized RawWebSocket sendFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteBuffer header = ByteBuffer.allocate(14);
        header.put((byte) ((fin ? 0x80 : 0) | (rsv << 4) | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            header.put((byte) (maskBit | payload.length));
        } else if (payload.length < 65536) {
            header.put((byte) (maskBit | 126)).putShort((short) payload.length);
        } else {
            header.put((byte) (maskBit | 127)).putLong(payload.length);
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] mask = randomBytes(4);
            header.put(mask);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i & 3];
            }
        }
        try {
            out.write(header.array(), 0, header.position());
            out.write(body);
            out.flush();
        } catch (IOException e) {
            throw new AssertionError("send failed", e);
        }
        return this;
    }

    /** Like {@link #sendFrame}, but reports whether the server still took it (it may have closed already). */
    public boolean trySend(boolean fin, int opcode, byte[] payload) {
        try {
            send(fin, opcode, payload);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    public void sendClose(int code) {
        send(true, CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
    }

    /** Half-closes: the server reads end-of-stream, while this side could still read. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Drops the connection with a TCP reset (RST), without a close frame, as a failing network does. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- receiving -------------------------------------------------------------------------------

    /** The next frame other than a ping (answered if {@link #autoPong}) within the deadline; null at end of stream. */
    public Frame next(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame f = readFrame(deadline);
            if (f == null || f.opcode() != PING) {
                return f;
            }
            if (autoPong) {
                send(true, PONG, f.payload());
            }
        }
    }

    public Frame next() {
        return next(WsClient.TIMEOUT);
    }

    /** The next frame as it comes, pings included (nothing answered), within the deadline; null at end of stream. */
    public Frame nextRaw() {
        return readFrame(System.nanoTime() + WsClient.TIMEOUT.toNanos());
    }

    /** Reads {@code count} frames, fails unless each is a ping, and answers each with its pong. */
    public void answerPings(int count) {
        for (int i = 0; i < count; i++) {
            Frame f = nextRaw();
            if (f == null || f.opcode() != PING) {
                throw new AssertionError("expected ping " + (i + 1) + " of " + count + ", got " + f);
            }
            send(true, PONG, f.payload());
        }
    }

    /** The next text message (its fragments joined), skipping pongs; fails if the connection closes first. */
    public String nextText() {
        ByteArrayOutputStream message = null;
        while (true) {
            Frame f = next();
            if (f == null) {
                throw new AssertionError("end of stream before a text frame");
            }
            if (f.opcode() == CLOSE) {
                throw new AssertionError("closed with " + f.closeCode() + " before a text frame: " + reason(f));
            }
            if (f.opcode() == TEXT || (f.opcode() == CONTINUATION && message != null)) {
                if (message == null) {
                    message = new ByteArrayOutputStream();
                }
                message.writeBytes(f.payload());
                if (f.fin()) {
                    return message.toString(StandardCharsets.UTF_8);
                }
            }
        }
    }

    private static String reason(Frame close) {
        return close.payload().length > 2 ? new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8) : "";
    }

    /** Reads until the server's close frame and returns its code; 1006 if the stream ends without one. */
    public int awaitClose() {
        while (true) {
            Frame f;
            try {
                f = next();
            } catch (AssertionError e) {
                if (e.getCause() instanceof SocketTimeoutException) {
                    throw e;
                }
                return 1006; // reset
            }
            if (f == null) {
                return 1006;
            }
            if (f.opcode() == CLOSE) {
                return f.closeCode();
            }
        }
    }

    /**
     * Every frame that arrives within {@code window}, pings included (nothing answered), up to the end of
     * stream: what a server sends unasked.
     */
    public List<Frame> framesWithin(Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        List<Frame> frames = new ArrayList<>();
        try {
            for (Frame f = readFrameOrTimeout(deadline); f != null; f = readFrameOrTimeout(deadline)) {
                frames.add(f);
            }
        } catch (SocketTimeoutException e) {
            // the window has passed
        }
        return frames;
    }

    private Frame readFrame(long deadlineNanos) {
        try {
            return readFrameOrTimeout(deadlineNanos);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame before the deadline", e);
        }
    }

    /** The next frame, null at end of stream; throws if none began before the deadline. */
    private Frame readFrameOrTimeout(long deadlineNanos) throws SocketTimeoutException {
        try {
            long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int b0 = in.read();
            if (b0 == -1) {
                return null;
            }
            int b1 = readByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
            }
            if ((b1 & 0x80) != 0) {
                in.readNBytes(4); // servers do not mask; skip a mask if one came anyway
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                return null;
            }
            return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("read failed", e);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b == -1) {
            throw new EOFException();
        }
        return b;
    }

    /**
     * Reads (and answers pings) on a background thread from now on, discarding what arrives: a client
     * that is alive but has nothing more to check. Ends when the socket closes.
     */
    public RawWebSocket keepAlive() {
        Thread reader = new Thread(() -> {
            try {
                while (next(Duration.ofMinutes(5)) != null) {
                    // discard
                }
            } catch (AssertionError closed) {
                // socket closed or reset: done
            }
        }, "raw-ws-keepalive");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
