package dev.portico.pop3;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portico.core.CommandLine;
import dev.portico.core.Settings;
import dev.portico.core.auth.LoginGuard;
import dev.portico.testing.FuzzLines;
import dev.portico.testing.LogWatch;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes POP3 command lines and their arguments through a real session (message numbers of
 * LIST, RETR, TOP, DELE, UIDL, USER/PASS, APOP, AUTH PLAIN and its continuation), logged in as
 * alice over a mailbox of three messages, or not logged in. STLS and QUIT are sent as NOOP (QUIT
 * would expunge; STLS changes the framing). Properties: every line gets one reply, {@code +OK}
 * (with its dot-terminated body for CAPA, RETR, TOP, LIST and UIDL without argument, AUTH without
 * argument), {@code -ERR}, or the {@code + } continuation of AUTH; never the local-error reply,
 * nothing logged at ERROR; the session stays open unless it was closed for too many bad commands.
 */
class Pop3SessionFuzzTest {

    private static final Set<String> FRAMING = Set.of("STLS", "QUIT");
    private static Pop3Server server;
    private static TestServices services;

    private static synchronized int port() throws IOException {
        if (server == null) {
            LogWatch.install();
            services = TestServices.create(Files.createTempDirectory("pop3-fuzz"), new LoginGuard.Policy(
                    Duration.ofMillis(1), Duration.ofMillis(1), Integer.MAX_VALUE, Duration.ofMinutes(1), Duration.ofMinutes(1)));
            for (String m : List.of("Subject: one\r\n\r\nbody\r\n.dot line\r\n",
                    "Subject: two\n\nbare LF\nlines\n", "Subject: three\r\n\r\n" + "x".repeat(3000) + "\r\n")) {
                services.mail().deliver(List.of("alice"), new ByteArrayInputStream(m.getBytes(StandardCharsets.UTF_8)));
            }
            Settings s = Settings.of("pop3.port", "0", "pop3.shutdown-grace", "500ms");
            server = new Pop3Server(Pop3Config.from(s), new Pop3Server.Shared(services.listening(), services.tls(),
                    services.logins(), services.mail(), services.domains())).start();
        }
        return server.port();
    }

    @FuzzTest
    void commandLinesGetOneReplyEach(FuzzedDataProvider data) throws IOException, InterruptedException {
        BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
        int port = port();
        boolean login = data.consumeBoolean();
        awaitNoSessions();   // the mailbox is locked while a session holds it
        LogWatch.takeErrors();
        try (RawClient c = new RawClient(port)) {
            c.expect("+OK");
            if (login) {
                c.send("USER alice").expect("+OK");
                c.send("PASS " + TestServices.ALICE_PASSWORD).expect("+OK");
            }
            int lines = data.consumeInt(1, 12);
            boolean continuation = false;
            for (int i = 0; i < lines && data.remainingBytes() > 0; i++) {
                byte[] line = FuzzLines.line(data, 300);
                String text = new String(line, StandardCharsets.UTF_8);
                CommandLine command = CommandLine.parse(text);
                if (!continuation && FRAMING.contains(command.verb())) line = "NOOP".getBytes(StandardCharsets.US_ASCII);
                c.sendBytes(FuzzLines.crlf(line));
                String reply = c.readLine();
                assertThat(reply).as("reply to %s", text).isNotNull();
                assertThat(reply).as("reply to %s", text).isNotEqualTo(Pop3Replies.LOCAL_ERROR.line());
                boolean wasContinuation = continuation;
                continuation = reply.equals("+ ") || reply.equals("+");
                if (!continuation) assertThat(reply).as("reply to %s", text).matches("(\\+OK|-ERR)( .*)?");
                if (!wasContinuation && reply.startsWith("+OK") && multiLine(command)) readBody(c, text);
                assertThat(LogWatch.takeErrors()).as("errors logged for %s", text).isEmpty();
                if (reply.startsWith("-ERR") && c.socket().getInputStream().available() == 0 && closedBy(reply)) break;
            }
        }
    }

    private static boolean multiLine(CommandLine c) {
        return switch (c.verb()) {
            case "CAPA", "RETR", "TOP" -> true;
            case "LIST", "UIDL", "AUTH" -> c.argument().isBlank();
            default -> false;
        };
    }

    /** A closing -ERR (too many bad commands) ends the input; the next read would see the close. */
    private static boolean closedBy(String reply) {
        return reply.toLowerCase().contains("too many");
    }

    private static void readBody(RawClient c, String command) throws IOException {
        for (int i = 0; i < 10_000; i++) {
            String line = c.readLine();
            assertThat(line).as("body of %s", command).isNotNull();
            if (line.equals(".")) return;
        }
        throw new AssertionError("body of " + command + " did not end");
    }

    private static void awaitNoSessions() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (services.sessions().size() > 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("a POP3 session did not end after its client left");
            Thread.sleep(1);
        }
    }
}
