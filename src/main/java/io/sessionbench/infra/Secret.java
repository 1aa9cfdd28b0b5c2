package io.sessionbench.infra;

/** A password: its {@code toString} never shows it, so it cannot leak into logs, results or reports by accident. */
public record Secret(String value) {
    public static final Secret NONE = new Secret("");

    public boolean isPresent() {
        return !value.isEmpty();
    }

    public char[] chars() {
        return value.toCharArray();
    }

    @Override
    public String toString() {
        return isPresent() ? "****" : "";
    }
}
