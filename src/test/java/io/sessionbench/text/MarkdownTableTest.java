package io.sessionbench.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkdownTableTest {
    @Test
    void columnsAlignAsDeclaredAndEveryRowHasItsCells() {
        MarkdownTable t = new MarkdownTable().text("backend").number("ok/s");
        assertThat(t.isEmpty()).isTrue();
        t.row("redis-hash/lettuce", MarkdownTable.cell("%,.0f", 14616.45)).row("postgres", 3947);
        assertThat(t).hasToString("| backend | ok/s |\n|---|---:|\n| redis-hash/lettuce | 14,616 |\n| postgres | 3947 |\n");
    }

    @Test
    void aCellCannotBreakTheTable() {
        String s = new MarkdownTable().text("errors").row("{a|b}\nnext line").toString();
        assertThat(s.lines()).hasSize(3);
        assertThat(s).endsWith("| {a\\|b} next line |\n");
    }

    @Test
    void aRowWithTheWrongNumberOfCellsIsRefused() {
        MarkdownTable t = new MarkdownTable().text("a").number("b");
        assertThatThrownBy(() -> t.row("only one")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 cells for 2 columns");
    }
}
