package io.kuark.server.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuark.server.api.http.UserInfo;
import org.junit.jupiter.api.Test;

class StaticTokenFileTest {

  @Test
  void parsesUpstreamCsvWithQuotedGroups() {
    StaticTokenFile file =
        StaticTokenFile.parse(
            "# comment\n" + "t1,alice,uid-1,\"devs,ops\"\n" + "\n" + "t2,bob,uid-2\n");
    UserInfo alice = file.authenticate("t1").orElseThrow();
    assertThat(alice.name()).isEqualTo("alice");
    assertThat(alice.uid()).isEqualTo("uid-1");
    assertThat(alice.groups()).containsExactly("devs", "ops", "system:authenticated");
    assertThat(file.authenticate("t2").orElseThrow().groups())
        .containsExactly("system:authenticated");
    assertThat(file.authenticate("t3")).isEmpty();
    assertThat(file.authenticate("t")).isEmpty();
  }

  @Test
  void malformedLinesAreNamed() {
    assertThatThrownBy(() -> StaticTokenFile.parse("ok,user,1\nonlytoken\n"))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> StaticTokenFile.parse("a,b,c,\"unterminated\n"))
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> StaticTokenFile.parse("a,b,c\na,d,e\n"))
        .hasMessageContaining("duplicate");
  }
}
