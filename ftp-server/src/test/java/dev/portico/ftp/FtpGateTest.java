package dev.portico.ftp;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every gate of {@link FtpVerb#TABLE}, over a real socket: each row puts a session in a state,
 * then plays a transcript ({@code > } sends, {@code < } expects a reply starting so, {@link #DATA}
 * reads the running transfer's data connection to its end). Every row ends with the session
 * still answering NOOP.
 */
@Timeout(30)
class FtpGateTest {

    /** A transcript step: read what is left on the data connection of the running transfer. */
    private static final String DATA = "(data)";
    private static final String[] PLAIN = {};
    private static final String[] TLS_REQUIRED = {"ftp.tls.required", "true"};

    @RegisterExtension
    final FtpTestServer ftp = new FtpTestServer();

    /** Where a row's session is before its transcript. */
    enum State {
        CONNECTED, LOGGED_IN, AUTH_TLS, TLS_LOGGED_IN_PASV,
        /** Logged in, a 20 MiB RETR running, of which the client has read only 64 KiB. */
        TRANSFERRING
    }

    static Stream<Arguments> gates() {
        return Stream.of(
                row("phase: PASS before USER", PLAIN, State.CONNECTED, "> PASS x", "< 503 Login with USER first"),
                row("phase: not logged in", PLAIN, State.CONNECTED, "> PWD", "< 530 Please login with USER and PASS",
                        "> RETR f.txt", "< 530 Please login with USER and PASS"),
                row("phase: USER after login", PLAIN, State.LOGGED_IN, "> USER bob", "< 503 Already logged in"),
                row("phase: RNTO without RNFR", PLAIN, State.LOGGED_IN, "> RNTO g.txt", "< 503 RNFR required first"),
                row("phase: RNTO not straight after RNFR", PLAIN, State.LOGGED_IN, "> RNFR f.txt", "< 350",
                        "> NOOP", "< 200", "> RNTO g.txt", "< 503 RNFR required first"),
                row("TLS: USER on a plain connection", TLS_REQUIRED, State.CONNECTED, "> USER alice",
                        "< 530 Login only after AUTH TLS", "> PASS x", "< 503 Login with USER first"),
                row("TLS: USER after AUTH TLS", TLS_REQUIRED, State.AUTH_TLS, "> USER alice", "< 331"),
                row("TLS: RETR without PROT P drops the PASV", TLS_REQUIRED, State.TLS_LOGGED_IN_PASV,
                        "> RETR f.txt", "< 522 Data connections must be encrypted: use PROT P",
                        "> PROT P", "< 200", "> RETR f.txt", "< 425 Use PORT or PASV first"),
                row("TLS: LIST without PROT P", TLS_REQUIRED, State.TLS_LOGGED_IN_PASV,
                        "> LIST", "< 522 Data connections must be encrypted: use PROT P"),
                row("TLS: STOR without PROT P", TLS_REQUIRED, State.TLS_LOGGED_IN_PASV,
                        "> STOR up.txt", "< 522 Data connections must be encrypted: use PROT P"),
                row("TLS: not required, no gate", PLAIN, State.LOGGED_IN, "> RETR f.txt", "< 425 Use PORT or PASV first"),
                row("during transfer: NOOP answers at once", PLAIN, State.TRANSFERRING,
                        "> NOOP", "< 200 NOOP ok", DATA, "< 226 Transfer complete"),
                row("during transfer: STAT shows progress", PLAIN, State.TRANSFERRING,
                        "> STAT", "< 213 Status: ", DATA, "< 226 Transfer complete"),
                row("during transfer: ABOR stops it", PLAIN, State.TRANSFERRING,
                        "> ABOR", "< 426", "< 226 ABOR successful", DATA),
                row("during transfer: PWD waits for the transfer's reply", PLAIN, State.TRANSFERRING,
                        "> PWD", DATA, "< 226 Transfer complete", "< 257 \"/\""),
                row("unknown: 500, no budget", PLAIN, State.CONNECTED, "> XYZZY", "< 500 Unknown command",
                        "> REIN", "< 502 Command not implemented"));
    }

    private static Arguments row(String gate, String[] settings, State state, String... transcript) {
        return Arguments.of(gate, settings, state, List.of(transcript));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gates")
    void theTableEnforcesEveryGate(String gate, String[] settings, State state, List<String> transcript) throws Exception {
        ftp.start(settings);
        ftp.write("alice", "f.txt", "file");
        try (RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            Socket data = prepare(raw, state);
            try {
                for (String step : transcript) {
                    if (step.equals(DATA)) {
                        drain(data);
                    } else if (step.startsWith("> ")) {
                        raw.send(step.substring(2));
                    } else {
                        assertThat(raw.readReply()).as(gate).startsWith(step.substring(2));
                    }
                }
            } finally {
                if (data != null) data.close();
            }
            raw.send("NOOP").expect("200");
        }
    }

    private Socket prepare(RawClient raw, State state) throws IOException {
        switch (state) {
            case CONNECTED -> {
                return null;
            }
            case LOGGED_IN -> {
                RawFtp.alice(raw);
                return null;
            }
            case AUTH_TLS -> {
                raw.send("AUTH TLS").expect("234");
                raw.startTls();
                return null;
            }
            case TLS_LOGGED_IN_PASV -> {
                prepare(raw, State.AUTH_TLS);
                RawFtp.alice(raw);
                raw.send("PBSZ 0").expect("200");
                RawFtp.pasv(raw);
                return null;
            }
            case TRANSFERRING -> {
                try (OutputStream out = Files.newOutputStream(ftp.home("alice").resolve("big.dat"))) {
                    byte[] chunk = new byte[1 << 20];
                    for (int i = 0; i < 20; i++) out.write(chunk);
                }
                RawFtp.alice(raw);
                raw.send("TYPE I").expect("200");
                Socket data = RawFtp.connect(RawFtp.pasv(raw));
                raw.send("RETR big.dat").expect("150");
                assertThat(data.getInputStream().readNBytes(64 * 1024)).hasSize(64 * 1024);
                return data;
            }
            default -> throw new AssertionError(state);
        }
    }

    /** Reads the data connection to its end; an aborted one may end with a reset. */
    private static void drain(Socket data) {
        try (InputStream in = data.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // ABOR closed it under us: nothing more to read either way
        }
    }

    @Test
    void unknownVerbsNeverCloseTheSession() throws Exception {
        ftp.start();
        try (RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            for (int i = 0; i < 100; i++) raw.send("XYZZY" + i).expect("500 Unknown command");
            raw.send("NOOP").expect("200");
        }
    }
}
