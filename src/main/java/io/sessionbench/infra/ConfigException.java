package io.sessionbench.infra;

/** A problem with the user's configuration or environment; its message is the one line the CLI prints. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
