package io.sessionbench.infra;

/** Fields of a Redis {@code INFO} reply; the one place that reads them. */
public final class RedisInfo {
    private RedisInfo() {
    }

    /** {@code redis_version} from the text of {@code INFO server}, or {@code unknown} when the reply has none. */
    public static String version(String info) {
        return field(info, "redis_version").orElse("unknown");
    }

    /** The value of {@code name:value} on its own line of an {@code INFO} reply. */
    public static java.util.Optional<String> field(String info, String name) {
        String key = name + ":";
        int i = info.startsWith(key) ? 0 : info.indexOf("\n" + key);
        if (i < 0) {
            return java.util.Optional.empty();
        }
        int start = info.indexOf(':', i) + 1;
        int end = info.indexOf('\n', start);
        return java.util.Optional.of(info.substring(start, end < 0 ? info.length() : end).trim());
    }
}
