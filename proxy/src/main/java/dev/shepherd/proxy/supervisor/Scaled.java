package dev.shepherd.proxy.supervisor;

/** The flock went from {@code from} to {@code to} workers: the new ones are UP, the removed ones stopped. */
public record Scaled(int from, int to) {}
