package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A page whose script never ends is given up on at the timeout, its browser processes stopped, not waited for. */
class BrowserTest {
    @Test
    void aPageThatNeverFinishesEndsAtTheTimeoutWithOneLine(@TempDir Path dir) throws Exception {
        var found = Browser.find();
        assumeTrue(found.isPresent(), "no Chromium on PATH (scripts/setup.sh installs it)");
        Path page = dir.resolve("spin.html");
        Files.writeString(page, "<html><body><script>for (;;) {}</script></body></html>");
        long before = ProcessHandle.current().descendants().count();
        assertThatThrownBy(() -> found.get().withTimeout(3).render(page))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the browser did not finish within 3 s");
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("the browser's processes stopped").isLessThanOrEqualTo(before);
    }
}
