package io.kuark.server.auth.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authn.MutableClock;
import io.kuark.server.auth.authn.ObjectRef;
import io.kuark.server.auth.authn.TokenResultCache;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BootstrapTokenAuthenticatorCacheTest {

  static final Instant NOW = Instant.parse("2026-11-27T16:00:00Z");

  final MutableClock clock = new MutableClock(NOW);
  final Map<String, JsonNode> secrets = new HashMap<>();
  final AtomicInteger reads = new AtomicInteger();
  final TokenResultCache<UserInfo> cache =
      new TokenResultCache<>(clock, Duration.ofSeconds(10), Duration.ofSeconds(10), 100);
  final BootstrapTokenAuthenticator auth =
      new BootstrapTokenAuthenticator(
          (ns, name) -> {
            reads.incrementAndGet();
            return Optional.ofNullable(secrets.get(ns + "/" + name));
          },
          clock,
          cache);

  BootstrapTokenAuthenticatorCacheTest() {
    cache.enable(true);
  }

  static String bearer(BootstrapToken t) {
    return t.id() + "." + t.secret();
  }

  @Test
  void cachedUntilTheSecretChangesOrTheTokenExpires() {
    BootstrapToken t = BootstrapToken.generate();
    secrets.put("kube-system/" + t.secretName(), t.toSecret(NOW.plusSeconds(5), null));
    assertThat(auth.authenticate(bearer(t)).map(UserInfo::name))
        .contains("system:bootstrap:" + t.id());
    assertThat(auth.authenticate(bearer(t))).isPresent();
    assertThat(reads).hasValue(1);

    // Expiry caps the entry: 5 s, not the 10 s TTL.
    clock.advance(Duration.ofSeconds(5));
    assertThat(auth.authenticate(bearer(t))).isEmpty();
    assertThat(reads).hasValue(2);

    BootstrapToken u = BootstrapToken.generate();
    secrets.put("kube-system/" + u.secretName(), u.toSecret(null, null));
    assertThat(auth.authenticate(bearer(u))).isPresent();
    secrets.remove("kube-system/" + u.secretName());
    cache.invalidate(new ObjectRef("secrets", "kube-system", u.secretName()));
    assertThat(auth.authenticate(bearer(u))).isEmpty();
  }

  @Test
  void aWrongSecretIsRefusedAndARefusalDoesNotOutliveTheSecretsCreation() {
    BootstrapToken t = BootstrapToken.generate();
    assertThat(auth.authenticate(bearer(t))).isEmpty();
    secrets.put("kube-system/" + t.secretName(), t.toSecret(null, null));
    cache.invalidate(new ObjectRef("secrets", "kube-system", t.secretName()));
    assertThat(auth.authenticate(bearer(t))).isPresent();
    String wrong = t.id() + "." + "0123456789abcdef";
    assertThat(auth.authenticate(wrong)).isEmpty();
    assertThat(auth.authenticate("not-a-bootstrap-token")).isEmpty();
    assertThat(cache.size()).isEqualTo(2);
  }
}
