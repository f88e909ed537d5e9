package io.kuark.agent.join;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager whose certificate can be swapped while connections are open: new TLS
 * handshakes present the current one, so a renewed node certificate takes effect without rebuilding
 * the API client.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

  /**
   * The alias names the generation, so one handshake that chose an alias gets that generation's
   * certificate and key even if an update happens in between.
   */
  private record Current(String alias, X509Certificate certificate, PrivateKey key) {}

  private volatile Current current;
  private volatile Current previous;
  private int generation;

  public ReloadingKeyManager(X509Certificate certificate, PrivateKey key) {
    this.current = new Current("node-0", certificate, key);
    this.previous = current;
  }

  public synchronized void update(X509Certificate certificate, PrivateKey key) {
    previous = current;
    current = new Current("node-" + (++generation), certificate, key);
  }

  private Current find(String alias) {
    Current c = current;
    if (c.alias().equals(alias)) {
      return c;
    }
    Current p = previous;
    return p.alias().equals(alias) ? p : null;
  }

  public X509Certificate certificate() {
    return current.certificate();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {current.alias()};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return current.alias();
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return current.alias();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Current c = find(alias);
    return c == null ? null : new X509Certificate[] {c.certificate()};
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Current c = find(alias);
    return c == null ? null : c.key();
  }
}
