package dev.portico.ftp;

import dev.portico.core.Reply;
import dev.portico.core.auth.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Login, session and FTPS negotiation verbs: USER, PASS, QUIT, FEAT, OPTS, AUTH, PBSZ, PROT… */
final class FtpLoginCommands {

    private static final Logger log = LoggerFactory.getLogger(FtpLoginCommands.class);

    private FtpLoginCommands() {}

    static Reply user(FtpSession s, String arg) {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("USER");
        s.pendingUser = arg;
        s.phase = FtpSession.Phase.NEED_PASSWORD;
        String lower = arg.toLowerCase(Locale.ROOT);
        // Only when anonymous login is on: otherwise "anonymous" is an ordinary name that fails at PASS.
        s.anonymous = s.config.anonymous() && (lower.equals("anonymous") || lower.equals("ftp"));
        return s.anonymous ? FtpReplies.ANONYMOUS_PASSWORD : FtpReplies.SEND_PASSWORD;
    }

    static Reply pass(FtpSession s, String arg) {
        String name = s.pendingUser;
        s.pendingUser = null;
        s.phase = FtpSession.Phase.NOT_LOGGED_IN;
        if (s.anonymous) {
            try {
                s.loggedIn("anonymous", null, s.shared.files().readOnly(s.config.anonymousRoot()));
            } catch (IOException e) {
                log.warn("{} anonymous root {} unusable: {}", s.connection, s.config.anonymousRoot(), e.toString());
                return FtpReplies.LOCAL_ERROR;
            }
            log.info("{} anonymous login", s.connection);
            return Reply.of(230, "Anonymous access granted, read-only");
        }
        char[] password = arg.toCharArray();
        Optional<User> user;
        try {
            user = s.shared.logins().login("ftp", s.connection.remote().getAddress(), name, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (user.isEmpty()) {
            if (++s.loginFailures >= FtpSession.MAX_LOGIN_FAILURES) return FtpReplies.TOO_MANY_FAILURES;
            return FtpReplies.LOGIN_INCORRECT;
        }
        try {
            s.loggedIn(user.get().name(), user.get(), s.shared.files().home(user.get()));
        } catch (IOException e) {
            log.warn("{} home of {} unusable: {}", s.connection, user.get().name(), e.toString());
            return FtpReplies.LOCAL_ERROR;
        }
        return FtpReplies.LOGGED_IN;
    }

    static Reply acct(FtpSession s, String arg) {
        return FtpReplies.ACCT_NOT_NEEDED;
    }

    static Reply quit(FtpSession s, String arg) {
        return FtpReplies.BYE;
    }

    static Reply noop(FtpSession s, String arg) {
        return FtpReplies.NOOP;
    }

    static Reply syst(FtpSession s, String arg) {
        return FtpReplies.SYST;
    }

    /** RFC 2389 §3: one feature per line, each starting with a space. */
    static Reply feat(FtpSession s, String arg) {
        List<String> lines = new ArrayList<>(List.of("Features:", " AUTH TLS", " EPRT", " EPSV", " MDTM", " MFMT",
                FtpListing.featLine(s.mlstFacts), " PASV", " PBSZ", " PROT", " REST STREAM", " SIZE", " TVFS", " UTF8"));
        lines.add("End");
        return Reply.verbatim(211, lines);
    }

    /** RFC 2389 §4: OPTS UTF8 (RFC 2640 §3.2) and OPTS MLST (RFC 3659 §7.9). */
    static Reply opts(FtpSession s, String arg) {
        String[] parts = arg.trim().split("\\s+", 2);
        String what = parts[0].toUpperCase(Locale.ROOT);
        String value = parts.length > 1 ? parts[1] : "";
        return switch (what) {
            case "UTF8", "UTF-8" -> value.isEmpty() || value.equalsIgnoreCase("ON") ? FtpReplies.UTF8_ON
                    : Reply.of(504, "UTF8 cannot be turned off");
            case "MLST" -> {
                s.mlstFacts = FtpListing.parseFacts(value);
                yield Reply.of(200, "MLST OPTS " + String.join(";", s.mlstFacts) + (s.mlstFacts.isEmpty() ? "" : ";"));
            }
            case "" -> FtpReplies.argumentRequired("OPTS");
            default -> Reply.of(501, "Option not understood");
        };
    }

    static Reply help(FtpSession s, String arg) {
        if (!arg.isBlank()) {
            String v = arg.trim().toUpperCase(Locale.ROOT);
            return FtpVerb.TABLE.knows(v) ? Reply.of(214, v + " is supported") : Reply.of(502, "Unknown command " + v);
        }
        List<String> lines = new ArrayList<>();
        lines.add("The following commands are recognized.");
        StringBuilder row = new StringBuilder();
        FtpVerb[] verbs = FtpVerb.values();
        for (int i = 0; i < verbs.length; i++) {
            row.append(' ').append(String.format(Locale.ROOT, "%-5s", verbs[i].name()));
            if (i % 8 == 7 || i == verbs.length - 1) {
                lines.add(row.toString());
                row.setLength(0);
            }
        }
        lines.add("Help OK");
        return Reply.verbatim(214, lines);
    }

    static Reply site(FtpSession s, String arg) {
        String sub = arg.trim().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        return switch (sub) {
            case "HELP" -> Reply.verbatim(214, List.of("The following SITE commands are recognized.", " HELP", "Help OK"));
            case "CHMOD" -> FtpReplies.SITE_CHMOD_REFUSED;
            case "" -> FtpReplies.argumentRequired("SITE");
            default -> FtpReplies.SITE_UNKNOWN;
        };
    }

    /**
     * RFC 4217 §4: 234, then the TLS handshake; the client logs in again afterwards. "SSL" is the
     * old draft's name and implied protected data, so it is kept as an alias that sets PROT P.
     */
    static Reply auth(FtpSession s, String arg) throws IOException {
        String mech = arg.trim().toUpperCase(Locale.ROOT);
        if (!mech.equals("TLS") && !mech.equals("TLS-C") && !mech.equals("SSL") && !mech.equals("TLS-P")) {
            return FtpReplies.AUTH_UNKNOWN;
        }
        if (s.connection.isSecure()) return FtpReplies.ALREADY_SECURE;
        s.send(FtpReplies.AUTH_OK);
        s.connection.startTls(s.shared.tls());
        s.resetLogin();
        if (mech.equals("SSL") || mech.equals("TLS-P")) {
            s.pbsz = true;
            s.protP = true;
        }
        return null;
    }

    /** RFC 4217 §8: PBSZ 0 is the only buffer size for TLS. */
    static Reply pbsz(FtpSession s, String arg) {
        if (!s.connection.isSecure()) return FtpReplies.TLS_FIRST;
        if (arg.isBlank()) return FtpReplies.argumentRequired("PBSZ");
        s.pbsz = true;
        return FtpReplies.PBSZ_OK;
    }

    /** RFC 4217 §9: C and P; S and E have no meaning for TLS (536). */
    static Reply prot(FtpSession s, String arg) {
        if (!s.connection.isSecure()) return FtpReplies.TLS_FIRST;
        if (!s.pbsz) return FtpReplies.PBSZ_FIRST;
        return switch (arg.trim().toUpperCase(Locale.ROOT)) {
            case "P" -> {
                s.protP = true;
                yield FtpReplies.PROT_PRIVATE;
            }
            case "C" -> {
                s.protP = false;
                yield FtpReplies.PROT_CLEAR;
            }
            case "S", "E" -> FtpReplies.PROT_UNSUPPORTED;
            case "" -> FtpReplies.argumentRequired("PROT");
            default -> FtpReplies.PARAMETER_NOT_IMPLEMENTED;
        };
    }

    /** RFC 4217 §6: CCC may be refused by policy; a clear control channel would expose every command. */
    static Reply ccc(FtpSession s, String arg) {
        return s.connection.isSecure() ? FtpReplies.CCC_REFUSED : FtpReplies.TLS_FIRST;
    }
}
