package dev.portico.core.auth;

import java.util.List;
import java.util.Optional;

/** The one set of users every server shares. Implementations are thread-safe. */
public interface UserDirectory {

    /** Looks a user up by name, case-insensitively. */
    Optional<User> find(String name);

    /**
     * Checks a password. Does not throttle: servers call {@link LoginGuard#login} instead, which
     * calls this and slows down failures.
     */
    Optional<User> authenticate(String name, char[] password);

    List<User> list();
}
