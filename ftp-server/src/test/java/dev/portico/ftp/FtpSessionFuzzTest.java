package dev.portico.ftp;

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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes FTP command lines through a real session logged in as alice, whose home holds symbolic
 * links leading out ({@code up -> ..}, {@code bob -> ../bob}, {@code etc -> /etc}): each input is
 * up to 12 lines, Telnet IAC sequences included (the control connection's IAC filter), parsed by
 * {@code CommandLine.parse} and dispatched by the command table (CWD, MKD, RMD, DELE, RNFR/RNTO,
 * SIZE, MDTM, MLST, STAT, SITE, REST, TYPE, OPTS, the data verbs without a data connection...).
 * Lines whose verb opens a data connection or changes the framing (PASV, EPSV, PORT, EPRT, AUTH,
 * PROT, PBSZ, CCC, REIN, QUIT) are sent as NOOP, and subnegotiations are left out so every line
 * stays one line. Properties: every line gets one reply with a 1xx-5xx code; no local-error reply
 * and nothing logged at ERROR; outside alice's home nothing is created, changed or removed.
 */
class FtpSessionFuzzTest {

    private static final Set<String> FRAMING = Set.of("PASV", "EPSV", "PORT", "EPRT", "LPRT", "LPSV", "AUTH", "PROT",
            "PBSZ", "CCC", "REIN", "QUIT");
    private static final int IAC = 255, SB = 250, NOP = 241, WILL = 251, DONT = 254;

    private static Fixture fixture;

    /** A server and a data folder with a neighbour and traps, one per fuzzing JVM. */
    record Fixture(FtpServer server, Path dir, Path home, Map<String, Long> outside) {}

    private static synchronized Fixture fixture() throws IOException {
        if (fixture == null) {
            LogWatch.install();
            Path dir = Files.createTempDirectory("ftp-fuzz");
            // Failed logins are part of the input: no ban, no delay worth the name.
            TestServices services = TestServices.create(dir, new LoginGuard.Policy(Duration.ofMillis(1),
                    Duration.ofMillis(1), Integer.MAX_VALUE, Duration.ofMinutes(1), Duration.ofMinutes(1)));
            Path home = Files.createDirectories(dir.resolve("files").resolve("alice"));
            Files.createDirectories(dir.resolve("files").resolve("bob"));
            Files.writeString(dir.resolve("files").resolve("bob").resolve("secret.txt"), "bob's");
            Files.writeString(dir.resolve("outside.txt"), "not alice's");
            Files.writeString(home.resolve("a.txt"), "alice's");
            Files.createSymbolicLink(home.resolve("up"), Path.of(".."));
            Files.createSymbolicLink(home.resolve("bob"), Path.of("../bob"));
            Files.createSymbolicLink(home.resolve("etc"), Path.of("/etc"));
            Settings s = Settings.of("ftp.port", "0", "ftp.data-timeout", "2s", "ftp.passive.ports", "0", "data", dir.toString());
            FtpConfig config = FtpConfig.from(s);
            FtpServer server = new FtpServer(config, new FtpServer.Shared(services.listening(), services.tls(),
                    services.logins(), services.files())).start();
            fixture = new Fixture(server, dir, home, snapshotOutside(dir, home));
        }
        return fixture;
    }

    /** Every path of the data folder outside alice's home (users file aside), with its size. */
    private static Map<String, Long> snapshotOutside(Path dir, Path home) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                if (p.startsWith(home) || p.getFileName().toString().startsWith("users")) continue;
                out.put(dir.relativize(p).toString(), Files.isDirectory(p) ? -1 : Files.size(p));
            }
        }
        return out;
    }

    @FuzzTest
    void commandLinesGetOneReplyEachAndStayInTheHome(FuzzedDataProvider data) throws IOException {
        BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
        Fixture f = fixture();
        LogWatch.takeErrors();
        try (RawClient c = new RawClient(f.server().port())) {
            c.expect("220");
            c.send("USER alice").expect("331");
            c.send("PASS " + TestServices.ALICE_PASSWORD).expect("230");
            int lines = data.consumeInt(1, 12);
            for (int i = 0; i < lines && data.remainingBytes() > 0; i++) {
                byte[] line = withoutSubnegotiation(FuzzLines.line(data, 400));
                String seen = new String(asServerSees(line), StandardCharsets.UTF_8);
                if (FRAMING.contains(CommandLine.parse(seen).verb())) line = "NOOP".getBytes(StandardCharsets.US_ASCII);
                c.sendBytes(FuzzLines.crlf(line));
                String reply = c.readReply();
                assertThat(reply).as("reply to %s", seen).matches("[1-5][0-9][0-9]( .*)?");
                assertThat(reply).as("reply to %s", seen).isNotEqualTo(FtpReplies.LOCAL_ERROR.toString());
                assertThat(LogWatch.takeErrors()).as("errors logged for %s", seen).isEmpty();
                if (reply.startsWith("150") || reply.startsWith("125")) reply = c.readReply();   // a transfer's end
                if (reply.startsWith("221") || reply.startsWith("421")) break;
            }
        }
        assertThat(snapshotOutside(f.dir(), f.home())).as("the data folder outside alice's home").isEqualTo(f.outside());
        clearHomeIfCrowded(f.home());
    }

    /**
     * IAC SB would swallow the line end (RFC 855), so the SB after an IAC becomes NOP. Parsed as
     * the server parses: IAC WILL/WONT/DO/DONT take an option byte, even 0xFF (found by this
     * target: {@code IAC WILL IAC IAC IAC SB} hid an SB from a two-byte reading).
     */
    private static byte[] withoutSubnegotiation(byte[] line) {
        for (int i = 0; i + 1 < line.length; i++) {
            if ((line[i] & 0xff) == IAC) {
                int command = line[i + 1] & 0xff;
                if (command == SB) line[i + 1] = (byte) NOP;
                // IAC IAC is one data byte; IAC x is one command; IAC WILL..DONT x is one negotiation
                i += command >= 251 && command <= 254 ? 2 : 1;
            }
        }
        return line;   // a trailing IAC or IAC WILL takes the CR: the LF still ends the line
    }

    /** The line as the server reads it: RFC 854 commands removed, IAC IAC as 0xFF (LineConnection's filter). */
    static byte[] asServerSees(byte[] line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int state = 0;
        for (byte x : line) {
            int b = x & 0xff;
            switch (state) {
                case 0 -> { if (b == IAC) state = 1; else out.write(b); }
                case 1 -> {
                    if (b == IAC) { out.write(b); state = 0; }
                    else state = b >= WILL && b <= DONT ? 2 : 0;
                }
                default -> state = 0;   // the option byte
            }
        }
        return out.toByteArray();
    }

    /** Bounded disk use on long runs: MKD and friends fill the home, so it is emptied now and then. */
    private static void clearHomeIfCrowded(Path home) throws IOException {
        try (Stream<Path> entries = Files.list(home)) {
            if (entries.count() < 200) return;
        }
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                String n = p.getFileName().toString();
                if (p.equals(home) || p.getParent().equals(home) && Set.of("a.txt", "up", "bob", "etc").contains(n)) continue;
                Files.deleteIfExists(p);
            }
        }
    }
}
