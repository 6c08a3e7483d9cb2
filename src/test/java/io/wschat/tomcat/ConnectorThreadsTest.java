package io.wschat.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * wschat's connector threads for Tomcat (the run command's and a stock Tomcat's): what Tomcat hands
 * them besides socket events (a WebSocket send's completion) runs on the pool while it has a thread
 * to spare, and on a reserve thread when every thread is taken, as when they answer closes that each
 * wait for such a completion; the pool grows as Tomcat's does up to its eager limit, and past it only
 * when it is stuck.
 */
class ConnectorThreadsTest {

    private static final int EAGER = ConnectorThreads.EAGER_THREADS;

    private ConnectorThreads threads;
    private ConnectorThreads.Pool pool;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws LifecycleException {
        release.countDown();
        if (threads != null) {
            threads.stop();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void aCompletionRunsWhileEveryThreadOfThePoolWaitsForIt() throws Exception {
        threads = new ConnectorThreads("full");
        threads.start();
        CountDownLatch completed = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(EAGER);
        CountDownLatch released = new CountDownLatch(EAGER);
        for (int i = 0; i < EAGER; i++) {
            threads.execute(() -> { // a close waiting for its connection's send to complete
                waiting.countDown();
                if (awaitQuietly(completed)) {
                    released.countDown();
                }
            });
        }
        assertTrue(waiting.await(30, TimeUnit.SECONDS), "the pool took all " + EAGER + " tasks at once");
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
        threads.start();
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        threads.execute(() -> ranOn.complete(Thread.currentThread().getName()));
        assertTrue(ranOn.get(10, TimeUnit.SECONDS).startsWith("spare-exec-"), "ran on " + ranOn.get());
        assertEquals(0, threadsNamed("spare-reserve-"), "no reserve thread was made");
    }

    @Test
    void aBurstOfBusyTasksGrowsThePoolOnlyToItsEagerLimit() throws Exception {
        pool = new ConnectorThreads.Pool("burst");
        int tasks = 400;
        CountDownLatch done = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            pool.execute(() -> { // a handshake's worth of work: busy, not blocked
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                done.countDown();
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "the burst never finished");
        int made = threadsNamed("burst-exec-");
        assertTrue(made <= EAGER, made + " threads for a burst of busy tasks; at most " + EAGER + " expected");
    }

    @Test
    void aPoolWhoseThreadsAreAllBlockedGrowsForTheNextTask() throws Exception {
        pool = new ConnectorThreads.Pool("stuck");
        CountDownLatch blocked = new CountDownLatch(EAGER);
        for (int i = 0; i < EAGER; i++) {
            pool.execute(() -> { // a close blocked writing to a client that does not read
                blocked.countDown();
                awaitQuietly(release);
            });
        }
        assertTrue(blocked.await(30, TimeUnit.SECONDS), "the pool took all " + EAGER + " tasks at once");
        // Other clients' reads arrive now and then; once the pool has been stuck long enough, one gets a thread.
        List<CompletableFuture<String>> reads = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String ranOn = null;
        while (ranOn == null && System.nanoTime() < deadline) {
            CompletableFuture<String> read = new CompletableFuture<>();
            reads.add(read);
            pool.execute(() -> read.complete(Thread.currentThread().getName()));
            ranOn = firstDone(reads);
        }
        assertTrue(ranOn != null, "no task ran in 10 s while " + EAGER + " threads were blocked");
        assertTrue(ranOn.startsWith("stuck-exec-"), "ran on " + ranOn);
    }

    private static String firstDone(List<CompletableFuture<String>> futures) throws Exception {
        try {
            return CompletableFuture.anyOf(futures.toArray(new CompletableFuture<?>[0]))
                    .thenApply(String.class::cast).get(20, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        }
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int threadsNamed(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
