package io.wschat.page;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A plain (non-browser) room member, used to keep a room and its history alive during a test. */
final class RoomClient implements AutoCloseable {

    final List<String> frames = new CopyOnWriteArrayList<>();
    private final CountDownLatch welcomed = new CountDownLatch(1);
    private final WebSocket socket;

    /** Connects and returns once the server has welcomed it, i.e. it is a member of the room. */
    RoomClient(URI uri) throws InterruptedException {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                    welcomed.countDown();
                }
                ws.request(1);
                return null;
            }
        }).join();
        if (!welcomed.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no welcome from " + uri + " within 10 s");
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
}
