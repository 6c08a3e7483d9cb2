package io.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The run command's connector threads on Java 17: what Tomcat hands them besides socket events (a
 * WebSocket send's completion) runs on the pool while it has a thread to spare, and on a reserve
 * thread when every thread of the pool is taken, as when 200 threads answer closes that each wait
 * for such a completion.
 */
class ConnectorThreadsTest {

    private static final int POOL_MAX = 200;

    private ConnectorThreads threads;

    @AfterEach
    void stop() {
        threads.shutdown();
    }

    @Test
    void aCompletionRunsWhileEveryThreadOfThePoolWaitsForIt() throws Exception {
        threads = new ConnectorThreads("full");
        CountDownLatch completed = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(POOL_MAX);
        CountDownLatch released = new CountDownLatch(POOL_MAX);
        for (int i = 0; i < POOL_MAX; i++) {
            threads.execute(() -> { // a close waiting for its connection's send to complete
                waiting.countDown();
                try {
                    if (completed.await(30, TimeUnit.SECONDS)) {
                        released.countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(waiting.await(30, TimeUnit.SECONDS), "the pool took all " + POOL_MAX + " tasks at once");
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        threads.execute(() -> { // the completion they wait for
            ranOn.complete(Thread.currentThread().getName());
            completed.countDown();
        });
        assertTrue(released.await(10, TimeUnit.SECONDS), "the completion never ran: every thread was taken");
        assertTrue(ranOn.get().startsWith("full-reserve-"), "ran on " + ranOn.get());
    }

    @Test
    void whileThePoolHasAThreadToSpareACompletionRunsThere() throws Exception {
        threads = new ConnectorThreads("spare");
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        threads.execute(() -> ranOn.complete(Thread.currentThread().getName()));
        assertTrue(ranOn.get(10, TimeUnit.SECONDS).startsWith("spare-exec-"), "ran on " + ranOn.get());
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("spare-reserve-")).count(), "no reserve thread was made");
    }
}
