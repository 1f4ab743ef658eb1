package dev.portico.smtp.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outbound queue on disk, {@code DATA/queue/}: per message {@code ID.eml} (the text, written
 * once) and {@code ID.env} (the envelope and each recipient's state). A message exists when its
 * {@code .env} does: the text is written and fsynced first, the envelope next (to a temporary
 * file, fsynced, renamed, the folder fsynced), and only then does the client get its 250. A
 * {@code .eml} without its {@code .env} is a message whose 250 was never sent, removed by
 * {@link #load}. Each state change rewrites the {@code .env} the same way (temporary file and
 * rename), so a crash leaves the old state or the new one, never half of one: a recipient the
 * remote accepted is marked the moment its 250 arrives, and sent again after a crash only when
 * the crash fell between that 250 and this one write.
 *
 * <p>The command line ({@code portico queue}) reads and changes the same files while a server
 * runs; it then drops {@link #CHANGED} into the folder, and the running queue reloads.
 */
public final class QueueStore implements dev.portico.core.mail.OutboundQueue {

    private static final Logger log = LoggerFactory.getLogger(QueueStore.class);
    /** A file the command line leaves after changing a message, so a running queue reloads the folder. */
    static final String CHANGED = "changed";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Path dir;

    public QueueStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    Path messageFile(String id) {
        return dir.resolve(id + ".eml");
    }

    private Path envelopeFile(String id) {
        return dir.resolve(id + ".env");
    }

    /**
     * A new queue id: the time in milliseconds and a sequence number, in upper-case hexadecimal
     * like Postfix's, unique in this folder (its message file is created here).
     */
    String newId() throws IOException {
        Files.createDirectories(dir);
        while (true) {
            String id = String.format(Locale.ROOT, "%011X%04X", System.currentTimeMillis(), SEQUENCE.incrementAndGet() & 0xffff);
            try {
                Files.createFile(messageFile(id));
                return id;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another process (a second Portico on the same folder would be a mistake) or a wrapped sequence
            }
        }
    }

    /** What {@link #writeMessage} wrote: its size, and whether any octet has the high bit set. */
    record Written(long size, boolean eightBit) {}

    /** Writes the message text to the id's file and fsyncs it. */
    Written writeMessage(String id, InputStream text) throws IOException {
        try (FileChannel ch = FileChannel.open(messageFile(id), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 64 * 1024)) {
            byte[] buf = new byte[16 * 1024];
            long size = 0;
            boolean eightBit = false;
            for (int n; (n = text.read(buf)) > 0; ) {
                for (int i = 0; i < n && !eightBit; i++) eightBit = buf[i] < 0;
                out.write(buf, 0, n);
                size += n;
            }
            out.flush();
            ch.force(true);
            return new Written(size, eightBit);
        }
    }

    /** Writes the envelope (atomically, fsynced, the folder too): from now on the message is queued. */
    public void save(QueuedMessage m) throws IOException {
        Properties p = new Properties();
        p.setProperty("id", m.id());
        p.setProperty("sender", m.sender());
        p.setProperty("arrival", m.arrival().toString());
        p.setProperty("body", m.body());
        p.setProperty("smtputf8", Boolean.toString(m.smtpUtf8()));
        if (m.user() != null) p.setProperty("user", m.user());
        p.setProperty("size", Long.toString(m.size()));
        if (m.ret() != null) p.setProperty("ret", m.ret().name());
        if (m.envelopeId() != null) p.setProperty("envid", m.envelopeId());
        p.setProperty("recipients", Integer.toString(m.recipients().size()));
        for (int i = 0; i < m.recipients().size(); i++) {
            QueuedMessage.Recipient r = m.recipients().get(i);
            String k = "rcpt." + i + ".";
            p.setProperty(k + "address", r.address());
            p.setProperty(k + "state", r.state().name());
            p.setProperty(k + "attempts", Integer.toString(r.attempts()));
            p.setProperty(k + "next", r.nextTry().toString());
            if (r.lastReply() != null) p.setProperty(k + "reply", r.lastReply());
            p.setProperty(k + "reported", Boolean.toString(r.reported()));
            if (r.notifyOn() != null) p.setProperty(k + "notify", r.notifyOn());
            if (r.orcpt() != null) p.setProperty(k + "orcpt", r.orcpt());
        }
        StringWriter text = new StringWriter(512);
        p.store(text, null);
        Path tmp = dir.resolve(m.id() + ".env.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = StandardCharsets.ISO_8859_1.encode(text.toString());
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        try {
            Files.move(tmp, envelopeFile(m.id()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, envelopeFile(m.id()), StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory();
    }

    /** The message of {@code id}, or null when there is none. */
    public QueuedMessage read(String id) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(envelopeFile(id), StandardCharsets.ISO_8859_1)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return null;
        }
        int n = Integer.parseInt(p.getProperty("recipients"));
        List<QueuedMessage.Recipient> rcpts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String k = "rcpt." + i + ".";
            rcpts.add(new QueuedMessage.Recipient(p.getProperty(k + "address"),
                    QueuedMessage.State.valueOf(p.getProperty(k + "state")), Integer.parseInt(p.getProperty(k + "attempts")),
                    Instant.parse(p.getProperty(k + "next")), p.getProperty(k + "reply"),
                    Boolean.parseBoolean(p.getProperty(k + "reported")), p.getProperty(k + "notify"), p.getProperty(k + "orcpt")));
        }
        return new QueuedMessage(p.getProperty("id"), p.getProperty("sender"), Instant.parse(p.getProperty("arrival")),
                p.getProperty("body"), Boolean.parseBoolean(p.getProperty("smtputf8")), p.getProperty("user"),
                Long.parseLong(p.getProperty("size")), p.getProperty("ret") == null ? null : dev.portico.smtp.Dsn.Ret.valueOf(p.getProperty("ret")),
                p.getProperty("envid"), rcpts);
    }

    /**
     * Every queued message, oldest first. Removes what a crash left when {@code cleanUp} (see
     * {@link #ids}); an envelope that cannot be read is logged and left out.
     */
    public List<QueuedMessage> load(boolean cleanUp) throws IOException {
        List<QueuedMessage> messages = new ArrayList<>();
        for (String id : ids(cleanUp)) {
            QueuedMessage m = readOrWarn(id);
            if (m != null) messages.add(m);
        }
        messages.sort(java.util.Comparator.comparing(QueuedMessage::arrival).thenComparing(QueuedMessage::id));
        return messages;
    }

    /**
     * The ids of the queued messages (those with an envelope), in no order. With {@code cleanUp}
     * also removes what a crash left: message files without an envelope (their 250 was never sent)
     * and half-written envelopes. Only at start, or from the command line; a running queue's
     * messages are all complete. Reads names only, no envelope: one listing of the folder, cheap
     * enough for the path to {@code ready} however long the queue.
     */
    public List<String> ids(boolean cleanUp) throws IOException {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(dir)) return ids;
        Set<String> texts = new HashSet<>();
        List<Path> halfWritten = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".env")) ids.add(name.substring(0, name.length() - 4));
                else if (name.endsWith(".env.tmp")) halfWritten.add(f);
                else if (name.endsWith(".eml")) texts.add(name.substring(0, name.length() - 4));
            }
        }
        if (cleanUp) {
            for (Path f : halfWritten) Files.deleteIfExists(f);
            texts.removeAll(ids);
            for (String orphan : texts) Files.deleteIfExists(messageFile(orphan));
        }
        return ids;
    }

    /** The message of {@code id}, or null when there is none or its envelope cannot be read (logged). */
    QueuedMessage readOrWarn(String id) {
        try {
            return read(id);
        } catch (IOException | RuntimeException e) {
            log.warn("queue: cannot read {}: {}", envelopeFile(id), e.toString());
            return null;
        }
    }

    /** Removes a message: the envelope first, so a crash in between leaves a text {@link #load} removes. */
    public boolean remove(String id) throws IOException {
        boolean had = Files.deleteIfExists(envelopeFile(id));
        Files.deleteIfExists(messageFile(id));
        return had;
    }

    /**
     * {@code portico queue flush}: every pending recipient is due now. A running queue takes the
     * new times in within a second.
     *
     * @return the messages changed
     */
    @Override
    public int flush() throws IOException {
        Instant now = Instant.now();
        int n = 0;
        for (QueuedMessage m : load(false)) {
            if (m.recipients().stream().noneMatch(QueuedMessage.Recipient::pending)) continue;
            save(m.update(QueuedMessage.Recipient::pending, r -> r.flushed(now)));
            n++;
        }
        if (n > 0) markChanged();
        return n;
    }

    /** {@code portico queue delete ID}: the message leaves the queue, nobody is told. */
    @Override
    public boolean delete(String id) throws IOException {
        boolean had = remove(requireId(id));
        if (had) markChanged();
        return had;
    }

    /** {@code portico queue bounce ID}: every pending recipient fails now and the sender gets the bounce. */
    @Override
    public boolean bounce(String id) throws IOException {
        QueuedMessage m = read(requireId(id));
        if (m == null) return false;
        save(m.update(QueuedMessage.Recipient::pending, r -> r.failed("550 5.0.0 returned to the sender by the administrator")));
        markChanged();
        return true;
    }

    /** Like Postfix's mailq: a line per message (id, size, arrival, sender), an indented line per recipient. */
    @Override
    public List<String> describe() throws IOException {
        List<String> out = new ArrayList<>();
        for (QueuedMessage m : load(false)) {
            out.add(String.format(Locale.ROOT, "%s %8d %s <%s>", m.id(), m.size(), m.arrival(), m.sender()));
            for (QueuedMessage.Recipient r : m.recipients()) {
                out.add(String.format(Locale.ROOT, "    %-9s <%s> attempts=%d%s%s", r.state().name().toLowerCase(Locale.ROOT),
                        r.address(), r.attempts(), r.pending() ? " next=" + r.nextTry() : "",
                        r.lastReply() == null ? "" : " (" + r.lastReply() + ")"));
            }
        }
        return out;
    }

    /** A queue id as {@link #newId} makes them: nothing else may name a file here. */
    private static String requireId(String id) {
        if (!id.matches("[0-9A-F]{8,32}")) throw new IllegalArgumentException("not a queue id: " + id);
        return id;
    }

    /** Tells a running queue that the command line changed the folder. */
    public void markChanged() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CHANGED), Instant.now().toString());
    }

    /** Whether the command line changed the folder since the last call; clears the mark. */
    boolean takeChanged() throws IOException {
        return Files.deleteIfExists(dir.resolve(CHANGED));
    }

    private void syncDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a folder for reading; the rename is then as durable as they make it.
            if (!(e instanceof java.nio.file.AccessDeniedException)) throw e;
        }
    }
}
