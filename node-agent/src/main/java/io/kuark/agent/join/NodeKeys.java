package io.kuark.agent.join;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** EC P-256 keys, PKCS#10 requests and PEM encoding for the node's certificates. */
public final class NodeKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private NodeKeys() {}

  public static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 in this JVM", e);
    }
  }

  /**
   * A PEM certificate request for {@code CN=system:node:<node>, O=system:nodes}, with DNS and IP
   * alternative names for serving certificates.
   */
  public static String requestPem(KeyPair key, String nodeName, List<String> names) {
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    subject.addRDN(BCStyle.O, "system:nodes");
    subject.addRDN(BCStyle.CN, "system:node:" + nodeName);
    JcaPKCS10CertificationRequestBuilder b =
        new JcaPKCS10CertificationRequestBuilder(subject.build(), key.getPublic());
    try {
      if (!names.isEmpty()) {
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
          sans.add(new GeneralName(isIp(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(sans.toArray(new GeneralName[0])));
        b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
      }
      return pem(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build a certificate request", e);
    }
  }

  /** PEM of a certificate, key pair or request. */
  public static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o instanceof KeyPair kp ? kp.getPrivate() : o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * The key in OpenSSL's traditional {@code EC PRIVATE KEY} form (with the public key), which
   * kubeconfig readers such as fabric8 detect EC keys from.
   */
  public static String keyPem(KeyPair key) {
    java.security.interfaces.ECPrivateKey ec =
        (java.security.interfaces.ECPrivateKey) key.getPrivate();
    org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki =
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
    try {
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
          new org.bouncycastle.asn1.sec.ECPrivateKey(
              ec.getParams().getOrder().bitLength(),
              ec.getS(),
              new org.bouncycastle.asn1.DERBitString(spki.getPublicKeyData().getBytes()),
              spki.getAlgorithm().getParameters());
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(
            new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static KeyPair readKey(String pem) throws IOException {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (o instanceof PEMKeyPair pair) {
        return new JcaPEMKeyConverter().getKeyPair(pair);
      }
      throw new IOException("not an EC PRIVATE KEY block");
    }
  }

  public static X509Certificate readCertificate(String pem) throws IOException {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new java.io.ByteArrayInputStream(
                      pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IOException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  static boolean isIp(String text) {
    if (!(text.contains(":") || text.matches("[0-9.]+"))) {
      return false;
    }
    try {
      InetAddress.getByName(text);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
