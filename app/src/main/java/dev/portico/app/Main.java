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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import ch.qos.logback.classic.LoggerContext;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/** The {@code portico} command: {@code serve} (the default), {@code user}, {@code tls}, {@code version}. */
@Command(name = "portico", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Telnet, FTP, SMTP and POP3 servers in one process, with an optional HTTP API.",
        subcommands = {Main.Serve.class, Main.UserCommand.class, Main.TlsCommand.class, Main.VersionCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        String[] effective = args.length == 0 || args[0].startsWith("-") && !isHelpOrVersion(args[0])
                ? prepend("serve", args) : args;
        int code = commandLine().execute(effective);
        LogSetup.releaseHeld();   // a command that ended before reading its configuration still shows its log
        if (code != 0 || !"serve".equals(effective[0])) System.exit(code);
    }

    /** The command line with its error handling: a bad configuration is one line and exit status 2, no stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException || e instanceof IOException) {
                cmd.getErr().println("portico: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
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

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"portico " + (v == null ? "(development build)" : v)
                    + " on Java " + Runtime.version()};
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println(new Version().getVersion()[0]);
            return 0;
        }
    }

    /** Options shared by commands that touch the data folder. */
    static class DataOptions {
        @Option(names = "--config", paramLabel = "FILE", description = "Properties file with any configuration key.")
        Path config;

        @Option(names = "--data", paramLabel = "DIR", description = "Data folder (default: ./data).")
        Path data;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key (repeatable).")
        Map<String, String> set = new LinkedHashMap<>();

        /** File values first, then flags: a flag always wins. */
        Settings settings(Map<String, String> flags) throws IOException {
            Settings s = config == null ? Settings.empty() : Settings.load(config);
            Map<String, String> over = new LinkedHashMap<>(set);
            flags.forEach((k, v) -> { if (v != null) over.put(k, v); });
            if (data != null) over.put("data", data.toString());
            return s.with(Settings.of(over));
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Start every server (the default command). Each port takes a number, 0 for any free port, or 'off'.")
    static final class Serve extends DataOptions implements Callable<Integer> {
        @Option(names = "--bind", paramLabel = "ADDR", description = "Listen address (default: 127.0.0.1).")
        String bind;
        @Option(names = "--domain", paramLabel = "NAME", description = "Mail domain served here (repeatable; default: localhost).")
        List<String> domains;
        @Option(names = "--telnet-port", paramLabel = "PORT", description = "Telnet shell port (default: 2323).")
        String telnetPort;
        @Option(names = "--ftp-port", paramLabel = "PORT", description = "FTP port (default: 2121; active data from port − 1).")
        String ftpPort;
        @Option(names = "--smtp-port", paramLabel = "PORT", description = "SMTP port (default: 2525).")
        String smtpPort;
        @Option(names = "--pop3-port", paramLabel = "PORT", description = "POP3 port (default: 2110).")
        String pop3Port;
        @Option(names = "--echo-port", paramLabel = "PORT", description = "Echo (RFC 862, TCP and UDP) port (default: off).")
        String echoPort;
        @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP API, health and readiness port (default: off; 8025 with --dev).")
        String httpPort;
        @Option(names = "--log-format", paramLabel = "FORMAT",
                description = "Log lines on standard error: text (default) or json, one object per line (log.format).")
        String logFormat;
        @Option(names = "--dev", description = "For tests in any language: the HTTP API on port 8025 unless http.port is set, and catch-all mail delivery.")
        boolean dev;

        /** The config file, then {@code --set}, then the named flags: the most specific wins. */
        Settings resolved() throws IOException {
            Map<String, String> flags = new LinkedHashMap<>();
            flags.put("bind", bind);
            flags.put("domain", domains == null ? null : String.join(",", domains));
            flags.put("telnet.port", telnetPort);
            flags.put("ftp.port", ftpPort);
            flags.put("smtp.port", smtpPort);
            flags.put("pop3.port", pop3Port);
            flags.put("echo.port", echoPort);
            flags.put("http.port", httpPort);
            flags.put("log.format", logFormat);
            Settings s = settings(flags);
            if (dev) {
                // Only keys, each one unless the file, --set or a flag set it: --dev is a shorthand, never a mode of its own.
                if (!s.has("http.port")) s = s.with("http.port", Integer.toString(HttpConfig.DEV_PORT));
                // Any recipient is accepted and gets its mailbox on first delivery, as a test mail catcher should.
                if (!s.has("smtp.catch-all")) s = s.with("smtp.catch-all", "true");
            }
            return s;
        }

        @Override
        public Integer call() throws Exception {
            Settings settings = resolved();
            LogSetup.apply(LogConfig.from(settings));
            Portico portico = Portico.start(settings);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("portico: stopping");
                portico.close();
                System.out.println("portico: stopped");
                System.out.flush();
                if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
                    logs.stop();   // drains the asynchronous appender before the halt below
                }
                stopped.countDown();
                // SIGTERM and SIGINT are the normal way to stop a server, so they end with 0.
                Runtime.getRuntime().halt(0);
            }, "portico-shutdown"));
            for (Map.Entry<String, InetSocketAddress> e : portico.listeners().entrySet()) {
                System.out.println("portico: " + e.getKey() + " listening on " + format(e.getValue()));
            }
            System.out.println("portico: ready");
            System.out.flush();
            stopped.await();
            return 0;
        }

        private static String format(InetSocketAddress a) {
            String host = a.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
        }
    }

    @Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users.",
            subcommands = {UserAdd.class, UserRemove.class, UserList.class, UserPasswd.class})
    static final class UserCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            new CommandLine(this).usage(System.out);
            return 0;
        }
    }

    static FileUserDirectory directory(DataOptions o) throws IOException {
        Settings s = o.settings(Map.of());
        LogSetup.apply(LogConfig.from(s));
        return new FileUserDirectory(Portico.usersFile(Path.of(s.string("data", "data"))));
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a user. The password is read from standard input when it is not a terminal, prompted otherwise.")
    static final class UserAdd extends DataOptions implements Callable<Integer> {
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--read-only", description = "May read files and mail, not change files.") boolean readOnly;
        @Option(names = "--admin", description = "May use the shell's console commands.") boolean admin;

        @Override
        public Integer call() throws IOException {
            if (!User.isValidName(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("user names are 1-64 of a-z 0-9 . _ - and start with a letter or digit");
            }
            Set<Permission> perms = EnumSet.of(Permission.READ);
            if (!readOnly) perms.add(Permission.WRITE);
            if (admin) perms.add(Permission.ADMIN);
            FileUserDirectory users = directory(this);
            User u = withPassword(password -> users.add(name, password, perms));
            System.out.println("portico: added user " + u.name() + " (" + describe(u) + ")");
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Change a user's password (read like add).")
    static final class UserPasswd extends DataOptions implements Callable<Integer> {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() throws IOException {
            FileUserDirectory users = directory(this);
            if (users.find(name).isEmpty()) throw new IllegalArgumentException("no user " + name);
            withPassword(password -> {
                users.setPassword(name, password);
                return name;
            });
            System.out.println("portico: changed the password of " + name);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user (their files and mail stay).")
    static final class UserRemove extends DataOptions implements Callable<Integer> {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() throws IOException {
            directory(this).remove(name);
            System.out.println("portico: removed user " + name.toLowerCase(Locale.ROOT));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class UserList extends DataOptions implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            for (User u : directory(this).list()) System.out.println(u.name() + "\t" + describe(u));
            return 0;
        }
    }

    @Command(name = "tls", mixinStandardHelpOptions = true, description = "The TLS certificate.",
            subcommands = {TlsShow.class})
    static final class TlsCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            new CommandLine(this).usage(System.out);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the certificate clients are shown, with the fingerprints they display "
                    + "(generating the self-signed one when none is configured, as a start would).")
    static final class TlsShow extends DataOptions implements Callable<Integer> {
        @Option(names = "--pem", description = "Print only the certificate in PEM (for curl --cacert, a trust store).")
        boolean pem;

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Settings s = settings(Map.of());
            LogSetup.apply(LogConfig.from(s));
            Tls tls = Portico.openTls(s);
            PrintWriter out = spec.commandLine().getOut();
            X509Certificate leaf = tls.certificate();
            if (pem) {
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
