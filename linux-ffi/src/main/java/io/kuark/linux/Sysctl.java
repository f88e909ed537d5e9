package io.kuark.linux;

import java.nio.file.Path;

/**
 * Reads and writes kernel parameters under /proc/sys. Keys use either dots or slashes ({@code
 * net.ipv4.ip_forward} or {@code net/ipv4/ip_forward}); a dotted key whose segment contains a dot
 * (an interface like {@code eth0.10}) must be given with slashes.
 */
public interface Sysctl {

  /** Writes {@code value} to the key in the caller's namespaces. */
  void set(String key, String value);

  /** Reads the key's value, trimmed, in the caller's namespaces. */
  String get(String key);

  /** Writes the key inside the network namespace pinned at {@code netns}. */
  void setInNetns(Path netns, String key, String value);

  /** Reads the key inside the network namespace pinned at {@code netns}. */
  String getInNetns(Path netns, String key);
}
