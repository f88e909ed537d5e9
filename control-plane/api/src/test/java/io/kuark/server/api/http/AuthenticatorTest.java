package io.kuark.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

  @Test
  void userFromCnGroupsFromO() {
    UserInfo u = Authenticator.fromSubject("CN=system:node:a,O=system:nodes").orElseThrow();
    assertThat(u.name()).isEqualTo("system:node:a");
    assertThat(u.groups()).isEqualTo(List.of("system:nodes", "system:authenticated"));
  }

  @Test
  void noCommonNameIsAnonymous() {
    assertThat(Authenticator.fromSubject("O=system:masters")).isEmpty();
  }
}
