package dev.shepherd.proxy.endpoint;

import java.util.concurrent.CompletableFuture;

/**
 * A drain under way: the endpoint takes no new connection from now on.
 *
 * @param openConnections connections still open when it began
 * @param idle completes when the last of them has closed (at once when there were none)
 */
public record DrainStarted(int openConnections, CompletableFuture<Void> idle) {}
