package io.sessionbench.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionStore;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The store operations every driver measures, with one name each: the JMH benchmark methods, the scenario files'
 * {@code mix} keys, the histogram tags and the reports all use {@link #label()}. {@code login} and {@code logout} are
 * accepted in scenario files as older names of {@code create} and {@code invalidate}.
 * <p>
 * It is also the one catalogue of what each operation does to a store ({@link #invoke}): the JMH benchmarks, the
 * in-flight ring, the open-loop workers and the warm-up all call it, each with an {@link Input} built before the
 * clock starts, so no driver builds a payload inside the timed call.
 */
public enum Operation {
    /** A new session for a user, the per-user cap enforced (a login). */
    CREATE("create"),
    /** Read the checked attributes and renew: what every authenticated web request pays. */
    REQUEST("request"),
    READ_ATTRIBUTE("readAttribute"),
    /** Write one attribute (blind partial update). */
    UPDATE_ATTRIBUTE("updateAttribute"),
    /**
     * Read-modify-write of a counter attribute that only this writer changes (read it, add one, write it back through
     * the layout's partial update): acknowledged increments minus the final value is the exact number of lost updates.
     */
    INCREMENT("increment"),
    TOUCH("touch"),
    LOAD("load"),
    /** Remove a session (a logout). */
    INVALIDATE("invalidate");

    /**
     * What one call needs, built before the clock starts: the session (or a login's user and attributes) and the
     * attribute names or the value it reads or writes.
     */
    public record Input(SessionId id, String user, Map<String, String> attributes, Collection<String> names, String name,
                        String value) {
        /** For {@code load}, {@code touch} and {@code invalidate}. */
        public static Input session(SessionId id) {
            return new Input(id, null, null, null, null, null);
        }

        /** For {@code request}: the attributes it reads. */
        public static Input request(SessionId id, Collection<String> names) {
            return new Input(id, null, null, names, null, null);
        }

        /** For {@code readAttribute}, and {@code increment}'s counter attribute. */
        public static Input attribute(SessionId id, String name) {
            return new Input(id, null, null, null, name, null);
        }

        /** For {@code updateAttribute}. */
        public static Input write(SessionId id, String name, String value) {
            return new Input(id, null, null, null, name, value);
        }

        /** For {@code create}: the user and the new session's attributes. */
        public static Input login(String user, Map<String, String> attributes) {
            return new Input(null, user, attributes, null, null, null);
        }
    }

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /**
     * Does this operation on {@code store}: its result is what the store returned (an empty {@code Optional} or
     * {@code false} when the session was gone), typed as the caller expects it. {@link #INCREMENT} reads the counter
     * attribute {@code in.name()} (absent is 0) and writes it back plus one through the layout's partial update.
     */
    @SuppressWarnings("unchecked")
    public <T> T invoke(SessionStore store, Input in) {
        Object r = switch (this) {
            case CREATE -> store.create(in.user(), in.attributes());
            case REQUEST -> store.request(in.id(), in.names());
            case READ_ATTRIBUTE -> store.attribute(in.id(), in.name());
            case UPDATE_ATTRIBUTE -> store.setAttribute(in.id(), in.name(), in.value());
            case INCREMENT -> {
                Optional<String> v = store.attribute(in.id(), in.name());
                yield store.setAttribute(in.id(), in.name(), Long.toString(v.map(Long::parseLong).orElse(0L) + 1));
            }
            case TOUCH -> store.touch(in.id());
            case LOAD -> store.load(in.id());
            case INVALIDATE -> store.invalidate(in.id());
        };
        return (T) r;
    }

    /** Sends this operation without waiting ({@link SessionStore#async()} stores); only {@link #REQUEST} has an async form. */
    public CompletionStage<Optional<Map<String, String>>> invokeAsync(SessionStore store, Input in) {
        if (this != REQUEST) {
            throw new IllegalArgumentException(label + " has no async form; only request is sent with requests in flight");
        }
        return store.requestAsync(in.id(), in.names());
    }

    @JsonCreator
    public static Operation of(String name) {
        String n = switch (name) {
            case "login" -> "create";
            case "logout" -> "invalidate";
            default -> name;
        };
        for (Operation o : values()) {
            if (o.label.equals(n)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + name + "'; use one of "
                + String.join(", ", Arrays.stream(values()).map(Operation::label).toList()));
    }
}
