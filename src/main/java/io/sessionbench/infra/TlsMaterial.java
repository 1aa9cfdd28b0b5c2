package io.sessionbench.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Throw-away TLS certificates for the local servers, and the settings that make a Redis node listen on TLS only. */
final class TlsMaterial {
    private TlsMaterial() {
    }

    /**
     * A throw-away CA and a server certificate for 127.0.0.1 and localhost signed by it, as Redis's
     * {@code utils/gen-test-certs.sh} makes them; returns the CA file.
     */
    static Path certificates(Path dir) throws IOException {
        Files.createDirectories(dir);
        String openssl = Programs.binary("openssl");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(dir, openssl, "req", "-x509", "-new", "-nodes", "-newkey", "rsa:2048", "-sha256", "-days", "2",
                "-subj", "/CN=sessionbench local CA", "-keyout", "ca.key", "-out", "ca.crt");
        run(dir, openssl, "req", "-new", "-nodes", "-newkey", "rsa:2048", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                "-out", "server.csr");
        run(dir, openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-sha256", "-extfile", "server.ext", "-out", "server.crt");
        return dir.resolve("ca.crt");
    }

    /** Makes {@code settings} (whose second line is {@code port N}) listen on TLS only, with the certificates in {@code certs}. */
    static void tlsOnly(List<String> settings, Path certs, int port) {
        settings.set(1, "port 0");
        settings.addAll(List.of("tls-port " + port, "tls-cert-file " + certs.resolve("server.crt"),
                "tls-key-file " + certs.resolve("server.key"), "tls-ca-cert-file " + certs.resolve("ca.crt")));
    }

    private static void run(Path dir, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new ConfigException("'" + String.join(" ", List.of(cmd).subList(0, 2)) + "' failed making the local TLS "
                        + "certificates: " + out.lines().reduce((a, b) -> b).orElse(""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while making the local TLS certificates");
        }
    }
}
