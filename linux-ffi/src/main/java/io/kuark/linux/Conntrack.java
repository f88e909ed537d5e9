package io.kuark.linux;

import java.util.List;

/**
 * The kernel's connection tracking table over NETLINK_NETFILTER (what the {@code conntrack} tool
 * does, without running it). A socket belongs to one network namespace; close it when done.
 */
public interface Conntrack extends AutoCloseable {
  /**
   * Deletes every IPv4 entry that matches at least one of {@code filters}: one dump of the table,
   * then one delete per match. Entries that expire meanwhile are skipped.
   *
   * @return how many entries were deleted
   * @throws NetlinkException when the kernel refuses the dump or a delete
   */
  int delete(List<ConntrackFilter> filters);

  @Override
  void close();
}
