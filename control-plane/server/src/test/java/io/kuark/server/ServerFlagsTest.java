package io.kuark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerFlagsTest {

  @Test
  void helpIsAskedForByEitherFormAnywhere() {
    assertThat(ServerFlags.asksForHelp(new String[] {"--help"})).isTrue();
    assertThat(ServerFlags.asksForHelp(new String[] {"--data-dir", "/tmp/x", "-h"})).isTrue();
    assertThat(ServerFlags.asksForHelp(new String[] {"--data-dir", "/tmp/x"})).isFalse();
  }

  @Test
  void anonymousAuthIsOnByDefaultAndAcceptsUpstreamsBooleanForms() {
    assertThat(ServerFlags.parse(new String[] {}).anonymousAuth()).isTrue();
    assertThat(ServerFlags.parse(new String[] {"--anonymous-auth=false"}).anonymousAuth())
        .isFalse();
    assertThat(ServerFlags.parse(new String[] {"--anonymous-auth"}).anonymousAuth()).isTrue();
    assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--anonymous-auth=maybe"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--anonymous-auth must be true or false");
  }
}
