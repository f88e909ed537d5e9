package io.kuark.linux.jnr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The rtattrs of a received message (or of a nested attribute), by type; the last one wins. */
final class NlAttrs {
  private final Map<Integer, ByteBuffer> byType = new HashMap<>();

  NlAttrs(ByteBuffer data, int offset, int end) {
    int pos = offset;
    while (pos + 4 <= end) {
      int len = Short.toUnsignedInt(data.getShort(pos));
      int type = Short.toUnsignedInt(data.getShort(pos + 2)) & 0x3fff;
      if (len < 4 || pos + len > end) {
        break;
      }
      ByteBuffer slice = data.duplicate().order(ByteOrder.nativeOrder());
      slice.position(pos + 4).limit(pos + len);
      byType.put(type, slice.slice().order(ByteOrder.nativeOrder()));
      pos += NlRequest.align(len);
    }
  }

  boolean has(int type) {
    return byType.containsKey(type);
  }

  byte[] bytes(int type) {
    ByteBuffer b = byType.get(type);
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  int u32(int type, int dflt) {
    ByteBuffer b = byType.get(type);
    return b == null || b.remaining() < 4 ? dflt : b.getInt(0);
  }

  int u8(int type, int dflt) {
    ByteBuffer b = byType.get(type);
    return b == null || b.remaining() < 1 ? dflt : Byte.toUnsignedInt(b.get(0));
  }

  String string(int type) {
    byte[] raw = bytes(type);
    if (raw == null) {
      return null;
    }
    int n = 0;
    while (n < raw.length && raw[n] != 0) {
      n++;
    }
    return new String(raw, 0, n, StandardCharsets.UTF_8);
  }

  NlAttrs nested(int type) {
    ByteBuffer b = byType.get(type);
    return b == null ? null : new NlAttrs(b, 0, b.limit());
  }
}
