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
                    value, plain(min), plain(max)));
        }
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.valueOf(v);
    }
}
