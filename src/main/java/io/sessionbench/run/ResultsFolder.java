package io.sessionbench.run;

import io.sessionbench.infra.ConfigException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** A new results folder {@code <root>/<yyyy-MM-dd_HHmmss>_<label>[-N]}: never one that already exists. */
public final class ResultsFolder {
    private ResultsFolder() {
    }

    public static Path fresh(Path root, String label) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmmss"));
        String base = stamp + "_" + label.replaceAll("[^A-Za-z0-9._+-]", "-");
        try {
            Files.createDirectories(root);
            for (int n = 1; n < 1000; n++) {
                Path p = root.resolve(n == 1 ? base : base + "-" + n);
                try {
                    Files.createDirectory(p);
                    return p;
                } catch (FileAlreadyExistsException taken) {
                    // another run of the same second: try the next suffix
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot create a results folder under " + root + ": " + e.getMessage());
        }
        throw new ConfigException("no free results folder name for " + base + " under " + root);
    }

    /** Removes a results folder this process created and could not fill (no half-written results stay behind). */
    public static void discard(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException ignored) {
            // nothing more to do: the folder is named by date and label, and holds no result
        }
    }

    /** Deletes a folder and everything in it; nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
