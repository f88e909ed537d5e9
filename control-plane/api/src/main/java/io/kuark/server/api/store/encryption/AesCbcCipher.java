package io.kuark.server.api.store.encryption;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Upstream's {@code aescbc}: a random 16-byte IV, then AES-CBC with PKCS#7 padding. */
final class AesCbcCipher extends ValueCipher {

  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  AesCbcCipher(String keyName, byte[] key) {
    super("aescbc", keyName);
    this.key = new SecretKeySpec(key, "AES");
  }

  @Override
  byte[] encrypt(byte[] plain, String context) throws GeneralSecurityException {
    byte[] iv = new byte[16];
    RANDOM.nextBytes(iv);
    Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
    c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
    byte[] ct = c.doFinal(plain);
    byte[] out = new byte[iv.length + ct.length];
    System.arraycopy(iv, 0, out, 0, iv.length);
    System.arraycopy(ct, 0, out, iv.length, ct.length);
    return out;
  }

  @Override
  byte[] decrypt(byte[] body, String context) throws GeneralSecurityException {
    if (body.length < 32 || body.length % 16 != 0) {
      throw new GeneralSecurityException("the stored data is not a multiple of the block size");
    }
    Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
    c.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(body, 0, 16));
    return c.doFinal(body, 16, body.length - 16);
  }
}
