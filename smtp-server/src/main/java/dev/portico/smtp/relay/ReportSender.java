package dev.portico.smtp.relay;

import java.io.IOException;

/**
 * Where the reports Portico generates go (bounces, delay and success notifications): each is a
 * message with the null sender {@code <>} for one recipient, the sender of the original mail.
 * The local delivery hands its success reports here; the relay queue plugs in one that delivers a
 * report to a local sender's Maildir and queues it for a remote one.
 */
@FunctionalInterface
public interface ReportSender {

    /** Sends one report; an IOException is logged by the caller and the report is lost (never retried into a loop). */
    void send(DeliveryStatusReport.Report report) throws IOException;
}
