package dev.portico.telnet;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShellWordsTest {

    @Test
    void quotesAndBackslashesWorkAsInAPosixShell() {
        assertThat(ShellWords.texts("echo 'a  b' \"c \\\"d\\\" $x\" e\\ f g\\\\h")).containsExactly(
                "echo", "a  b", "c \"d\" $x", "e f", "g\\h");
        assertThat(ShellWords.texts("a'b'\"c\"d")).containsExactly("abcd");
        assertThat(ShellWords.texts("  ")).isEmpty();
        assertThat(ShellWords.texts("x ''")).containsExactly("x", "");
    }

    @Test
    void unterminatedQuotesAreErrors() {
        assertThatThrownBy(() -> ShellWords.split("echo 'a")).hasMessageContaining("single quote");
        assertThatThrownBy(() -> ShellWords.split("echo \"a")).hasMessageContaining("double quote");
        assertThatThrownBy(() -> ShellWords.split("echo a\\")).hasMessageContaining("backslash");
    }

    @Test
    void columnsFillDownThenAcrossWithinTheWidth() {
        List<String> names = List.of("a", "bb", "ccc", "dddd", "e");
        assertThat(ShellFileCommands.columns(names, 80)).containsExactly("a     bb    ccc   dddd  e");
        assertThat(ShellFileCommands.columns(names, 12)).containsExactly("a     dddd", "bb    e", "ccc");
        assertThat(ShellFileCommands.columns(names, 3)).hasSize(5);
    }

    @Test
    void historyMasksPasswordsGivenToUsers() {
        assertThat(ShellAdminCommands.redact("users add carol s3cret")).isEqualTo("users add carol ********");
        assertThat(ShellAdminCommands.redact("users passwd bob x y")).isEqualTo("users passwd bob ********");
        assertThat(ShellAdminCommands.redact("users list")).isEqualTo("users list");
    }
}
