package dev.shepherd.proxy.config;

import java.util.Map;
import java.util.Set;

/**
 * {@code {port}} and {@code {id}} in {@code workers.command} and {@code workers.env} (as
 * supervisord's {@code %(process_num)d}), replaced per worker instance; {@code {{} and {@code }}}
 * stand for literal braces, and a shell's {@code ${NAME}} is left as it is (for {@code sh -c}).
 * Anything else between braces, and a lone brace, is an error.
 */
public final class Placeholders {
    /** The names a placeholder may have. */
    public static final Set<String> NAMES = Set.of("port", "id");

    private Placeholders() {}

    /** Checks {@code text}; the message of the exception says what is wrong and where. */
    static void check(String text) {
        expand(text, null);
    }

    /** {@code text} with each placeholder replaced by its value in {@code values}. */
    public static String expand(String text, Map<String, String> values) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{' && text.indexOf('}', i + 2) > 0) {
                int close = text.indexOf('}', i + 2); // a shell's ${NAME}, as it is
                out.append(text, i, close + 1);
                i = close + 1;
            } else if (c == '{' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                out.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                out.append('}');
                i += 2;
            } else if (c == '{') {
                int close = text.indexOf('}', i + 1);
                String name = close < 0 ? null : text.substring(i + 1, close);
                if (name == null || name.contains("{")) {
                    throw new IllegalArgumentException("a '{' with no placeholder at character " + (i + 1) + " of '" + text
                            + "': write {{ for a literal brace");
                }
                if (!NAMES.contains(name)) {
                    throw new IllegalArgumentException("unknown placeholder {" + name + "} in '" + text
                            + "': only {port} and {id} (write {{ and }} for literal braces)");
                }
                out.append(values == null ? "" : values.get(name));
                i = close + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("a lone '}' at character " + (i + 1) + " of '" + text
                        + "': write }} for a literal brace");
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
