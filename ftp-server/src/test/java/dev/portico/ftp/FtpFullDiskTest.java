package dev.portico.ftp;

import dev.portico.testing.FullDisk;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real full disk ({@link FullDisk}: a tiny tmpfs filled up) under the users' homes: every
 * storage failure gets 452 (RFC 959 4.2.1, "insufficient storage space"), whether the upload fails
 * on its first block or on creating its file, and whether a directory cannot be made; the session
 * goes on, and once there is room again the same session stores the file.
 */
@Timeout(30)
class FtpFullDiskTest {

    // Registered first (@Order), so it is torn down after the server.
    @RegisterExtension
    @Order(1)
    final FullDisk disk = FullDisk.create();
    @RegisterExtension
    @Order(2)
    final FtpTestServer ftp = new FtpTestServer();

    private Path home;

    private RawClient startOnFullDisk() throws IOException {
        // LocalFileStore resolves its root with toRealPath, so the tmpfs must be a plain mount.
        ftp.dataFolder(disk.mountWithRealPaths(1 << 20, 200).resolve("data")).start();
        RawClient raw = RawFtp.alice(ftp.port());
        home = ftp.home("alice");
        Files.writeString(home.resolve("old.txt"), "old");
        return raw;
    }

    /** Sends {@code command} on a fresh PASV connection with up to 2 MiB of data; returns the final reply. */
    private static String upload(RawClient raw, String command, int octets) throws IOException {
        int port = RawFtp.pasv(raw);
        try (Socket data = RawFtp.connect(port)) {
            raw.send(command).expect("150");
            OutputStream out = data.getOutputStream();
            byte[] chunk = new byte[16 * 1024];
            try {
                for (int sent = 0; sent < octets; sent += chunk.length) out.write(chunk, 0, Math.min(chunk.length, octets - sent));
                out.flush();
            } catch (IOException e) {
                // the server closed the data connection when its disk refused the data
            }
        }
        return raw.readReply();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"STOR new.bin", "APPE old.txt", "STOU"})
    void anUploadThatFindsNoRoomGets452AndTheSessionGoesOn(String command) throws IOException {
        try (RawClient raw = startOnFullDisk()) {
            disk.fillBlocks();
            assertThat(upload(raw, command, 2 << 20)).isEqualTo(FtpReplies.INSUFFICIENT_STORAGE.toString());
            raw.send("NOOP").expect("200");
            assertNoUploadTemporaries();
            assertThat(home.resolve("new.bin")).doesNotExist();

            disk.free();
            assertThat(upload(raw, "STOR after.bin", 100_000)).startsWith("226");
            assertThat(home.resolve("after.bin")).hasSize(100_000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"STOR new.bin", "STOU"})
    void anUploadWhoseFileCannotBeCreatedGets452(String command) throws IOException {
        try (RawClient raw = startOnFullDisk()) {
            disk.fill();
            int port = RawFtp.pasv(raw);
            try (Socket ignored = RawFtp.connect(port)) {
                assertThat(raw.send(command).readReply()).isEqualTo(FtpReplies.INSUFFICIENT_STORAGE.toString());
            }
            raw.send("NOOP").expect("200");
            assertNoUploadTemporaries();
        }
    }

    @Test
    void mkdWithNoInodeLeftGets452() throws IOException {
        try (RawClient raw = startOnFullDisk()) {
            disk.fill();
            assertThat(raw.send("MKD newdir").readReply()).isEqualTo(FtpReplies.INSUFFICIENT_STORAGE.toString());
            raw.send("NOOP").expect("200");
            disk.free();
            raw.send("MKD newdir").expect("257");
        }
    }

    private void assertNoUploadTemporaries() throws IOException {
        try (Stream<Path> files = Files.list(home)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(FtpListing.UPLOAD_PREFIX));
        }
    }
}
