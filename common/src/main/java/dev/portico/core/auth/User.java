package dev.portico.core.auth;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/** One account: one FTP login, one mailbox, one POP3 login, one shell login. */
public record User(String name, Set<Permission> permissions) {

    /** Names are also directory names and mailbox local parts, so they stay this plain. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public User {
        if (!isValidName(name)) throw new IllegalArgumentException("invalid user name: " + name);
        permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..");
    }

    public boolean can(Permission p) {
        return permissions.contains(p);
    }

    public boolean canWrite() {
        return can(Permission.WRITE);
    }

    public boolean isAdmin() {
        return can(Permission.ADMIN);
    }
}
