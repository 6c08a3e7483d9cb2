package io.wschat.tomcat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Executor;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.util.LifecycleBase;
import org.apache.tomcat.util.net.SocketProcessorBase;
import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;

/**
 * Connector threads for Tomcat: a pool of at
 * most 200 threads that grows as Tomcat's own does only up to {@value #EAGER_THREADS}, and two
 * reserve threads for what is not a socket event (above all a WebSocket send's completion) while the
 * pool has no thread to give it.
 *
 * <p>Why the reserve: Tomcat answers a client's close frame on the thread that read it, after waiting
 * for the connection's send in progress to complete, and runs that completion as a task of the
 * connector's executor. When the members of a large room close at once just after it sent them all
 * a frame, every thread of the pool can be waiting for a completion queued behind the closes, and
 * nothing moves until the blocking-send timeout (Tomcat's bug 66508 describes the close handling). A
 * completion never waits for a socket event, so on a reserve thread it always runs. Only then: a
 * completion handed to a thread of its own every time costs a thread wake-up where the pool's own
 * thread, just done with a read, would have taken it (direct messages cost a sixth more CPU that way).
 *
 * <p>Why the eager limit: Tomcat's pool makes a thread whenever a task finds none free, and a burst
 * of handshakes keeps every thread busy for a moment, so 2,000 connections opening grew it by some 70
 * threads, each with its stack and malloc arena touched: 24–26 KiB per connection at 2,000 instead of
 * 15 with at most 24 threads. On two cores more threads do not run more at once. Past
 * {@value #EAGER_THREADS} the pool grows only when it is stuck, not busy: when tasks wait and no
 * thread has taken one for {@value #PATIENCE_MILLIS} ms (threads blocked in writes to clients that
 * do not read, or on a slow Redis), the next task handed to it gets a thread of its own.
 *
 * <p>The run command gives it to its connector. A stock Tomcat names it in
 * {@code conf/server.xml}, from the jar {@code mvn package} makes for Tomcat's {@code lib/}
 * ({@code target/wschat-tomcat-lib.jar}; the README's "Deploying to a stock Tomcat 10.1", step 4):
 * {@code <Executor className="io.wschat.tomcat.ConnectorThreads" name="wschat"/>} in the
 * {@code Service}, and {@code executor="wschat"} on the connector, which its service then starts and
 * stops with it. It runs in Tomcat's own class loader and uses nothing of the web application.
 */
public final class ConnectorThreads extends LifecycleBase implements Executor {

    static final int EAGER_THREADS = 24;
    static final int MAX_THREADS = 200;
    static final long PATIENCE_MILLIS = 100;

    private String name = "wschat";
    private volatile Pool pool;
    private volatile ExecutorService reserve;

    /** For {@code server.xml}, which then sets the {@link #setName name}. */
    public ConnectorThreads() {
    }

    /** Threads named {@code name-exec-N} and {@code name-reserve-N}, made once it is started. */
    public ConnectorThreads(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    /** The name a connector's {@code executor} attribute gives; also the start of its threads' names. */
    public void setName(String name) {
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        Pool p = pool;
        if (p == null) {
            throw new RejectedExecutionException(name + " is not running");
        }
        // Fewer tasks than the eager limit: a thread of the pool is free, or the pool makes one.
        if (task instanceof SocketProcessorBase || p.getSubmittedCount() < EAGER_THREADS) {
            p.execute(task);
        } else {
            reserve.execute(task);
        }
    }

    @Override
    protected void initInternal() {
    }

    @Override
    protected void startInternal() throws LifecycleException {
        java.util.concurrent.ThreadPoolExecutor reserveThreads = new java.util.concurrent.ThreadPoolExecutor(2, 2,
                60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new TaskThreadFactory(name + "-reserve-", true, Thread.NORM_PRIORITY));
        reserveThreads.allowCoreThreadTimeOut(true); // made when first needed, gone a minute after
        reserve = reserveThreads;
        pool = new Pool(name);
        setState(LifecycleState.STARTING);
    }

    @Override
    protected void stopInternal() throws LifecycleException {
        setState(LifecycleState.STOPPING);
        Pool p = pool;
        pool = null;
        p.shutdownNow();
        reserve.shutdownNow();
    }

    @Override
    protected void destroyInternal() {
    }

    /** Tomcat's pool, on a {@link PatientQueue}; its size read without its lock, as its task queue reads it. */
    static final class Pool extends ThreadPoolExecutor {
        Pool(String name) {
            this(new PatientQueue(), new TaskThreadFactory(name + "-exec-", true, Thread.NORM_PRIORITY));
        }

        private Pool(PatientQueue queue, ThreadFactory threads) {
            super(10, MAX_THREADS, 60, TimeUnit.SECONDS, queue, threads);
            queue.setParent(this);
        }

        int size() {
            return getPoolSizeNoLock();
        }
    }

    /**
     * Tomcat's task queue, which makes the pool add a thread when a task finds none free, but past
     * {@value #EAGER_THREADS} threads only when the pool is stuck: tasks waiting, and none taken for
     * {@value #PATIENCE_MILLIS} ms since the wait began.
     */
    private static final class PatientQueue extends TaskQueue {
        private static final long serialVersionUID = 1L;
        private transient volatile Pool pool;
        private volatile long progressNanos = System.nanoTime(); // the last take, or the start of the backlog

        void setParent(Pool pool) {
            super.setParent(pool);
            this.pool = pool;
        }

        @Override
        public boolean offer(Runnable task) {
            long now = System.nanoTime();
            if (isEmpty()) {
                progressNanos = now; // a backlog, if this starts one, starts now
            }
            Pool p = pool;
            if (p == null || p.size() < EAGER_THREADS
                    || now - progressNanos > TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS)) {
                return super.offer(task); // Tomcat's rule: false (make a thread) if none is free
            }
            return force(task); // queued: a busy thread takes it soon
        }

        @Override
        public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
            return taken(super.poll(timeout, unit));
        }

        @Override
        public Runnable take() throws InterruptedException {
            return taken(super.take());
        }

        private Runnable taken(Runnable task) {
            if (task != null) {
                progressNanos = System.nanoTime();
            }
            return task;
        }
    }
}
