package dev.portico.ftp;

import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** 256 MiB up and down, streamed on both sides, SHA-256 equal every way. */
@Timeout(90)
class FtpLargeFileTest {

    static final long SIZE = 256L << 20;

    @RegisterExtension
    final FtpTestServer ftp = FtpTestServer.started();

    /** Pseudo-random bytes made on the fly, so the test holds no file in memory either. */
    static InputStream generated(long size) {
        return new InputStream() {
            final SplittableRandom random = new SplittableRandom(42);
            long left = size;

            @Override
            public int read() {
                if (left == 0) return -1;
                left--;
                return random.nextInt(256);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) return -1;
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i += 8) {
                    long r = random.nextLong();
                    for (int k = 0; k < 8 && i + k < n; k++) b[off + i + k] = (byte) (r >>> (8 * k));
                }
                left -= n;
                return n;
            }
        };
    }

    @Test
    void quarterGigabyteBothWays() throws Exception {
        FTPClient c = ftp.alice();
        c.setBufferSize(1 << 16);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(generated(SIZE), sent)) {
            assertThat(c.storeFile("big.bin", in)).isTrue();
        }
        Path stored = ftp.home("alice").resolve("big.bin");
        assertThat(Files.size(stored)).isEqualTo(SIZE);
        MessageDigest onDisk = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(stored), onDisk)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), received)) {
            assertThat(c.retrieveFile("big.bin", out)).isTrue();
        }
        byte[] expected = sent.digest();
        assertThat(onDisk.digest()).isEqualTo(expected);
        assertThat(received.digest()).isEqualTo(expected);
    }
}
