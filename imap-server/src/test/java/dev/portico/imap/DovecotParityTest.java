package dev.portico.imap;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every corpus message ({@code messages/*.eml}) against what Dovecot 2.3 answered for it
 * ({@code messages/*.dovecot}, recorded by {@code record-dovecot.sh}, which sends the FETCH items
 * of {@link #ITEMS} in this order): ENVELOPE, BODY and BODYSTRUCTURE equal up to quoting (quoted
 * string or literal), sections, partials and BINARY byte for byte, the same parts refused with
 * UNKNOWN-CTE, and the section named in the reply as Dovecot names it.
 */
class DovecotParityTest {

    /** The items record-dovecot.sh fetches, one FETCH each, tagged f1, f2, ... */
    static final List<String> ITEMS = List.of("ENVELOPE", "BODYSTRUCTURE", "BODY", "RFC822.SIZE", "BODY.PEEK[]",
            "BODY.PEEK[HEADER]", "BODY.PEEK[TEXT]",
            "BODY.PEEK[HEADER.FIELDS (From Subject X-Missing)]", "BODY.PEEK[HEADER.FIELDS.NOT (Received From to)]",
            "BODY.PEEK[1]", "BODY.PEEK[1.MIME]", "BODY.PEEK[1.HEADER]", "BODY.PEEK[1.TEXT]", "BODY.PEEK[2]",
            "BODY.PEEK[2.MIME]", "BODY.PEEK[2.HEADER]", "BODY.PEEK[2.TEXT]",
            "BODY.PEEK[2.HEADER.FIELDS (Subject)]", "BODY.PEEK[2.1]", "BODY.PEEK[2.2]", "BODY.PEEK[2.1.MIME]",
            "BODY.PEEK[1.1]", "BODY.PEEK[1.2]", "BODY.PEEK[1.1.MIME]", "BODY.PEEK[3]", "BODY.PEEK[3.MIME]",
            "BODY.PEEK[3.TEXT]", "BODY.PEEK[4]", "BODY.PEEK[1.2.1]",
            "BODY.PEEK[]<0.20>", "BODY.PEEK[TEXT]<10.15>", "BODY.PEEK[1]<5.100000>", "BODY.PEEK[]<100000.5>",
            "BINARY.PEEK[1]", "BINARY.SIZE[1]", "BINARY.PEEK[2]", "BINARY.SIZE[2]", "BINARY.PEEK[3]",
            "BINARY.PEEK[1.1]", "BINARY.PEEK[]", "BINARY.SIZE[]");

    private static final Pattern FETCH_ITEM = Pattern.compile("(BODY|BINARY|BINARY\\.SIZE)(?:\\.PEEK)?\\[(.*)](?:<(\\d+)\\.(\\d+)>)?");

    /** A corpus message as Folder.content gives it: bare LF (lf.eml is written so, as MDAs write) turned into CR LF. */
    static byte[] message(String name) throws IOException {
        try (InputStream in = DovecotParityTest.class.getResourceAsStream("messages/" + name + ".eml")) {
            String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return raw.replaceAll("(?<!\r)\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "mixed-attach", "alternative", "rfc822", "encoded", "lf", "8bit",
            "broken-boundary", "no-boundary", "unterminated", "weird", "headers-only", "noeol", "digest", "nested-rfc822",
            "params", "preamble-only", "long-header", "tiny", "empty-header", "empty"})
    void answersAsDovecotDoes(String name) throws IOException {
        DovecotTranscript dovecot = DovecotTranscript.load(name);
        MessageView view = MessageView.of(message(name));
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < ITEMS.size(); i++) {
            String item = ITEMS.get(i);
            boolean refused = dovecot.unknownCte().contains("f" + (i + 1));
            switch (item) {
                case "ENVELOPE" -> soft.assertThat(ImapSyntax.canonical(view.envelope())).as(item)
                        .isEqualTo(ImapSyntax.canonical(dovecot.items().get(item)));
                case "BODYSTRUCTURE" -> soft.assertThat(ImapSyntax.canonical(view.bodyStructure(true))).as(item)
                        .isEqualTo(ImapSyntax.canonical(dovecot.items().get(item)));
                case "BODY" -> soft.assertThat(ImapSyntax.canonical(view.bodyStructure(false))).as(item)
                        .isEqualTo(ImapSyntax.canonical(dovecot.items().get(item)));
                case "RFC822.SIZE" -> soft.assertThat(Long.toString(view.size())).as(item)
                        .isEqualTo(new String(dovecot.items().get(item), StandardCharsets.US_ASCII));
                default -> {
                    Matcher m = FETCH_ITEM.matcher(item);
                    assertThat(m.matches()).as(item).isTrue();
                    SectionSpec spec = SectionSpec.parse(m.group(2));
                    Partial partial = m.group(3) == null ? null : new Partial(Long.parseLong(m.group(3)), Long.parseLong(m.group(4)));
                    String replyName = m.group(1) + "[" + spec + "]" + (partial == null ? "" : partial.suffix());
                    if (refused) {
                        soft.assertThatThrownBy(() -> view.binary(spec.part())).as(item).isInstanceOf(UnknownCteException.class);
                        continue;
                    }
                    soft.assertThat(dovecot.items()).as("Dovecot's reply names %s", item).containsKey(replyName);
                    byte[] expected = dovecot.items().get(replyName);
                    if (expected == null) continue;
                    try {
                        byte[] ours = switch (m.group(1)) {
                            case "BODY" -> view.section(spec);
                            case "BINARY" -> view.binary(spec.part());
                            default -> Long.toString(view.binarySize(spec.part())).getBytes(StandardCharsets.US_ASCII);
                        };
                        if (partial != null) ours = partial.of(ours);
                        soft.assertThat(new String(ours, StandardCharsets.ISO_8859_1)).as(item)
                                .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
                    } catch (UnknownCteException e) {
                        soft.fail(item + " refused, Dovecot answered it");
                    }
                }
            }
        }
        soft.assertAll();
    }
}
