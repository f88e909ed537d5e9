package io.kuark.linux.jnr;

/** Colon-hex MAC addresses. */
final class Macs {
  private Macs() {}

  static byte[] parse(String mac) {
    String[] parts = mac.split(":");
    byte[] out = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return out;
  }

  static String format(byte[] raw) {
    StringBuilder s = new StringBuilder(raw.length * 3);
    for (int i = 0; i < raw.length; i++) {
      if (i > 0) {
        s.append(':');
      }
      s.append(Character.forDigit((raw[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(raw[i] & 0xf, 16));
    }
    return s.toString();
  }
}
