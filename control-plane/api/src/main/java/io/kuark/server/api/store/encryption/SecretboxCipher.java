package io.kuark.server.api.store.encryption;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Upstream's {@code secretbox}: a random 24-byte nonce, then NaCl secretbox (XSalsa20-Poly1305, the
 * 16-byte tag before the ciphertext), built from BouncyCastle's XSalsa20 and Poly1305.
 */
final class SecretboxCipher extends ValueCipher {

  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] key;

  SecretboxCipher(String keyName, byte[] key) {
    super("secretbox", keyName);
    this.key = key.clone();
  }

  @Override
  byte[] encrypt(byte[] plain, String context) {
    byte[] nonce = new byte[24];
    RANDOM.nextBytes(nonce);
    return seal(nonce, plain);
  }

  /** nonce, tag, ciphertext: upstream's layout around NaCl's {@code secretbox.Seal}. */
  byte[] seal(byte[] nonce, byte[] plain) {
    XSalsa20Engine stream = stream(nonce);
    byte[] polyKey = keystream(stream);
    byte[] ct = new byte[plain.length];
    stream.processBytes(plain, 0, plain.length, ct, 0);
    byte[] tag = mac(polyKey, ct);
    byte[] out = new byte[24 + 16 + ct.length];
    System.arraycopy(nonce, 0, out, 0, 24);
    System.arraycopy(tag, 0, out, 24, 16);
    System.arraycopy(ct, 0, out, 40, ct.length);
    return out;
  }

  @Override
  byte[] decrypt(byte[] body, String context) throws GeneralSecurityException {
    if (body.length < 24 + 16) {
      throw new GeneralSecurityException("the stored data was shorter than the required size");
    }
    byte[] nonce = new byte[24];
    System.arraycopy(body, 0, nonce, 0, 24);
    XSalsa20Engine stream = stream(nonce);
    byte[] polyKey = keystream(stream);
    byte[] ct = new byte[body.length - 40];
    System.arraycopy(body, 40, ct, 0, ct.length);
    byte[] tag = new byte[16];
    System.arraycopy(body, 24, tag, 0, 16);
    if (!MessageDigest.isEqual(tag, mac(polyKey, ct))) {
      throw new GeneralSecurityException("secretbox: message authentication failed");
    }
    byte[] plain = new byte[ct.length];
    stream.processBytes(ct, 0, ct.length, plain, 0);
    return plain;
  }

  private XSalsa20Engine stream(byte[] nonce) {
    XSalsa20Engine e = new XSalsa20Engine();
    e.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    return e;
  }

  /** The first 32 keystream bytes are the one-time Poly1305 key (NaCl's construction). */
  private static byte[] keystream(XSalsa20Engine stream) {
    byte[] polyKey = new byte[32];
    stream.processBytes(new byte[32], 0, 32, polyKey, 0);
    return polyKey;
  }

  private static byte[] mac(byte[] polyKey, byte[] ct) {
    Poly1305 poly = new Poly1305();
    poly.init(new KeyParameter(polyKey));
    poly.update(ct, 0, ct.length);
    byte[] tag = new byte[16];
    poly.doFinal(tag, 0);
    return tag;
  }
}
