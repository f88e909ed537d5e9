package io.kuark.linux.jnr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/** Builds one netlink message: nlmsghdr, a fixed family header, then (nested) rtattrs. */
final class NlRequest {
  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_ROOT = 0x100;
  static final int NLM_F_MATCH = 0x200;
  static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
  static final int NLM_F_REPLACE = 0x100;
  static final int NLM_F_EXCL = 0x200;
  static final int NLM_F_CREATE = 0x400;
  static final int NLA_F_NESTED = 0x8000;

  private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
  private final Deque<Integer> nests = new ArrayDeque<>();
  final int type;

  NlRequest(int type, int flags) {
    this.type = type;
    buf.putInt(0); // length, patched in bytes()
    buf.putShort((short) type);
    buf.putShort((short) (flags | NLM_F_REQUEST));
    buf.putInt(0); // seq, patched by the socket
    buf.putInt(0); // port id: kernel assigns
  }

  NlRequest u8(int v) {
    ensure(1);
    buf.put((byte) v);
    return this;
  }

  NlRequest u16(int v) {
    ensure(2);
    buf.putShort((short) v);
    return this;
  }

  NlRequest u32(int v) {
    ensure(4);
    buf.putInt(v);
    return this;
  }

  NlRequest raw(byte[] bytes) {
    ensure(bytes.length);
    buf.put(bytes);
    return this;
  }

  /** ifinfomsg: family, type, index, flags, change. */
  NlRequest ifinfomsg(int family, int index, int flags, int change) {
    return u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
  }

  NlRequest attr(int attrType, byte[] payload) {
    int len = 4 + payload.length;
    ensure(align(len));
    buf.putShort((short) len);
    buf.putShort((short) attrType);
    buf.put(payload);
    pad();
    return this;
  }

  NlRequest attrU8(int attrType, int v) {
    return attr(attrType, new byte[] {(byte) v});
  }

  NlRequest attrU16(int attrType, int v) {
    return attr(
        attrType,
        ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) v).array());
  }

  /** A 16-bit value in network byte order (ports). */
  NlRequest attrBe16(int attrType, int v) {
    return attr(attrType, new byte[] {(byte) (v >> 8), (byte) v});
  }

  NlRequest attrU32(int attrType, int v) {
    return attr(attrType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
  }

  NlRequest attrString(int attrType, String s) {
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    return attr(attrType, Arrays.copyOf(raw, raw.length + 1));
  }

  NlRequest beginNested(int attrType) {
    ensure(4);
    nests.push(buf.position());
    buf.putShort((short) 0);
    buf.putShort((short) attrType);
    return this;
  }

  NlRequest endNested() {
    int start = nests.pop();
    buf.putShort(start, (short) (buf.position() - start));
    pad();
    return this;
  }

  byte[] bytes(int seq) {
    if (!nests.isEmpty()) {
      throw new IllegalStateException("unclosed nested attribute");
    }
    buf.putInt(0, buf.position());
    buf.putInt(8, seq);
    return Arrays.copyOf(buf.array(), buf.position());
  }

  private void pad() {
    int aligned = align(buf.position());
    ensure(aligned - buf.position());
    while (buf.position() < aligned) {
      buf.put((byte) 0);
    }
  }

  private void ensure(int more) {
    if (buf.remaining() < more) {
      ByteBuffer bigger =
          ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more))
              .order(ByteOrder.nativeOrder());
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }
  }

  static int align(int len) {
    return (len + 3) & ~3;
  }
}
