package io.kuark.server.apimodel.openapi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A minimal protocol-buffers writer: varints, length-delimited strings/messages, doubles. */
final class ProtoWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  byte[] bytes() {
    return out.toByteArray();
  }

  boolean isEmpty() {
    return out.size() == 0;
  }

  private void varint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private void tag(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  /** A string field; proto3 leaves empty strings out. */
  void string(int field, String s) {
    if (s == null || s.isEmpty()) {
      return;
    }
    bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  /** A repeated-string element (written even when empty, it is an element). */
  void stringElement(int field, String s) {
    bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  void bytes(int field, byte[] b) {
    tag(field, 2);
    varint(b.length);
    out.write(b, 0, b.length);
  }

  /** An embedded message (written even when empty, so oneof choices survive). */
  void message(int field, ProtoWriter m) {
    bytes(field, m.bytes());
  }

  void bool(int field, boolean b) {
    if (b) {
      tag(field, 0);
      varint(1);
    }
  }

  void int64(int field, long v) {
    if (v != 0) {
      tag(field, 0);
      varint(v);
    }
  }

  void dbl(int field, double v) {
    if (v != 0) {
      tag(field, 1);
      long bits = Double.doubleToLongBits(v);
      for (int i = 0; i < 8; i++) {
        out.write((int) (bits >>> (8 * i)) & 0xFF);
      }
    }
  }
}
