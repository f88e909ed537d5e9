package io.kuark.server.auth.pki;

import java.io.IOException;
import java.io.StringReader;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A parsed, signature-checked PKCS#10 certificate request (the {@code spec.request} of a
 * CertificateSigningRequest).
 *
 * @param commonName the subject's CN ("" when absent)
 * @param organizations the subject's O entries
 * @param dnsNames DNS subject alternative names
 * @param ips IP subject alternative names (textual)
 * @param otherNames count of other SAN kinds (emails, URIs, ...), which node CSRs must not have
 * @param publicKey the key to certify
 */
public record CertificateRequest(
    String commonName,
    List<String> organizations,
    List<String> dnsNames,
    List<String> ips,
    int otherNames,
    PublicKey publicKey) {

  /**
   * Parses a PEM {@code CERTIFICATE REQUEST} block.
   *
   * @throws IllegalArgumentException with a message for the user when it is not one or its
   *     signature does not verify
   */
  public static CertificateRequest parsePem(String pem) {
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
    }
    if (!(parsed instanceof PKCS10CertificationRequest raw)) {
      throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
    }
    try {
      JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(raw);
      PublicKey key = csr.getPublicKey();
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new IllegalArgumentException("the certificate request's signature is invalid");
      }
      return fromParsed(csr, key);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot parse the certificate request: " + e.getMessage());
    }
  }

  private static CertificateRequest fromParsed(PKCS10CertificationRequest csr, PublicKey key) {
    X500Name subject = csr.getSubject();
    String cn = "";
    for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
      cn = IETFUtils.valueToString(rdn.getFirst().getValue());
    }
    List<String> orgs = new ArrayList<>();
    for (RDN rdn : subject.getRDNs(BCStyle.O)) {
      orgs.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    int other = 0;
    for (org.bouncycastle.asn1.pkcs.Attribute attr :
        csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (ASN1Encodable value : attr.getAttrValues()) {
        Extensions extensions = Extensions.getInstance(value);
        GeneralNames names =
            GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        if (names == null) {
          continue;
        }
        for (GeneralName name : names.getNames()) {
          if (name.getTagNo() == GeneralName.dNSName) {
            dns.add(name.getName().toString());
          } else if (name.getTagNo() == GeneralName.iPAddress) {
            ips.add(ipText(name));
          } else {
            other++;
          }
        }
      }
    }
    return new CertificateRequest(cn, List.copyOf(orgs), dns, ips, other, key);
  }

  private static String ipText(GeneralName name) {
    byte[] raw = org.bouncycastle.asn1.DEROctetString.getInstance(name.getName()).getOctets();
    try {
      return java.net.InetAddress.getByAddress(raw).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return "";
    }
  }
}
