package dev.portico.core.mail;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * One session's view of one folder. The view holds a snapshot of the folder's messages, in UID
 * order, which changes only when the session calls {@link #refresh()}: IMAP may tell a client of
 * changes only at certain points (RFC 9051 7), so the session decides when. UIDs and UIDVALIDITY
 * come from a per-folder index written atomically (like Dovecot's {@code dovecot-uidlist}) and
 * stay the same across sessions, restarts and POP3 (whose UIDL is {@link Message#name()}).
 * Flags are in the Maildir file name ({@code :2,FRS}); keywords in a per-folder file.
 * Not thread-safe: one session uses it; the folder behind it is shared and safe.
 */
public interface Folder extends AutoCloseable {

    /** IMAP system flags, with their Maildir letters. */
    String SEEN = "\\Seen", ANSWERED = "\\Answered", FLAGGED = "\\Flagged", DELETED = "\\Deleted", DRAFT = "\\Draft";

    /**
     * @param uid          IMAP UID, stable, strictly ascending in a folder
     * @param name         the Maildir base name (before {@code :2,}), POP3's UIDL
     * @param size         octets as sent: every line ended by CR LF (RFC822.SIZE, POP3 LIST)
     * @param internalDate arrival time (APPEND may set it)
     * @param flags        system flags (\Seen...) and keywords; \Recent is not kept
     * @param modSeq       RFC 7162 mod-sequence of the last change to this message
     */
    record Message(long uid, String name, long size, Instant internalDate, Set<String> flags, long modSeq) {}

    record Status(long messages, long uidNext, long uidValidity, long unseen, long highestModSeq, long size) {}

    /**
     * What changed since the last refresh (or open), already applied to {@link #messages()}.
     *
     * @param expunged the UIDs that went away, ascending
     * @param added    messages that arrived, ascending UIDs, all above every earlier UID
     * @param changed  messages whose flags changed (by another view or another program)
     */
    record Changes(List<Long> expunged, List<Message> added, List<Message> changed) {
        public boolean isEmpty() { return expunged.isEmpty() && added.isEmpty() && changed.isEmpty(); }
    }

    String name();

    boolean readOnly();

    long uidValidity();

    long uidNext();

    long highestModSeq();

    /** The flags and keywords this folder knows (FLAGS, PERMANENTFLAGS). */
    Set<String> knownFlags();

    /** The snapshot, in UID order; message sequence number n is element n-1. */
    List<Message> messages();

    /** Rescans the folder (deliveries, other sessions, POP3, other programs) and updates the snapshot. */
    Changes refresh() throws IOException;

    /** The message as sent: CR LF line ends even where the file has bare LF. */
    InputStream content(long uid) throws IOException;

    /**
     * Replaces, adds or removes flags ({@code mode} +1, 0, -1) of messages; with
     * {@code unchangedSince} >= 0 (CONDSTORE) messages whose modSeq is higher are left alone and
     * returned. Returns the messages left alone. The changed ones are updated in this view at once
     * ({@link #messages()} has their new flags and modSeq, for the FETCH replies of STORE) and the
     * next refresh does not report them again; other views see them as {@link Changes#changed}.
     * A STORE that changes nothing gives no new modSeq.
     */
    List<Long> store(Collection<Long> uids, int mode, Set<String> flags, long unchangedSince) throws IOException;

    /**
     * Removes the messages that carry \Deleted, of {@code uids} only when not null (UID EXPUNGE),
     * and of those only the ones in this view's snapshot. Returns the UIDs removed, ascending; they
     * are gone from {@link #messages()} when this returns (take a copy before, to number the
     * EXPUNGE replies) and the next refresh does not report them again.
     */
    List<Long> expunge(Collection<Long> uids) throws IOException;

    /** Copies messages into another folder of the same user; returns the new UIDs in order (COPYUID). */
    List<Long> copy(Collection<Long> uids, String target) throws IOException;

    /**
     * Moves messages (RFC 6851): copy, then expunge here. Returns the new UIDs in order; the moved
     * ones are gone from {@link #messages()} as after {@link #expunge}.
     */
    List<Long> move(Collection<Long> uids, String target) throws IOException;

    /**
     * Calls {@code wake} (on some thread) when something may have changed in this folder: a
     * delivery, another session's store or expunge, POP3's delete, or, noticed by a periodic scan,
     * another program. IDLE waits on it. Closing the returned handle stops the calls.
     */
    AutoCloseable watch(Runnable wake);

    @Override
    void close();
}
