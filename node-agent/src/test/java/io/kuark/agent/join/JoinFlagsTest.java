package io.kuark.agent.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuark.agent.AgentConfig;
import io.kuark.agent.AgentFlags;
import org.junit.jupiter.api.Test;

class JoinFlagsTest {

  static final String HASH = "ab".repeat(32);
  static final String TOKEN = "K10" + HASH + "::abcdef.0123456789abcdef";

  @Test
  void serverAndTokenReplaceTheKubeconfig() throws Exception {
    AgentConfig config =
        AgentFlags.parse(
            "--server", "https://10.0.0.1:6443/", "--token", TOKEN, "--node-ip", "127.0.0.1");
    assertThat(config.kubeconfig()).isNull();
    assertThat(config.join().serverUrl()).isEqualTo("https://10.0.0.1:6443");
    assertThat(config.join().token().caHash()).isEqualTo(HASH);
    assertThat(config.join().token().bootstrapToken()).isEqualTo("abcdef.0123456789abcdef");
    assertThat(config.join().token().toString()).doesNotContain("0123456789abcdef");
    assertThat(AgentFlags.parse("--kubeconfig", "/k", "--node-ip", "127.0.0.1").join()).isNull();
  }

  @Test
  void badCombinationsAndTokensAreUsageErrors() {
    assertThatThrownBy(() -> AgentFlags.parse("--node-ip", "127.0.0.1"))
        .hasMessageContaining("--kubeconfig, or --server and --token");
    assertThatThrownBy(
            () -> AgentFlags.parse("--server", "https://x:6443", "--node-ip", "127.0.0.1"))
        .hasMessageContaining("go together");
    assertThatThrownBy(
            () ->
                AgentFlags.parse(
                    "--kubeconfig", "/k", "--server", "https://x:6443", "--token", TOKEN))
        .hasMessageContaining("exclude each other");
    assertThatThrownBy(() -> AgentFlags.parse("--server", "http://x:6443", "--token", TOKEN))
        .hasMessageContaining("https://");
    for (String bad :
        new String[] {
          "abcdef.0123456789abcdef",
          "K10" + HASH + "::abc.def",
          "K10abc::abcdef.0123456789abcdef",
          ""
        }) {
      assertThatThrownBy(() -> AgentFlags.parse("--server", "https://x:6443", "--token", bad))
          .as(bad)
          .hasMessageContaining("join token");
    }
  }
}
