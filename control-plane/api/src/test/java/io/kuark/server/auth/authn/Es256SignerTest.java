package io.kuark.server.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class Es256SignerTest {

  private static KeyPair keyPair(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  private static boolean jdkVerifies(KeyPair keys, byte[] input, byte[] signature)
      throws Exception {
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(keys.getPublic());
    verifier.update(input);
    return verifier.verify(signature);
  }

  @Test
  void signaturesAreSixtyFourBytesThatTheJdkVerifies() throws Exception {
    KeyPair keys = keyPair("secp256r1");
    assertThat(Es256Signer.supports(keys.getPrivate())).isTrue();
    // Many messages, so that R or S below 2^248 (a leading zero byte to pad) occurs as well.
    for (int i = 0; i < 300; i++) {
      byte[] input = ("header.claims-" + i).getBytes(StandardCharsets.US_ASCII);
      byte[] signature = Es256Signer.sign((ECPrivateKey) keys.getPrivate(), input);
      assertThat(signature).hasSize(64);
      assertThat(jdkVerifies(keys, input, signature)).as("message %d", i).isTrue();
    }
  }

  @Test
  void aSignatureDoesNotVerifyAnotherMessageOrKey() throws Exception {
    KeyPair keys = keyPair("secp256r1");
    byte[] signature =
        Es256Signer.sign((ECPrivateKey) keys.getPrivate(), "a.b".getBytes(StandardCharsets.UTF_8));
    assertThat(jdkVerifies(keys, "a.c".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    assertThat(jdkVerifies(keyPair("secp256r1"), "a.b".getBytes(StandardCharsets.UTF_8), signature))
        .isFalse();
  }

  @Test
  void theNonceComesFromKeyAndMessage() throws Exception {
    KeyPair keys = keyPair("secp256r1");
    byte[] input = "same.input".getBytes(StandardCharsets.US_ASCII);
    ECPrivateKey key = (ECPrivateKey) keys.getPrivate();
    assertThat(Es256Signer.sign(key, input)).isEqualTo(Es256Signer.sign(key, input));
  }

  @Test
  void otherCurvesAreLeftToTheJdk() throws Exception {
    assertThat(Es256Signer.supports(keyPair("secp384r1").getPrivate())).isFalse();
    assertThat(Es256Signer.supports(null)).isFalse();
  }

  @Test
  void numbersArePaddedAndTrimmedToThirtyTwoBytes() {
    byte[] out = new byte[64];
    Es256Signer.putUnsigned(BigInteger.ONE, out, 32);
    assertThat(out[63]).isEqualTo((byte) 1);
    assertThat(out[32]).isZero();
    // 2^256 - 1 has a leading sign byte in toByteArray(): it must not shift the number.
    BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    Es256Signer.putUnsigned(max, out, 0);
    for (int i = 0; i < 32; i++) {
      assertThat(out[i]).isEqualTo((byte) 0xff);
    }
  }

  @Test
  void jwtSignUsesItAndJwtVerifyAcceptsTheToken() throws Exception {
    KeyPair keys = keyPair("secp256r1");
    ObjectNode claims =
        new ObjectMapper().createObjectNode().put("sub", "system:serviceaccount:a:b");
    String token = Jwt.sign(claims, keys.getPrivate(), "kid");
    assertThat(Jwt.verify(token, keys.getPublic())).contains(claims);
    String[] parts = token.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    // the deterministic nonce shows that the BouncyCastle path signed it
    assertThat(signature)
        .isEqualTo(
            Es256Signer.sign(
                (ECPrivateKey) keys.getPrivate(),
                (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII)));
    String tampered =
        parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "x." + parts[2];
    assertThat(Jwt.verify(tampered, keys.getPublic())).isEmpty();
  }
}
