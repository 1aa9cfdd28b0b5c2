package io.sessionbench.cli;

import io.sessionbench.infra.ConfigException;
import java.util.Locale;

/** Range checks of command-line options, each failing with one line that names the option, the value and what is allowed. */
final class Limits {
    private Limits() {
    }

    /** {@code value} (null: not given, fine) must lie in {@code [min, max]}. */
    static void range(String option, Number value, double min, double max) {
        if (value != null && !(value.doubleValue() >= min && value.doubleValue() <= max)) {
            throw new ConfigException(String.format(Locale.ROOT, "%s %s is out of range; use %s to %s", option,
                    asTyped(value), plain(min), plain(max)));
        }
    }

    /** The value as the user would have typed it: "0", not the parsed double's "0.0". */
    private static String asTyped(Number value) {
        double v = value.doubleValue();
        return (value instanceof Double || value instanceof Float) && v == Math.rint(v) && !Double.isInfinite(v)
                ? String.valueOf((long) v) : String.valueOf(value);
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.valueOf(v);
    }
}
