package io.kuark.linux;

/**
 * Which conntrack entries to delete: all of the given fields must match; null (or 0 for the port)
 * matches anything.
 *
 * @param protocol IP protocol number (17 = UDP, 6 = TCP, 132 = SCTP)
 * @param originalDestination destination address the client used (e.g. a ClusterIP)
 * @param originalDestinationPort destination port the client used, or 0
 * @param replySource where the connection really went after DNAT (the reply tuple's source, e.g. an
 *     endpoint), or null
 */
public record ConntrackFilter(
    int protocol, String originalDestination, int originalDestinationPort, String replySource) {
  public static final int UDP = 17;

  /** Whether an entry with these tuple fields matches. */
  public boolean matches(int entryProtocol, String origDst, int origDstPort, String replySrc) {
    return entryProtocol == protocol
        && (originalDestination == null || originalDestination.equals(origDst))
        && (originalDestinationPort == 0 || originalDestinationPort == origDstPort)
        && (replySource == null || replySource.equals(replySrc));
  }
}
