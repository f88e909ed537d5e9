package io.kuark.server.auth.authn;

import io.kuark.server.auth.pki.Pem;
import io.kuark.server.auth.pki.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.jboss.logging.Logger;

/**
 * The key pair service account tokens are signed with: ECDSA P-256, kept in {@code
 * service-account.key} (mode 0600) next to the cluster certificates, created on first start and
 * reused afterwards so tokens survive restarts.
 */
public final class ServiceAccountKey {

  private static final Logger LOG = Logger.getLogger(ServiceAccountKey.class);

  static final String FILE = "service-account.key";

  private ServiceAccountKey() {}

  public static KeyPair loadOrCreate(Path tlsDir) {
    Path file = tlsDir.resolve(FILE);
    if (Files.exists(file)) {
      return Pem.keyPair(SecureFiles.read(file));
    }
    LOG.infof("creating service account signing key %s", file);
    KeyPair pair = generate();
    SecureFiles.writePrivate(file, Pem.encodeTraditional(pair.getPrivate(), pair.getPublic()));
    return pair;
  }

  static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 support in this JVM", e);
    }
  }
}
