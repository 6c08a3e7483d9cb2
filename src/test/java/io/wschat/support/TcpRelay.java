package io.wschat.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay in front of a server, for tests that must drop connections without a close
 * frame while the server keeps running in another process: {@link #cut()} resets every relayed
 * connection on both sides and refuses new ones until {@link #restore()}; {@link #hold()} leaves new
 * ones unanswered until {@link #release()}.
 */
final class TcpRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;
    private volatile boolean holding;
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();

    TcpRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-relay-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Resets every relayed connection (RST to both ends) and refuses new ones. */
    void cut() {
        refusing = true;
        open.forEach(TcpRelay::reset);
        open.clear();
    }

    void restore() {
        refusing = false;
    }

    /** New connections are accepted and then left alone: nothing is relayed, nothing answered. */
    void hold() {
        holding = true;
    }

    /** Resets the connections held and relays new ones again. */
    void release() {
        holding = false;
        held.forEach(TcpRelay::reset);
        held.clear();
    }

    @Override
    public void close() {
        cut();
        release();
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (refusing) {
                reset(client);
                continue;
            }
            if (holding) {
                held.add(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                AtomicInteger directions = new AtomicInteger(2);
                pump(client, upstream, directions);
                pump(upstream, client, directions);
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    /** Copies one direction; an end of stream is passed on as a half-close, an error resets both ends. */
    private void pump(Socket from, Socket to, AtomicInteger directions) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
                to.shutdownOutput();
                if (directions.decrementAndGet() == 0) {
                    from.close();
                    to.close();
                    open.remove(from);
                    open.remove(to);
                }
            } catch (IOException e) {
                reset(from);
                reset(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-relay-" + from.getPort());
        t.setDaemon(true);
        t.start();
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // close with RST: no orderly goodbye, as a failing network
        } catch (SocketException e) {
            // already closed
        }
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
