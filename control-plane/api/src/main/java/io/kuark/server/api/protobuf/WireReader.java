package io.kuark.server.api.protobuf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads protobuf wire format from a byte range. */
final class WireReader {

  private final byte[] buf;
  private int pos;
  private final int end;

  WireReader(byte[] buf, int start, int end) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  boolean more() {
    return pos < end;
  }

  long varint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new ProtobufException("truncated varint");
      }
      byte b = buf[pos++];
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new ProtobufException("malformed varint");
  }

  long fixed64() {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v |= (long) (next() & 0xFF) << (8 * i);
    }
    return v;
  }

  int fixed32() {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v |= (next() & 0xFF) << (8 * i);
    }
    return v;
  }

  private byte next() {
    if (pos >= end) {
      throw new ProtobufException("truncated message");
    }
    return buf[pos++];
  }

  /** A length-delimited field as a reader over its bytes. */
  WireReader sub() {
    int length = length();
    WireReader r = new WireReader(buf, pos, pos + length);
    pos += length;
    return r;
  }

  byte[] bytes() {
    int length = length();
    byte[] out = Arrays.copyOfRange(buf, pos, pos + length);
    pos += length;
    return out;
  }

  String string() {
    int length = length();
    String s = new String(buf, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return s;
  }

  void skip(int wire) {
    switch (wire) {
      case 0:
        varint();
        break;
      case 1:
        pos += 8;
        break;
      case 2:
        {
          // Read the length first: "pos += length()" would add to the position before the prefix.
          int length = length();
          pos += length;
          break;
        }
      case 5:
        pos += 4;
        break;
      default:
        throw new ProtobufException("unsupported wire type " + wire);
    }
    if (pos > end) {
      throw new ProtobufException("truncated message");
    }
  }

  private int length() {
    long length = varint();
    if (length < 0 || pos + length > end) {
      throw new ProtobufException("truncated length-delimited field");
    }
    return (int) length;
  }
}
