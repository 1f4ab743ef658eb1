package dev.portico.smtp;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Dot-unstuffing and the end marker, without sockets (RFC 5321 4.5.2, SMTP smuggling). */
class SmtpDataStreamTest {

    private record Decoded(String text, String rest) {}

    private static Decoded decode(String raw) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1));
        SmtpDataStream data = new SmtpDataStream(in);
        String text = new String(data.readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(data.ended()).isTrue();
        return new Decoded(text, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void endsAtCrLfDotCrLfAndLeavesTheNextCommandUnread() throws IOException {
        Decoded d = decode("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        assertThat(d.text()).isEqualTo("Subject: x\r\n\r\nbody\r\n");
        assertThat(d.rest()).isEqualTo("QUIT\r\n");
    }

    @Test
    void emptyMessageIsJustTheMarker() throws IOException {
        assertThat(decode(".\r\nNOOP\r\n")).isEqualTo(new Decoded("", "NOOP\r\n"));
    }

    @Test
    void removesTransparencyDots() throws IOException {
        assertThat(decode("..\r\n...\r\n..x\r\n.y\r\na.b\r\n.\r\n").text()).isEqualTo(".\r\n..\r\n.x\r\ny\r\na.b\r\n");
    }

    @Test
    void smugglingSequencesNeverEndTheMessage() throws IOException {
        for (String smuggle : new String[]{"\n.\r\n", "\n.\n", "\r.\r", "\r\n.\n", "\r.\r\n", "\n.\r"}) {
            Decoded d = decode("a" + smuggle + "MAIL FROM:<evil@example>\r\n.\r\nNOOP\r\n");
            assertThat(d.text()).as(smuggle.replace("\r", "<CR>").replace("\n", "<LF>"))
                    .contains("MAIL FROM:<evil@example>");
            assertThat(d.rest()).isEqualTo("NOOP\r\n");
        }
    }

    @Test
    void dotAfterLineStartThenBareCrIsText() throws IOException {
        assertThat(decode("a\r\n.\rb\r\n.\r\n").text()).isEqualTo("a\r\n\rb\r\n");
    }

    @Test
    void endOfStreamBeforeTheMarkerIsAnError() {
        assertThatThrownBy(() -> decode("no end\r\n")).isInstanceOf(EOFException.class);
    }

    @Test
    void smallReadsSeeTheSameText() throws IOException {
        String raw = "x\r\n..\r\n.\rq\r\n.\r\n";
        SmtpDataStream data = new SmtpDataStream(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
        StringBuilder b = new StringBuilder();
        byte[] one = new byte[1];
        for (int i = 0; i < 100; i++) {
            int n = data.read(one, 0, 1);
            if (n < 0) break;
            b.append((char) one[0]);
        }
        assertThat(b.toString()).isEqualTo("x\r\n.\r\n\rq\r\n");
    }
}
