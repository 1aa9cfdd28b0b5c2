package io.sessionbench.infra;

/**
 * A problem with the user's configuration or environment; its message is the one line the CLI prints. User input
 * quoted in it may hold line breaks or other control characters (a pasted URI, a mutated file): they are shown
 * escaped ({@code \n}, {@code \u0007}), so the message stays one line and shows what was typed.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(oneLine(message));
    }

    public ConfigException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code text} with its control characters escaped. */
    public static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.toString();
    }
}
