package io.kuark.agent.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.agent.testing.MutableClock;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class CertificateRotationTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static NodeCredentials.Pair pair(Instant from, Duration life) throws Exception {
    KeyPair key = NodeKeys.newKey();
    X500Name name = new X500Name("CN=system:node:n1,O=system:nodes");
    var b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            Date.from(from),
            Date.from(from.plus(life)),
            name,
            key.getPublic());
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    return new NodeCredentials.Pair(cert, key);
  }

  @Test
  void renewsAtEightyPercentOfTheLifetimeAndRetriesFailures() throws Exception {
    NodeCredentials.Pair first = pair(T0, Duration.ofDays(10));
    List<String> calls = new ArrayList<>();
    MutableClock clock = new MutableClock(T0.plus(Duration.ofDays(1)));
    boolean[] fail = {false};
    CertificateRotation rotation =
        new CertificateRotation(
            clock,
            first,
            null,
            () -> {
              calls.add("client");
              if (fail[0]) {
                throw new JoinException("server down");
              }
              return pair(clock.instant(), Duration.ofDays(10));
            },
            () -> {
              throw new AssertionError("no serving pair to renew");
            });
    // Day 1 of 10: nothing to do until day 8.
    assertThat(rotation.runOnce()).isEqualTo(Duration.ofHours(1));
    assertThat(calls).isEmpty();
    clock.set(T0.plus(Duration.ofDays(8)).minusSeconds(60));
    assertThat(rotation.runOnce()).isEqualTo(Duration.ofSeconds(60));
    clock.set(T0.plus(Duration.ofDays(8)));
    fail[0] = true;
    assertThat(rotation.runOnce()).isEqualTo(CertificateRotation.RETRY);
    assertThat(rotation.client()).isSameAs(first);
    fail[0] = false;
    rotation.runOnce();
    assertThat(calls).hasSize(2);
    assertThat(rotation.client()).isNotSameAs(first);
    assertThat(rotation.client().certificate().getNotAfter().toInstant())
        .isEqualTo(T0.plus(Duration.ofDays(18)));
  }

  @Test
  void keyManagerSwapsCertificatesForNewHandshakes() throws Exception {
    NodeCredentials.Pair a = pair(T0, Duration.ofDays(1));
    NodeCredentials.Pair b = pair(T0, Duration.ofDays(1));
    ReloadingKeyManager keys = new ReloadingKeyManager(a.certificate(), a.key().getPrivate());
    String before = keys.chooseClientAlias(new String[] {"EC"}, null, null);
    keys.update(b.certificate(), b.key().getPrivate());
    String after = keys.chooseClientAlias(new String[] {"EC"}, null, null);
    // A handshake that chose its alias before the swap still gets a matching certificate and key.
    assertThat(keys.getCertificateChain(before)[0]).isEqualTo(a.certificate());
    assertThat(keys.getPrivateKey(before)).isEqualTo(a.key().getPrivate());
    assertThat(keys.getCertificateChain(after)[0]).isEqualTo(b.certificate());
    assertThat(keys.getPrivateKey(after)).isEqualTo(b.key().getPrivate());
  }
}
