package io.kuark.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecStatusTest {

  @Test
  void v4SuccessIsAStatusWithoutCode() throws Exception {
    JsonNode status =
        StatusReplies.JSON.readTree(ExecStatus.encode(true, List.of("true"), 0, null));
    assertThat(status.path("status").asText()).isEqualTo("Success");
  }

  @Test
  void v4NonZeroExitCarriesTheExitCodeCause() throws Exception {
    JsonNode status =
        StatusReplies.JSON.readTree(
            ExecStatus.encode(true, List.of("sh", "-c", "exit 3"), 3, null));
    assertThat(status.path("status").asText()).isEqualTo("Failure");
    assertThat(status.path("reason").asText()).isEqualTo("NonZeroExitCode");
    JsonNode cause = status.path("details").path("causes").get(0);
    assertThat(cause.path("reason").asText()).isEqualTo("ExitCode");
    assertThat(cause.path("message").asText()).isEqualTo("3");
  }

  @Test
  void olderProtocolsCarryText() {
    assertThat(ExecStatus.encode(false, List.of("x"), 0, null)).isEmpty();
    assertThat(new String(ExecStatus.encode(false, List.of("x"), 2, null), StandardCharsets.UTF_8))
        .contains("exit status 2");
  }

  @Test
  void channelFramesStartWithTheChannelByte() {
    assertThat(ChannelFraming.frame(ChannelFraming.STDERR, new byte[] {'a'}))
        .containsExactly(2, 'a');
    assertThat(ChannelFraming.structuredStatus("v5.channel.k8s.io")).isTrue();
    assertThat(ChannelFraming.structuredStatus("v3.channel.k8s.io")).isFalse();
    assertThat(ChannelFraming.hasCloseSignal("v4.channel.k8s.io")).isFalse();
  }
}
