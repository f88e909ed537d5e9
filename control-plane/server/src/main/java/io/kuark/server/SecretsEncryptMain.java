package io.kuark.server;

import io.kuark.server.api.store.encryption.KeyRotation;
import java.nio.file.Path;
import java.time.Clock;

/**
 * {@code kuark secrets-encrypt rotate --encryption-provider-config FILE}: a plain entry point (no
 * Quarkus boot) on the server's class path that rotates the encryption key in the file. The
 * launcher then asks the running server to reload the file and rewrite every secret online;
 * otherwise the server does so when it next starts.
 */
public final class SecretsEncryptMain {

  static final String USAGE =
      "usage: kuark secrets-encrypt rotate --encryption-provider-config FILE\n";

  private SecretsEncryptMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    Path file = null;
    String command = args.length > 0 ? args[0] : "";
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--encryption-provider-config") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (args[i].startsWith("--encryption-provider-config=")) {
        file = Path.of(args[i].substring("--encryption-provider-config=".length()));
      } else {
        System.err.print("kuark secrets-encrypt: unknown argument " + args[i] + "\n" + USAGE);
        return 2;
      }
    }
    if (!command.equals("rotate") || file == null) {
      System.err.print(USAGE);
      return 2;
    }
    try {
      String name = KeyRotation.rotate(file, Clock.systemUTC());
      System.out.println(
          "new key "
              + name
              + " is first in "
              + file
              + "; once every secret is rewritten with it (kuark secrets-encrypt reload, or a"
              + " server restart), the old keys can be removed");
      return 0;
    } catch (RuntimeException e) {
      System.err.println("kuark secrets-encrypt: " + e.getMessage());
      return 1;
    }
  }
}
