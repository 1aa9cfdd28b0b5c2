package io.sessionbench.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;

/** What the local stack needs from the machine: programs on PATH, free loopback ports, files only their owner reads. */
public final class Programs {
    private Programs() {
    }

    /** The absolute path of a server or client program on PATH, or a message that names the set-up script. */
    public static String binary(String name) {
        String path = findOnPath(name);
        if (path == null) {
            throw missing(name);
        }
        return path;
    }

    /** A PostgreSQL program ({@code pgbench}, {@code psql}…) from the server's bin folder or PATH. */
    public static String postgresTool(String name) {
        String onPath = findOnPath(name);
        if (onPath != null) {
            return onPath;
        }
        Path p = postgresBin().resolve(name);
        if (!Files.isExecutable(p)) {
            throw missing(name);
        }
        return p.toString();
    }

    /** The PostgreSQL server's bin folder: next to {@code initdb} on PATH, else the newest under /usr/lib/postgresql. */
    static Path postgresBin() {
        String onPath = findOnPath("initdb");
        if (onPath != null && findOnPath("postgres") != null) {
            try {
                return Path.of(onPath).toRealPath().getParent();
            } catch (IOException e) {
                throw missing("initdb (PostgreSQL server)");
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> missing("initdb (PostgreSQL server)"));
        } catch (IOException e) {
            throw missing("initdb (PostgreSQL server)");
        }
    }

    private static ConfigException missing(String name) {
        return new ConfigException(name + " is not installed (not on PATH); run scripts/setup.sh to install the servers");
    }

    private static String findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String d : (path + ":/usr/sbin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(d, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Every folder above {@code dir} must be searchable by others, or a server dropped to 'nobody' cannot reach it. */
    static void requireTraversable(Path dir) {
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new ConfigException("Postgres must run as 'nobody' because this process is root, but " + p
                            + " is not searchable by other users; chmod o+x it or start the stack under /tmp with --dir");
                }
            } catch (IOException e) {
                throw new ConfigException("cannot read the permissions of " + p + ": " + e.getMessage());
            }
        }
    }

    static void chown(Path path, String user) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, lookup.lookupPrincipalByName(user));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new ConfigException("cannot find a free loopback port: " + e.getMessage());
        }
    }

    /** A free port whose cluster bus port (+10000) is free too and below 65536. */
    static int freeClusterPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = freePort();
            if (p + 10_000 <= 65_535) {
                try (ServerSocket bus = new ServerSocket()) {
                    bus.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p + 10_000));
                    return p;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new ConfigException("cannot find a free loopback port whose cluster bus port (+10000) is free too");
    }

    /** {@code port}, after checking nothing listens on it; {@code what} names the server in the error. */
    static int checkPortFree(String what, int port) {
        try (ServerSocket sock = new ServerSocket()) {
            sock.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new ConfigException("port " + port + " for " + what + " is already taken on 127.0.0.1; pick another port "
                    + "or stop the program using it");
        }
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Writes {@code text} to a file only its owner may read (server configs hold passwords). */
    static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
