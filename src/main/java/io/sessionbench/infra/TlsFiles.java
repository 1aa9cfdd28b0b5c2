package io.sessionbench.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * PEM files for a TLS target ({@code rediss://…?ca=FILE[&cert=FILE&key=FILE]}): the CA that signs the server's
 * certificate, and optionally a client certificate and its PKCS#8 key for servers that require one. Null fields fall
 * back to the JVM's trust store and no client certificate.
 */
public record TlsFiles(Path ca, Path cert, Path key) {

    /** Checks the files exist and that cert and key come together; one line naming the file otherwise. */
    public TlsFiles {
        for (Path p : new Path[] {ca, cert, key}) {
            if (p != null && !Files.isReadable(p)) {
                throw new ConfigException("TLS file " + p + " does not exist or cannot be read; give a PEM file (ca=, cert=, key= in the rediss:// URI)");
            }
        }
        if ((cert == null) != (key == null)) {
            throw new ConfigException("a client certificate needs both cert= and key= in the rediss:// URI");
        }
    }

    /**
     * The files of a URI's raw query {@code ca=FILE&cert=FILE&key=FILE} (percent-encoded paths); null when there is
     * no query. {@code tls} says whether the URI's scheme is a TLS one; {@code what} names the URI in errors.
     */
    public static TlsFiles fromQuery(String rawQuery, boolean tls, String what) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        if (!tls) {
            throw new ConfigException(what + " has TLS files but a plain scheme; use rediss:// (or rediss-sentinel://) for TLS");
        }
        java.util.Map<String, Path> files = new java.util.HashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!java.util.Set.of("ca", "cert", "key").contains(name) || eq < 0 || eq == pair.length() - 1) {
                throw new ConfigException(what + " has query '" + name + "'; only ca=FILE, cert=FILE and key=FILE "
                        + "(PEM files) are understood");
            }
            files.put(name, Path.of(java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8)));
        }
        return new TlsFiles(files.get("ca"), files.get("cert"), files.get("key"));
    }

    /** Trusts the CA's certificates (null: the JVM's trust store). */
    public TrustManagerFactory trustManagers() {
        if (ca == null) {
            return null;
        }
        try (InputStream in = Files.newInputStream(ca)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new ConfigException("TLS CA file " + ca + " holds no certificate; give the PEM of the CA that signed the server's certificate");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("TLS CA file " + ca + " is not a PEM certificate (" + e.getMessage() + ")");
        }
    }

    /** The client certificate and key (null without them). */
    public KeyManagerFactory keyManagers() {
        if (cert == null) {
            return null;
        }
        try (InputStream in = Files.newInputStream(cert)) {
            Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", privateKey(), new char[0], chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, new char[0]);
            return kmf;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("TLS client certificate " + cert + " or key " + key + " cannot be used (" + e.getMessage() + ")");
        }
    }

    private PrivateKey privateKey() throws IOException, GeneralSecurityException {
        String pem = Files.readString(key);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new ConfigException("TLS key " + key + " is not an unencrypted PKCS#8 PEM key; convert it with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
        }
        String body = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body));
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException tryNext) {
                // the key is of another algorithm
            }
        }
        throw new ConfigException("TLS key " + key + " is neither an RSA, EC nor Ed25519 key");
    }

    /** An SSL context with these trust and key managers (the JVM's defaults where a file is absent). */
    public SSLContext context() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            TrustManagerFactory tmf = trustManagers();
            KeyManagerFactory kmf = keyManagers();
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot set up TLS: " + e.getMessage());
        }
    }

    /** {@code ?ca=…&cert=…&key=…} for a URI; empty when no file is set. */
    public String query() {
        StringBuilder b = new StringBuilder();
        append(b, "ca", ca);
        append(b, "cert", cert);
        append(b, "key", key);
        return b.toString();
    }

    private static void append(StringBuilder b, String name, Path p) {
        if (p != null) {
            b.append(b.length() == 0 ? '?' : '&').append(name).append('=')
                    .append(java.net.URLEncoder.encode(p.toString(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
