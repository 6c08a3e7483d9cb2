package io.wschat.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Metrics} over Micrometer, with its own Prometheus registry (never Micrometer's global one:
 * two web applications in one JVM each have theirs). Also binds the JVM's and the process's own
 * metrics. {@link #scrape()} is the Prometheus text of everything.
 */
public final class MicrometerMetrics implements Metrics, AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicInteger> openByEndpoint = new ConcurrentHashMap<>();
    private final Map<String, Counter> receivedByEndpoint = new ConcurrentHashMap<>();
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
    private final Counter delivered;
    private final Counter sentBytes;
    private final Timer sendLatency;
    /** Send latency is recorded for one write in this many. */
    static final int LATENCY_SAMPLE = 16;
    private final Counter rateLimited;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public MicrometerMetrics(RuntimeReadings readings) {
        delivered = Counter.builder("wschat.messages.delivered")
                .description("messages written to clients (chat, presence, direct, broadcast, echo, errors),"
                        + " several to a frame for a client that asked for batching")
                .register(registry);
        sentBytes = Counter.builder("wschat.sent").baseUnit("bytes")
                .description("bytes of text frames written to clients").register(registry);
        sendLatency = Timer.builder("wschat.send.latency")
                .description("time from starting a frame's write to the container reporting it written"
                        + " (one write in " + LATENCY_SAMPLE + ")")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
                        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2))
                .register(registry);
        rateLimited = Counter.builder("wschat.rate.limited")
                .description("client frames dropped for exceeding wschat.messagesPerSecond").register(registry);
        for (Refusal r : Refusal.values()) {
            refused.put(r, Counter.builder("wschat.connections.refused")
                    .description("WebSocket connections refused, at the handshake or as they opened")
                    .tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        Gauge.builder("wschat.rooms", readings.localRooms()::getAsInt)
                .description("rooms with members on this server").register(registry);
        Gauge.builder("wschat.outbox.queued", readings.outboxQueuedBytes()::getAsLong).baseUnit("bytes")
                .description("bytes waiting in the outbound queues of all connections").register(registry);
        FunctionCounter.builder("wschat.slow.consumers.closed", readings, r -> r.slowConsumersClosed().getAsLong())
                .description("connections closed because their outbound queue overflowed").register(registry);
        Tags layer = Tags.of("layer", readings.layerKind());
        Gauge.builder("wschat.layer.up", () -> readings.layerUp().getAsBoolean() ? 1 : 0).tags(layer)
                .description("1 while the channel layer reaches what servers share, 0 while degraded").register(registry);
        Gauge.builder("wschat.layer.round.trip", readings.layerRoundTripSeconds()::getAsDouble).tags(layer)
                .baseUnit("seconds")
                .description("the layer's last round trip to its shared store (NaN: the layer has none)")
                .register(registry);
        Gauge.builder("wschat.draining", () -> readings.draining().getAsBoolean() ? 1 : 0)
                .description("1 once a drain has started").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Everything, in the Prometheus text exposition format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void connectionOpened(String endpoint) {
        openByEndpoint.computeIfAbsent(endpoint, e -> {
            AtomicInteger open = new AtomicInteger();
            Gauge.builder("wschat.connections", open, AtomicInteger::get).tag("endpoint", e)
                    .description("open WebSocket connections").register(registry);
            return open;
        }).incrementAndGet();
    }

    @Override
    public void connectionClosed(String endpoint) {
        AtomicInteger open = openByEndpoint.get(endpoint);
        if (open != null) {
            open.decrementAndGet();
        }
    }

    @Override
    public void messageReceived(String endpoint) {
        receivedByEndpoint.computeIfAbsent(endpoint, e -> Counter.builder("wschat.messages.received")
                .description("client frames accepted for handling").tag("endpoint", e).register(registry))
                .increment();
    }

    @Override
    public void frameSent(int messages, int bytes, long nanos) {
        delivered.increment(messages);
        sentBytes.increment(bytes);
        // One write in LATENCY_SAMPLE: recording into the histogram on every delivery cost several
        // per cent of the server's CPU under load, and a sample shows the same distribution.
        if (ThreadLocalRandom.current().nextInt(LATENCY_SAMPLE) == 0) {
            sendLatency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void rateLimited() {
        rateLimited.increment();
    }

    @Override
    public void connectionRefused(Refusal reason) {
        refused.get(reason).increment();
    }

    /** Unhooks the GC listener (it would keep the web application's class loader alive) and the meters. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
