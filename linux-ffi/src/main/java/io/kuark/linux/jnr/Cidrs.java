package io.kuark.linux.jnr;

/** Address arithmetic on raw network-order bytes. */
final class Cidrs {
  private Cidrs() {}

  /** The all-ones host part of {@code address}/{@code prefixLength}. */
  static byte[] broadcast(byte[] address, int prefixLength) {
    byte[] out = address.clone();
    for (int bit = prefixLength; bit < out.length * 8; bit++) {
      out[bit / 8] |= (byte) (0x80 >>> (bit % 8));
    }
    return out;
  }
}
