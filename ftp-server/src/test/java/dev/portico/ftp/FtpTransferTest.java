package dev.portico.ftp;

import dev.portico.testing.TestServices;
import org.apache.commons.net.ProtocolCommandEvent;
import org.apache.commons.net.ProtocolCommandListener;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class FtpTransferTest {

    @RegisterExtension
    final FtpTestServer ftp = FtpTestServer.started();
    /** An IPv6 server for the one test that needs it. */
    @RegisterExtension
    final FtpTestServer six = new FtpTestServer();
    FTPClient c;

    private FTPClient alice(boolean active) throws Exception {
        c = ftp.alice();
        if (active) c.enterLocalActiveMode();
        return c;
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * The registry counts every octet once: the control lines both ways, exactly as the client sent
     * and received them, plus the data connections' bytes. (They were counted twice, by the transfer
     * thread and again by the session.)
     */
    @ParameterizedTest(name = "active={0}")
    @ValueSource(booleans = {false, true})
    void dataConnectionTrafficCountsOnceTowardsTheSession(boolean active) throws Exception {
        AtomicLong controlSent = new AtomicLong(), controlReceived = new AtomicLong();
        c = new FTPClient();
        c.addProtocolCommandListener(new ProtocolCommandListener() {
            @Override
            public void protocolCommandSent(ProtocolCommandEvent event) {
                controlSent.addAndGet(event.getMessage().getBytes(StandardCharsets.UTF_8).length);
            }

            @Override
            public void protocolReplyReceived(ProtocolCommandEvent event) {
                // the event holds the reply's lines without their CR LF
                for (String line : event.getMessage().split("\r?\n")) {
                    controlReceived.addAndGet(line.getBytes(StandardCharsets.UTF_8).length + 2);
                }
            }
        });
        ftp.connect(c, ftp.port());
        assertThat(c.login("alice", TestServices.ALICE_PASSWORD)).isTrue();
        if (active) c.enterLocalActiveMode(); else c.enterLocalPassiveMode();
        c.setFileType(FTP.BINARY_FILE_TYPE);
        byte[] data = random(200_000, 3);
        assertThat(c.storeFile("up.dat", new ByteArrayInputStream(data))).isTrue();
        assertThat(c.retrieveFile("up.dat", new ByteArrayOutputStream())).isTrue();
        assertThat(ftp.services.sessions().sessions()).singleElement().satisfies(session -> {
            assertThat(session.user()).isEqualTo("alice");
            assertThat(session.bytesIn()).isEqualTo(controlSent.get() + data.length);
            assertThat(session.bytesOut()).isEqualTo(controlReceived.get() + data.length);
        });
    }

    @ParameterizedTest(name = "active={0}")
    @ValueSource(booleans = {false, true})
    void storeAndRetrieveBinaryExactly(boolean active) throws Exception {
        alice(active);
        byte[] data = random(300_000, 1);
        assertThat(c.storeFile("bin.dat", new ByteArrayInputStream(data))).isTrue();
        assertThat(c.getReplyCode()).isEqualTo(226);
        // 226 means complete on disk: checked straight after the reply
        assertThat(Files.readAllBytes(ftp.home("alice").resolve("bin.dat"))).isEqualTo(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(c.retrieveFile("bin.dat", out)).isTrue();
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(Files.list(ftp.home("alice"))).hasSize(1);   // no temporary file left behind
    }

    /** A file up to 64 KiB from the offset is copied on a virtual thread, a larger one goes by sendfile: both exact. */
    @ParameterizedTest(name = "size={0}")
    @ValueSource(ints = {0, 1, 65_535, 65_536, 65_537, 1_000_001})
    void retrieveIsExactEitherSideOfTheSendfileSize(int size) throws Exception {
        alice(false);
        byte[] data = random(size, size);
        Files.write(ftp.home("alice").resolve("f.bin"), data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(c.retrieveFile("f.bin", out)).isTrue();
        assertThat(c.getReplyCode()).isEqualTo(226);
        assertThat(out.toByteArray()).isEqualTo(data);
        // resumed 2 bytes short of the end: the copy, whatever the file's size
        if (size >= 2) {
            c.setRestartOffset(size - 2);
            out.reset();
            assertThat(c.retrieveFile("f.bin", out)).isTrue();
            assertThat(out.toByteArray()).isEqualTo(Arrays.copyOfRange(data, size - 2, size));
        }
    }

    @ParameterizedTest(name = "active={0}")
    @ValueSource(booleans = {false, true})
    void listingsAreParsedBackByTheClient(boolean active) throws Exception {
        alice(active);
        ftp.write("alice", "a.txt", "hello");
        ftp.write("alice", "dir/inner.txt", "x");
        FTPFile[] files = c.listFiles();
        assertThat(files).extracting(FTPFile::getName).containsExactly("a.txt", "dir");
        assertThat(files[0].isFile()).isTrue();
        assertThat(files[0].getSize()).isEqualTo(5);
        assertThat(files[0].getTimestamp()).isNotNull();
        assertThat(files[1].isDirectory()).isTrue();
        assertThat(c.listFiles("dir")).extracting(FTPFile::getName).containsExactly("inner.txt");
        assertThat(c.listFiles("-la")).hasSize(2);
        assertThat(c.listNames()).containsExactly("a.txt", "dir");
        FTPFile[] ml = c.mlistDir();
        assertThat(ml).extracting(FTPFile::getName).containsExactly("a.txt", "dir");
        assertThat(ml[0].getSize()).isEqualTo(5);
        assertThat(ml[1].isDirectory()).isTrue();
        assertThat(c.mlistDir("a.txt")).isEmpty();
        assertThat(c.getReplyCode()).isEqualTo(501);
        assertThat(c.listFiles("missing")).isEmpty();
        ftp.write("alice", "b.txt", "b");
        assertThat(c.listNames("*.txt")).containsExactly("a.txt", "b.txt");
        assertThat(c.listNames("?.t*")).containsExactly("a.txt", "b.txt");
        assertThat(c.listFiles("d*")).extracting(FTPFile::getName).containsExactly("dir");
        assertThat(c.listNames("*.jpg")).isEmpty();
    }

    @Test
    void asciiModeConvertsLineEndingsBothWays() throws Exception {
        alice(false);
        ftp.write("alice", "unix.txt", "one\ntwo\r\nthree\n");
        // the wire form, read through a raw data connection: LF became CR LF, CR LF stayed
        try (var raw = RawFtp.alice(ftp.port())) {
            raw.send("TYPE A").expect("200");
            int port = RawFtp.pasv(raw);
            try (var data = RawFtp.connect(port)) {
                raw.send("RETR unix.txt").expect("150");
                assertThat(new String(data.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("one\r\ntwo\r\nthree\r\n");
            }
            raw.expect("226");
        }
        assertThat(c.setFileType(FTP.ASCII_FILE_TYPE)).isTrue();
        ByteArrayOutputStream converted = new ByteArrayOutputStream();
        assertThat(c.retrieveFile("unix.txt", converted)).isTrue();
        assertThat(converted.toString(StandardCharsets.US_ASCII)).isEqualTo("one\ntwo\nthree\n");
        // an upload in ASCII: CR LF on the wire is stored as LF
        var os = c.storeFileStream("up.txt");
        os.write("a\r\nb\r\nc\rd".getBytes(StandardCharsets.US_ASCII));
        os.close();
        assertThat(c.completePendingCommand()).isTrue();
        assertThat(Files.readString(ftp.home("alice").resolve("up.txt"))).isEqualTo("a\nb\nc\rd");
        // binary is byte-exact
        c.setFileType(FTP.BINARY_FILE_TYPE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.retrieveFile("unix.txt", out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("one\ntwo\r\nthree\n");
    }

    @Test
    void restResumesDownloadsAndUploads() throws Exception {
        alice(false);
        byte[] data = random(100_000, 2);
        Files.write(ftp.home("alice").resolve("r.dat"), data);
        c.setRestartOffset(60_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(c.retrieveFile("r.dat", out)).isTrue();
        assertThat(out.toByteArray()).isEqualTo(Arrays.copyOfRange(data, 60_000, data.length));

        // upload the first part, then resume from the size the server reports
        assertThat(c.storeFile("u.dat", new ByteArrayInputStream(data, 0, 40_000))).isTrue();
        c.sendCommand("SIZE", "u.dat");
        long have = Long.parseLong(c.getReplyString().trim().substring(4));
        assertThat(have).isEqualTo(40_000);
        c.setRestartOffset(have);
        assertThat(c.storeFile("u.dat", new ByteArrayInputStream(data, 40_000, data.length - 40_000))).isTrue();
        assertThat(Files.readAllBytes(ftp.home("alice").resolve("u.dat"))).isEqualTo(data);

        c.setRestartOffset(200_000);
        assertThat(c.retrieveFile("r.dat", new ByteArrayOutputStream())).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(554);
        c.setRestartOffset(0);
        assertThat(c.retrieveFile("r.dat", new ByteArrayOutputStream())).isTrue();
    }

    @Test
    void appendAndStoreUnique() throws Exception {
        alice(false);
        ftp.write("alice", "log.txt", "one\n");
        assertThat(c.appendFile("log.txt", new ByteArrayInputStream("two\n".getBytes()))).isTrue();
        assertThat(ftp.home("alice").resolve("log.txt")).hasContent("one\ntwo");
        assertThat(c.storeUniqueFile(new ByteArrayInputStream("unique".getBytes()))).isTrue();
        String reply = c.getReplyStrings()[0];
        assertThat(reply).startsWith("226");
        try (var files = Files.list(ftp.home("alice"))) {
            List<Path> uniques = files.filter(p -> p.getFileName().toString().startsWith("ftp")).toList();
            assertThat(uniques).hasSize(1);
            assertThat(uniques.get(0)).hasContent("unique");
        }
    }

    @Test
    void zeroByteAndUtf8NamedFiles() throws Exception {
        alice(false);
        String name = "résumé 日本語 ✓.txt";
        assertThat(c.storeFile(name, new ByteArrayInputStream("ü".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(ftp.home("alice").resolve(name)).hasContent("ü");
        assertThat(c.storeFile("empty", new ByteArrayInputStream(new byte[0]))).isTrue();
        assertThat(ftp.home("alice").resolve("empty")).isEmptyFile();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(c.retrieveFile("empty", out)).isTrue();
        assertThat(out.size()).isZero();
        assertThat(c.listNames()).contains(name, "empty");
        assertThat(c.mlistDir()).extracting(FTPFile::getName).contains(name);
        assertThat(c.makeDirectory("dossier été")).isTrue();
        assertThat(c.changeWorkingDirectory("dossier été")).isTrue();
        assertThat(c.printWorkingDirectory()).isEqualTo("/dossier été");
    }

    @Test
    void retrOfMissingFileOrDirectoryIs550AndNoDataIs425() throws Exception {
        alice(false);
        assertThat(c.retrieveFile("missing", new ByteArrayOutputStream())).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(550);
        c.makeDirectory("d");
        assertThat(c.retrieveFile("d", new ByteArrayOutputStream())).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(550);
        assertThat(c.storeFile("d", new ByteArrayInputStream(new byte[1]))).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(550);
        assertThat(c.sendCommand("RETR", "x")).isEqualTo(425);
        assertThat(c.sendCommand("RETR")).isEqualTo(501);
    }

    @Test
    void ipv6WithEpsvAndEprt() throws Exception {
        six.start("ftp.bind", "::1");
        FTPClient client = six.connect(new FTPClient(), "::1", six.port());
        assertThat(client.login("alice", TestServices.ALICE_PASSWORD)).isTrue();
        client.setFileType(FTP.BINARY_FILE_TYPE);
        client.enterLocalPassiveMode();   // IPv6: Commons Net sends EPSV
        byte[] data = random(50_000, 3);
        assertThat(client.storeFile("six.dat", new ByteArrayInputStream(data))).isTrue();
        assertThat(client.sendCommand("PASV")).isEqualTo(425);
        client.enterLocalActiveMode();    // IPv6: EPRT |2|::1|port|
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(client.retrieveFile("six.dat", out)).isTrue();
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(client.sendCommand("EPSV", "1")).isEqualTo(522);
        assertThat(client.sendCommand("EPRT", "|3|x|5000|")).isEqualTo(522);
    }

    @Test
    void epsvAllRefusesOtherDataSetups() throws Exception {
        alice(false);
        c.setUseEPSVwithIPv4(true);
        assertThat(c.sendCommand("EPSV", "ALL")).isEqualTo(200);
        assertThat(c.sendCommand("PASV")).isEqualTo(503);
        assertThat(c.sendCommand("PORT", "127,0,0,1,200,10")).isEqualTo(503);
        ftp.write("alice", "e.txt", "epsv");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(c.retrieveFile("e.txt", out)).isTrue();
        assertThat(out.toString()).isEqualTo("epsv");
    }

    @Test
    void fiftyConcurrentSessionsTransfer() throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                results.add(pool.submit((Callable<Boolean>) () -> {
                    FTPClient client = ftp.alice();
                    try {
                        if (n % 2 == 1) client.enterLocalActiveMode();
                        byte[] data = random(20_000 + n, n);
                        if (!client.storeFile("p" + n, new ByteArrayInputStream(data))) return false;
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        if (!client.retrieveFile("p" + n, out)) return false;
                        return Arrays.equals(out.toByteArray(), data) && client.listNames().length >= 1;
                    } finally {
                        FtpTestServer.quietly(client);
                    }
                }));
            }
            for (Future<Boolean> f : results) assertThat(f.get(50, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
