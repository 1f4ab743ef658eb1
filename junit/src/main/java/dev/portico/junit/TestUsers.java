package dev.portico.junit;

import dev.portico.core.auth.Permission;
import dev.portico.core.auth.User;
import dev.portico.core.auth.UserDirectory;
import dev.portico.smtp.LocalDelivery;

import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users of one test Portico, in memory: no file, no slow hash (these passwords are test
 * fixtures). With {@code anyLogin} every well-formed name logs in with any password, as itself; a
 * name written as an address ({@code bob@example.org}) logs in as its mailbox ({@code bob}), so a
 * client configured the GreenMail way reads the mail a catch-all delivery put there.
 */
final class TestUsers implements UserDirectory {

    private record Entry(User user, char[] password) {}

    private static final EnumSet<Permission> READ_WRITE = EnumSet.of(Permission.READ, Permission.WRITE);

    private final Map<String, Entry> users = new ConcurrentHashMap<>();
    private final boolean anyLogin;

    TestUsers(boolean anyLogin) {
        this.anyLogin = anyLogin;
    }

    /** Adds a user who may read and write, or replaces one of that name. */
    User put(String name, String password) {
        User u = new User(normalize(name), READ_WRITE);
        users.put(u.name(), new Entry(u, password.toCharArray()));
        return u;
    }

    boolean remove(String name) {
        return users.remove(normalize(name)) != null;
    }

    void setPassword(String name, String password) {
        String key = normalize(name);
        if (users.computeIfPresent(key, (k, e) -> new Entry(e.user(), password.toCharArray())) == null) {
            throw new IllegalArgumentException("no user " + name + "; have " + users.keySet());
        }
    }

    void clear() {
        users.clear();
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!User.isValidName(n)) {
            throw new IllegalArgumentException("invalid user name: " + name
                    + " (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64)");
        }
        return n;
    }

    @Override
    public Optional<User> find(String name) {
        if (name == null) return Optional.empty();
        Entry e = users.get(name.toLowerCase(Locale.ROOT));
        return e == null ? Optional.empty() : Optional.of(e.user());
    }

    @Override
    public Optional<User> authenticate(String name, char[] password) {
        if (name == null || password == null) return Optional.empty();
        Entry e = users.get(name.toLowerCase(Locale.ROOT));
        if (anyLogin) {
            if (e != null) return Optional.of(e.user());
            int at = name.lastIndexOf('@');
            String local = at > 0 ? name.substring(0, at) : name;
            if (local.isEmpty()) return Optional.empty();
            return Optional.of(new User(LocalDelivery.catchAllMailbox(local), READ_WRITE));
        }
        return e != null && Arrays.equals(e.password(), password) ? Optional.of(e.user()) : Optional.empty();
    }

    @Override
    public List<User> list() {
        return users.values().stream().map(Entry::user).sorted(Comparator.comparing(User::name)).toList();
    }
}
