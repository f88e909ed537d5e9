package io.kuark.linux.jnr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Message encoding without a kernel: header, alignment, nesting, and parsing it back. */
class NlRequestTest {

  @Test
  void encodesHeaderPaddedAttributesAndNesting() {
    NlRequest req = new NlRequest(16, NlRequest.NLM_F_ACK).ifinfomsg(0, 0, 0, 0);
    req.attrString(3, "br0"); // 4 + 4 bytes ("br0\0"), already aligned
    req.beginNested(18).attrString(1, "bridge").endNested(); // 4 + (4 + 7 -> 12)
    req.attrU8(7, 1); // 4 + 1 -> padded to 8
    byte[] bytes = req.bytes(42);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    assertThat(b.getInt(0)).isEqualTo(bytes.length);
    assertThat(bytes.length % 4).isZero();
    assertThat(b.getShort(4)).isEqualTo((short) 16);
    assertThat(b.getShort(6)).isEqualTo((short) (NlRequest.NLM_F_ACK | NlRequest.NLM_F_REQUEST));
    assertThat(b.getInt(8)).isEqualTo(42);
    assertThat(bytes.length).isEqualTo(16 + 16 + 8 + 16 + 8);

    NlAttrs attrs = new NlAttrs(b, 32, bytes.length);
    assertThat(attrs.string(3)).isEqualTo("br0");
    assertThat(attrs.nested(18).string(1)).isEqualTo("bridge");
    assertThat(attrs.u8(7, -1)).isEqualTo(1);
    assertThat(attrs.u32(99, -5)).isEqualTo(-5);
  }

  @Test
  void macAndBroadcastHelpers() {
    assertThat(Macs.format(Macs.parse("02:42:0a:63:00:ff"))).isEqualTo("02:42:0a:63:00:ff");
    assertThat(Cidrs.broadcast(new byte[] {10, 99, 5, 7}, 24))
        .containsExactly(10, 99, 5, (byte) 255);
    assertThat(Cidrs.broadcast(new byte[] {10, 99, 5, 7}, 30)).containsExactly(10, 99, 5, 7);
    assertThat(Cidrs.broadcast(new byte[] {10, 99, 4, 0}, 22))
        .containsExactly(10, 99, 7, (byte) 255);
  }
}
