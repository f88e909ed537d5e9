package io.kuark.linux;

/**
 * A request the kernel refused over rtnetlink: the {@code errno} from the NLMSG_ERROR ack, and the
 * kernel's extended-ack text when it sent one (otherwise strerror).
 */
public class NetlinkException extends LinuxException {
  public NetlinkException(String operation, int errno, String message) {
    super(operation, errno, message);
  }
}
