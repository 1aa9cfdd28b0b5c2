package io.sessionbench.metrics;

/** How a measured store call ended. */
public enum Outcome {
    /** The store did what was asked (found the session, wrote the attribute). */
    OK,
    /** The store answered that the session is gone (expired, evicted, invalidated): completed, but not the work asked for. */
    MISS,
    /** The store failed (unreachable, conflict, corrupt bytes…); never counted as completed work. */
    ERROR
}
