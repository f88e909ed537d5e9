package io.kuark.server.storage.sqlite;

import io.kuark.server.storage.KeyValue;

/**
 * One row of the revision log: one write to one key.
 *
 * @param revision the write's revision (the row id)
 * @param deleted whether this write deleted the key; a deletion row keeps the last value
 * @param prevRevision the revision of the key's previous row, 0 for the first
 */
record LogRow(
    long revision,
    String key,
    byte[] value,
    long createRevision,
    long prevRevision,
    boolean deleted) {

  KeyValue keyValue() {
    return new KeyValue(key, value, createRevision, revision);
  }
}
