package dev.portico.smtp.dkim;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DKIM verifiers written by others, so that a signature is checked against someone else's reading
 * of RFC 6376 and not our own: Apache James jDKIM (a test dependency; RSA only) and dkimpy
 * ({@code python3-dkim} with {@code python3-nacl}, both algorithms; CI installs it, a machine
 * without it skips those checks).
 */
final class IndependentVerifiers {

    private IndependentVerifiers() {}

    /** Whether jDKIM finds a valid signature, the key record served for every lookup. */
    static boolean jdkim(byte[] signedMessage, String keyRecord) throws IOException {
        DKIMVerifier v = new DKIMVerifier((method, selector, domain) -> List.of(keyRecord));
        try {
            List<SignatureRecord> valid = v.verify(new ByteArrayInputStream(signedMessage));
            return valid != null && !valid.isEmpty() && v.hasAnyValidSignature();
        } catch (FailException e) {
            return false;
        }
    }

    private static final String DKIMPY = """
            import sys, dkim
            message = open(sys.argv[1], 'rb').read()
            record = open(sys.argv[2], 'rb').read()
            ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: record)
            print('pass' if ok else 'fail')
            """;

    /** A python3 that has dkimpy and PyNaCl, or null. */
    static final String PYTHON = findDkimpy();

    private static String findDkimpy() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import dkim, nacl").redirectErrorStream(true).start();
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) return python;
                p.destroyForcibly();
            } catch (IOException e) {
                // no such interpreter
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Whether dkimpy verifies the message's first signature with the key record. */
    static boolean dkimpy(byte[] signedMessage, String keyRecord, Path tmp) throws IOException, InterruptedException {
        Path message = Files.createTempFile(tmp, "signed", ".eml");
        Path record = Files.createTempFile(tmp, "record", ".txt");
        Path script = Files.createTempFile(tmp, "verify", ".py");
        Files.write(message, signedMessage);
        Files.writeString(record, keyRecord, StandardCharsets.US_ASCII);
        Files.writeString(script, DKIMPY, StandardCharsets.US_ASCII);
        Process p = new ProcessBuilder(PYTHON, script.toString(), message.toString(), record.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("dkimpy did not end within 30 s");
        }
        if (!out.strip().equals("pass") && !out.strip().equals("fail")) throw new AssertionError("dkimpy: " + out);
        return out.strip().equals("pass");
    }
}
