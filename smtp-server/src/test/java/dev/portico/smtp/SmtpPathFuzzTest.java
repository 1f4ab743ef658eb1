package dev.portico.smtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the MAIL/RCPT argument grammar ({@link SmtpPath#parse}). Properties: the only exception
 * is {@link SmtpPath.SyntaxException}; an accepted path is a part of what the client sent, holds no
 * replacement character (invalid UTF-8), is empty, {@code Postmaster} or has an {@code @} between a
 * local part and a domain; parameter keywords are upper-case ESMTP keywords, at most 16.
 * Seeds: {@code SmtpPathFuzzTestInputs/}; run longer with {@code -Dportico.fuzz.seconds=N}.
 */
class SmtpPathFuzzTest {

    @FuzzTest
    void mailAndRcptArguments(FuzzedDataProvider data) {
        String prefix = data.consumeBoolean() ? "FROM:" : "TO:";
        String argument = data.consumeRemainingAsString();
        SmtpPath path;
        try {
            path = SmtpPath.parse(argument, prefix);
        } catch (SmtpPath.SyntaxException refused) {
            return;
        }
        String address = path.address();
        assertThat(argument).contains(address);
        assertThat(address).doesNotContain("\uFFFD");
        assertThat(path.nonAscii()).isEqualTo(address.chars().anyMatch(c -> c > 127));
        if (!address.isEmpty() && !address.equalsIgnoreCase("postmaster")) {
            int at = address.lastIndexOf('@');
            assertThat(at).isPositive().isLessThan(address.length() - 1);
        }
        assertThat(path.parameters()).hasSizeLessThanOrEqualTo(16);
        for (Map.Entry<String, String> p : path.parameters().entrySet()) {
            assertThat(p.getKey()).matches("[A-Z0-9][A-Z0-9-]*");
            if (p.getValue() != null) assertThat(p.getValue()).isNotEmpty().doesNotContain("=", " ");
        }
    }
}
