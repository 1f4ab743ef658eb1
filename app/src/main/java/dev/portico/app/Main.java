package dev.portico.app;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.Permission;
import dev.portico.core.auth.User;
import dev.portico.core.tls.Certificates;
import dev.portico.core.tls.Tls;
import dev.portico.http.HttpConfig;
import dev.portico.server.Portico;
import dev.portico.smtp.relay.QueueStore;
import dev.portico.smtp.dkim.Dkim;
import dev.portico.smtp.dkim.DkimKey;
import dev.portico.smtp.dkim.DkimRecord;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import ch.qos.logback.classic.LoggerContext;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * The {@code portico} command: {@code serve} (the default), {@code user add|passwd|remove|list},
 * {@code tls show}, {@code dkim show}, {@code queue list|flush|delete|bounce}, {@code version}. Options are declared in code with Commons CLI, which costs a start a few
 * milliseconds; an annotation-driven parser (picocli) cost it a quarter of a second, more than
 * the servers take to start.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        String[] effective = args.length == 0 || args[0].startsWith("-") && !isHelpOrVersion(args[0])
                ? prepend("serve", args) : args;
        int code = run(effective, System.out, System.err);
        LogSetup.releaseHeld();   // a command that ended before reading its configuration still shows its log
        if (code != 0 || !"serve".equals(effective[0])) System.exit(code);
    }

    private static boolean isHelpOrVersion(String a) {
        return a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version");
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    // ---- the commands -------------------------------------------------------------------------

    /** What a command does with its parsed options and arguments; returns the exit status. */
    @FunctionalInterface
    private interface Action {
        int run(CommandLine line, PrintStream out) throws IOException;
    }

    /**
     * One command: the words that name it, its positional parameter (or none), what the help
     * says, its options (besides {@code -h} and {@code -V}) and what it does.
     */
    private record Command(String name, String parameter, String description, Options options, Action action) {
        Command {
            options.addOption(flag("h", "help", "Show this help message and exit."));
            options.addOption(flag("V", "version", "Print version information and exit."));
        }
    }

    private static final String DESCRIPTION = "Telnet, FTP, SMTP, POP3 and IMAP servers in one process, with an optional HTTP API.";

    private static List<Command> commands() {
        return List.of(
                new Command("serve", null,
                        "Start every server (the default command). Each port takes a number, 0 for any free port, or 'off'.",
                        serveOptions(), Main::serve),
                new Command("user add", "NAME",
                        "Add a user. The password is read from standard input when it is not a terminal, prompted otherwise.",
                        dataOptions()
                                .addOption(flag(null, "read-only", "May read files and mail, not change files."))
                                .addOption(flag(null, "admin", "May use the shell's console commands.")),
                        Main::userAdd),
                new Command("user passwd", "NAME", "Change a user's password (read like add).", dataOptions(), Main::userPasswd),
                new Command("user remove", "NAME", "Remove a user (their files and mail stay).", dataOptions(), Main::userRemove),
                new Command("user list", null, "List users.", dataOptions(), Main::userList),
                new Command("tls show", null, "Print the certificate clients are shown, with the fingerprints they display "
                        + "(generating the self-signed one when none is configured, as a start would).",
                        dataOptions().addOption(flag(null, "pem",
                                "Print only the certificate in PEM (for curl --cacert, a trust store).")),
                        Main::tlsShow),
                new Command("dkim show", null, "Print the DNS TXT record to publish for each signing domain's DKIM key "
                        + "(generating the keys that are missing, as the first signed message would).",
                        dataOptions(), Main::dkimShow),
                new Command("queue list", null, "List the outbound mail queue: id, age, sender, each recipient's state and last reply.",
                        dataOptions(), Main::queueList),
                new Command("queue flush", null, "Try every queued message now (a running server does within a second).",
                        dataOptions(), Main::queueFlush),
                new Command("queue delete", "ID", "Remove a message from the queue without telling anyone.",
                        dataOptions(), Main::queueDelete),
                new Command("queue bounce", "ID", "Give up on a queued message: its sender gets a bounce.",
                        dataOptions(), Main::queueBounce),
                new Command("version", null, "Print the version.", new Options(), (line, out) -> {
                    out.println(version());
                    return 0;
                }));
    }

    /**
     * Runs one command line and returns its exit status. A bad command line or configuration is
     * one line on {@code err} and status 2, never a stack trace. {@code serve} returns only when
     * it fails to start: a started server ends with the process (SIGTERM, SIGINT).
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<Command> commands = commands();
        Command command = null;
        for (Command c : commands) {
            String[] words = c.name().split(" ");
            if (args.length >= words.length && Arrays.equals(words, Arrays.copyOf(args, words.length))) {
                command = c;
                break;
            }
        }
        try {
            if (command == null) return general(args, commands, out, err);
            String[] rest = Arrays.copyOfRange(args, command.name().split(" ").length, args.length);
            CommandLine line = parser().parse(command.options(), rest);
            if (line.hasOption("help")) {
                help(out, "portico " + command.name() + (command.parameter() == null ? "" : " " + command.parameter()),
                        command.description(), command.options());
                return 0;
            }
            if (line.hasOption("version")) {
                out.println(version());
                return 0;
            }
            int parameters = command.parameter() == null ? 0 : 1;
            if (line.getArgList().size() != parameters) {
                throw new ParseException(parameters == 0 ? "unexpected argument '" + line.getArgList().get(0) + "'"
                        : "portico " + command.name() + " takes one " + command.parameter());
            }
            return command.action().run(line, out);
        } catch (ParseException e) {
            err.println("portico: " + e.getMessage() + " (see portico "
                    + (command == null ? "" : command.name() + " ") + "--help)");
            return 2;
        } catch (ConfigException | IllegalArgumentException | IOException e) {
            err.println("portico: " + e.getMessage());
            return 2;
        }
    }

    /** {@code portico --help}, {@code portico user}, and whatever names no command. */
    private static int general(String[] args, List<Command> commands, PrintStream out, PrintStream err) throws IOException {
        // a group of commands (user, tls, dkim, queue) named without one of them lists that group
        String group = args.length > 0 && (args[0].equals("user") || args[0].equals("tls") || args[0].equals("dkim")
                || args[0].equals("queue"))
                ? args[0] : null;
        boolean user = group != null;
        String rest = args.length > (user ? 1 : 0) ? args[user ? 1 : 0] : "";
        if (args.length > 0 && (args[0].equals("-V") || args[0].equals("--version"))) {
            out.println(version());
            return 0;
        }
        boolean asked = rest.isEmpty() || rest.equals("-h") || rest.equals("--help");
        PrintStream to = asked ? out : err;
        if (!asked) to.println("portico: unknown command '" + String.join(" ", args) + "'");
        to.println(user ? "Usage: portico " + group + " COMMAND [OPTIONS]" : "Usage: portico [COMMAND] [OPTIONS]");
        to.println(!user ? DESCRIPTION : group.equals("user") ? "Manage users."
                : group.equals("tls") ? "The TLS certificate." : group.equals("queue") ? "The outbound mail queue."
                : "The DKIM signing keys.");
        to.println("Commands:");
        for (Command c : commands) {
            boolean grouped = c.name().startsWith("user ") || c.name().startsWith("tls ") || c.name().startsWith("dkim ")
                    || c.name().startsWith("queue ");
            if (user ? !c.name().startsWith(group + " ") : grouped) continue;
            to.printf("  %-24s %s%n", c.name(), c.description());
        }
        if (!user) {
            to.printf("  %-24s %s%n", "user", "Manage users: add, passwd, remove, list.");
            to.printf("  %-24s %s%n", "tls", "The TLS certificate: show.");
            to.printf("  %-24s %s%n", "dkim", "The DKIM signing keys: show.");
            to.printf("  %-24s %s%n", "queue", "The outbound mail queue: list, flush, delete, bounce.");
        }
        to.println("Each command takes --help.");
        return asked ? 0 : 2;
    }

    /** Options exactly as typed: no abbreviations, values kept with their quotes. */
    private static DefaultParser parser() {
        return DefaultParser.builder().setAllowPartialMatching(false).setStripLeadingAndTrailingQuotes(false).get();
    }

    /** Laid out as {@link #general} lays out the commands: one line per option, in the order declared. */
    private static void help(PrintStream out, String syntax, String description, Options options) {
        out.println("Usage: " + syntax + " [OPTIONS]");
        out.println(description);
        out.println("Options:");
        for (Option o : options.getOptions()) {
            String names = (o.getOpt() == null ? "    " : "-" + o.getOpt() + ", ") + "--" + o.getLongOpt()
                    + (o.hasArg() ? " " + o.getArgName() : "");
            out.printf("  %-24s %s%n", names, o.getDescription());
        }
    }

    private static Option flag(String shortName, String longName, String description) {
        return Option.builder(shortName).longOpt(longName).desc(description).get();
    }

    private static Option valued(String longName, String label, String description) {
        return Option.builder().longOpt(longName).hasArg().argName(label).desc(description).get();
    }

    /** Version from the jar manifest. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return "portico " + (v == null ? "(development build)" : v) + " on Java " + Runtime.version();
    }

    // ---- the data folder and the configuration ------------------------------------------------

    /** Options of every command that touches the data folder. */
    private static Options dataOptions() {
        return new Options()
                .addOption(valued("config", "FILE", "Properties file with any configuration key."))
                .addOption(valued("data", "DIR", "Data folder (default: ./data)."))
                .addOption(valued("set", "KEY=VALUE", "Set any configuration key (repeatable)."));
    }

    /** The config file, then {@code --set}, then {@code flags}: a flag always wins. */
    private static Settings settings(CommandLine line, Map<String, String> flags) throws IOException {
        Settings s = line.hasOption("config") ? Settings.load(Path.of(line.getOptionValue("config"))) : Settings.empty();
        Map<String, String> over = new LinkedHashMap<>();
        for (String kv : line.getOptionValues("set") == null ? new String[0] : line.getOptionValues("set")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--set takes KEY=VALUE, not '" + kv + "'");
            over.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        flags.forEach((k, v) -> { if (v != null) over.put(k, v); });
        if (line.hasOption("data")) over.put("data", line.getOptionValue("data"));
        return s.with(Settings.of(over));
    }

    // ---- serve --------------------------------------------------------------------------------

    private static Options serveOptions() {
        return dataOptions()
                .addOption(valued("bind", "ADDR", "Listen address (default: 127.0.0.1)."))
                .addOption(valued("domain", "NAME", "Mail domain served here (repeatable; default: localhost)."))
                .addOption(valued("telnet-port", "PORT", "Telnet shell port (default: 2323)."))
                .addOption(valued("ftp-port", "PORT", "FTP port (default: 2121; active data from port − 1)."))
                .addOption(valued("smtp-port", "PORT", "SMTP port (default: 2525)."))
                .addOption(valued("pop3-port", "PORT", "POP3 port (default: 2110)."))
                .addOption(valued("imap-port", "PORT", "IMAP port (default: 2143)."))
                .addOption(valued("echo-port", "PORT", "Echo (RFC 862, TCP and UDP) port (default: off)."))
                .addOption(valued("http-port", "PORT", "HTTP API, health and readiness port (default: off; 8025 with --dev)."))
                .addOption(valued("log-format", "FORMAT",
                        "Log lines on standard error: text (default) or json, one object per line (log.format)."))
                .addOption(flag(null, "dev",
                        "For tests in any language: the HTTP API on port 8025 unless http.port is set, and catch-all mail delivery."));
    }

    /** The settings {@code portico serve ARGS} runs with: the config file, then {@code --set}, then the named flags. */
    static Settings serveSettings(String... args) throws IOException, ParseException {
        return serveSettings(parser().parse(serveOptions(), args));
    }

    private static Settings serveSettings(CommandLine line) throws IOException {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("bind", line.getOptionValue("bind"));
        flags.put("domain", line.hasOption("domain") ? String.join(",", line.getOptionValues("domain")) : null);
        flags.put("telnet.port", line.getOptionValue("telnet-port"));
        flags.put("ftp.port", line.getOptionValue("ftp-port"));
        flags.put("smtp.port", line.getOptionValue("smtp-port"));
        flags.put("pop3.port", line.getOptionValue("pop3-port"));
        flags.put("imap.port", line.getOptionValue("imap-port"));
        flags.put("echo.port", line.getOptionValue("echo-port"));
        flags.put("http.port", line.getOptionValue("http-port"));
        flags.put("log.format", line.getOptionValue("log-format"));
        Settings s = settings(line, flags);
        if (line.hasOption("dev")) {
            // Only keys, each one unless the file, --set or a flag set it: --dev is a shorthand, never a mode of its own.
            if (!s.has("http.port")) s = s.with("http.port", Integer.toString(HttpConfig.DEV_PORT));
            // Any recipient is accepted and gets its mailbox on first delivery, as a test mail catcher should.
            if (!s.has("smtp.catch-all")) s = s.with("smtp.catch-all", "true");
        }
        return s;
    }

    private static int serve(CommandLine line, PrintStream out) throws IOException {
        Settings settings = serveSettings(line);
        LogSetup.apply(LogConfig.from(settings));
        Portico portico = Portico.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("portico: stopping");
            portico.close();
            out.println("portico: stopped");
            out.flush();
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
                logs.stop();   // drains the asynchronous appender before the halt below
            }
            stopped.countDown();
            // SIGTERM and SIGINT are the normal way to stop a server, so they end with 0.
            Runtime.getRuntime().halt(0);
        }, "portico-shutdown"));
        for (Map.Entry<String, InetSocketAddress> e : portico.listeners().entrySet()) {
            out.println("portico: " + e.getKey() + " listening on " + format(e.getValue()));
        }
        out.println("portico: ready");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    // ---- user ---------------------------------------------------------------------------------

    private static FileUserDirectory directory(CommandLine line) throws IOException {
        Settings s = settings(line, Map.of());
        LogSetup.apply(LogConfig.from(s));
        return new FileUserDirectory(Portico.usersFile(Path.of(s.string("data", "data"))));
    }

    // ---- queue --------------------------------------------------------------------------------

    private static QueueStore queue(CommandLine line) throws IOException {
        Settings s = settings(line, Map.of());
        LogSetup.apply(LogConfig.from(s));
        return new QueueStore(Portico.queueDir(Path.of(s.string("data", "data"))));
    }

    private static int queueList(CommandLine line, PrintStream out) throws IOException {
        List<String> lines = queue(line).describe();
        lines.forEach(out::println);
        long messages = lines.stream().filter(l -> !l.startsWith(" ")).count();
        out.println("portico: " + messages + (messages == 1 ? " message" : " messages") + " in the queue");
        return 0;
    }

    private static int queueFlush(CommandLine line, PrintStream out) throws IOException {
        out.println("portico: " + queue(line).flush() + " message(s) due now");
        return 0;
    }

    private static int queueDelete(CommandLine line, PrintStream out) throws IOException {
        String id = line.getArgList().get(0);
        if (!queue(line).delete(id)) throw new IllegalArgumentException("no message " + id + " in the queue");
        out.println("portico: deleted " + id);
        return 0;
    }

    private static int queueBounce(CommandLine line, PrintStream out) throws IOException {
        String id = line.getArgList().get(0);
        if (!queue(line).bounce(id)) throw new IllegalArgumentException("no message " + id + " in the queue");
        out.println("portico: " + id + " will be returned to its sender");
        return 0;
    }

    // ---- tls ----------------------------------------------------------------------------------

    private static int tlsShow(CommandLine line, PrintStream out) throws IOException {
        Settings s = settings(line, Map.of());
        LogSetup.apply(LogConfig.from(s));
        Tls tls = Portico.openTls(s);
        X509Certificate leaf = tls.certificate();
        if (line.hasOption("pem")) {
            out.print(Certificates.pem(leaf));
        } else {
            out.println("source:      " + tls.origin());
            out.println("subject:     " + leaf.getSubjectX500Principal().getName());
            out.println("names:       " + String.join(", ", Certificates.alternativeNames(leaf)));
            out.println("issuer:      " + leaf.getIssuerX500Principal().getName());
            out.println("valid from:  " + leaf.getNotBefore().toInstant());
            out.println("valid until: " + leaf.getNotAfter().toInstant());
            out.println("SHA-256:     " + Certificates.sha256(leaf));
            out.println("SHA-1:       " + Certificates.sha1(leaf));
            out.println("chain:       " + tls.chain().size() + (tls.chain().size() == 1 ? " certificate" : " certificates"));
        }
        out.flush();
        return 0;
    }

    // ---- dkim ---------------------------------------------------------------------------------

    /** Zone file lines: a comment naming the key file, then the record, per domain. */
    private static int dkimShow(CommandLine line, PrintStream out) throws IOException {
        Settings s = settings(line, Map.of());
        LogSetup.apply(LogConfig.from(s));
        Dkim dkim = Portico.openDkim(s);
        if (dkim.domains().isEmpty()) {
            out.println("; DKIM signing is off (dkim.domains=off)");
            return 0;
        }
        for (String domain : dkim.domains()) {
            DkimKey key = dkim.key(domain);
            DkimRecord record = key.record(domain, dkim.selector());
            out.println("; " + domain + ": " + key.algorithm() + ", key " + key.file());
            out.println(record.zoneLine());
        }
        out.flush();
        return 0;
    }

    private static int userAdd(CommandLine line, PrintStream out) throws IOException {
        String name = line.getArgList().get(0);
        if (!User.isValidName(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("user names are 1-64 of a-z 0-9 . _ - and start with a letter or digit");
        }
        Set<Permission> perms = EnumSet.of(Permission.READ);
        if (!line.hasOption("read-only")) perms.add(Permission.WRITE);
        if (line.hasOption("admin")) perms.add(Permission.ADMIN);
        FileUserDirectory users = directory(line);
        User u = withPassword(password -> users.add(name, password, perms));
        out.println("portico: added user " + u.name() + " (" + describe(u) + ")");
        return 0;
    }

    private static int userPasswd(CommandLine line, PrintStream out) throws IOException {
        String name = line.getArgList().get(0);
        FileUserDirectory users = directory(line);
        if (users.find(name).isEmpty()) throw new IllegalArgumentException("no user " + name);
        withPassword(password -> {
            users.setPassword(name, password);
            return name;
        });
        out.println("portico: changed the password of " + name);
        return 0;
    }

    private static int userRemove(CommandLine line, PrintStream out) throws IOException {
        String name = line.getArgList().get(0);
        directory(line).remove(name);
        out.println("portico: removed user " + name.toLowerCase(Locale.ROOT));
        return 0;
    }

    private static int userList(CommandLine line, PrintStream out) throws IOException {
        for (User u : directory(line).list()) out.println(u.name() + "\t" + describe(u));
        return 0;
    }

    private static String describe(User u) {
        return String.join(",", u.permissions().stream().sorted().map(p -> p.name().toLowerCase(Locale.ROOT)).toList());
    }

    /** What a command does with a password it read. */
    @FunctionalInterface
    private interface PasswordUse<T> {
        T apply(char[] password) throws IOException;
    }

    /** Reads a password, hands it to {@code use}, and wipes it afterwards whatever happens. */
    private static <T> T withPassword(PasswordUse<T> use) throws IOException {
        char[] password = readPassword();
        try {
            return use.apply(password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] readPassword() throws IOException {
        Console console = System.console();
        if (console != null && isInteractive(console)) {
            char[] a = console.readPassword("Password: ");
            char[] b = console.readPassword("Again: ");
            if (a == null || b == null || !Arrays.equals(a, b)) throw new IllegalArgumentException("passwords differ");
            if (a.length == 0) throw new IllegalArgumentException("empty password");
            return a;
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) throw new IllegalArgumentException("no password on standard input");
        return line.toCharArray();
    }

    /** Java 22+ returns a console even when stdin is a pipe; only a real terminal gets a prompt. */
    private static boolean isInteractive(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;   // Java 21: System.console() is null unless stdin and stdout are terminals
        }
    }
}
