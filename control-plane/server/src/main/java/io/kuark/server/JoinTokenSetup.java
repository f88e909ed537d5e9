package io.kuark.server;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuark.server.auth.bootstrap.BootstrapToken;
import io.kuark.server.auth.bootstrap.JoinToken;
import io.kuark.server.auth.pki.Pem;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.jboss.logging.Logger;

/**
 * The server's own join token: {@code DATA/server/token} (created at first start, mode 0600) and
 * its bootstrap-token Secret in {@code kube-system}, recreated at start when missing. The token
 * does not expire (like k3s's server token); {@code kuark token create} mints expiring ones.
 */
final class JoinTokenSetup {

  private static final Logger LOG = Logger.getLogger(JoinTokenSetup.class);

  private JoinTokenSetup() {}

  static JoinToken ensure(Path serverDir, X509Certificate ca, KubernetesClient client) {
    Path file = serverDir.resolve("token");
    JoinToken join = JoinToken.loadOrCreate(file, Pem.encode(ca));
    BootstrapToken token = join.token();
    if (client.secrets().inNamespace(BootstrapToken.NAMESPACE).withName(token.secretName()).get()
        == null) {
      Secret secret =
          client
              .getKubernetesSerialization()
              .convertValue(token.toSecret(null, "kuark server join token"), Secret.class);
      try {
        client.secrets().inNamespace(BootstrapToken.NAMESPACE).resource(secret).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    LOG.infof("node join token in %s (kuark agent --server URL --token TOKEN)", file);
    return join;
  }
}
