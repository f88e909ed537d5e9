package io.kuark.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ContinueTokenTest {

  @Test
  void roundTripsRevisionAndStartKeyIncludingQuotesAndControlCharacters() {
    ContinueToken token = new ContinueToken(42, "ns/na\"me\\\n-ü");
    assertThat(ContinueToken.decode(token.encode())).isEqualTo(token);
  }

  @Test
  void usesTheUpstreamJsonShape() {
    String json =
        new String(
            Base64.getUrlDecoder().decode(new ContinueToken(7, "default/web").encode()),
            StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"v\":\"meta.k8s.io/v1\",\"rv\":7,\"start\":\"default/web\"}");
  }

  @Test
  void rejectsGarbage() {
    assertThatThrownBy(() -> ContinueToken.decode("%%%"))
        .isInstanceOf(IllegalArgumentException.class);
    String noRv = Base64.getUrlEncoder().encodeToString("{\"start\":\"a\"}".getBytes());
    assertThatThrownBy(() -> ContinueToken.decode(noRv))
        .isInstanceOf(IllegalArgumentException.class);
    String truncated = Base64.getUrlEncoder().encodeToString("{\"rv\":3,\"start\":\"a".getBytes());
    assertThatThrownBy(() -> ContinueToken.decode(truncated))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
