package dev.portico.imap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A bounded cache of parsed messages shared by the sessions of one server, weighed by message size
 * (a view holds the message's bytes). The key names a message for good: a folder's identity, its
 * UIDVALIDITY and the UID, which never name another message (RFC 9051 2.3.1.1), so an entry is
 * never stale and nothing needs invalidating but to free memory.
 */
public final class MessageViews {

    /** Opens the message as sent (CR LF line ends): {@code () -> folder.content(uid)}. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    private record Key(String folder, long uidValidity, long uid) {}

    /** A header block longer than this is not read further for an envelope. */
    private static final int MAX_HEADER = 256 << 10;

    private final Cache<Key, MessageView> cache;
    /** Envelopes alone, read from headers only: a client's FETCH of 10,000 envelopes reads no bodies and keeps little. */
    private final Cache<Key, String> envelopes;
    /** Headers alone, parsed: SEARCH by SUBJECT, FROM or Date reads each file once, not each search, and no body. */
    private final Cache<Key, MessageView> headers;

    /**
     * @param maxBytes the octets of messages held at most
     */
    public MessageViews(long maxBytes) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .<Key, MessageView>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, v.size() + 512))
                .build();
        // The same bound again, not a fraction of it: 64 MiB hold the envelopes of about 150,000
        // messages, so a FETCH of a 100,000-message INBOX's envelopes finds them all the second time
        // (an eighth of it held 12,000 and every envelope was read again from its file).
        this.envelopes = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .<Key, String>weigher((k, v) -> weight(v) + 160)
                .build();
        // a parsed header holds its octets and about as much again in its fields' strings
        this.headers = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .<Key, MessageView>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, 2 * v.size() + 512))
                .build();
    }

    /**
     * The view of a message, parsed on first use; sessions asking for one message at once share
     * one parse.
     *
     * @param folder      what names the folder for good within the process (its path, say, which holds the user)
     * @param uidValidity the folder's UIDVALIDITY
     * @param uid         the message's UID
     * @param size        its octets as sent (RFC822.SIZE)
     * @param source      opens it when it is not cached
     */
    public MessageView get(String folder, long uidValidity, long uid, long size, Source source) throws IOException {
        try {
            return cache.get(new Key(folder, uidValidity, uid), k -> {
                try (InputStream in = source.open()) {
                    return MessageView.parse(in, size);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The view of a message when it is cached, else null. */
    public MessageView cached(String folder, long uidValidity, long uid) {
        return cache.getIfPresent(new Key(folder, uidValidity, uid));
    }

    /**
     * The ENVELOPE of a message: from its view when that is cached, else from its header alone
     * (read up to the empty line, then closed), kept in a cache of its own.
     */
    public String envelope(String folder, long uidValidity, long uid, Source source) throws IOException {
        Key key = new Key(folder, uidValidity, uid);
        MessageView view = cache.getIfPresent(key);
        if (view != null) return view.envelope();
        try {
            return envelopes.get(key, k -> {
                try (InputStream in = source.open()) {
                    return MessageView.envelope(in, MAX_HEADER);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Octets of a string's characters: one each while all are Latin-1, as the JVM stores them
     * (compact strings; envelopes are mostly ASCII), else two. The entry's key, string and
     * map node add about 160.
     */
    private static int weight(String v) {
        for (int i = 0; i < v.length(); i++) if (v.charAt(i) > 0xFF) return 2 * v.length();
        return v.length();
    }

    /**
     * The view of a message's header: the whole message's when that is cached, else one parsed
     * from the header alone (read up to the empty line, then closed), kept in a cache of its own.
     * Only what the header holds may be asked of it; a header longer than this reads is the whole
     * message's view, so no field goes unseen.
     */
    public MessageView header(String folder, long uidValidity, long uid, long size, Source source) throws IOException {
        Key key = new Key(folder, uidValidity, uid);
        MessageView view = cache.getIfPresent(key);
        if (view != null) return view;
        MessageView header;
        try {
            header = headers.get(key, k -> {
                try (InputStream in = source.open()) {
                    return MessageView.header(in, MAX_HEADER);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return header.size() < MAX_HEADER ? header : get(folder, uidValidity, uid, size, source);
    }

    /** Forgets every message of a folder (after it is deleted or its UIDVALIDITY changed), to free the memory at once. */
    public void forget(String folder) {
        cache.asMap().keySet().removeIf(k -> k.folder().equals(folder));
        envelopes.asMap().keySet().removeIf(k -> k.folder().equals(folder));
        headers.asMap().keySet().removeIf(k -> k.folder().equals(folder));
    }

    /** Messages held now (for tests and the status page). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
