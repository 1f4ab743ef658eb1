package dev.portico.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Every message accepted since the last purge, in order, with a wait for the next ones. */
final class MailJournal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    private final List<ReceivedMail> mails = new ArrayList<>();

    void add(ReceivedMail m) {
        lock.lock();
        try {
            mails.add(m);
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    List<ReceivedMail> all() {
        lock.lock();
        try {
            return List.copyOf(mails);
        } finally {
            lock.unlock();
        }
    }

    void clear() {
        lock.lock();
        try {
            mails.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until at least {@code count} messages are here or {@code timeout} passed; true when they are. */
    boolean await(int count, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (mails.size() < count) {
                if (left <= 0) return false;
                left = added.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
