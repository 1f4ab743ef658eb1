package dev.portico.http;

import dev.portico.core.LogSafe;
import dev.portico.core.SessionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** {@code /api/v1/sessions}: every live session of every server, as the shell's {@code sessions} shows them, and closing them. */
final class SessionsApi {

    record SessionView(long id, String protocol, String user, String remote, String started, String lastActivity,
                       long bytesIn, long bytesOut) {}

    record Closed(int closed) {}

    private static final Logger log = LoggerFactory.getLogger(SessionsApi.class);

    private final HttpServer.Shared shared;

    SessionsApi(HttpServer.Shared shared) {
        this.shared = shared;
    }

    Response list(Request r) {
        String user = r.query.get("user");
        return Response.ok(sessions(user).stream().map(SessionsApi::view).toList());
    }

    Response close(Request r) {
        long id;
        try {
            id = Long.parseLong(r.var("id"));
        } catch (NumberFormatException e) {
            throw HttpProblem.notFound("no session " + LogSafe.text(r.var("id"), 32));
        }
        if (!shared.listening().sessions().close(id)) throw HttpProblem.notFound("no session " + id);
        log.info("http: closed session {}", id);
        return Response.noContent();
    }

    /** {@code DELETE /api/v1/sessions?user=NAME}: closes every session of one user (the parameter is required). */
    Response closeAll(Request r) {
        String user = r.query.get("user");
        if (user == null || user.isEmpty()) throw HttpProblem.badRequest("name the user: ?user=NAME");
        int n = 0;
        for (SessionInfo s : sessions(user)) {
            if (shared.listening().sessions().close(s.id())) n++;
        }
        log.info("http: closed {} sessions of {}", n, LogSafe.text(user, 64));
        return Response.ok(new Closed(n));
    }

    private List<SessionInfo> sessions(String user) {
        return shared.listening().sessions().sessions().stream()
                .filter(s -> user == null || user.equalsIgnoreCase(s.user()))
                .toList();
    }

    private static SessionView view(SessionInfo s) {
        String host = s.remote().getAddress().getHostAddress();
        String remote = (host.contains(":") ? "[" + host + "]" : host) + ":" + s.remote().getPort();
        return new SessionView(s.id(), s.protocol(), s.user(), remote, s.started().toString(),
                s.lastActivity().toString(), s.bytesIn(), s.bytesOut());
    }
}
