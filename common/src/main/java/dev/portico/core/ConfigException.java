package dev.portico.core;

/** A configuration value that cannot be used; the message names the key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
    }
}
