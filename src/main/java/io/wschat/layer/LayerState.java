package io.wschat.layer;

/** Whether the layer can reach what servers share. */
public enum LayerState {
    /** Everything shared is reachable. */
    UP,
    /**
     * The shared store is unreachable: this server keeps its connections and serves what it can on its
     * own, refuses what needs the others, and reconnects in the background.
     */
    DEGRADED
}
