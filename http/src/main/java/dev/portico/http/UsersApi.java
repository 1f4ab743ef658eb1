package dev.portico.http;

import dev.portico.core.LogSafe;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.Permission;
import dev.portico.core.auth.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/users}: the users every server shares, as {@code portico user} lists and adds
 * them: one user is one FTP account, one mailbox, one POP3 and one shell login.
 */
final class UsersApi {

    /** A user as the API shows it; the password never leaves. */
    record UserView(String name, String address, boolean readOnly, boolean admin, List<String> permissions) {}

    /** The body of {@code POST /api/v1/users}; {@code readOnly} and {@code admin} default to false. */
    record NewUser(String name, String password, Boolean readOnly, Boolean admin) {}

    private static final Logger log = LoggerFactory.getLogger(UsersApi.class);

    private final HttpServer.Shared shared;

    UsersApi(HttpServer.Shared shared) {
        this.shared = shared;
    }

    Response list(Request r) {
        return Response.ok(shared.users().list().stream().map(this::view).toList());
    }

    Response get(Request r) {
        return Response.ok(view(find(r.var("name"))));
    }

    /**
     * Adds a user. Checked here before the directory is asked, so that every refusal is the
     * client's 4xx; one lock keeps two requests adding the same name from racing past the check.
     */
    Response add(Request r) throws IOException {
        NewUser u = r.json(NewUser.class);
        if (u.name() == null || u.password() == null) throw HttpProblem.badRequest("name and password are required");
        String name = u.name().toLowerCase(Locale.ROOT);
        if (!User.isValidName(name)) {
            throw HttpProblem.badRequest("user names are 1-64 of a-z 0-9 . _ - and start with a letter or digit");
        }
        if (u.password().isEmpty()) throw HttpProblem.badRequest("the password is empty");
        Set<Permission> perms = EnumSet.of(Permission.READ);
        if (!Boolean.TRUE.equals(u.readOnly())) perms.add(Permission.WRITE);
        if (Boolean.TRUE.equals(u.admin())) perms.add(Permission.ADMIN);
        char[] password = u.password().toCharArray();
        User added;
        try {
            synchronized (this) {
                if (shared.users().find(name).isPresent()) throw HttpProblem.conflict("user " + name + " exists already");
                added = editable().add(name, password, perms);
            }
        } finally {
            Arrays.fill(password, '\0');
        }
        log.info("http: added user {} ({})", added.name(), perms);
        return new Response.Json(201, view(added), Map.of("Location", "/api/v1/users/" + added.name()));
    }

    /** Removes a user; their files and mail stay, as with {@code portico user remove}. */
    Response remove(Request r) throws IOException {
        User u = find(r.var("name"));
        synchronized (this) {
            if (shared.users().find(u.name()).isEmpty()) throw HttpProblem.notFound("no user " + u.name());
            editable().remove(u.name());
        }
        log.info("http: removed user {}", u.name());
        return Response.noContent();
    }

    /** The users file, which the API may change; an embedding program that supplies its own users manages them itself. */
    private FileUserDirectory editable() {
        if (shared.users() instanceof FileUserDirectory d) return d;
        throw HttpProblem.conflict("users are managed by the program that embeds Portico, not through this API");
    }

    private User find(String name) {
        return shared.users().find(name)
                .orElseThrow(() -> HttpProblem.notFound("no user " + LogSafe.text(name, 64)));
    }

    private UserView view(User u) {
        return new UserView(u.name(), u.name() + "@" + shared.domains().primary(), !u.canWrite(), u.isAdmin(),
                u.permissions().stream().sorted().map(p -> p.name().toLowerCase(Locale.ROOT)).toList());
    }
}
