package dev.portico.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code /health} (the process answers) and {@code /ready} (every listener accepts and the data folder takes writes). */
final class HealthApi {

    record Health(String status) {}

    record ListenerView(String name, String address, boolean accepting) {}

    record Readiness(String status, List<ListenerView> listeners, Boolean dataWritable) {}

    private final HttpServer.Shared shared;

    HealthApi(HttpServer.Shared shared) {
        this.shared = shared;
    }

    Response health(Request r) {
        return Response.ok(new Health("up"));
    }

    /** 200 when ready, 503 with the same body when not, so a probe needs only the status. */
    Response ready(Request r) {
        List<ListenerView> listeners = shared.listeners().get().stream()
                .map(l -> new ListenerView(l.name(), l.address().getAddress().getHostAddress() + ":" + l.address().getPort(),
                        l.accepting()))
                .toList();
        Boolean writable = shared.dataDir() == null ? null : writable(shared.dataDir());
        boolean ready = listeners.stream().allMatch(ListenerView::accepting) && !Boolean.FALSE.equals(writable);
        return new Response.Json(ready ? 200 : 503, new Readiness(ready ? "ready" : "not ready", listeners, writable));
    }

    /** Writes, syncs and deletes a small file: a read-only remount or a full disk fails here. */
    private static boolean writable(Path dir) {
        Path probe = null;
        try {
            probe = Files.createTempFile(dir, ".portico-ready-", ".tmp");
            Files.write(probe, new byte[]{'o', 'k'}, java.nio.file.StandardOpenOption.SYNC);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // the check has its answer; a leftover probe is two bytes under a dot-name
                }
            }
        }
    }
}
