package io.kuark.server.api.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuark.server.api.http.ApiException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

  private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

  @Test
  void everyOperator() {
    assertThat(LabelSelector.parse("app=web").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app==web").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app!=web").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("app!=db").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("tier in (front, back)").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("tier notin (front)").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("app").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("!app").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("!env").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app=web,tier in (back)").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("env notin (prod)").matches(WEB)).isTrue();
  }

  @Test
  void badSyntaxIsBadRequest() {
    assertThatThrownBy(() -> LabelSelector.parse("app in front"))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400));
  }
}
