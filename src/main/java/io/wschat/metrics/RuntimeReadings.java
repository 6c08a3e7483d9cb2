package io.wschat.metrics;

import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Counts the runtime already keeps, read whenever Prometheus scrapes: nothing is counted twice, and
 * this package needs nothing of the hub's or the layer's types.
 *
 * @param localRooms               rooms with members on this server
 * @param outboxQueuedBytes        bytes waiting in all outbound queues together
 * @param slowConsumersClosed      connections closed as slow consumers since start
 * @param layerKind                {@code memory} or {@code redis}
 * @param layerUp                  whether the layer reaches what servers share
 * @param layerRoundTripSeconds    the layer's last round trip to its shared store; NaN when it has none
 * @param draining                 whether a drain has started
 */
public record RuntimeReadings(
        IntSupplier localRooms,
        LongSupplier outboxQueuedBytes,
        LongSupplier slowConsumersClosed,
        String layerKind,
        BooleanSupplier layerUp,
        DoubleSupplier layerRoundTripSeconds,
        BooleanSupplier draining) {
}
