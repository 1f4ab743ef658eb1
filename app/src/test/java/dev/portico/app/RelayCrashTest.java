package dev.portico.app;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.Permission;
import dev.portico.server.Portico;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's promise under {@code kill -9} ({@link PorticoProcess}, as {@link CrashTest}): 200
 * messages are queued while the smart host is down, the smart host (GreenMail) comes up, Portico
 * is killed in the middle of delivering them, and after a restart every message reaches the
 * smart host exactly once, or twice for a message whose remote 250 came in the instant before
 * the kill, before its state was written: never more than the connections under way then.
 * {@code portico queue list} shows the queue while the remote is down.
 */
@Isolated
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RelayCrashTest {

    static final int MESSAGES = 200;
    static final String PASSWORD = "crash-test-pw";
    static final int CONNECTIONS = 4;

    @TempDir Path dir;

    @Test
    void everyQueuedMessageReachesTheRemoteOnceAfterAKill9() throws Exception {
        Path data = dir.resolve("data");
        new FileUserDirectory(Portico.usersFile(data)).add("alice", PASSWORD.toCharArray(), EnumSet.of(Permission.READ, Permission.WRITE));
        int remotePort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            remotePort = s.getLocalPort();
        }
        String[] flags = {"--set", "smtp.relay.host=127.0.0.1:" + remotePort, "--set", "smtp.relay.retry=1s",
                "--set", "smtp.auth.plaintext=true", "--set", "smtp.relay.max-connections=" + CONNECTIONS};
        long seed = Long.getLong("portico.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        GreenMail remote = new GreenMail(new ServerSetup(remotePort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        try {
            try (PorticoProcess portico = PorticoProcess.serve(data, dir.resolve("portico-0.log"), flags)) {
                Properties p = new Properties();
                p.put("mail.smtp.host", "127.0.0.1");
                p.put("mail.smtp.port", Integer.toString(portico.port("smtp")));
                p.put("mail.smtp.auth", "true");
                Session session = Session.getInstance(p);
                try (Transport t = session.getTransport("smtp")) {
                    t.connect("alice", PASSWORD);
                    for (int i = 0; i < MESSAGES; i++) {
                        MimeMessage m = new MimeMessage(session);
                        m.setFrom(new InternetAddress("alice@localhost"));
                        m.setRecipients(Message.RecipientType.TO, "someone@example.net");
                        m.setSubject("queued-" + i);
                        m.setText("message " + i + "\r\n");
                        m.saveChanges();
                        t.sendMessage(m, m.getAllRecipients());   // returns after the 250: the message is queued
                    }
                }
                assertThat(runQueueList(data)).contains(MESSAGES + " messages in the queue");
                remote.start();
                int killAfter = 20 + random.nextInt(120);
                await(() -> remote.getReceivedMessages().length >= killAfter, 60);
                portico.kill();
                System.out.printf("crash: relay seed %d: kill -9 after %d delivered%n", seed, remote.getReceivedMessages().length);
            }
            try (PorticoProcess portico = PorticoProcess.serve(data, dir.resolve("portico-1.log"), flags)) {
                try {
                    await(() -> distinctSubjects(remote) == MESSAGES && queueEmpty(data), 60);
                } catch (AssertionError e) {
                    throw new AssertionError(distinctSubjects(remote) + " of " + MESSAGES + " arrived; " + runQueueList(data)
                            + "\n" + PorticoProcess.tail(dir.resolve("portico-1.log")), e);
                }
            }
            Map<String, Integer> counts = new HashMap<>();
            for (MimeMessage m : remote.getReceivedMessages()) counts.merge(m.getSubject(), 1, Integer::sum);
            assertThat(counts).hasSize(MESSAGES);
            assertThat(counts.values()).allMatch(n -> n <= 2);
            // Only a message whose 250 arrived between the remote's reply and the state's write is sent again.
            assertThat(counts.values().stream().filter(n -> n == 2).count()).isLessThanOrEqualTo(CONNECTIONS);
        } finally {
            remote.stop();
        }
    }

    private static String runQueueList(Path data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"queue", "list", "--data", data.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static long distinctSubjects(GreenMail remote) {
        return Stream.of(remote.getReceivedMessages()).map(m -> {
            try {
                return m.getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).distinct().count();
    }

    private static boolean queueEmpty(Path data) {
        try (Stream<Path> files = Files.list(Portico.queueDir(data))) {
            return files.noneMatch(f -> f.toString().endsWith(".env"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + seconds + " s");
            Thread.sleep(20);
        }
    }
}
