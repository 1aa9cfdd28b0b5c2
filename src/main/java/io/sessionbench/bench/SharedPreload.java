package io.sessionbench.bench;

import io.sessionbench.scenario.Workload;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Preloaded sessions shared by every fork and benchmark of one {@code bench} run on the same server: the first trial
 * that needs {@code n} sessions of {@code bytes} on a layout creates them and writes their ids to
 * {@code <dir>/<layout>_<bytes>_<n>.ids} (the folder is the system property {@code sessionbench.preload}); later
 * trials check that the first and last are still there and reuse them. Benchmarks that add sessions (create,
 * invalidate) use other users, so the per-user cap never evicts a shared session. Without the property (JMH's own
 * command line) each trial preloads and removes its own sessions. The bench command removes shared sessions when
 * the run ends ({@link #cleanup}).
 */
public final class SharedPreload {
    static final String PROPERTY = "sessionbench.preload";

    /** The user of session {@code i}, and the ids by index. */
    record Sessions(String tag, SessionId[] ids, boolean shared) {
        String user(int i) {
            return "bench-" + tag + "-" + i;
        }

        /** A user of {@code create}/{@code invalidate}, apart from the preloaded ones. */
        String newUser(int i) {
            return "bench-" + tag + "-new-" + i;
        }
    }

    private SharedPreload() {
    }

    static Sessions obtain(Layout layout, SessionStore store, int n, int bytes) throws Exception {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || layout == Layout.MEMORY) {
            return create(store, n, bytes, false);
        }
        Path file = Path.of(dir, layout.label() + "_" + bytes + "_" + n + ".ids");
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file);
            if (lines.size() == n + 1) {
                SessionId[] ids = new SessionId[n];
                for (int i = 0; i < n; i++) {
                    ids[i] = SessionId.parse(lines.get(i + 1));
                }
                if (store.load(ids[0]).isPresent() && store.load(ids[n - 1]).isPresent()) {
                    return new Sessions(lines.get(0), ids, true);
                }
            }
        }
        Sessions s = create(store, n, bytes, true);
        List<String> lines = new ArrayList<>(n + 1);
        lines.add(s.tag());
        for (SessionId id : s.ids()) {
            lines.add(id.value());
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return s;
    }

    private static Sessions create(SessionStore store, int n, int bytes, boolean shared) throws Exception {
        String tag = Long.toString(System.nanoTime(), 36);
        Sessions s = new Sessions(tag, new SessionId[n], shared);
        SessionId[] ids = Workload.preload(store, n, 8, s::user, i -> bytes);
        System.arraycopy(ids, 0, s.ids(), 0, n);
        store.settle();
        return s;
    }

    /** Removes the sessions of one trial's users (preloaded and new). */
    static void remove(SessionStore store, Sessions s) throws Exception {
        Workload.parallel(s.ids().length, 8, i -> {
            store.invalidateAll(s.user(i));
            store.invalidateAll(s.newUser(i));
        });
    }

    /**
     * After a {@code bench} run: removes every shared preload recorded in {@code dir} from its server, then the files.
     * Returns a line per layout that could not be cleaned up (empty when all were).
     */
    public static List<String> cleanup(Path dir, java.util.function.Function<Layout, SessionStore> open) {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return problems;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ids")).toList()) {
                String name = f.getFileName().toString();
                Layout layout = Layout.of(name.substring(0, name.indexOf('_')));
                List<String> lines = Files.readAllLines(f);
                try (SessionStore store = open.apply(layout)) {
                    remove(store, new Sessions(lines.get(0), new SessionId[lines.size() - 1], true));
                } catch (StoreException e) {
                    problems.add(layout.label() + ": preloaded sessions not removed: " + e.getMessage());
                }
                Files.delete(f);
            }
            Files.deleteIfExists(dir);
        } catch (Exception e) {
            problems.add("preloaded sessions not removed: " + Optional.ofNullable(e.getMessage()).orElse(e.toString()));
        }
        return problems;
    }
}
