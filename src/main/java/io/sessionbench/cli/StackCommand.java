package io.sessionbench.cli;

import io.sessionbench.infra.StackFiles;

import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.LocalStack.Server;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stack up|check|down}: the local servers by hand, so other tools (redis-cli, psql) can use the same ones. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Start, check or stop the local redis-server, memcached and Postgres processes.",
        subcommands = {StackCommand.Up.class, StackCommand.Check.class, StackCommand.Down.class})
final class StackCommand {

    static class Common {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "target/stack", description = "folder for the servers' data and logs (default: ${DEFAULT-VALUE})")
        Path dir;

        @Option(names = "--only", split = ",", paramLabel = "SERVER", description = "start only these: ${COMPLETION-CANDIDATES}")
        Set<Server> only;

        @Option(names = "--topology", defaultValue = "standalone", description = "Redis: standalone, sentinel (a primary, "
                + "2 replicas and 3 sentinels monitoring it as '" + LocalStack.SENTINEL_MASTER + "'), or cluster (3 primaries, "
                + "3 replicas); default ${DEFAULT-VALUE}")
        String topology;

        @Option(names = "--tls", description = "Redis on TLS only (every topology; Sentinel: the sentinels too), with a CA and server certificate made at start")
        boolean tls;

        @Option(names = "--redis-port", paramLabel = "PORT", description = "fixed port for redis-server (default: a free one)")
        Integer redisPort;

        @Option(names = "--memcached-port", paramLabel = "PORT", description = "fixed port for memcached (default: a free one)")
        Integer memcachedPort;

        @Option(names = "--postgres-port", paramLabel = "PORT", description = "fixed port for Postgres (default: a free one)")
        Integer postgresPort;

        LocalStack start() {
            Map<Server, Integer> ports = new EnumMap<>(Server.class);
            if (redisPort != null) {
                ports.put(Server.REDIS, redisPort);
            }
            if (memcachedPort != null) {
                ports.put(Server.MEMCACHED, memcachedPort);
            }
            if (postgresPort != null) {
                ports.put(Server.POSTGRES, postgresPort);
            }
            Set<Server> servers = only == null || only.isEmpty() ? EnumSet.allOf(Server.class) : EnumSet.copyOf(only);
            return LocalStack.start(dir, servers, ports, LocalStack.Topology.of(topology), tls);
        }
    }

    static void print(LocalStack stack, PrintStream out) {
        out.println("local stack in " + stack.root());
        for (LocalStack.Running r : stack.servers()) {
            out.printf("  %-10s %-8s 127.0.0.1:%-6d pid %d%n", r.server().name().toLowerCase(), r.version(), r.port(), r.pid());
        }
        for (LocalStack.Running r : stack.helpers()) {
            out.printf("    %-15s %-8s 127.0.0.1:%-6d pid %d%n", LocalStack.role(r), r.version(), r.port(), r.pid());
        }
        for (String line : stack.endpoints().describe()) {
            out.println("  " + line);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the servers, print their endpoints, keep them running until Ctrl-C.")
    static final class Up implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            LocalStack stack = common.start();
            Path env = stack.root().resolve("endpoints.env");
            StackFiles.writeEnvFile(stack.endpoints(), env);
            StackFiles.writePids(stack);
            StackFiles.writeOwner(stack, ProcessHandle.current());
            print(stack, System.out);
            System.out.println("passwords: " + env + " (mode 600): set -a; . " + env + "; set +a");
            System.out.println("running; press Ctrl-C (or run 'stack down') to stop");
            System.out.flush();
            CountDownLatch forever = new CountDownLatch(1);
            forever.await();
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Start the servers, prove each answers, print versions and endpoints, stop them.")
    static final class Check implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common;

        @Override
        public Integer call() {
            try (LocalStack stack = common.start()) {
                print(stack, System.out);
            }
            System.out.println("stopped; no server left running");
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop servers left by 'stack up' in --dir.")
    static final class Down implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "target/stack", description = "the folder given to 'stack up'")
        Path dir;

        @Override
        public Integer call() throws IOException {
            StackFiles.Stopped stopped = StackFiles.stopAll(dir);
            System.out.println(stopped.nothing() ? "nothing to stop: no " + dir.resolve("pids")
                    : "stopped " + stopped.servers() + " server process(es)" + (stopped.owner() ? " and the 'stack up' that started them" : ""));
            return 0;
        }
    }
}
