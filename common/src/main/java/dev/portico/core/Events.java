package dev.portico.core;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.LoggerFactory;

/**
 * What happened in the servers, told to whoever keeps account of it: the metrics registry, the
 * {@code xferlog} and mail log writers, the status page's recent-activity lists. The servers call
 * these methods where the event is decided (one call per completed FTP transfer, per SMTP
 * transaction, per login); observers never change what a session does and must return quickly
 * (they run on the session's thread). Every method has an empty default, so an observer
 * implements only what it counts. {@link #all} fans out to several. Live sessions and bytes are
 * not events: {@link SessionRegistry#stats()} has them.
 */
public interface Events {

    /** Observes nothing. */
    Events NONE = new Events() {};

    /** A login attempt of any protocol, after the password was checked (a banned address counts as failed). */
    default void login(String protocol, InetAddress remote, String user, boolean ok) {}

    /** An address was banned after too many failed logins. */
    default void banned(InetAddress address, Duration duration) {}

    /** A TLS handshake ended, on a STARTTLS upgrade or an implicit-TLS port. */
    default void tlsHandshake(String protocol, boolean ok) {}

    /** One FTP data transfer ended (a file, not a listing), complete or not. */
    default void transfer(FileTransfer transfer) {}

    /** One SMTP mail transaction ended with the reply to its DATA or last BDAT. */
    default void mail(MailTransaction transaction) {}

    /** One attempt to deliver a queued message onward to one recipient ended (sent, deferred or bounced). */
    default void delivery(DeliveryAttempt attempt) {}

    /**
     * @param start     when the data connection began to carry the file
     * @param remote    the client's address
     * @param user      the login name ({@code anonymous} for anonymous FTP)
     * @param path      the file's path as the user sees it
     * @param incoming  an upload (STOR, STOU, APPE) rather than a download
     * @param binary    TYPE I rather than TYPE A
     * @param anonymous an anonymous session
     * @param complete  every byte went through (false on abort, a broken connection, a full disk)
     */
    record FileTransfer(Instant start, Duration duration, InetAddress remote, String user, String path, long bytes,
                        boolean incoming, boolean binary, boolean anonymous, boolean secure, boolean complete) {}

    /**
     * @param id         the queue id the transaction's {@code 250} reply and {@code Received:} line name, or null
     *                   when the message was refused before it got one
     * @param user       the authenticated user, or null
     * @param sender     the envelope sender ({@code ""} for the null path)
     * @param recipients the accepted recipients
     * @param size       bytes of the message as received
     * @param reply      the final reply sent for the message ({@code 250 ...}, {@code 552 ...})
     * @param duration   from MAIL FROM to that reply
     * @param delivery   from the end of the data to the message stored (the delivery handler's work: the
     *                   Maildir's write, fsync and links), or null when it never reached the handler
     */
    record MailTransaction(Instant time, String id, InetAddress remote, String helo, String user, String sender,
                           List<String> recipients, long size, String reply, Duration duration, Duration delivery) {
        /** Whether the message was accepted. */
        public boolean accepted() {
            return reply.startsWith("2");
        }
    }

    /**
     * What Postfix's smtp lines in the maillog say about one recipient.
     *
     * @param id        the queue id
     * @param recipient the forward-path
     * @param relay     {@code host[address]:port} of the remote, or {@code none} when no connection was made
     * @param delay     from the message's arrival to this attempt's end
     * @param dsn       the RFC 3463 status ({@code 2.0.0}, {@code 4.4.1}, {@code 5.1.1})
     * @param status    {@code sent}, {@code deferred} or {@code bounced}
     * @param reply     the remote's reply, or what went wrong
     */
    record DeliveryAttempt(Instant time, String id, String recipient, String relay, Duration delay, String dsn,
                           String status, String reply) {}

    /** One observer telling every one of {@code observers}, in order; an observer that throws does not stop the rest. */
    static Events all(List<? extends Events> observers) {
        List<Events> list = List.copyOf(observers);
        if (list.isEmpty()) return NONE;
        if (list.size() == 1) return list.get(0);
        return new Events() {
            @Override public void login(String protocol, InetAddress remote, String user, boolean ok) {
                each(e -> e.login(protocol, remote, user, ok));
            }
            @Override public void banned(InetAddress address, Duration duration) {
                each(e -> e.banned(address, duration));
            }
            @Override public void tlsHandshake(String protocol, boolean ok) {
                each(e -> e.tlsHandshake(protocol, ok));
            }
            @Override public void transfer(FileTransfer transfer) {
                each(e -> e.transfer(transfer));
            }
            @Override public void mail(MailTransaction transaction) {
                each(e -> e.mail(transaction));
            }
            @Override public void delivery(DeliveryAttempt attempt) {
                each(e -> e.delivery(attempt));
            }
            private void each(Consumer<Events> call) {
                for (Events e : list) {
                    try {
                        call.accept(e);
                    } catch (RuntimeException ex) {
                        LoggerFactory.getLogger(Events.class).warn("an event observer failed", ex);
                    }
                }
            }
        };
    }
}
