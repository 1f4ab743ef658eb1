package dev.portico.imap;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link MessageView} with arbitrary bytes as a message. Properties: nothing throws but
 * {@link UnknownCteException} from BINARY; ENVELOPE, BODY and BODYSTRUCTURE are each exactly one
 * well-formed IMAP value (balanced, literals of the right length, no NUL); {@code BODY[]} is the
 * message and {@code HEADER} followed by {@code TEXT} is the message again; no section is longer
 * than twice the message (HEADER.FIELDS ends lines with CR LF where the message does not), and BINARY.SIZE is the length of BINARY.
 */
class MessageViewFuzzTest {

    private static final List<SectionSpec> SECTIONS = List.of(
            SectionSpec.parse("1"), SectionSpec.parse("2"), SectionSpec.parse("1.MIME"), SectionSpec.parse("2.1"),
            SectionSpec.parse("1.1.1"), SectionSpec.parse("2.HEADER"), SectionSpec.parse("1.TEXT"),
            SectionSpec.parse("HEADER.FIELDS (From Subject)"), SectionSpec.parse("2.HEADER.FIELDS.NOT (To)"));

    @FuzzTest
    void anyBytesGiveValidViews(byte[] message) {
        MessageView view = MessageView.of(message);
        for (String value : List.of(view.envelope(), view.bodyStructure(false), view.bodyStructure(true))) {
            assertThat(value).doesNotContain("\0");
            assertThat(ImapSyntax.canonical(value)).startsWith("(").endsWith(")");
        }
        assertThat(view.section(SectionSpec.WHOLE)).isEqualTo(message);
        byte[] header = view.section(SectionSpec.parse("HEADER"));
        byte[] text = view.section(SectionSpec.parse("TEXT"));
        assertThat(header.length + text.length).isEqualTo(message.length);
        // HEADER.FIELDS ends every field and the header with CR LF, even where the message has none
        for (SectionSpec s : SECTIONS) assertThat(view.section(s).length).as("%s", s).isLessThanOrEqualTo(2 * message.length + 2);
        for (List<Integer> part : List.of(List.<Integer>of(), List.of(1), List.of(2), List.of(1, 1), List.of(2, 1))) {
            try {
                byte[] b = view.binary(part);
                assertThat(view.binarySize(part)).isEqualTo(b.length);
            } catch (UnknownCteException expected) {
                assertThat(expected.encoding()).isNotNull();
            }
        }
        view.sentDate();
        view.header("From");
        view.headerContains("Subject", "a");
        view.bodyContains("é");
        view.textContains("x");
    }
}
