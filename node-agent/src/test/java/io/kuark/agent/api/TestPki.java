package io.kuark.agent.api;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway cluster CA and client certificates signed by it. */
final class TestPki {

  record Identity(PrivateKey key, X509Certificate certificate) {}

  final Identity ca;

  TestPki() throws Exception {
    ca = issue("CN=test-cluster-ca", null, true);
  }

  /** A client certificate for {@code subject} (e.g. {@code CN=x,O=system:masters}). */
  Identity client(String subject) throws Exception {
    return issue(subject, ca, false);
  }

  static Identity issue(String subject, Identity issuer, boolean isCa) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name(subject);
    X500Name issuerName =
        issuer == null
            ? name
            : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuerName,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            name,
            pair.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    PrivateKey signer = issuer == null ? pair.getPrivate() : issuer.key();
    X509Certificate certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    return new Identity(pair.getPrivate(), certificate);
  }
}
