package io.kuark.server.auth.authn;

import io.kuark.server.api.http.UserInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --token-auth-file}: upstream's static token CSV, one {@code
 * token,user,uid[,"group1,group2"]} per line; blank lines and lines starting with # are skipped.
 * Read once at start, as upstream does.
 */
public final class StaticTokenFile implements TokenAuthenticator {

  private final Map<String, UserInfo> users;

  private StaticTokenFile(Map<String, UserInfo> users) {
    this.users = users;
  }

  /**
   * @throws IllegalArgumentException for a malformed line (naming the line number)
   */
  public static StaticTokenFile read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token file " + file, e);
    }
  }

  static StaticTokenFile parse(String csv) {
    Map<String, UserInfo> users = new HashMap<>();
    String[] lines = csv.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = fields(line, i + 1);
      if (fields.size() < 3 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
        throw new IllegalArgumentException(
            "token file line " + (i + 1) + ": want token,user,uid[,\"group1,group2\"]");
      }
      List<String> groups = new ArrayList<>();
      if (fields.size() > 3) {
        for (String g : fields.get(3).split(",")) {
          if (!g.isBlank()) {
            groups.add(g.strip());
          }
        }
      }
      groups.add("system:authenticated");
      if (users.put(
              fields.get(0),
              new UserInfo(fields.get(1), fields.get(2), List.copyOf(groups), Map.of()))
          != null) {
        throw new IllegalArgumentException("token file line " + (i + 1) + ": duplicate token");
      }
    }
    return new StaticTokenFile(Map.copyOf(users));
  }

  /** Splits one CSV line; double quotes group a field that contains commas. */
  private static List<String> fields(String line, int number) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(field.toString().strip());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("token file line " + number + ": unterminated quote");
    }
    out.add(field.toString().strip());
    return out;
  }

  @Override
  public Optional<UserInfo> authenticate(String token) {
    // Compare against every entry in constant time so timing does not reveal a token's prefix.
    UserInfo match = null;
    byte[] presented = token.getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, UserInfo> e : users.entrySet()) {
      if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), presented)) {
        match = e.getValue();
      }
    }
    return Optional.ofNullable(match);
  }
}
