package io.kuark.server.api.http;

import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * x509 client-certificate authentication: the TLS layer only accepts client certificates signed by
 * the cluster CA, so a presented certificate names the user (CN) and groups (O).
 */
public final class Authenticator {

  private Authenticator() {}

  /** The request's user, or empty for anonymous requests. */
  public static Optional<UserInfo> authenticate(HttpServerRequest request) {
    return peerCertificate(request).flatMap(Authenticator::user);
  }

  /** The client certificate the request's connection presented, if any. */
  public static Optional<X509Certificate> peerCertificate(HttpServerRequest request) {
    SSLSession session = request.sslSession();
    if (session == null) {
      return Optional.empty();
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      return Optional.empty();
    }
    return Optional.of(cert);
  }

  /**
   * Whether {@code cert} is valid at {@code now}. TLS checked it when the connection was made, but
   * a kept connection (HTTP/2 clients keep theirs) outlives that: upstream's x509 authenticator
   * verifies the certificate at each request's time, so a connection whose certificate expired
   * authenticates no more.
   */
  public static boolean validAt(X509Certificate cert, Instant now) {
    return !now.isBefore(cert.getNotBefore().toInstant())
        && !now.isAfter(cert.getNotAfter().toInstant());
  }

  /** The user (CN) and groups (O) a certificate names. */
  public static Optional<UserInfo> user(X509Certificate cert) {
    return fromSubject(cert.getSubjectX500Principal().getName());
  }

  static Optional<UserInfo> fromSubject(String subject) {
    String user = null;
    List<String> groups = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(subject).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          user = String.valueOf(rdn.getValue());
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          groups.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    if (user == null || user.isEmpty()) {
      return Optional.empty();
    }
    groups.add("system:authenticated");
    return Optional.of(new UserInfo(user, List.copyOf(groups)));
  }
}
