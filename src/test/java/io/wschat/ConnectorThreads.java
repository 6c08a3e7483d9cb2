package io.wschat;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.tomcat.util.net.SocketProcessorBase;
import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;

/**
 * The run command's connector threads where there are no virtual threads (Java 17): a pool like the
 * one Tomcat makes for itself (200 threads at most), and two reserve threads that run whatever is not a
 * socket event, above all a WebSocket send's completion, while every thread of the pool is taken.
 *
 * <p>Why: Tomcat answers a client's close frame on the thread that read it, after waiting for the
 * connection's send in progress to complete, and runs that completion as a task of the connector's
 * executor. When the members of a large room close at once just after it sent them all a frame, every
 * thread of the pool can be waiting for a completion queued behind the closes, and nothing moves until
 * the blocking-send timeout (Tomcat's bug 66508 describes the close handling). A completion never
 * waits for a socket event, so on a reserve thread it always runs. Only then: a completion handed to a
 * thread of its own every time costs a thread wake-up where the pool's own thread, just done with a
 * read, would have taken it (direct messages cost a sixth more CPU that way).
 */
final class ConnectorThreads implements Executor {

    private final ThreadPoolExecutor pool;
    private final ExecutorService reserve;

    ConnectorThreads(String name) {
        TaskQueue queue = new TaskQueue();
        pool = new ThreadPoolExecutor(10, 200, 60, TimeUnit.SECONDS, queue,
                new TaskThreadFactory(name + "-exec-", true, Thread.NORM_PRIORITY));
        queue.setParent(pool);
        java.util.concurrent.ThreadPoolExecutor reserveThreads = new java.util.concurrent.ThreadPoolExecutor(2, 2,
                60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new TaskThreadFactory(name + "-reserve-", true, Thread.NORM_PRIORITY));
        reserveThreads.allowCoreThreadTimeOut(true); // made when first needed, gone a minute after
        reserve = reserveThreads;
    }

    @Override
    public void execute(Runnable task) {
        // Fewer tasks than the pool's maximum: a thread is free, or the pool makes one (Tomcat's task
        // queue does so before it queues anything).
        if (task instanceof SocketProcessorBase || pool.getSubmittedCount() < pool.getMaximumPoolSize()) {
            pool.execute(task);
        } else {
            reserve.execute(task);
        }
    }

    /** Stops both; Tomcat leaves an executor it did not make to whoever made it. */
    void shutdown() {
        pool.shutdownNow();
        reserve.shutdownNow();
    }
}
