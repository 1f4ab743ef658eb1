package dev.portico.app;

import dev.portico.core.auth.FileUserDirectory;
import dev.portico.server.Portico;
import dev.portico.core.auth.Permission;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability promises under {@code kill -9}: Portico runs as its own process
 * ({@link PorticoProcess}), clients load it, the process is killed with SIGKILL in the middle of
 * the load, and a new process started on the same data folder must show that every promise made
 * before the kill was kept:
 * <ul>
 *   <li>SMTP {@code 250} after DATA: the message is in the recipient's Maildir, byte for byte,
 *       exactly once (RFC 5321 §4.1.1.4 and §6.1: the server has taken responsibility);</li>
 *   <li>FTP {@code 226} after STOR: the file is there, complete (RFC 959 §4.2: "closing data
 *       connection, requested file action successful");</li>
 *   <li>nothing partial ever appears under a final name: every message in {@code new/} or
 *       {@code cur/} and every file a client named is one whole thing that a client sent, and an
 *       upload still in flight at the kill is either absent or complete.</li>
 * </ul>
 * Each round kills the server once, after a random number of acknowledgements so the kill lands
 * at different points of a transfer. {@code mvn verify} runs {@value #DEFAULT_ROUNDS} rounds per
 * protocol; {@code -Dportico.crash.rounds=N} runs N. The seed of every round is printed, and
 * {@code -Dportico.crash.seed=S} replays one.
 */
@Isolated   // its clients and server processes would slow the timing-sensitive steps of other tests
@Timeout(value = 20, unit = TimeUnit.MINUTES)   // the real bounds are per step, below; this only stops a runaway
class CrashTest {

    static final int DEFAULT_ROUNDS = 2;
    static final int ROUNDS = Integer.getInteger("portico.crash.rounds", DEFAULT_ROUNDS);
    static final String PASSWORD = "crash-test-pw";
    /** How long one round may take to reach its number of acknowledgements. */
    static final Duration LOAD_DEADLINE = Duration.ofSeconds(30);

    @TempDir Path dir;
    Path data;
    long seed;

    @BeforeEach
    void userAlice() throws IOException {
        data = dir.resolve("data");
        new FileUserDirectory(Portico.usersFile(data))
                .add("alice", PASSWORD.toCharArray(), EnumSet.of(Permission.READ, Permission.WRITE));
        seed = Long.getLong("portico.crash.seed", System.nanoTime());
    }

    // ---- SMTP --------------------------------------------------------------------------------

    @Test
    void everyMessageAcknowledgedWith250SurvivesKill9() throws Exception {
        Ledger mail = new Ledger();
        int kills = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long roundSeed = seed + round;
            Random random = new Random(roundSeed);
            try (PorticoProcess portico = start(round)) {
                checkMaildir(mail);     // what earlier rounds were promised, after this restart
                int port = portico.port("smtp");
                List<SmtpSender> senders = new ArrayList<>();
                for (int c = 0; c < 4; c++) senders.add(new SmtpSender(port, "r" + round + "c" + c, new Random(random.nextLong()), mail));
                List<Thread> threads = LoadClient.startAll("smtp-load", senders);
                long target = mail.acknowledged() + 8 + random.nextInt(40);
                awaitOrFail(() -> mail.acknowledged() >= target || LoadClient.anyFailed(senders),
                        "round " + round + " (seed " + roundSeed + "): " + target + " acknowledged messages");
                portico.kill();
                kills++;
                joinAll(threads);
                for (SmtpSender s : senders) assertThat(s.failure).as("a sender before the kill").isNull();
                System.out.printf("crash: SMTP round %d seed %d: kill -9 after %d acknowledged messages%n",
                        round, roundSeed, mail.acknowledged());
            }
        }
        try (PorticoProcess portico = start(ROUNDS)) {
            int stored = checkMaildir(mail);
            assertThat(pop3MessageCount(portico.port("pop3"))).as("POP3 STAT after the restarts").isEqualTo(stored);
            System.out.printf("crash: SMTP %d kills, %d acknowledged messages all found intact, %d stored in all%n",
                    kills, mail.acknowledged(), stored);
        }
        assertThat(mail.acknowledged()).as("messages acknowledged over all rounds").isGreaterThanOrEqualTo(8L * ROUNDS);
    }

    /**
     * One client of a round's load, on its own thread until the kill ends its connection: the
     * server it talks to, its name in what it sends, its randomness, the ledger of what it was
     * promised, and why it stopped when that was not the kill (a refusal fails the test).
     */
    abstract static class LoadClient<L> implements Runnable {
        final int port;
        final String tag;
        final Random random;
        final L ledger;
        volatile String failure;

        LoadClient(int port, String tag, Random random, L ledger) {
            this.port = port;
            this.tag = tag;
            this.random = random;
            this.ledger = ledger;
        }

        /** Starts {@code clients}, each on a platform thread named after {@code name}. */
        static List<Thread> startAll(String name, List<? extends LoadClient<?>> clients) {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) threads.add(Thread.ofPlatform().name(name + "-" + i).start(clients.get(i)));
            return threads;
        }

        static boolean anyFailed(List<? extends LoadClient<?>> clients) {
            return clients.stream().anyMatch(c -> c.failure != null);
        }
    }

    /** One SMTP client on a raw socket sending message after message until the connection dies. */
    static final class SmtpSender extends LoadClient<Ledger> {
        SmtpSender(int port, String tag, Random random, Ledger ledger) {
            super(port, tag, random, ledger);
        }

        @Override
        public void run() {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(30_000);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = new BufferedOutputStream(socket.getOutputStream());
                expect(in, "220");
                command(in, out, "EHLO crash.test", "250");
                for (int n = 0; n < 100_000; n++) {
                    String id = tag + "n" + n;
                    byte[] text = message(id, random);
                    command(in, out, "MAIL FROM:<load@crash.test>", "250");
                    command(in, out, "RCPT TO:<alice@localhost>", "250");
                    command(in, out, "DATA", "354");
                    ledger.sending(id, text);
                    out.write(text);
                    out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    expect(in, "250");
                    ledger.acknowledged(id);
                }
            } catch (Refused e) {
                failure = e.getMessage();
            } catch (IOException e) {
                // the kill: the connection ended without a reply
            }
        }

        /** A message with a unique Message-ID, mostly a few KiB, sometimes over the 64 KiB in-memory spool. */
        static byte[] message(String id, Random random) {
            StringBuilder b = new StringBuilder();
            b.append("Message-ID: <").append(id).append("@crash.test>\r\n")
                    .append("Subject: crash ").append(id).append("\r\n")
                    .append("From: load@crash.test\r\nTo: alice@localhost\r\n")
                    .append("Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\n");
            int lines = random.nextInt(8) == 0 ? 1000 + random.nextInt(4000) : random.nextInt(100);
            for (int i = 0; i < lines; i++) {
                int len = 1 + random.nextInt(76);
                for (int k = 0; k < len; k++) b.append((char) ('a' + random.nextInt(26)));   // never a leading dot
                b.append("\r\n");
            }
            return b.toString().getBytes(StandardCharsets.US_ASCII);
        }

        private static void command(InputStream in, OutputStream out, String line, String code) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, code);
        }

        private static void expect(InputStream in, String code) throws IOException {
            String reply;
            do {
                reply = readLine(in);
            } while (reply.length() > 3 && reply.charAt(3) == '-');
            if (!reply.startsWith(code)) throw new Refused("expected " + code + " but got: " + reply);
        }
    }

    /** A reply that the live server should not have given: a failure of the test, not the kill. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * Checks alice's Maildir against the ledger: every acknowledged message present exactly once
     * and byte-exact; every stored message one that a client sent, whole. Returns how many are stored.
     */
    int checkMaildir(Ledger ledger) throws IOException {
        Path maildir = data.resolve("mail").resolve("alice").resolve("Maildir");
        Map<String, Integer> seen = new HashMap<>();
        int stored = 0;
        for (String sub : List.of("new", "cur")) {
            Path d = maildir.resolve(sub);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> files = Files.list(d)) {
                for (Path f : files.toList()) {
                    byte[] bytes = Files.readAllBytes(f);
                    String id = messageId(bytes);
                    assertThat(id).as("Message-ID of %s", f).isNotNull();
                    Digest sent = ledger.sent(id);
                    assertThat(sent).as("%s holds message %s that no client sent", f, id).isNotNull();
                    assertThat(bytes.length).as("size of %s (%s)", f, id).isGreaterThanOrEqualTo(sent.length());
                    assertThat(Digest.of(bytes, bytes.length - sent.length(), sent.length()))
                            .as("%s (%s) is not the whole text that was sent", f, id).isEqualTo(sent);
                    seen.merge(id, 1, Integer::sum);
                    stored++;
                }
            }
        }
        for (String id : ledger.acknowledgedIds()) {
            assertThat(seen.get(id)).as("message %s got 250 and must be stored exactly once", id).isEqualTo(1);
        }
        assertThat(seen.values()).as("no message is stored twice").allMatch(n -> n == 1);
        return stored;
    }

    private static String messageId(byte[] message) {
        String head = new String(message, 0, Math.min(message.length, 4096), StandardCharsets.ISO_8859_1);
        int at = head.indexOf("\r\nMessage-ID: <");
        if (at < 0) return null;
        int start = at + "\r\nMessage-ID: <".length();
        int end = head.indexOf("@crash.test>", start);
        return end < 0 ? null : head.substring(start, end);
    }

    private static int pop3MessageCount(int port) throws IOException {
        POP3Client pop3 = new POP3Client();
        pop3.setDefaultTimeout(10_000);
        pop3.connect("127.0.0.1", port);
        try {
            pop3.setSoTimeout(30_000);
            assertThat(pop3.login("alice", PASSWORD)).as("POP3 login").isTrue();
            POP3MessageInfo status = pop3.status();
            assertThat(status).as("POP3 STAT").isNotNull();
            pop3.logout();
            return status.number;
        } finally {
            pop3.disconnect();
        }
    }

    // ---- FTP ---------------------------------------------------------------------------------

    @Test
    void everyUploadAcknowledgedWith226SurvivesKill9AndNoPartialFileHasAFinalName() throws Exception {
        Uploads uploads = new Uploads();
        Path home = data.resolve("files").resolve("alice");
        int kills = 0;
        List<String> stalledNames = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            long roundSeed = seed + round;
            Random random = new Random(roundSeed);
            try (PorticoProcess portico = start(round)) {
                checkHome(home, uploads);
                int port = portico.port("ftp");
                List<FtpUploader> uploaders = new ArrayList<>();
                for (int c = 0; c < 3; c++) uploaders.add(new FtpUploader(port, "r" + round + "c" + c, new Random(random.nextLong()), uploads));
                List<Thread> threads = LoadClient.startAll("ftp-load", uploaders);
                // One upload is certainly in flight at the kill: half sent, then nothing more.
                String stalledName = "r" + round + "-stalled.bin";
                try (StalledUpload stalled = StalledUpload.start(port, stalledName, 256 << 10, random)) {
                    awaitOrFail(() -> uploadTemporaryOfAtLeast(home, 256 << 10),
                            "the stalled upload's bytes to reach the server's temporary file");
                    long target = uploads.acknowledged() + 3 + random.nextInt(12);
                    awaitOrFail(() -> uploads.acknowledged() >= target || LoadClient.anyFailed(uploaders),
                            "round " + round + " (seed " + roundSeed + "): " + target + " acknowledged uploads");
                    portico.kill();
                    kills++;
                }
                joinAll(threads);
                for (FtpUploader u : uploaders) assertThat(u.failure).as("an uploader before the kill").isNull();
                stalledNames.add(stalledName);
                System.out.printf("crash: FTP round %d seed %d: kill -9 after %d acknowledged uploads%n",
                        round, roundSeed, uploads.acknowledged());
            }
        }
        try (PorticoProcess portico = start(ROUNDS)) {
            int files = checkHome(home, uploads);
            for (String stalled : stalledNames) {
                assertThat(home.resolve(stalled)).as("an upload that never finished has no final name").doesNotExist();
            }
            assertThat(ftpNames(portico.port("ftp"))).as("the FTP listing after the restarts")
                    .containsExactlyInAnyOrderElementsOf(finalNames(home));
            System.out.printf("crash: FTP %d kills, %d acknowledged uploads all found complete, %d files, "
                    + "%d uploads in flight at a kill absent%n", kills, uploads.acknowledged(), files, stalledNames.size());
        }
        assertThat(uploads.acknowledged()).as("uploads acknowledged over all rounds").isGreaterThanOrEqualTo(3L * ROUNDS);
    }

    /** One FTP client storing file after file, reusing four names so uploads also replace files. */
    static final class FtpUploader extends LoadClient<Uploads> {
        FtpUploader(int port, String tag, Random random, Uploads uploads) {
            super(port, tag, random, uploads);
        }

        @Override
        public void run() {
            FTPClient ftp = ftpClient();
            try {
                ftp.connect("127.0.0.1", port);
                if (!ftp.login("alice", PASSWORD)) {
                    failure = "login refused: " + ftp.getReplyString();
                    return;
                }
                ftp.setFileType(FTP.BINARY_FILE_TYPE);
                ftp.enterLocalPassiveMode();
                for (int n = 0; n < 100_000; n++) {
                    String name = tag + "-" + (n % 4) + ".bin";
                    byte[] content = new byte[random.nextInt(6) == 0 ? random.nextInt(2 << 20) : random.nextInt(64 << 10)];
                    random.nextBytes(content);
                    int attempt = ledger.attempt(name, content);
                    if (!ftp.storeFile(name, new ByteArrayInputStream(content))) {
                        failure = "STOR " + name + " refused: " + ftp.getReplyString();
                        return;
                    }
                    ledger.acknowledged(name, attempt);
                }
            } catch (IOException e) {
                // the kill
            } finally {
                try {
                    ftp.disconnect();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    /** An FTP client with the bounds every step of these tests keeps, not yet connected. */
    static FTPClient ftpClient() {
        FTPClient ftp = new FTPClient();
        ftp.setConnectTimeout(5000);
        ftp.setDefaultTimeout(30_000);
        ftp.setDataTimeout(Duration.ofSeconds(30));
        return ftp;
    }

    /** An upload that sends part of its file and then waits: in flight whenever the server is killed. */
    record StalledUpload(FTPClient ftp, OutputStream data) implements AutoCloseable {
        static StalledUpload start(int port, String name, int bytes, Random random) throws IOException {
            FTPClient ftp = ftpClient();
            ftp.connect("127.0.0.1", port);
            assertThat(ftp.login("alice", PASSWORD)).as("login").isTrue();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            ftp.enterLocalPassiveMode();
            OutputStream out = ftp.storeFileStream(name);
            assertThat(out).as("STOR %s: %s", name, ftp.getReplyString()).isNotNull();
            byte[] part = new byte[bytes];
            random.nextBytes(part);
            out.write(part);
            out.flush();
            return new StalledUpload(ftp, out);
        }

        @Override
        public void close() {
            try {
                data.close();
            } catch (IOException ignored) {
                // the server is gone
            }
            try {
                ftp.disconnect();
            } catch (IOException ignored) {
                // the server is gone
            }
        }
    }

    /**
     * Checks alice's home against the uploads: every file with a final name is one whole upload of
     * that name, at least as new as its last acknowledged one; every acknowledged name is there.
     * Returns how many files have final names.
     */
    int checkHome(Path home, Uploads uploads) throws IOException {
        Set<String> names = finalNames(home);
        for (String name : names) {
            List<Digest> attempts = uploads.attempts(name);
            assertThat(attempts).as("%s is a file no client uploaded", name).isNotEmpty();
            Digest found = Digest.of(Files.readAllBytes(home.resolve(name)));
            int from = uploads.acknowledgedAttempt(name);
            List<Digest> allowed = attempts.subList(Math.max(0, from), attempts.size());
            assertThat(allowed).as("%s (%d bytes) must be a whole upload of that name, as new as its last 226",
                    name, found.length()).contains(found);
        }
        for (String name : uploads.acknowledgedNames()) {
            assertThat(names).as("%s got 226 and must exist", name).contains(name);
        }
        return names.size();
    }

    /** The names a client would see: everything but the server's hidden upload temporaries. */
    static Set<String> finalNames(Path home) throws IOException {
        if (!Files.isDirectory(home)) return Set.of();
        try (Stream<Path> files = Files.list(home)) {
            Set<String> out = new HashSet<>();
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (!n.startsWith(".portico-upload-")) out.add(n);
            }
            return out;
        }
    }

    private static boolean uploadTemporaryOfAtLeast(Path home, long bytes) {
        try (Stream<Path> files = Files.list(home)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(".portico-upload-") && sizeOf(f) >= bytes);
        } catch (IOException e) {
            return false;
        }
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<String> ftpNames(int port) throws IOException {
        FTPClient ftp = ftpClient();
        ftp.connect("127.0.0.1", port);
        try {
            assertThat(ftp.login("alice", PASSWORD)).as("FTP login").isTrue();
            ftp.enterLocalPassiveMode();
            String[] names = ftp.listNames();
            assertThat(names).as("NLST: %s", ftp.getReplyString()).isNotNull();
            ftp.logout();
            return Arrays.asList(names);
        } finally {
            ftp.disconnect();
        }
    }

    // ---- leftovers ---------------------------------------------------------------------------

    /**
     * A kill leaves the upload temporary of an upload in flight, and Maildir {@code tmp/} files;
     * the next start removes the upload temporaries and the {@code tmp/} files older than 36 hours
     * (the Maildir convention), and keeps younger ones (a delivery of another program may be
     * writing them).
     */
    @Test
    void leftoversOfAKillAreRemovedAtTheNextStart() throws Exception {
        Path home = data.resolve("files").resolve("alice");
        Path maildirTmp = data.resolve("mail").resolve("alice").resolve("Maildir").resolve("tmp");
        Path old = null, young = null;
        try (PorticoProcess portico = start(0)) {
            Files.createDirectories(maildirTmp);
            old = Files.writeString(maildirTmp.resolve("1700000000.crashed.host"), "half a message");
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(37))));
            young = Files.writeString(maildirTmp.resolve(System.currentTimeMillis() / 1000 + ".writing.host"), "being written");
            try (StalledUpload stalled = StalledUpload.start(portico.port("ftp"), "stalled.bin", 128 << 10, new Random(seed))) {
                awaitOrFail(() -> uploadTemporaryOfAtLeast(home, 128 << 10), "the upload temporary on disk");
                portico.kill();
            }
        }
        assertThat(uploadTemporaryOfAtLeast(home, 0)).as("the kill left an upload temporary").isTrue();
        try (PorticoProcess portico = start(1)) {
            // The walk that removes them runs beside the servers once they are up: wait for its effect.
            Path stale = old;
            awaitOrFail(() -> !uploadTemporaryOfAtLeast(home, 0) && !Files.exists(stale), "the removal of the kill's leftovers");
            assertThat(uploadTemporaryOfAtLeast(home, 0)).as("upload temporaries after the restart").isFalse();
            assertThat(home.resolve("stalled.bin")).doesNotExist();
            assertThat(old).as("a Maildir tmp/ file 37 hours old").doesNotExist();
            assertThat(young).as("a Maildir tmp/ file seconds old").exists();
        }
    }

    // ---- shared ------------------------------------------------------------------------------

    private PorticoProcess start(int round) throws IOException {
        return PorticoProcess.serve(data, dir.resolve("portico-" + round + ".log"));
    }

    /** Polls a condition until it holds or {@link #LOAD_DEADLINE} passes (then fails). */
    private static void awaitOrFail(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);   // polling the clients' progress, not waiting for the server to start
        }
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            if (!t.join(Duration.ofSeconds(60))) throw new AssertionError(t.getName() + " still running after the kill");
        }
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 4096; i++) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed");
            if (c == '\n') return b.toString(StandardCharsets.US_ASCII).stripTrailing();
            b.write(c);
        }
        throw new IOException("reply line over 4 KiB");
    }

    /** Length and SHA-256 of some bytes: what the checks compare, so many rounds fit in memory. */
    record Digest(int length, String sha256) {
        static Digest of(byte[] b) {
            return of(b, 0, b.length);
        }

        static Digest of(byte[] b, int off, int len) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                md.update(b, off, len);
                return new Digest(len, HexFormat.of().formatHex(md.digest()));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The messages clients sent (DATA text begun) and which of them got 250. */
    static final class Ledger {
        private final Map<String, Digest> sent = new ConcurrentHashMap<>();
        private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        private final AtomicInteger count = new AtomicInteger();

        void sending(String id, byte[] text) {
            sent.put(id, Digest.of(text));
        }

        void acknowledged(String id) {
            acknowledged.add(id);
            count.incrementAndGet();
        }

        Digest sent(String id) {
            return sent.get(id);
        }

        long acknowledged() {
            return count.get();
        }

        Set<String> acknowledgedIds() {
            return Set.copyOf(acknowledged);
        }
    }

    /** Every upload attempted per name, in order, and the latest one that got 226. */
    static final class Uploads {
        private final Map<String, List<Digest>> attempts = new ConcurrentHashMap<>();
        private final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        private final AtomicInteger count = new AtomicInteger();

        int attempt(String name, byte[] content) {
            List<Digest> list = attempts.computeIfAbsent(name, n -> Collections.synchronizedList(new ArrayList<>()));
            synchronized (list) {
                list.add(Digest.of(content));
                return list.size() - 1;
            }
        }

        void acknowledged(String name, int attempt) {
            acknowledged.put(name, attempt);
            count.incrementAndGet();
        }

        List<Digest> attempts(String name) {
            List<Digest> list = attempts.getOrDefault(name, List.of());
            synchronized (list) {
                return List.copyOf(list);
            }
        }

        int acknowledgedAttempt(String name) {
            return acknowledged.getOrDefault(name, -1);
        }

        Set<String> acknowledgedNames() {
            return Set.copyOf(acknowledged.keySet());
        }

        long acknowledged() {
            return count.get();
        }
    }
}
