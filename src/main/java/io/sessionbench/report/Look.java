package io.sessionbench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;

/**
 * How every chart, PNG or interactive, draws a row: one colour per layout (a colour-blind-safe palette, Okabe–Ito),
 * one line style per client, and another for requests in flight or naive updates; round labels on log axes.
 */
public final class Look {

    private Look() {
    }

    /** The layout's colour as {@code #rrggbb}. */
    public static String colour(String layout) {
        return io.sessionbench.store.Layout.find(layout).map(io.sessionbench.store.Layout::colour).orElse("#000000");
    }

    public static Color awtColour(String layout) {
        return Color.decode(colour(layout));
    }

    /**
     * Dash pattern (on, off, …) of a row's line, or null for a solid line: Lettuce solid, Jedis dashed, Redisson
     * dotted; requests in flight dash-dot; naive updates short dashes.
     */
    public static float[] dash(BenchRecord r) {
        if (r.inFlight() > 1) {
            return new float[] {10, 3, 2, 3};
        }
        if ("naive".equals(r.params().get("updates"))) {
            return new float[] {4, 4};
        }
        io.sessionbench.store.Target t = r.store();
        return t.redis() ? t.client().dash() : null;
    }

    public static BasicStroke stroke(BenchRecord r) {
        float[] d = dash(r);
        return d == null ? new BasicStroke(2f) : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, d, 0f);
    }

    /** {@code 1}, {@code 10}, {@code 1k}, {@code 10k}, {@code 1M}, {@code 0.1}: a value on a log axis, rounded. */
    public static String round(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@link #round} as a {@link NumberFormat} for JFreeChart's axes. */
    static NumberFormat roundFormat() {
        return new NumberFormat() {
            @Override
            public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
                return to.append(round(number));
            }

            @Override
            public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
                return to.append(round(number));
            }

            @Override
            public Number parse(String source, ParsePosition parsePosition) {
                return null;
            }
        };
    }
}
