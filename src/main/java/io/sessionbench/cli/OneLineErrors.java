package io.sessionbench.cli;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.store.StoreException;
import picocli.CommandLine;

/** Prints a failure as one readable line (passwords redacted) and maps it to an exit code; no bare stack traces. */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        System.err.println("sessionbench " + cl.getCommandName() + ": error: " + RedisTarget.redactUri(msg));
        if (!(ex instanceof ConfigException) && !(ex instanceof StoreException) && Boolean.getBoolean("sessionbench.debug")) {
            ex.printStackTrace();
        }
        return ex instanceof ConfigException ? 2 : 1;
    }
}
