package dev.portico.http;

import dev.portico.core.Events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The status page's memory of what happened lately: the last {@link #KEEP} FTP transfers and SMTP
 * transactions, told to it as an {@link Events} observer. Bounded, so a busy server costs the same
 * few kilobytes as an idle one; the launcher builds one only when the HTTP listener is on.
 */
public final class RecentActivity implements Events {

    /** How many transfers, and how many messages, are kept. */
    public static final int KEEP = 50;

    private final ArrayDeque<FileTransfer> transfers = new ArrayDeque<>(KEEP);
    private final ArrayDeque<MailTransaction> mails = new ArrayDeque<>(KEEP);

    @Override
    public void transfer(FileTransfer transfer) {
        keep(transfers, transfer);
    }

    @Override
    public void mail(MailTransaction transaction) {
        keep(mails, transaction);
    }

    /** The kept transfers, newest first. */
    List<FileTransfer> transfers() {
        return newestFirst(transfers);
    }

    /** The kept mail transactions, newest first. */
    List<MailTransaction> mails() {
        return newestFirst(mails);
    }

    private static <T> void keep(ArrayDeque<T> ring, T item) {
        synchronized (ring) {
            if (ring.size() == KEEP) ring.removeFirst();
            ring.addLast(item);
        }
    }

    private static <T> List<T> newestFirst(ArrayDeque<T> ring) {
        synchronized (ring) {
            List<T> list = new ArrayList<>(ring);
            return list.reversed();
        }
    }
}
