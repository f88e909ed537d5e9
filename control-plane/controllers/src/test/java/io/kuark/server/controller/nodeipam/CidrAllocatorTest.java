package io.kuark.server.controller.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrAllocatorTest {

  @Test
  void handsOutLowestFreeSubnetsSkippingOccupiedOnes() {
    CidrAllocator a = new CidrAllocator("10.42.0.0/16", 24);
    assertThat(a.occupy("10.42.0.0/24")).isTrue();
    assertThat(a.occupy("10.42.2.0/24")).isTrue();
    assertThat(a.allocate()).contains("10.42.1.0/24");
    assertThat(a.allocate()).contains("10.42.3.0/24");
    a.release("10.42.1.0/24");
    assertThat(a.allocate()).contains("10.42.1.0/24");
  }

  @Test
  void exhaustsAfterEverySubnetIsTaken() {
    CidrAllocator a = new CidrAllocator("10.0.0.0/22", 24);
    for (int i = 0; i < 4; i++) {
      assertThat(a.allocate()).contains("10.0." + i + ".0/24");
    }
    assertThat(a.allocate()).isEmpty();
  }

  @Test
  void ignoresCidrsOutsideTheRangeOrOfAnotherSize() {
    CidrAllocator a = new CidrAllocator("10.42.0.0/16", 24);
    assertThat(a.occupy("10.43.0.0/24")).isFalse();
    assertThat(a.occupy("10.42.0.0/25")).isFalse();
    assertThat(a.occupy("10.42.0.128/24")).isFalse();
    assertThat(a.allocate()).contains("10.42.0.0/24");
  }

  @Test
  void rejectsMasksThatDoNotFit() {
    assertThatThrownBy(() -> new CidrAllocator("10.42.0.0/24", 16))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CidrAllocator("10.42.0.0", 24))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
