package io.kuark.server.auth.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster CA: issues serving and client certificates. Keys are ECDSA P-256 (small, fast and
 * accepted by kubectl, client-go and fabric8). Thread-safe.
 */
public final class CertificateAuthority {

  /** Validity of every certificate we issue, like upstream's kubeadm/k3s defaults. */
  public static final Duration VALIDITY = Duration.ofDays(365);

  /** CA certificates live ten years; leaf certificates are what gets rotated. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** Creates a new self-signed CA named {@code commonName}. */
  public static CertificateAuthority create(String commonName) {
    KeyPair pair = newKeyPair();
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(CA_VALIDITY)),
              name,
              pair.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          utils.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(builder, pair.getPrivate());
      return new CertificateAuthority(cert, pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot create CA certificate", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey key() {
    return key;
  }

  /** Issues a TLS server certificate for the given DNS names and IP addresses. */
  public IssuedCertificate issueServing(
      String commonName, List<String> dnsNames, List<String> ips) {
    List<GeneralName> names = new ArrayList<>();
    for (String dns : dnsNames) {
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (String ip : ips) {
      names.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    return issue(
        subject(commonName, List.of()),
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth),
        new GeneralNames(names.toArray(new GeneralName[0])));
  }

  /**
   * Issues a client certificate; Kubernetes reads the user from CN and the groups from the O
   * entries.
   */
  public IssuedCertificate issueClient(String user, List<String> groups) {
    return issue(subject(user, groups), new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth), null);
  }

  /** Whether {@code cert} was signed by this CA (and is currently within its validity). */
  public boolean signed(X509Certificate cert) {
    try {
      cert.verify(certificate.getPublicKey());
      cert.checkValidity();
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private IssuedCertificate issue(X500Name subject, ExtendedKeyUsage usage, GeneralNames sans) {
    KeyPair pair = newKeyPair();
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(VALIDITY)),
              subject,
              pair.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, usage);
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
      if (sans != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      return new IssuedCertificate(sign(builder, key), pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot issue certificate for " + subject, e);
    }
  }

  private static X500Name subject(String commonName, List<String> organizations) {
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
    for (String org : organizations) {
      name.addRDN(BCStyle.O, org);
    }
    name.addRDN(BCStyle.CN, commonName);
    return name.build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 support in this JVM", e);
    }
  }

  /** A certificate with its private key. */
  public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {
    public PublicKey publicKey() {
      return certificate.getPublicKey();
    }
  }
}
