package dev.shepherd.proxy.admin;

import java.util.Map;

/**
 * What the admin API answers: a status and a JSON body, or Prometheus text.
 *
 * @param json an object Jackson writes, or {@code null} when {@code text} is the body
 */
record AdminReply(int status, Object json, String text) {
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    static AdminReply ok(Object json) {
        return new AdminReply(200, json, null);
    }

    static AdminReply accepted(Object json) {
        return new AdminReply(202, json, null);
    }

    static AdminReply error(int status, String message) {
        return new AdminReply(status, Map.of("error", message), null);
    }

    static AdminReply metrics(String text) {
        return new AdminReply(200, null, text);
    }
}
