package io.kuark.server.apimodel.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantityTest {

  @Test
  void printsUpstreamCanonicalForms() {
    assertThat(Quantity.parse("0.5").toString()).isEqualTo("500m");
    assertThat(Quantity.parse("2000m").toString()).isEqualTo("2");
    assertThat(Quantity.parse("1000").toString()).isEqualTo("1k");
    assertThat(Quantity.parse("1500").toString()).isEqualTo("1500");
    assertThat(Quantity.parse("2048Mi").toString()).isEqualTo("2Gi");
    assertThat(Quantity.parse("1536Mi").toString()).isEqualTo("1536Mi");
    assertThat(Quantity.parse("100").toString()).isEqualTo("100");
    assertThat(Quantity.parse("1e3").toString()).isEqualTo("1e3");
    assertThat(Quantity.parse("1.5Gi").toString()).isEqualTo("1536Mi");
    assertThat(Quantity.parse("0").toString()).isEqualTo("0");
    assertThat(Quantity.parse("1n").toString()).isEqualTo("1n");
  }

  @Test
  void exaIsASuffixAndAnExponentNeedsDigits() {
    assertThat(Quantity.parse("1E").value()).isEqualByComparingTo("1e18");
    assertThat(Quantity.parse("2e3").value()).isEqualByComparingTo("2000");
    assertThat(Quantity.parse("1Ei").value()).isEqualByComparingTo("1152921504606846976");
  }

  @Test
  void sumsKeepTheFirstNonZeroNotation() {
    Quantity zero = Quantity.parse("0");
    assertThat(zero.add(Quantity.parse("256Mi")).toString()).isEqualTo("256Mi");
    assertThat(Quantity.parse("400m").add(Quantity.parse("500m")).toString()).isEqualTo("900m");
    assertThat(Quantity.parse("1Gi").subtract(Quantity.parse("512Mi")).toString())
        .isEqualTo("512Mi");
    assertThat(Quantity.parse("1").compareTo(Quantity.parse("1000m"))).isZero();
  }

  @Test
  void refusesNonQuantities() {
    assertThatThrownBy(() -> Quantity.parse("1.2.3")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Quantity.parse("5Xi")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resourceListsPrintAsUpstreamPrettyPrint() {
    ResourceList l =
        new ResourceList().put("pods", Quantity.of(1)).put("limits.cpu", Quantity.parse("2"));
    assertThat(l.toString()).isEqualTo("limits.cpu=2,pods=1");
  }
}
