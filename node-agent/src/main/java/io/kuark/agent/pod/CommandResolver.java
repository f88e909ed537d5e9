package io.kuark.agent.pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' rules for a container's argv: {@code command} replaces the image ENTRYPOINT and then
 * the image CMD is ignored; {@code args} replaces CMD. {@code $(VAR)} references to the container's
 * environment are expanded in both; {@code $$} escapes a dollar and unknown references stay as
 * written.
 */
public final class CommandResolver {

  private CommandResolver() {}

  /** The argv, or an empty list when neither the pod nor the image says what to run. */
  public static List<String> resolve(
      List<String> command,
      List<String> args,
      List<String> imageEntrypoint,
      List<String> imageCmd,
      Map<String, String> env) {
    List<String> argv = new ArrayList<>();
    boolean hasCommand = command != null && !command.isEmpty();
    boolean hasArgs = args != null && !args.isEmpty();
    if (hasCommand) {
      argv.addAll(expandAll(command, env));
      if (hasArgs) {
        argv.addAll(expandAll(args, env));
      }
    } else {
      argv.addAll(imageEntrypoint);
      argv.addAll(hasArgs ? expandAll(args, env) : imageCmd);
    }
    return argv;
  }

  private static List<String> expandAll(List<String> values, Map<String, String> env) {
    List<String> expanded = new ArrayList<>(values.size());
    for (String value : values) {
      expanded.add(expand(value, env));
    }
    return expanded;
  }

  /** Expands {@code $(NAME)} from {@code env}; {@code $$} yields {@code $}. */
  public static String expand(String input, Map<String, String> env) {
    StringBuilder out = new StringBuilder(input.length());
    int i = 0;
    while (i < input.length()) {
      char c = input.charAt(i);
      if (c != '$' || i + 1 >= input.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = input.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '(') {
        int close = input.indexOf(')', i + 2);
        if (close < 0) {
          out.append(input, i, input.length());
          break;
        }
        String name = input.substring(i + 2, close);
        String value = env.get(name);
        out.append(value != null ? value : input.substring(i, close + 1));
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
