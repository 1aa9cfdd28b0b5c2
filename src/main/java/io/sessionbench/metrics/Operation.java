package io.sessionbench.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * The store operations every driver measures, with one name each: the JMH benchmark methods, the scenario files'
 * {@code mix} keys, the histogram tags and the reports all use {@link #label()}. {@code login} and {@code logout} are
 * accepted in scenario files as older names of {@code create} and {@code invalidate}.
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

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
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
