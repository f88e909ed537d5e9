package io.kuark.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyRangeTest {

  @Test
  void prefixEndIsTheNextStringAfterAllKeysWithThePrefix() {
    assertThat(KeyRange.prefixEnd("/registry/pods/")).isEqualTo("/registry/pods0");
    assertThat(KeyRange.prefixEnd("a")).isEqualTo("b");
    assertThat("/registry/pods/zzz").isLessThan(KeyRange.prefixEnd("/registry/pods/"));
  }

  @Test
  void emptyPrefixHasNoEnd() {
    assertThat(KeyRange.prefixEnd("")).isNull();
  }

  @Test
  void skipsCharactersThatCannotBeIncremented() {
    assertThat(KeyRange.prefixEnd("a\uFFFF")).isEqualTo("b");
    assertThat(KeyRange.prefixEnd("\uFFFF")).isNull();
  }
}
