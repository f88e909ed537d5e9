package io.kuark.bench.storage;

import java.util.function.Consumer;

/** The operations the storage benchmark measures, on one backend. */
interface BenchTarget extends AutoCloseable {

  String name();

  /** Creates a new key; returns its mod revision. */
  long create(String key, byte[] value);

  /** Reads a key; returns whether it exists. */
  boolean get(String key);

  /** Compare-and-swap update; returns the new mod revision. */
  long update(String key, byte[] value, long expectedModRevision);

  /** Reads every key under the prefix; returns how many. */
  int list(String prefix);

  /** Watches the prefix from now, calling {@code onKey} with the key of every change. */
  AutoCloseable watch(String prefix, Consumer<String> onKey);

  @Override
  void close();
}
