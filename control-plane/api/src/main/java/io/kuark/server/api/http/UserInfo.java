package io.kuark.server.api.http;

import java.util.List;

/**
 * The authenticated user of a request.
 *
 * @param name user name (client certificate CN)
 * @param groups groups (client certificate O entries) plus {@code system:authenticated}
 */
public record UserInfo(String name, List<String> groups) {}
