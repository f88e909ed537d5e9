package io.kuark.server.api.store.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Upstream's {@code aesgcm}: a random 12-byte nonce, then AES-GCM (16-byte tag) with the storage
 * key as additional authenticated data, so a value copied to another key does not decrypt.
 */
final class AesGcmCipher extends ValueCipher {

  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  AesGcmCipher(String keyName, byte[] key) {
    super("aesgcm", keyName);
    this.key = new SecretKeySpec(key, "AES");
  }

  @Override
  byte[] encrypt(byte[] plain, String context) throws GeneralSecurityException {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
    byte[] ct = c.doFinal(plain);
    byte[] out = new byte[nonce.length + ct.length];
    System.arraycopy(nonce, 0, out, 0, nonce.length);
    System.arraycopy(ct, 0, out, nonce.length, ct.length);
    return out;
  }

  @Override
  byte[] decrypt(byte[] body, String context) throws GeneralSecurityException {
    if (body.length < 12 + 16) {
      throw new GeneralSecurityException("the stored data was shorter than the required size");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, body, 0, 12));
    c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
    return c.doFinal(body, 12, body.length - 12);
  }
}
