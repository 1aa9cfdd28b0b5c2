package io.sessionbench.metrics;

import io.sessionbench.store.StoreException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The one place a store call is timed and its outcome classified, in the manner of YCSB's {@code DBWrapper}. Every
 * driver (JMH benchmarks, the in-flight ring, the open-loop generator, calibration) calls the store through it, so the
 * rules are written once: only the store call is inside the timed region; an empty {@code Optional} or {@code false}
 * is a {@link Outcome#MISS}; a {@link StoreException} is an {@link Outcome#ERROR} of its type, recorded with its
 * latency and never as completed work; every call is handed to the {@link Sink}, whatever its outcome.
 */
public final class MeasuredCall {
    /** Where outcomes go; {@code intended} is the scheduled start (equal to {@code sent} in a closed loop). */
    public interface Sink {
        void record(Operation op, Outcome outcome, String errorType, long intended, long sent, long done);

        /**
         * The failure behind an {@link Outcome#ERROR}, before it is recorded (to print the first one, or count errors by
         * kind: {@code e} is the store's typed exception). Also called, with nothing recorded after it, when the untimed
         * call that prepares a measured one failed ({@link #untimed}).
         */
        default void failure(Operation op, Throwable e) {
        }
    }

    /**
     * How an async call ended, classified here so the thread that collects it counts it without classifying again:
     * the store's result and its outcome, or the store failure behind an {@link Outcome#ERROR}.
     */
    public record Completion<T>(T value, Outcome outcome, Throwable failure) {
    }

    /** A store call. */
    public interface Call<T> {
        T run();
    }

    /**
     * A fixed cost added inside every timed call, for studying the regression gate's power only ({@code gate
     * --head-slowdown}); 0, and folded away by the JIT, otherwise.
     */
    static final long SLOWDOWN_NANOS = Long.getLong("sessionbench.slowdownNanos", 0);

    static {
        if (SLOWDOWN_NANOS > 0) {
            System.err.println("sessionbench: STUDY ONLY: every measured call is slowed by " + SLOWDOWN_NANOS
                    + " ns (-Dsessionbench.slowdownNanos, set by gate --head-slowdown)");
        }
    }

    private final Sink sink;

    public MeasuredCall(Sink sink) {
        this.sink = sink;
    }

    /** A closed-loop call: the intended start is the moment it is sent. */
    public <T> T call(Operation op, Call<T> call) {
        return call(op, System.nanoTime(), call);
    }

    /** {@code op} done on {@code store} with an input built beforehand, timed from {@code intended}. */
    public <T> T call(Operation op, long intended, io.sessionbench.store.SessionStore store, Operation.Input in) {
        return call(op, intended, () -> op.invoke(store, in));
    }

    /** {@code op} done on {@code store}, closed loop. */
    public <T> T call(Operation op, io.sessionbench.store.SessionStore store, Operation.Input in) {
        return call(op, System.nanoTime(), store, in);
    }

    /**
     * An untimed call that prepares a measured one (the session an {@code invalidate} removes): nothing is recorded,
     * but a {@link StoreException} is handed to the sink's {@link Sink#failure} as a failure of {@code op}, and null
     * returned; any other exception is a defect and propagates.
     */
    public <T> T untimed(Operation op, Call<T> call) {
        try {
            return call.run();
        } catch (StoreException e) {
            sink.failure(op, e);
            return null;
        }
    }

    /**
     * Times {@code call}, classifies and records it. Returns its result, or {@code null} when the store failed with a
     * {@link StoreException} (recorded as an error); any other exception is recorded as an {@code unexpected} error
     * and rethrown, since it is a defect rather than a store failure.
     */
    public <T> T call(Operation op, long intended, Call<T> call) {
        long sent = System.nanoTime();
        slowdown(sent);
        T result;
        try {
            result = call.run();
        } catch (RuntimeException e) {
            sink.failure(op, e);
            sink.record(op, Outcome.ERROR, errorType(e), intended, sent, System.nanoTime());
            if (e instanceof StoreException) {
                return null;
            }
            throw e;
        }
        long done = System.nanoTime();
        sink.record(op, classify(result), null, intended, sent, done);
        return result;
    }

    /**
     * Sends an async store call and records it when it completes (on the client's I/O thread), timed from the send.
     * The returned stage completes as the call did.
     */
    public <T> CompletionStage<T> callAsync(Operation op, Supplier<? extends CompletionStage<T>> call) {
        long sent = System.nanoTime();
        slowdown(sent);
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            sink.failure(op, e);
            sink.record(op, Outcome.ERROR, errorType(e), sent, sent, System.nanoTime());
            throw e;
        }
        return stage.whenComplete((r, e) -> {
            long done = System.nanoTime();
            if (e == null) {
                sink.record(op, classify(r), null, sent, sent, done);
            } else {
                sink.failure(op, unwrap(e));
                sink.record(op, Outcome.ERROR, errorType(unwrap(e)), sent, sent, done);
            }
        });
    }

    /**
     * {@link #callAsync} whose stage always completes with a {@link Completion}: a store failure is an
     * {@link Outcome#ERROR} completion (already recorded), anything else a defect that completes the stage exceptionally.
     */
    public CompletionStage<Completion<Optional<java.util.Map<String, String>>>> callAsync(Operation op,
            io.sessionbench.store.SessionStore store, Operation.Input in) {
        CompletionStage<Optional<java.util.Map<String, String>>> sent;
        try {
            sent = callAsync(op, () -> op.invokeAsync(store, in));
        } catch (StoreException e) {
            return java.util.concurrent.CompletableFuture.completedStage(new Completion<>(null, Outcome.ERROR, e));
        }
        return sent.handle((r, e) -> {
            if (e == null) {
                return new Completion<>(r, classify(r), null);
            }
            Throwable cause = unwrap(e);
            if (cause instanceof StoreException) {
                return new Completion<>(null, Outcome.ERROR, cause);
            }
            throw e instanceof CompletionException c ? c : new CompletionException(e);
        });
    }

    private static void slowdown(long from) {
        if (SLOWDOWN_NANOS > 0) {
            long until = from + SLOWDOWN_NANOS;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }

    /** An empty {@code Optional}, {@code false} or {@code null} means the session was not there. */
    public static Outcome classify(Object result) {
        if (result == null || Boolean.FALSE.equals(result) || (result instanceof Optional<?> o && o.isEmpty())) {
            return Outcome.MISS;
        }
        return Outcome.OK;
    }

    /** {@code Unavailable}, {@code Conflict}…; {@code unexpected X} for what is not a store failure. */
    public static String errorType(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof StoreException ? t.getClass().getSimpleName() : "unexpected-" + t.getClass().getSimpleName();
    }

    public static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
