package io.kuark.linux.jnr;

import io.kuark.linux.NetlinkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One netlink socket (NETLINK_ROUTE unless asked otherwise) and the request/ack and dump exchanges
 * over it. The socket belongs to the network namespace of the thread that created it, for its whole
 * life.
 */
final class NetlinkSocket implements AutoCloseable {
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  private static final int NLM_F_CAPPED = 0x100;
  private static final int NLM_F_ACK_TLVS = 0x200;
  private static final int NLMSGERR_ATTR_MSG = 1;
  private static final int HDR = 16;

  /** One received message: type, flags and its payload in {@code data[offset, end)}. */
  record Message(int type, int flags, ByteBuffer data, int offset, int end) {}

  private final LibC libc = Native.libc();
  private final byte[] receiveBuffer = new byte[1 << 16];
  private int fd;
  private int seq = (int) (System.nanoTime() & 0x7fffffff);

  NetlinkSocket() {
    this(LibC.NETLINK_ROUTE);
  }

  /**
   * @param protocol the netlink family, e.g. {@link LibC#NETLINK_ROUTE} or {@link
   *     LibC#NETLINK_NETFILTER}
   */
  NetlinkSocket(int protocol) {
    fd =
        Native.check(
            libc.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol),
            "socket(AF_NETLINK)");
    // Extended acks give the kernel's own explanation ("Nexthop has invalid gateway", …).
    libc.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, new int[] {1}, 4);
  }

  /**
   * Sends a request with NLM_F_ACK and waits for the ack; a non-zero error becomes an exception.
   */
  synchronized void execute(NlRequest request, String operation) {
    int mySeq = send(request);
    while (true) {
      for (Message m : receive()) {
        if (seqOf(m) != mySeq) {
          continue;
        }
        if (m.type() == NLMSG_ERROR) {
          throwIfError(m, operation);
          return;
        }
      }
    }
  }

  /**
   * Sends a request that is answered by one message (a get); returns it, or null when the kernel
   * acked without data. Errors become exceptions.
   */
  synchronized Message query(NlRequest request, String operation) {
    return query(request, operation, 0);
  }

  /**
   * Like {@link #query(NlRequest, String)}, but the error {@code toleratedErrno} (e.g. ENODEV for
   * "no such link") is answered with null instead of an exception: cheaper for an answer that is
   * expected on the normal path (no exception, no strerror call).
   */
  synchronized Message query(NlRequest request, String operation, int toleratedErrno) {
    int mySeq = send(request);
    while (true) {
      for (Message m : receive()) {
        if (seqOf(m) != mySeq) {
          continue;
        }
        if (m.type() == NLMSG_ERROR) {
          if (toleratedErrno == 0 || errorOf(m) != -toleratedErrno) {
            throwIfError(m, operation);
          }
          return null;
        }
        return m;
      }
    }
  }

  /**
   * Sends all requests in one send (each with its own sequence number; they should carry NLM_F_ACK)
   * and waits until each is acknowledged. Returns, per request, the data message it was answered
   * with (a get's reply) or null. The first failed request's error (in request order) is thrown
   * after every request has been answered, so no stray reply is left on the socket.
   */
  synchronized List<Message> exchange(List<NlRequest> requests, List<String> operations) {
    ensureOpen();
    int n = requests.size();
    if (n == 0) {
      return List.of();
    }
    int first = seq + 1;
    byte[][] parts = new byte[n][];
    int total = 0;
    for (int i = 0; i < n; i++) {
      parts[i] = requests.get(i).bytes(++seq);
      total += NlRequest.align(parts[i].length);
    }
    byte[] all = new byte[total];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += NlRequest.align(part.length);
    }
    if (libc.send(fd, all, all.length, 0) < 0) {
      throw Native.lastError("netlink send");
    }
    Message[] replies = new Message[n];
    boolean[] answered = new boolean[n];
    int pending = n;
    NetlinkException failure = null;
    int failedAt = n;
    while (pending > 0) {
      for (Message m : receive()) {
        int i = seqOf(m) - first;
        if (i < 0 || i >= n || answered[i]) {
          continue; // a stray reply of an earlier, interrupted exchange
        }
        if (m.type() != NLMSG_ERROR) {
          replies[i] = m;
          continue;
        }
        answered[i] = true;
        pending--;
        try {
          throwIfError(m, operations.get(i));
        } catch (NetlinkException e) {
          if (i < failedAt) {
            failure = e;
            failedAt = i;
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return java.util.Arrays.asList(replies);
  }

  private static int errorOf(Message m) {
    return m.data().getInt(m.offset() + HDR);
  }

  /** Sends a dump request and collects the replies up to NLMSG_DONE. */
  synchronized List<Message> dump(NlRequest request, String operation) {
    int mySeq = send(request);
    List<Message> out = new ArrayList<>();
    while (true) {
      for (Message m : receive()) {
        if (seqOf(m) != mySeq) {
          continue;
        }
        if (m.type() == NLMSG_DONE) {
          return out;
        }
        if (m.type() == NLMSG_ERROR) {
          throwIfError(m, operation);
          return out;
        }
        out.add(m);
      }
    }
  }

  private int send(NlRequest request) {
    ensureOpen();
    int mySeq = ++seq;
    byte[] bytes = request.bytes(mySeq);
    long sent = libc.send(fd, bytes, bytes.length, 0);
    if (sent < 0) {
      throw Native.lastError("netlink send");
    }
    return mySeq;
  }

  private List<Message> receive() {
    long n = libc.recv(fd, receiveBuffer, receiveBuffer.length, 0);
    if (n < 0) {
      throw Native.lastError("netlink recv");
    }
    // Copy: the receive buffer is reused by the next call.
    ByteBuffer data =
        ByteBuffer.wrap(java.util.Arrays.copyOf(receiveBuffer, (int) n))
            .order(ByteOrder.nativeOrder());
    List<Message> out = new ArrayList<>();
    int pos = 0;
    while (pos + HDR <= n) {
      int len = data.getInt(pos);
      if (len < HDR || pos + len > n) {
        break;
      }
      int type = Short.toUnsignedInt(data.getShort(pos + 4));
      int flags = Short.toUnsignedInt(data.getShort(pos + 6));
      out.add(new Message(type, flags, data, pos, pos + len));
      pos += NlRequest.align(len);
    }
    return out;
  }

  private static int seqOf(Message m) {
    return m.data().getInt(m.offset() + 8);
  }

  private void throwIfError(Message m, String operation) {
    ByteBuffer d = m.data();
    int payload = m.offset() + HDR;
    int error = d.getInt(payload);
    if (error == 0) {
      return;
    }
    int errno = -error;
    String message = null;
    if ((m.flags() & NLM_F_ACK_TLVS) != 0) {
      int origLen = (m.flags() & NLM_F_CAPPED) != 0 ? HDR : d.getInt(payload + 4);
      int tlvStart = payload + 4 + NlRequest.align(origLen);
      if (tlvStart < m.end()) {
        String extack = new NlAttrs(d, tlvStart, m.end()).string(NLMSGERR_ATTR_MSG);
        if (extack != null && !extack.isEmpty()) {
          message = Native.strerror(errno) + ": " + extack;
        }
      }
    }
    if (message == null) {
      message = Native.strerror(errno);
    }
    throw new NetlinkException(operation, errno, message);
  }

  static String utf8(byte[] raw) {
    return new String(raw, StandardCharsets.UTF_8);
  }

  private void ensureOpen() {
    if (fd < 0) {
      throw new IllegalStateException("netlink socket closed");
    }
  }

  @Override
  public synchronized void close() {
    if (fd >= 0) {
      libc.close(fd);
      fd = -1;
    }
  }
}
