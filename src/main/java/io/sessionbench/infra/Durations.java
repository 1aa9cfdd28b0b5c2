package io.sessionbench.infra;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of the command line and the scenario files: a number (decimals allowed) and a unit,
 * {@code ms}, {@code s}, {@code m} or {@code h}, e.g. {@code 500ms}, {@code 1.5s}, {@code 2m}, {@code 1h}.
 */
public final class Durations {
    /** How the grammar is described in error messages. */
    public static final String EXAMPLES = "500ms, 30s, 2m or 1h";
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9}(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private Durations() {
    }

    /** The duration {@code text} names, or empty when it is not in the grammar. */
    public static Optional<Duration> parse(String text) {
        Matcher m = text == null ? null : DURATION.matcher(text.trim());
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        double v = Double.parseDouble(m.group(1));
        double ms = switch (m.group(2)) {
            case "ms" -> v;
            case "s" -> v * 1000;
            case "m" -> v * 60_000;
            default -> v * 3_600_000;
        };
        return Optional.of(Duration.ofMillis(Math.round(ms)));
    }

    /** {@link #parse}, or a one-line error naming {@code what} (e.g. {@code --budget}) and the grammar. */
    public static Duration of(String what, String text) {
        return parse(text).orElseThrow(() -> new ConfigException(what + " '" + text + "' is not a duration like " + EXAMPLES));
    }
}
