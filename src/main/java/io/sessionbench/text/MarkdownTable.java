package io.sessionbench.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The one way sessionbench writes a Markdown table (verdicts, load and fault reports, gate and dimension studies, the
 * cluster's node table): columns declared once with their alignment, rows added as cells, rendered as GitHub-flavoured
 * Markdown. A cell's {@code |} is escaped and a line break becomes a space, so no value can break a table's columns.
 */
public final class MarkdownTable {
    private final List<String> headers = new ArrayList<>();
    private final List<Boolean> right = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    /** A left-aligned column (names, words). */
    public MarkdownTable text(String header) {
        headers.add(header);
        right.add(false);
        return this;
    }

    /** A right-aligned column (figures). */
    public MarkdownTable number(String header) {
        headers.add(header);
        right.add(true);
        return this;
    }

    /** One row; {@code cells} are written with {@link String#valueOf}, one per column. */
    public MarkdownTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns: " + headers);
        }
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) {
            r.add(String.valueOf(c).replace("|", "\\|").replace("\r\n", " ").replace('\n', ' '));
        }
        rows.add(r);
        return this;
    }

    /** A cell formatted with {@link String#format} in the root locale (figures never take a locale's separators). */
    public static String cell(String format, Object... args) {
        return String.format(java.util.Locale.ROOT, format, args);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The header, the alignment line and every row, each line ending in a line break. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        line(b, headers);
        b.append('|');
        for (boolean r : right) {
            b.append(r ? "---:|" : "---|");
        }
        b.append('\n');
        rows.forEach(r -> line(b, r));
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells) {
        b.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
}
