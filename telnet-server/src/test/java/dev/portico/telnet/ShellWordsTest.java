package dev.portico.telnet;

import dev.portico.core.Refusal;
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
        assertThat(ShellWords.split("echo 'a").error()).contains("single quote");
        assertThat(ShellWords.split("echo \"a").error()).contains("double quote");
        assertThat(ShellWords.split("echo a\\").error()).contains("backslash");
        assertThat(ShellWords.split("echo 'a'").error()).isNull();
        assertThatThrownBy(() -> ShellWords.texts("'a")).isInstanceOf(Refusal.class)
                .extracting(e -> ((Refusal) e).reply()).isEqualTo(ShellReply.of("shell: unterminated single quote"));
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
