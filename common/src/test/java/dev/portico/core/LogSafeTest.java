package dev.portico.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link LogSafe#text} lets through to a log line, and what it escapes. */
class LogSafeTest {

    @Test
    void plainTextIsKeptAsItIs() {
        String s = "alice@example.org /files/Quarterly réport ✓ 日本語 😀";
        assertThat(LogSafe.text(s)).isSameAs(s);
    }

    @Test
    void lineEndsNulAndOtherControlsAreEscaped() {
        assertThat(LogSafe.text("x\n12:00:00 INFO admin logged in")).isEqualTo("x\\n12:00:00 INFO admin logged in");
        assertThat(LogSafe.text("a\rb\0c\td\u001b[31me\u007ff")).isEqualTo("a\\rb\\x00c\\td\\x1b[31me\\x7ff");
        assertThat(LogSafe.text("nel\u0085c1\u009b")).isEqualTo("nel\\x85c1\\x9b");
        assertThat(LogSafe.text("ls\u2028ps\u2029bidi\u202eiso\u2066")).isEqualTo("ls\\u2028ps\\u2029bidi\\u202eiso\\u2066");
    }

    @Test
    void aBackslashIsEscapedSoNoEscapeCanBeForged() {
        assertThat(LogSafe.text("typed\\nnot a line feed")).isEqualTo("typed\\\\nnot a line feed");
    }

    @Test
    void longValuesAreCutAndSaySo() {
        String s = "a".repeat(1000);
        assertThat(LogSafe.text(s)).isEqualTo("a".repeat(LogSafe.MAX_LENGTH) + "...(" + (1000 - LogSafe.MAX_LENGTH) + " more)");
        assertThat(LogSafe.text("abc\n", 2)).isEqualTo("ab...(2 more)");
        // a surrogate pair is never cut in half
        assertThat(LogSafe.text("ab😀cd", 3)).isEqualTo("ab...(4 more)");
    }

    @Test
    void nullAndObjectsAreTheirStrings() {
        assertThat(LogSafe.text(null)).isEqualTo("null");
        assertThat(LogSafe.text(new StringBuilder("a\nb"))).isEqualTo("a\\nb");
    }
}
