package io.kuark.server.auth.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM encoding and decoding of certificates and private keys (keys as PKCS#8). */
public final class Pem {

  private Pem() {}

  public static String encode(X509Certificate certificate) {
    return write(certificate);
  }

  /** Encodes {@code key} as an unencrypted PKCS#8 {@code PRIVATE KEY} block. */
  public static String encode(PrivateKey key) {
    try {
      PemObject pem = new JcaPKCS8Generator(key, null).generate();
      return write(pem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Encodes {@code key} in OpenSSL's traditional form ({@code EC PRIVATE KEY} for EC keys), which
   * kubeconfig readers detect the key algorithm from (fabric8 needs it; kubectl takes both).
   */
  public static String encodeTraditional(PrivateKey key, PublicKey publicKey) {
    if (!(key instanceof ECPrivateKey ec)) {
      return write(key);
    }
    try {
      // SEC1 with the named curve and the public key, the shape openssl and Go write; some
      // readers (fabric8) need both optional fields.
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
      ASN1Encodable curve = spki.getAlgorithm().getParameters();
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
          new org.bouncycastle.asn1.sec.ECPrivateKey(
              ec.getParams().getOrder().bitLength(),
              ec.getS(),
              new DERBitString(spki.getPublicKeyData().getBytes()),
              curve);
      return write(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static X509Certificate certificate(String pem) {
    Object parsed = read(pem);
    if (!(parsed instanceof X509CertificateHolder holder)) {
      throw new IllegalArgumentException("not a PEM certificate");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("bad certificate", e);
    }
  }

  /** Reads a private key in PKCS#8, SEC1 ({@code EC PRIVATE KEY}) or PKCS#1 form. */
  public static PrivateKey privateKey(String pem) {
    Object parsed = read(pem);
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (parsed instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("bad private key", e);
    }
    throw new IllegalArgumentException("not a PEM private key");
  }

  /** Reads a key pair from an {@code EC PRIVATE KEY} block that carries its public key. */
  public static java.security.KeyPair keyPair(String pem) {
    Object parsed = read(pem);
    if (!(parsed instanceof PEMKeyPair pair)) {
      throw new IllegalArgumentException("not a PEM key pair");
    }
    try {
      return new JcaPEMKeyConverter().getKeyPair(pair);
    } catch (IOException e) {
      throw new IllegalArgumentException("bad key pair", e);
    }
  }

  private static Object read(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return parser.readObject();
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable PEM", e);
    }
  }

  private static String write(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
