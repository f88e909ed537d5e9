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

  private final Duration leafValidity;

  public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this(certificate, key, VALIDITY);
  }

  private CertificateAuthority(X509Certificate certificate, PrivateKey key, Duration leafValidity) {
    this.certificate = certificate;
    this.key = key;
    this.leafValidity = leafValidity;
  }

  /**
   * This CA issuing its own leaf certificates with {@code validity} instead of 365 days (tests of
   * renewal use short-lived certificates).
   */
  public CertificateAuthority withLeafValidity(Duration validity) {
    return new CertificateAuthority(certificate, key, validity);
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

  /**
   * Certifies {@code request}'s key with its subject (CN, O) and, for serving certificates, its DNS
   * and IP names; valid for {@code validity} (capped at {@link #VALIDITY}). Used by the
   * CertificateSigningRequest signer; the caller has checked the request's shape.
   */
  public X509Certificate sign(CertificateRequest request, boolean serving, Duration validity) {
    GeneralNames sans = null;
    if (serving) {
      List<GeneralName> names = new ArrayList<>();
      for (String dns : request.dnsNames()) {
        names.add(new GeneralName(GeneralName.dNSName, dns));
      }
      for (String ip : request.ips()) {
        names.add(new GeneralName(GeneralName.iPAddress, ip));
      }
      sans = names.isEmpty() ? null : new GeneralNames(names.toArray(new GeneralName[0]));
    }
    Duration capped = validity.compareTo(VALIDITY) > 0 ? VALIDITY : validity;
    return certify(
        subject(request.commonName(), request.organizations()),
        new ExtendedKeyUsage(
            serving ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth),
        sans,
        request.publicKey(),
        capped);
  }

  private IssuedCertificate issue(X500Name subject, ExtendedKeyUsage usage, GeneralNames sans) {
    KeyPair pair = newKeyPair();
    return new IssuedCertificate(
        certify(subject, usage, sans, pair.getPublic(), leafValidity), pair.getPrivate());
  }

  private X509Certificate certify(
      X500Name subject,
      ExtendedKeyUsage usage,
      GeneralNames sans,
      PublicKey publicKey,
      Duration validity) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity)),
              subject,
              publicKey);
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
      return sign(builder, key);
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
