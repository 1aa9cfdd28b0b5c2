package io.sessionbench.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README is read in five minutes and every link of it and of docs/ leads to a file that exists. */
class DocsTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void theReadmeStaysShortAndOpensWithTheTwoCommands() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        assertThat(lines).hasSizeLessThanOrEqualTo(200);
        assertThat(String.join("\n", lines.subList(0, 6))).contains("scripts/run.sh").contains("scripts/test.sh");
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(files::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path f : files) {
            Matcher m = LINK.matcher(Files.readString(f));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("http") || target.startsWith("#") || target.startsWith("mailto:")) {
                    continue;
                }
                Path p = (f.getParent() == null ? Path.of(".") : f.getParent()).resolve(target.replaceFirst("#.*", "")).normalize();
                if (!Files.exists(p)) {
                    broken.add(f + " → " + target);
                }
            }
        }
        assertThat(files).hasSizeGreaterThan(5);
        assertThat(broken).isEmpty();
    }
}
