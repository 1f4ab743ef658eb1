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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 256 MiB up and down, 40 MiB down from an offset, and more uploads at once than there are large receive
 * buffers, streamed on both sides, SHA-256 equal every way.
 */
@Timeout(90)
class FtpLargeFileTest {

    static final long SIZE = 256L << 20;

    @RegisterExtension
    final FtpTestServer ftp = FtpTestServer.started();

    /** Pseudo-random bytes made on the fly, so the test holds no file in memory either. */
    static InputStream generated(long size) {
        return generated(size, 42);
    }

    static InputStream generated(long size, long seed) {
        return new InputStream() {
            final SplittableRandom random = new SplittableRandom(seed);
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

    /**
     * A restarted download from an odd offset deep in a file: sendfile's slices start at 1 MiB and grow to
     * 8 MiB on loopback, so the tail crosses slices of several sizes, none aligned with the offset.
     */
    @Test
    void restartedDownloadFromAnOddOffsetIsTheFilesTail() throws Exception {
        long size = 40L << 20, offset = (3L << 20) + 12_345;
        FTPClient c = ftp.alice();
        c.setBufferSize(1 << 16);
        try (InputStream in = generated(size)) {
            assertThat(c.storeFile("tail.bin", in)).isTrue();
        }
        // the stored file is the reference (the test above checks a store byte for byte): the generator's
        // bytes depend on how it is read
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(ftp.home("alice").resolve("tail.bin"))) {
            assertThat(in.skip(offset)).isEqualTo(offset);
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), expected));
        }
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long[] count = {0};
        c.setRestartOffset(offset);
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), received) {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                count[0] += len;
                super.write(b, off, len);
            }
        }) {
            assertThat(c.retrieveFile("tail.bin", out)).isTrue();
        }
        assertThat(count[0]).isEqualTo(size - offset);
        assertThat(received.digest()).isEqualTo(expected.digest());
    }

    /**
     * More concurrent uploads than {@link ReceiveBuffers#MAX}, twice over: some read into a shared 2 MiB
     * buffer, the rest keep their 64 KiB one, and the second wave reuses the buffers the first gave back.
     * Every file must be its own upload byte for byte, and no more large buffers than the bound may exist.
     */
    @Test
    void moreUploadsAtOnceThanLargeBuffersEachStoredByteForByte() throws Exception {
        int clients = ReceiveBuffers.MAX + 6;
        long size = 8L << 20;
        for (int wave = 0; wave < 2; wave++) {
            int w = wave;
            List<Future<byte[]>> sent = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                for (int i = 0; i < clients; i++) {
                    int n = i;
                    sent.add(pool.submit(() -> {
                        FTPClient c = ftp.alice();
                        c.setBufferSize(1 << 16);
                        MessageDigest digest = MessageDigest.getInstance("SHA-256");
                        try (InputStream in = new DigestInputStream(generated(size, w * 1000 + n), digest)) {
                            assertThat(c.storeFile("up" + n + ".bin", in)).isTrue();
                        }
                        FtpTestServer.quietly(c);
                        return digest.digest();
                    }));
                }
                for (int i = 0; i < clients; i++) {
                    MessageDigest onDisk = MessageDigest.getInstance("SHA-256");
                    Path stored = ftp.home("alice").resolve("up" + i + ".bin");
                    byte[] expected = sent.get(i).get();
                    try (InputStream in = new DigestInputStream(Files.newInputStream(stored), onDisk)) {
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                    assertThat(Files.size(stored)).isEqualTo(size);
                    assertThat(onDisk.digest()).as("upload %d of wave %d", i, w).isEqualTo(expected);
                }
            }
        }
        assertThat(ReceiveBuffers.made()).isBetween(1, ReceiveBuffers.MAX);
    }
}
