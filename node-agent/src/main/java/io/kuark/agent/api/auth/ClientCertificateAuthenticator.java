package io.kuark.agent.api.auth;

import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Authenticates a client certificate signed by the cluster CA as the API server does: the subject's
 * CN is the user, its O entries the groups.
 */
public final class ClientCertificateAuthenticator {

  private final List<X509Certificate> authorities;

  public ClientCertificateAuthenticator(List<X509Certificate> authorities) {
    this.authorities = List.copyOf(authorities);
  }

  /** The authorities clients should pick their certificate for (TLS certificate request). */
  public X509Certificate[] acceptedIssuers() {
    return authorities.toArray(new X509Certificate[0]);
  }

  /** The caller the presented chain (null or empty: none) proves, if any. */
  public Optional<Caller> authenticate(Certificate[] chain) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    if (!signedByAuthority(leaf)) {
      return Optional.empty();
    }
    X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
    List<String> names = all(subject, BCStyle.CN);
    if (names.isEmpty() || names.get(0).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Caller(names.get(0), null, all(subject, BCStyle.O)));
  }

  private boolean signedByAuthority(X509Certificate leaf) {
    try {
      leaf.checkValidity();
    } catch (GeneralSecurityException e) {
      return false;
    }
    for (X509Certificate authority : authorities) {
      if (!authority.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
        continue;
      }
      try {
        leaf.verify(authority.getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // try the next authority with the same name
      }
    }
    return false;
  }

  private static List<String> all(X500Name name, ASN1ObjectIdentifier type) {
    List<String> values = new ArrayList<>();
    for (RDN rdn : name.getRDNs(type)) {
      values.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    return values;
  }
}
