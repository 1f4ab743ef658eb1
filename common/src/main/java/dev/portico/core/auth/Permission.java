package dev.portico.core.auth;

/** What a user may do, the same for every protocol. */
public enum Permission {
    /** Read files (FTP RETR/LIST, shell cat/ls). */
    READ,
    /** Change files (FTP STOR/DELE/MKD/RNFR, shell rm/mv/mkdir). */
    WRITE,
    /** Shell console commands over the running suite (sessions, kick, users, bans). */
    ADMIN
}
