package dev.portico.imap;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

import static dev.portico.imap.DovecotParityTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SEARCH's content matching, SENTON's date, header values and bare-LF input, over the corpus of {@link DovecotParityTest}. */
class MessageViewTest {

    private static MessageView view(String name) throws IOException {
        return MessageView.of(message(name));
    }

    @Test
    void headerSearchMatchesDecodedTextWithoutRegardToCase() throws IOException {
        MessageView encoded = view("encoded");
        assertThat(encoded.headerContains("Subject", "GRÜSSE")).isFalse();   // ß is not folded to ss
        assertThat(encoded.headerContains("subject", "grüße aus MÜNCHEN")).isTrue();
        assertThat(encoded.headerContains("Subject", "€ 100")).isTrue();     // across two encoded words
        assertThat(encoded.headerContains("Subject", "=?UTF-8?")).isFalse();
        assertThat(encoded.headerContains("From", "jürgen müller")).isTrue();
        assertThat(encoded.headerContains("To", "andré")).isTrue();
        assertThat(encoded.headerContains("Subject", "")).isTrue();
        assertThat(encoded.headerContains("X-Missing", "")).isFalse();
        assertThat(view("8bit").headerContains("Subject", "ÜBERSCHRIFT")).isTrue();
        assertThat(view("8bit").headerContains("From", "山田")).isTrue();
        assertThat(view("long-header").headerContains("Subject", "folded over more than")).isTrue();
    }

    @Test
    void bodySearchUndoesTransferEncodingsAndCharsets() throws IOException {
        assertThat(view("encoded").bodyContains("SCHÖNE grüße")).isTrue();             // ISO-8859-1, quoted-printable
        assertThat(view("encoded").bodyContains("=F6")).isFalse();
        assertThat(view("mixed-attach").bodyContains("café and naïve soft line break")).isTrue(); // soft line break undone
        assertThat(view("lf").bodyContains("BASE64 BODY")).isTrue();
        assertThat(view("alternative").bodyContains("grüße aus köln")).isTrue();
        assertThat(view("alternative").bodyContains("<b>html</b>")).isTrue();
        assertThat(view("long-header").bodyContains("café and € euro")).isTrue();       // windows-1252, 8bit
        assertThat(view("8bit").bodyContains("こんにちは世界")).isTrue();
        assertThat(view("params").bodyContains("<p>café</p>")).isTrue();
    }

    @Test
    void bodySearchCoversAttachedMessagesButNotBinaryPartsNorTheTopHeader() throws IOException {
        MessageView forwarded = view("rfc822");
        assertThat(forwarded.bodyContains("Original text.")).isTrue();
        assertThat(forwarded.bodyContains("dave@example.com")).isTrue();   // the attached message's header is body here
        assertThat(forwarded.bodyContains("Fwd: Original")).isFalse();
        assertThat(forwarded.textContains("Fwd: Original")).isTrue();
        assertThat(view("mixed-attach").bodyContains("PDF-1.4")).isFalse();
        assertThat(view("mixed-attach").bodyContains("Report with attachments")).isFalse();
        assertThat(view("mixed-attach").textContains("report with ATTACHMENTS")).isTrue();
        assertThat(view("mixed-attach").textContains("nowhere in it")).isFalse();
    }

    @Test
    void sentDateIsTheDayInTheHeadersOwnZone() throws IOException {
        assertThat(view("simple").sentDate()).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(view("encoded").sentDate()).isEqualTo(LocalDate.of(2026, 12, 5));   // 23:59:59 -0800, already the 6th in UTC
        assertThat(view("unterminated").sentDate()).isEqualTo(LocalDate.of(2026, 12, 9));
        assertThat(view("nested-rfc822").sentDate()).isEqualTo(LocalDate.of(2026, 12, 10)); // two-digit year, zone name
        assertThat(view("weird").sentDate()).isNull();
        assertThat(view("headers-only").sentDate()).isNull();
    }

    @Test
    void headerValuesAreUnfoldedAsWritten() throws IOException {
        assertThat(view("simple").header("subject")).containsExactly("A plain message with a folded subject");
        assertThat(view("params").header("Subject")).containsExactly("Parameters and odd headers", "A second subject");
        assertThat(view("encoded").header("From")).containsExactly("=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen@example.de>");
        assertThat(view("simple").header("X-Missing")).isEmpty();
    }

    @Test
    void bareLineFeedsAreReadAsLineEnds() throws IOException {
        byte[] lf;
        try (InputStream in = getClass().getResourceAsStream("messages/lf.eml")) {
            lf = in.readAllBytes();
        }
        MessageView raw = MessageView.parse(new ByteArrayInputStream(lf), lf.length);
        MessageView crlf = view("lf");
        assertThat(raw.size()).isEqualTo(lf.length);
        assertThat(raw.envelope()).isEqualTo(crlf.envelope());
        assertThat(ImapSyntax.canonical(raw.bodyStructure(true)))
                .startsWith("((\"text\" \"plain\"").contains("\"mixed\" (\"boundary\" \"b\")");
        assertThat(new String(raw.section(SectionSpec.parse("1")), StandardCharsets.US_ASCII)).isEqualTo("line one\nline two");
    }

    @Test
    void binaryRefusesAnEncodingItCannotUndo() throws IOException {
        assertThatThrownBy(() -> view("weird").binary(List.of(1)))
                .isInstanceOf(UnknownCteException.class)
                .extracting(e -> ((UnknownCteException) e).encoding()).isEqualTo("x-uuencode");
        assertThat(view("weird").section(SectionSpec.parse("1"))).isNotEmpty();
    }

    @Test
    void partialsCutTheSectionAndNameTheOrigin() {
        byte[] ten = "0123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(new Partial(5, 3).of(ten)).isEqualTo("567".getBytes(StandardCharsets.US_ASCII));
        assertThat(new Partial(8, 100).of(ten)).isEqualTo("89".getBytes(StandardCharsets.US_ASCII));
        assertThat(new Partial(10, 1).of(ten)).isEmpty();
        assertThat(new Partial(7, 0).of(ten)).isEmpty();
        assertThat(new Partial(5, 3).suffix()).isEqualTo("<5>");
        assertThatThrownBy(() -> new Partial(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
