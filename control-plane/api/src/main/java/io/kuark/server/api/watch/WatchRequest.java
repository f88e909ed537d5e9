package io.kuark.server.api.watch;

import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.select.ObjectFilter;

/**
 * A parsed watch request.
 *
 * @param filter namespace and selectors
 * @param resourceVersion the start revision, "" or "0" for "current state first"
 * @param sendInitialEvents send the current state as ADDED events first
 * @param bookmarks allowWatchBookmarks
 * @param timeoutSeconds end the watch after this long
 * @param format object, Table or metadata events
 * @param includeObject Table rows' object (None, Metadata, Object)
 */
public record WatchRequest(
    ObjectFilter filter,
    String resourceVersion,
    boolean sendInitialEvents,
    boolean bookmarks,
    long timeoutSeconds,
    OutputFormat format,
    String includeObject) {}
