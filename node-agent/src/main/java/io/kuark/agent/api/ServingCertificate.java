package io.kuark.agent.api;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The agent API's serving certificate: self-signed, made at every start (like a kubelet without
 * {@code --tls-cert-file}); the API server does not verify it. Subject alternative names: the node
 * name, the node addresses and 127.0.0.1.
 *
 * @param key the private key
 * @param certificate the self-signed certificate
 */
public record ServingCertificate(PrivateKey key, X509Certificate certificate) {

  private static final Duration VALIDITY = Duration.ofDays(365);

  /** Generates a fresh EC P-256 key and a certificate for {@code nodeName} and {@code ips}. */
  public static ServingCertificate generate(String nodeName, Collection<String> ips)
      throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + nodeName + "@" + now.getEpochSecond());
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(63, new SecureRandom()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(VALIDITY)),
              subject,
              pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, altNames(nodeName, ips));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new ServingCertificate(pair.getPrivate(), certificate);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot create the agent API serving certificate", e);
    }
  }

  private static GeneralNames altNames(String nodeName, Collection<String> ips) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, nodeName));
    Set<String> addresses = new LinkedHashSet<>(ips);
    addresses.add("127.0.0.1");
    for (String ip : addresses) {
      if (isIpLiteral(ip)) {
        names.add(new GeneralName(GeneralName.iPAddress, ip));
      }
    }
    return new GeneralNames(names.toArray(new GeneralName[0]));
  }

  private static boolean isIpLiteral(String text) {
    if (text == null || text.isEmpty() || !(text.contains(":") || text.matches("[0-9.]+"))) {
      return false;
    }
    try {
      // A literal never triggers a name lookup.
      InetAddress.getByName(text);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
