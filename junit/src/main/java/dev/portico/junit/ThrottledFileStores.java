package dev.portico.junit;

import dev.portico.core.auth.User;
import dev.portico.core.fs.DelegatingFileStore;
import dev.portico.core.fs.FileStore;
import dev.portico.core.fs.FileStores;
import dev.portico.core.fs.VirtualPath;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file stores of a test Portico, able to slow every file read and write down to a number of
 * bytes per second, so a test can see its FTP client cope with a slow transfer (timeouts,
 * progress, ABOR). The rate is read on every call: changing it slows a transfer already running.
 * Off (0) it adds one volatile read per call.
 */
final class ThrottledFileStores implements FileStores {

    private final FileStores delegate;
    private final AtomicLong bytesPerSecond = new AtomicLong();

    ThrottledFileStores(FileStores delegate) {
        this.delegate = delegate;
    }

    void rate(long bytesPerSecond) {
        if (bytesPerSecond < 0) throw new IllegalArgumentException("a rate cannot be negative: " + bytesPerSecond);
        this.bytesPerSecond.set(bytesPerSecond);
    }

    @Override
    public FileStore home(User user) throws IOException {
        return new Store(delegate.home(user));
    }

    @Override
    public FileStore readOnly(Path root) throws IOException {
        return new Store(delegate.readOnly(root));
    }

    /** Slows the channels it opens, whatever the other calls do. */
    private final class Store implements DelegatingFileStore {
        private final FileStore d;

        Store(FileStore d) {
            this.d = d;
        }

        @Override public FileStore delegate() { return d; }
        @Override public FileChannel openRead(VirtualPath path) throws IOException { return new Slow(d.openRead(path)); }
        @Override public FileChannel openWrite(VirtualPath path, boolean append, long offset) throws IOException {
            return new Slow(d.openWrite(path, append, offset));
        }
    }

    /**
     * A file channel that moves at most a tenth of a second's worth of bytes per call and then
     * sleeps that tenth: FTP's transfer loops call again until done, so the transfer takes
     * size / rate seconds and its progress moves all along.
     */
    private final class Slow extends FileChannel {
        private final FileChannel d;

        Slow(FileChannel d) {
            this.d = d;
        }

        /** How many bytes this call may move, or -1 for no limit. */
        private long allowance() {
            long rate = bytesPerSecond.get();
            return rate == 0 ? -1 : Math.max(1, rate / 10);
        }

        private void pace(long moved) throws IOException {
            long rate = bytesPerSecond.get();
            if (rate == 0 || moved <= 0) return;
            try {
                Thread.sleep(Math.max(1, moved * 1000 / rate));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted in a slowed transfer");
            }
        }

        private int limited(ByteBuffer b, Op op) throws IOException {
            long allow = allowance();
            if (allow < 0 || b.remaining() <= allow) {
                int n = op.run(b);
                pace(n);
                return n;
            }
            ByteBuffer slice = b.slice(b.position(), (int) allow);
            int n = op.run(slice);
            if (n > 0) b.position(b.position() + n);
            pace(n);
            return n;
        }

        private interface Op { int run(ByteBuffer b) throws IOException; }

        @Override public int read(ByteBuffer dst) throws IOException { return limited(dst, d::read); }
        @Override public int write(ByteBuffer src) throws IOException { return limited(src, d::write); }
        @Override public int read(ByteBuffer dst, long position) throws IOException { return limited(dst, b -> d.read(b, position)); }
        @Override public int write(ByteBuffer src, long position) throws IOException { return limited(src, b -> d.write(b, position)); }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                if (dsts[i].hasRemaining()) return read(dsts[i]);
            }
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                if (srcs[i].hasRemaining()) return write(srcs[i]);
            }
            return 0;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            long allow = allowance();
            long n = d.transferTo(position, allow < 0 ? count : Math.min(count, allow), target);
            pace(n);
            return n;
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            long allow = allowance();
            long n = d.transferFrom(src, position, allow < 0 ? count : Math.min(count, allow));
            pace(n);
            return n;
        }

        @Override public long position() throws IOException { return d.position(); }
        @Override public FileChannel position(long newPosition) throws IOException { d.position(newPosition); return this; }
        @Override public long size() throws IOException { return d.size(); }
        @Override public FileChannel truncate(long size) throws IOException { d.truncate(size); return this; }
        @Override public void force(boolean metaData) throws IOException { d.force(metaData); }
        @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return d.map(mode, position, size); }
        @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return d.lock(position, size, shared); }
        @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return d.tryLock(position, size, shared); }
        @Override protected void implCloseChannel() throws IOException { d.close(); }
    }
}
