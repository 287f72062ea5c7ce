package dev.shepherd.proxy.supervisor;

/**
 * A worker replaced: the new instance is UP and in rotation; the old one is draining and then
 * stopped.
 *
 * @param oldPid the pid replaced, -1 when the slot had no process (a respawn by request)
 */
public record Replacement(String id, long oldPid, long newPid, int newPort) {}
