package io.kuark.server.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kuark.server.auth.pki.CertificateAuthority.IssuedCertificate;
import io.kuark.server.auth.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** fabric8 clients with bootstrap-token or client-certificate credentials, and test CSRs. */
final class NodeClients {

  private NodeClients() {}

  static KubernetesClient withToken(TestApiServer api, String token) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl(api.url())
            .withCaCertData(b64(Pem.encode(api.pki.ca().certificate())))
            .withOauthToken(token)
            .withRequestTimeout(30_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  static KubernetesClient withCertificate(TestApiServer api, IssuedCertificate cert) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl(api.url())
            .withCaCertData(b64(Pem.encode(api.pki.ca().certificate())))
            .withClientCertData(b64(Pem.encode(cert.certificate())))
            .withClientKeyData(b64(Pem.encodeTraditional(cert.key(), cert.publicKey())))
            .withClientKeyAlgo("EC")
            .withRequestTimeout(30_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** A PEM PKCS#10 request for {@code key} with CN, O entries and optional SANs. */
  static String csrPem(
      KeyPair key, String cn, List<String> orgs, List<String> dns, List<String> ips)
      throws Exception {
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
    for (String o : orgs) {
      name.addRDN(BCStyle.O, o);
    }
    name.addRDN(BCStyle.CN, cn);
    JcaPKCS10CertificationRequestBuilder b =
        new JcaPKCS10CertificationRequestBuilder(name.build(), key.getPublic());
    if (!dns.isEmpty() || !ips.isEmpty()) {
      java.util.List<GeneralName> names = new java.util.ArrayList<>();
      dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
      ips.forEach(i -> names.add(new GeneralName(GeneralName.iPAddress, i)));
      ExtensionsGenerator ext = new ExtensionsGenerator();
      ext.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(new GeneralName[0])));
      b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
    }
    var csr = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
    java.io.StringWriter out = new java.io.StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(csr);
    }
    return out.toString();
  }

  static KeyPair newKey() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
