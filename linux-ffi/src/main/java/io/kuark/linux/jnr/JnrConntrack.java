package io.kuark.linux.jnr;

import io.kuark.linux.Conntrack;
import io.kuark.linux.ConntrackFilter;
import io.kuark.linux.NetlinkException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * {@link Conntrack} over a NETLINK_NETFILTER socket: ctnetlink messages (subsystem 1) with a
 * nfgenmsg header and big-endian attributes. The kernel can only delete an entry named by its
 * original tuple, so deleting "everything to X" is a dump followed by one delete per match, as
 * conntrack-tools does.
 */
public final class JnrConntrack implements Conntrack {
  private static final int NFNL_SUBSYS_CTNETLINK = 1;
  private static final int IPCTNL_MSG_CT_GET = 1;
  private static final int IPCTNL_MSG_CT_DELETE = 2;
  private static final int AF_INET = 2;
  private static final int ENOENT = 2;

  private static final int CTA_TUPLE_ORIG = 1;
  private static final int CTA_TUPLE_REPLY = 2;
  private static final int CTA_TUPLE_ZONE = 3;
  private static final int CTA_TUPLE_IP = 1;
  private static final int CTA_TUPLE_PROTO = 2;
  private static final int CTA_IP_V4_SRC = 1;
  private static final int CTA_IP_V4_DST = 2;
  private static final int CTA_PROTO_NUM = 1;
  private static final int CTA_PROTO_SRC_PORT = 2;
  private static final int CTA_PROTO_DST_PORT = 3;
  private static final int NFGENMSG = 4;

  private final NetlinkSocket socket = new NetlinkSocket(LibC.NETLINK_NETFILTER);

  /** Opens the socket in the calling thread's network namespace. */
  public JnrConntrack() {}

  @Override
  public int delete(List<ConntrackFilter> filters) {
    if (filters.isEmpty()) {
      return 0;
    }
    NlRequest dump =
        new NlRequest((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET, NlRequest.NLM_F_DUMP)
            .u8(AF_INET)
            .u8(0)
            .u16(0);
    int deleted = 0;
    for (NetlinkSocket.Message m : socket.dump(dump, "conntrack dump")) {
      NlAttrs attrs = new NlAttrs(m.data(), m.offset() + 16 + NFGENMSG, m.end());
      NlAttrs orig = attrs.nested(CTA_TUPLE_ORIG);
      NlAttrs reply = attrs.nested(CTA_TUPLE_REPLY);
      if (orig == null || reply == null) {
        continue;
      }
      Tuple o = Tuple.of(orig);
      Tuple r = Tuple.of(reply);
      if (o == null || r == null) {
        continue;
      }
      for (ConntrackFilter f : filters) {
        if (f.matches(o.protocol, o.dst, o.dstPort, r.src)) {
          if (deleteEntry(o, attrs.bytes(CTA_TUPLE_ZONE))) {
            deleted++;
          }
          break;
        }
      }
    }
    return deleted;
  }

  private boolean deleteEntry(Tuple o, byte[] zone) {
    NlRequest del =
        new NlRequest((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE, NlRequest.NLM_F_ACK)
            .u8(AF_INET)
            .u8(0)
            .u16(0);
    del.beginNested(CTA_TUPLE_ORIG);
    del.beginNested(CTA_TUPLE_IP);
    del.attr(CTA_IP_V4_SRC, o.rawSrc);
    del.attr(CTA_IP_V4_DST, o.rawDst);
    del.endNested();
    del.beginNested(CTA_TUPLE_PROTO);
    del.attr(CTA_PROTO_NUM, new byte[] {(byte) o.protocol});
    if (o.rawSrcPort != null && o.rawDstPort != null) {
      del.attr(CTA_PROTO_SRC_PORT, o.rawSrcPort);
      del.attr(CTA_PROTO_DST_PORT, o.rawDstPort);
    }
    del.endNested();
    if (zone != null) {
      del.attr(CTA_TUPLE_ZONE, zone);
    }
    del.endNested();
    try {
      socket.execute(del, "conntrack delete");
      return true;
    } catch (NetlinkException e) {
      if (e.errno() == ENOENT) {
        return false; // expired between the dump and the delete
      }
      throw e;
    }
  }

  /** The parts of a conntrack tuple the filters look at, plus the raw bytes to name it again. */
  private record Tuple(
      int protocol,
      String src,
      String dst,
      int dstPort,
      byte[] rawSrc,
      byte[] rawDst,
      byte[] rawSrcPort,
      byte[] rawDstPort) {
    static Tuple of(NlAttrs tuple) {
      NlAttrs ip = tuple.nested(CTA_TUPLE_IP);
      NlAttrs proto = tuple.nested(CTA_TUPLE_PROTO);
      if (ip == null || proto == null) {
        return null;
      }
      byte[] src = ip.bytes(CTA_IP_V4_SRC);
      byte[] dst = ip.bytes(CTA_IP_V4_DST);
      if (src == null || dst == null || src.length != 4 || dst.length != 4) {
        return null;
      }
      byte[] sport = proto.bytes(CTA_PROTO_SRC_PORT);
      byte[] dport = proto.bytes(CTA_PROTO_DST_PORT);
      int dstPort =
          dport == null || dport.length < 2 ? 0 : ByteBuffer.wrap(dport).getShort() & 0xffff;
      return new Tuple(
          proto.u8(CTA_PROTO_NUM, 0), ipv4(src), ipv4(dst), dstPort, src, dst, sport, dport);
    }
  }

  private static String ipv4(byte[] a) {
    return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
  }

  @Override
  public void close() {
    socket.close();
  }
}
