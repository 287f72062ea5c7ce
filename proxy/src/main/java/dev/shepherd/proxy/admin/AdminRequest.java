package dev.shepherd.proxy.admin;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One admin request, as the routes see it.
 *
 * @param path the decoded path, such as {@code /endpoints/127.0.0.1:9001/drain}
 * @param authorization the {@code Authorization} header, {@code null} without one
 */
record AdminRequest(String method, String path, Map<String, List<String>> query, String authorization, String body) {
    AdminRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        query = Map.copyOf(requireNonNull(query, "query"));
        requireNonNull(body, "body");
    }
}
