package io.kuark.server.auth.authn;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * ES256 signatures (ECDSA P-256 over SHA-256, as the 64-byte R||S JOSE asks for) with
 * BouncyCastle's P-256 arithmetic. Every TokenRequest signs one token, and the agent asks for one
 * per pod it starts: JDK 17's generic curve code took 5-9 ms of server CPU per signature on a
 * 2-core machine, BouncyCastle's (a dedicated P-256 field and a precomputed table for the base
 * point) about 1 ms (docs/benchmarks.md, "Server CPU per pod"). The nonce is derived from the key
 * and the message (RFC 6979), so signing needs no random source. The signatures are plain ES256:
 * any verifier (Jwt.verify uses the JDK's) accepts them.
 */
final class Es256Signer {

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());
  private static final int FIELD_BYTES = 32;

  private Es256Signer() {}

  /**
   * Whether {@code key} is a P-256 private key whose scalar this signer can use (keys held in a
   * token or HSM do not expose it; those go through the JDK's Signature).
   */
  static boolean supports(PrivateKey key) {
    return key instanceof ECPrivateKey ec
        && ec.getS() != null
        && ec.getParams() != null
        && ec.getParams().getOrder().equals(DOMAIN.getN())
        && ec.getParams().getCurve().getField().getFieldSize() == 256
        && ec.getParams().getCurve().getA().equals(DOMAIN.getCurve().getA().toBigInteger())
        && ec.getParams().getCurve().getB().equals(DOMAIN.getCurve().getB().toBigInteger());
  }

  /** The R||S signature of {@code input}; {@code key} must be {@link #supports supported}. */
  static byte[] sign(ECPrivateKey key, byte[] input) {
    SHA256Digest digest = new SHA256Digest();
    digest.update(input, 0, input.length);
    byte[] hash = new byte[digest.getDigestSize()];
    digest.doFinal(hash, 0);
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(key.getS(), DOMAIN));
    BigInteger[] rs = signer.generateSignature(hash);
    byte[] out = new byte[2 * FIELD_BYTES];
    putUnsigned(rs[0], out, 0);
    putUnsigned(rs[1], out, FIELD_BYTES);
    return out;
  }

  /** {@code value} as a big-endian unsigned number of FIELD_BYTES bytes at {@code offset}. */
  static void putUnsigned(BigInteger value, byte[] out, int offset) {
    byte[] raw = value.toByteArray(); // may carry a leading sign byte, or be shorter
    int skip = raw.length > FIELD_BYTES ? raw.length - FIELD_BYTES : 0;
    int length = raw.length - skip;
    System.arraycopy(raw, skip, out, offset + FIELD_BYTES - length, length);
  }
}
