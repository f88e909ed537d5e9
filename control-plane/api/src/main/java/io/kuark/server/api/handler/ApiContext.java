package io.kuark.server.api.handler;

import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.api.strategy.Strategies;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.apimodel.ResourceCatalog;

/**
 * What resource handlers work with.
 *
 * @param store objects over storage
 * @param catalog served resources
 * @param watches per-type watch caches
 * @param strategies type-specific behaviour
 * @param admission defaulting and validation
 * @param shaper Table / metadata rendering
 */
public record ApiContext(
    ObjectStore store,
    ResourceCatalog catalog,
    WatchCaches watches,
    Strategies strategies,
    ObjectAdmission admission,
    ResponseShaper shaper) {}
