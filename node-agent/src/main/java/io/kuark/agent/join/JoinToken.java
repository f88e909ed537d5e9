package io.kuark.agent.join;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A join token in k3s's secure form {@code K10<sha256 of the CA certificate>::<id>.<secret>}: the
 * hash pins the server's CA before anything else is trusted, {@code <id>.<secret>} is a bootstrap
 * token for the first certificate request.
 *
 * @param caHash lower-case hex SHA-256 of the CA certificate PEM the server serves at {@code
 *     /cacerts}
 * @param bootstrapToken {@code <id>.<secret>}
 */
public record JoinToken(String caHash, String bootstrapToken) {

  private static final Pattern FORM =
      Pattern.compile("^K10([0-9a-fA-F]{64})::([a-z0-9]{6}\\.[a-z0-9]{16})$");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with a message for the user when it is not a join token
   */
  public static JoinToken parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--token must be a join token K10<sha256 of the CA>::<id>.<secret> (as in the"
              + " server's DATA/server/token or printed by kuark token create)");
    }
    return new JoinToken(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
  }

  @Override
  public String toString() {
    return "JoinToken[K10" + caHash + "::" + bootstrapToken.substring(0, 6) + ".…]";
  }
}
