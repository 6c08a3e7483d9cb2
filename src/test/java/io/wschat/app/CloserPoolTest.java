package io.wschat.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The threads that close connections: a close that never returns (Payara's deadlock) holds up no other. */
class CloserPoolTest {

    @Test
    void closesThatNeverReturnHoldUpNoOtherClose() throws InterruptedException {
        ExecutorService closers = ChatRuntime.closerPool();
        int stuck = ChatRuntime.MAX_CLOSERS - 1;
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(stuck);
        try {
            for (int i = 0; i < stuck; i++) {
                closers.execute(() -> {
                    started.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "every close that never returns has a thread: "
                    + (stuck - started.getCount()) + " of " + stuck + " started");
            CountDownLatch next = new CountDownLatch(1);
            closers.execute(next::countDown);
            assertTrue(next.await(10, TimeUnit.SECONDS), "a close after them still runs");
        } finally {
            never.countDown();
            closers.shutdownNow();
        }
    }
}
