package dev.shepherd.proxy.endpoint;

/**
 * What an endpoint's health checker tells the endpoint's owner, which alone decides what the
 * endpoint's state becomes. Called on the checker's thread, in order; must not block.
 */
public interface HealthVerdicts {
    /** The verdict changed: {@code rise} passes in a row, or {@code fall} failures. */
    void healthChanged(boolean healthy, String reason);

    /** After every check: what the checks say now, for status. */
    void checked(String description);

    /** After every check, inconclusive ones too: its outcome, for the endpoint's meters. */
    void counted(CheckOutcome outcome);
}
