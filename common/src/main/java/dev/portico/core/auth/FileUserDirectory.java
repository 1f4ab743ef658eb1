package dev.portico.core.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Users in one text file, a line each: {@code name:permissions:hash}, e.g.
 * {@code alice:read,write:pbkdf2-sha256$600000$...}. Every change rewrites the file atomically
 * (temporary file, fsync, rename), and a change made by another process ({@code portico user add}
 * while the server runs) is picked up on the next lookup.
 *
 * <p>A slow hash per login would cap FTP sessions per second, so a successful check leaves an
 * HMAC of (stored hash, password) under a random per-process key in memory; a later login with
 * the same password matches that instead of re-running PBKDF2. No password is ever stored.
 *
 * <p>A failed check costs the same whether the name exists or not, so its time does not tell which
 * names exist: every check that misses the cache runs exactly {@code cost} PBKDF2 iterations, the
 * largest of the iterations new hashes get and those of every stored hash. A name that does not
 * exist is checked against no hash and pays all of it in padding; a user hashed with an older,
 * smaller count pays its own iterations plus padding up to the cost (so raising
 * {@code users.hash-iterations} makes no old user cheaper to probe than a missing one, and lowering
 * it makes no missing name cheaper than an old user). Unknown names take the same path through the
 * HMAC cache and the shared in-flight checks, and the cache only ever holds right passwords, so a
 * wrong password never hits it whether the name exists or not.
 */
public final class FileUserDirectory implements UserDirectory {

    private record Entry(User user, String hash) {}

    /** The users as last read, and what every check of them costs (see the class comment). */
    private record Table(Map<String, Entry> entries, int cost) {}

    private final Path file;
    private final PasswordHash hasher;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Keys the cache of verified logins: random per directory, drawn on the first login
     * ({@link #cacheKey()}), not in the constructor, because a process's first SecureRandom loads the
     * JDK's security providers, which nothing else on a server's way to ready needs.
     */
    private volatile SecretKeySpec cacheKey;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();
    private volatile Table table;
    private volatile FileTime loadedStamp;
    private volatile long loadedSize = -1;

    public FileUserDirectory(Path file, PasswordHash hasher) throws IOException {
        this.file = file;
        this.hasher = hasher;
        this.table = table(Map.of());
        reloadIfChanged();
    }

    public FileUserDirectory(Path file) throws IOException {
        this(file, new PasswordHash());
    }

    @Override
    public Optional<User> find(String name) {
        if (name == null) return Optional.empty();
        Entry e = current().entries().get(name.toLowerCase(Locale.ROOT));
        return e == null ? Optional.empty() : Optional.of(e.user());
    }

    @Override
    public Optional<User> authenticate(String name, char[] password) {
        if (name == null || password == null) return Optional.empty();
        String key = name.toLowerCase(Locale.ROOT);
        Table t = current();
        Entry e = t.entries().get(key);
        // A missing name takes every step a wrong password takes (see the class comment): its
        // stored hash is null, which never matches and costs the whole of t.cost() in padding.
        String stored = e == null ? null : e.hash();
        byte[] mac = mac(stored == null ? "" : stored, password);
        byte[] known = verified.get(key);
        if (e != null && known != null && MessageDigest.isEqual(known, mac)) return Optional.of(e.user());
        // Fifty clients logging in at once after a start would each run the slow hash: logins with
        // the same credentials share one check. Different passwords never wait for each other.
        String flight = key + "\0" + Base64.getEncoder().encodeToString(mac);
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.putIfAbsent(flight, mine);
        if (running != null) return running.join() && e != null ? Optional.of(e.user()) : Optional.empty();
        try {
            boolean ok = PasswordHash.verify(password, stored, t.cost()) && e != null;
            if (ok) verified.put(key, mac);
            mine.complete(ok);
            return ok ? Optional.of(e.user()) : Optional.empty();
        } catch (RuntimeException ex) {
            mine.completeExceptionally(ex);
            throw ex;
        } finally {
            inFlight.remove(flight, mine);
        }
    }

    @Override
    public List<User> list() {
        return current().entries().values().stream().map(Entry::user).sorted(Comparator.comparing(User::name)).toList();
    }

    /** Adds a user, or fails if the name is taken. */
    public User add(String name, char[] password, Set<Permission> permissions) throws IOException {
        User u = new User(name.toLowerCase(Locale.ROOT), permissions);
        update(m -> {
            if (m.containsKey(u.name())) throw new IllegalArgumentException("user " + u.name() + " already exists");
            m.put(u.name(), new Entry(u, hasher.hash(password)));
        });
        return u;
    }

    public void remove(String name) throws IOException {
        update(m -> {
            if (m.remove(name.toLowerCase(Locale.ROOT)) == null) throw new IllegalArgumentException("no user " + name);
        });
    }

    public void setPassword(String name, char[] password) throws IOException {
        update(m -> {
            Entry e = m.get(name.toLowerCase(Locale.ROOT));
            if (e == null) throw new IllegalArgumentException("no user " + name);
            m.put(e.user().name(), new Entry(e.user(), hasher.hash(password)));
        });
    }

    private interface Change { void apply(Map<String, Entry> m); }

    private void update(Change change) throws IOException {
        lock.lock();
        try {
            reloadIfChanged();
            Map<String, Entry> m = new LinkedHashMap<>(table.entries());
            change.apply(m);
            write(m);
            table = table(m);
            verified.clear();
        } finally {
            lock.unlock();
        }
    }

    private Table current() {
        try {
            reloadIfChanged();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }

    private Table table(Map<String, Entry> m) {
        int cost = hasher.iterations();
        for (Entry e : m.values()) cost = Math.max(cost, PasswordHash.iterationsOf(e.hash()));
        return new Table(Map.copyOf(m), cost);
    }

    private void reloadIfChanged() throws IOException {
        FileTime stamp;
        long size;
        try {
            // One stat for both: SMTP looks a recipient up at RCPT and again at delivery, so this
            // runs twice per message (two stats each were a measurable share of a small message).
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            stamp = a.lastModifiedTime();
            size = a.size();
        } catch (NoSuchFileException e) {
            table = table(Map.of());
            loadedStamp = null;
            return;
        }
        if (stamp.equals(loadedStamp) && size == loadedSize) return;
        lock.lock();
        try {
            Map<String, Entry> m = new LinkedHashMap<>();
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split(":", 3);
                if (f.length != 3) throw new IOException(file + " line " + n + ": expected name:permissions:hash");
                m.put(f[0], new Entry(new User(f[0], parsePermissions(f[1])), f[2]));
            }
            table = table(m);
            loadedStamp = stamp;
            loadedSize = size;
            verified.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Parses {@code read,write,admin}; an empty string means no permissions. */
    public static Set<Permission> parsePermissions(String text) {
        Set<Permission> s = EnumSet.noneOf(Permission.class);
        for (String p : text.split(",")) {
            if (!p.isBlank()) s.add(Permission.valueOf(p.trim().toUpperCase(Locale.ROOT)));
        }
        return s;
    }

    private void write(Map<String, Entry> m) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> lines = new ArrayList<>();
        lines.add("# Portico users: name:permissions:hash. Edit with `portico user`.");
        for (Entry e : m.values()) {
            String perms = String.join(",", e.user().permissions().stream().sorted()
                    .map(p -> p.name().toLowerCase(Locale.ROOT)).toList());
            lines.add(e.user().name() + ":" + perms + ":" + e.hash());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: keep the default permissions
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        loadedStamp = a.lastModifiedTime();
        loadedSize = a.size();
    }

    private SecretKeySpec cacheKey() {
        SecretKeySpec k = cacheKey;
        if (k == null) {
            synchronized (this) {
                k = cacheKey;
                if (k == null) {
                    byte[] key = new byte[32];
                    new SecureRandom().nextBytes(key);
                    cacheKey = k = new SecretKeySpec(key, "HmacSHA256");
                }
            }
        }
        return k;
    }

    private byte[] mac(String hash, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey());
            mac.update(hash.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(StandardCharsets.UTF_8.encode(CharBuffer.wrap(password)));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }
}
