package io.kuark.server.storage;

/**
 * One version of one key.
 *
 * @param key full storage key, e.g. {@code /registry/pods/default/web-1}
 * @param value the stored bytes (for a DELETED watch event: the last value before deletion)
 * @param createRevision revision at which this key was created (its current incarnation)
 * @param modRevision revision of the write that produced this version (for a DELETED event: the
 *     deletion's revision); this is what the API exposes as {@code resourceVersion}
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {}
