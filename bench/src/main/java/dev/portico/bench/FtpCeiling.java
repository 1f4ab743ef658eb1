package dev.portico.bench;

/**
 * ftp-sessions against {@link TrivialFtpServer} in this JVM: the generator's own ceiling, reported under the
 * same workload name as the real servers so that it lands in the same table (server=ceiling).
 */
final class FtpCeiling {
    private FtpCeiling() {
    }

    static void run(Args a) throws Exception {
        String[] range = a.string("passive-ports", "25000-25999").split("-");
        try (TrivialFtpServer server = new TrivialFtpServer(0, Integer.parseInt(range[0]), Integer.parseInt(range[1]))) {
            FtpSessions.run(a, "ftp-sessions", "127.0.0.1", server.port(), ProcessHandle.current().pid());
        }
    }
}
