package io.kuark.server.api.store.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * One key of one encryption provider, writing values as upstream does: {@code
 * k8s:enc:<provider>:v1:<key name>:} followed by the provider's ciphertext.
 */
abstract class ValueCipher {

  private final byte[] prefix;

  ValueCipher(String provider, String keyName) {
    this.prefix = ("k8s:enc:" + provider + ":v1:" + keyName + ":").getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code stored} was written with this key. */
  final boolean wrote(byte[] stored) {
    if (stored.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (stored[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Prefix + ciphertext; {@code context} is the storage key (authenticated where supported). */
  final byte[] seal(byte[] plain, String context) throws GeneralSecurityException {
    byte[] body = encrypt(plain, context);
    byte[] out = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(body, 0, out, prefix.length, body.length);
    return out;
  }

  /** The plaintext of a value {@link #wrote} accepts. */
  final byte[] open(byte[] stored, String context) throws GeneralSecurityException {
    byte[] body = new byte[stored.length - prefix.length];
    System.arraycopy(stored, prefix.length, body, 0, body.length);
    return decrypt(body, context);
  }

  abstract byte[] encrypt(byte[] plain, String context) throws GeneralSecurityException;

  abstract byte[] decrypt(byte[] body, String context) throws GeneralSecurityException;
}
