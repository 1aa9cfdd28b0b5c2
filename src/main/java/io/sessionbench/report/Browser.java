package io.sessionbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium that opens a report page: what the page rendered (the attributes its script sets on
 * {@code <body>}), and a screenshot of its first screen. Debian's {@code chromium} package provides it
 * ({@code scripts/setup.sh} installs it).
 */
public final class Browser {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static final long TIMEOUT_SECONDS = 90;
    private final Path executable;
    private final long timeoutSeconds;

    private Browser(Path executable, long timeoutSeconds) {
        this.executable = executable;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** This browser, given up on after {@code seconds} (90 by default). */
    Browser withTimeout(long seconds) {
        return new Browser(executable, seconds);
    }

    /** The first Chromium on {@code PATH}, if any. */
    public static Optional<Browser> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : NAMES) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(new Browser(p, TIMEOUT_SECONDS));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * What the page's script recorded on {@code <body>}: series expected and rendered, charts, script errors, the labels
     * laid out per axis ({@code data-axis-labels}, the report) and each chart's axis names with their label counts
     * ({@code data-axis-names}, the history's site: {@code run(31)|ok/s(6);…}).
     */
    public record Rendered(int expectedSeries, int renderedSeries, int charts, int errors, String errorText, String axisLabels,
                           String axisNames) {
        /**
         * Each value or log axis of each chart with the number of labels ECharts laid out on it, as
         * {@code chart 3 yAxis} → 4, read from what the page recorded.
         */
        public java.util.Map<String, Integer> labelsPerAxis() {
            java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
            for (String chart : axisLabels.isEmpty() ? new String[0] : axisLabels.split(";")) {
                String[] idAndAxes = chart.split(":", 2);
                for (String axis : idAndAxes.length < 2 || idAndAxes[1].isEmpty() ? new String[0] : idAndAxes[1].split(",")) {
                    String[] kv = axis.split("=");
                    m.put("chart " + idAndAxes[0] + " " + kv[0], Integer.parseInt(kv[1]));
                }
            }
            return m;
        }
    }

    /** Loads the page, lets its scripts run, and reads back what they recorded. */
    public Rendered render(Path html) throws IOException, InterruptedException {
        String dom = run("--virtual-time-budget=5000", "--dump-dom", html.toAbsolutePath().toUri().toString());
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        if (!body.find()) {
            throw new IllegalStateException("the browser returned no <body> for " + html);
        }
        String attributes = body.group(1);
        Matcher errors = Pattern.compile("<pre id=\"script-errors\">([^<]*)</pre>").matcher(dom);
        return new Rendered(attribute(attributes, "data-expected-series"), attribute(attributes, "data-rendered-series"),
                attribute(attributes, "data-charts"), attribute(attributes, "data-errors"), errors.find() ? errors.group(1) : "",
                text(attributes, "data-axis-labels"), text(attributes, "data-axis-names"));
    }

    /** A PNG of the page's first screen at {@code width × height} CSS pixels. */
    public void screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        run("--hide-scrollbars", "--window-size=" + width + "," + height, "--virtual-time-budget=5000",
                "--screenshot=" + png.toAbsolutePath(), html.toAbsolutePath().toUri().toString());
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IllegalStateException("the browser wrote no screenshot to " + png);
        }
    }

    private static String text(String attributes, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(attributes);
        return m.find() ? m.group(1) : "";
    }

    /** -1 when the page's script never set the attribute (it did not run to its end). */
    private static int attribute(String attributes, String name) {
        String v = text(attributes, name);
        return v.matches("\\d+") ? Integer.parseInt(v) : -1;
    }

    private String run(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("sessionbench-chromium");
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("sessionbench-chromium", ".log");
        Path dom = Files.createTempFile("sessionbench-chromium", ".out");
        try {
            // output to a file, not a pipe read before the wait: a page that never finishes ends at the timeout
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(dom.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                List<ProcessHandle> all = new ArrayList<>(p.descendants().toList()); // its renderer and GPU helpers too
                all.add(p.toHandle());
                all.forEach(ProcessHandle::destroyForcibly);
                for (ProcessHandle h : all) {
                    try {
                        h.onExit().get(5, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException gone) {
                        // a process that does not end after SIGKILL is the kernel's; nothing more can be done
                    }
                }
                throw new IllegalStateException("the browser did not finish within " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("the browser exited with " + p.exitValue() + ": "
                        + Files.readAllLines(log).stream().filter(l -> !l.contains("dbus")).reduce((a, b) -> b).orElse(""));
            }
            return Files.readString(dom, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(dom);
            try (var walk = Files.walk(profile)) {
                for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException ignored) {
                // a browser helper may still be writing its profile; it is a temporary folder
            }
        }
    }
}
