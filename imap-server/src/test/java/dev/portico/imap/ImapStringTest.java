package dev.portico.imap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ImapStringTest {

    @Test
    void quotesWhatCanBeQuotedAndSendsTheRestAsLiterals() {
        assertThat(ImapString.nstring(null)).isEqualTo("NIL");
        assertThat(ImapString.string("")).isEqualTo("\"\"");
        assertThat(ImapString.string("say \"hi\" \\o/")).isEqualTo("\"say \\\"hi\\\" \\\\o/\"");
        assertThat(ImapString.string("é")).isEqualTo("{2}\r\né");            // octets of UTF-8, not chars
        assertThat(ImapString.string("two\r\nlines")).isEqualTo("{10}\r\ntwo\r\nlines");
        assertThat(ImapString.string("tab\there")).startsWith("{8}\r\n");
        assertThat(ImapString.string("a\0b")).isEqualTo("{5}\r\na\uFFFDb");     // no NUL in a literal
        assertThat(ImapString.literalPrefix(7, true)).isEqualTo("~{7}\r\n");
    }

    @Test
    void atomsOnlyWhereTheGrammarAllowsThem() {
        assertThat(ImapString.astring("INBOX")).isEqualTo("INBOX");
        assertThat(ImapString.astring("Archive.2026]")).isEqualTo("Archive.2026]");
        assertThat(ImapString.astring("NIL")).isEqualTo("\"NIL\"");
        assertThat(ImapString.astring("two words")).isEqualTo("\"two words\"");
        assertThat(ImapString.astring("50%")).isEqualTo("\"50%\"");
        assertThat(ImapString.astring("")).isEqualTo("\"\"");
        assertThat(ImapString.isAtom("a(b")).isFalse();
    }
}
