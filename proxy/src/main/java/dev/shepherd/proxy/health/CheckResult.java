package dev.shepherd.proxy.health;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one health check; {@code detail} says why it failed, e.g. {@code HTTP 500}. An
 * inconclusive check failed on the edge's side (out of file descriptors or local ports): it says
 * nothing about the endpoint and does not count.
 */
record CheckResult(boolean passed, boolean conclusive, String detail) {
    static final CheckResult PASSED = new CheckResult(true, true, "passed");

    CheckResult {
        requireNonNull(detail, "detail");
    }

    static CheckResult failed(String detail) {
        return new CheckResult(false, true, detail);
    }

    static CheckResult inconclusive(String detail) {
        return new CheckResult(false, false, detail);
    }
}
