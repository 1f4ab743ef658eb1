package dev.portico.smtp;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portico.core.CommandLine;
import dev.portico.testing.FuzzLines;
import dev.portico.testing.LogWatch;
import dev.portico.testing.RawClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes SMTP command lines through a real session: each input is up to 12 lines sent over a
 * socket to a server on 127.0.0.1, each parsed by {@code CommandLine.parse} and dispatched by the
 * command table (MAIL and RCPT through {@link SmtpPath}, AUTH, HELO/EHLO, VRFY, RSET...). Lines
 * whose verb changes the framing (DATA, BDAT, STARTTLS, QUIT) are sent as NOOP; the DATA reader
 * has its own targets. Properties: every line gets exactly one reply with a 2xx-5xx code within
 * the socket timeout; no reply is the local-error reply of a failed handler and nothing is logged
 * at ERROR; the session stays open unless the reply said it closes (221, 421).
 */
class SmtpSessionFuzzTest {

    private static final Set<String> FRAMING = Set.of("DATA", "BDAT", "STARTTLS", "QUIT");
    private static SmtpTestSupport server;

    /** One server for the whole fuzzing JVM, started on the first input (after Jazzer's agent is in). */
    private static synchronized SmtpTestSupport server() throws IOException {
        if (server == null) {
            LogWatch.install();
            server = new SmtpTestSupport().start(Files.createTempDirectory("smtp-fuzz"), SmtpTestSupport.settings());
        }
        return server;
    }

    @FuzzTest
    void commandLinesGetOneReplyEach(FuzzedDataProvider data) throws IOException {
        // Jazzer's SSRF detector flags every connection; this target's only peer is its own server.
        BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
        int port = server().port();
        LogWatch.takeErrors();
        try (RawClient c = new RawClient(port)) {
            c.expect("220 ");
            int lines = data.consumeInt(1, 12);
            for (int i = 0; i < lines && data.remainingBytes() > 0; i++) {
                byte[] line = FuzzLines.line(data, 600);
                String text = new String(line, StandardCharsets.UTF_8);
                if (FRAMING.contains(CommandLine.parse(text).verb())) line = "NOOP".getBytes(StandardCharsets.US_ASCII);
                c.sendBytes(FuzzLines.crlf(line));
                String reply = c.readReply();
                assertThat(reply).as("reply to %s", text).matches("[2-5][0-9][0-9]( .*)?");
                assertThat(reply).as("reply to %s", text).isNotEqualTo(SmtpReplies.LOCAL_ERROR.toString());
                assertThat(LogWatch.takeErrors()).as("errors logged for %s", text).isEmpty();
                if (reply.startsWith("221") || reply.startsWith("421")) {
                    c.expectClosed();
                    return;
                }
            }
        }
    }
}
