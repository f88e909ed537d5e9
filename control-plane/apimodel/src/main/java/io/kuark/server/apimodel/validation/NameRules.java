package io.kuark.server.apimodel.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Upstream's name and key syntax checks; each returns the list of problems (empty = valid) with
 * upstream's wording, so callers can turn each into a {@link FieldError#invalid}.
 */
public final class NameRules {

  private static final String LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_LABEL = Pattern.compile("^" + LABEL_FMT + "$");
  private static final String SUBDOMAIN_FMT = LABEL_FMT + "(\\." + LABEL_FMT + ")*";
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("^" + SUBDOMAIN_FMT + "$");
  private static final Pattern DNS1035_LABEL = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final String QUALIFIED_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern QUALIFIED = Pattern.compile("^" + QUALIFIED_FMT + "$");
  private static final Pattern LABEL_VALUE = Pattern.compile("^(" + QUALIFIED_FMT + ")?$");
  private static final Pattern ENV_VAR = Pattern.compile("^[-._a-zA-Z][-._a-zA-Z0-9]*$");
  private static final Pattern CONFIG_KEY = Pattern.compile("^[-._a-zA-Z0-9]+$");
  private static final Pattern IANA_SVC = Pattern.compile("^[-a-z0-9]+$");

  static final String SUBDOMAIN_MSG =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex"
          + " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  static final String LABEL_MSG =
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and"
          + " must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex"
          + " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  static final String DNS1035_MSG =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
          + " alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or"
          + " 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  static final String QUALIFIED_MSG =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
          + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
          + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

  private NameRules() {}

  /** RFC 1123 subdomain, at most 253 characters (most object names). */
  public static List<String> dns1123Subdomain(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 253) {
      errs.add("must be no more than 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      errs.add(SUBDOMAIN_MSG);
    }
    return errs;
  }

  /** RFC 1123 label, at most 63 characters (namespaces, container and volume names). */
  public static List<String> dns1123Label(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!DNS1123_LABEL.matcher(value).matches()) {
      errs.add(LABEL_MSG);
    }
    return errs;
  }

  /** RFC 1035 label, at most 63 characters (service names). */
  public static List<String> dns1035Label(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!DNS1035_LABEL.matcher(value).matches()) {
      errs.add(DNS1035_MSG);
    }
    return errs;
  }

  /** A path segment name (RBAC objects): not "." or "..", no "/" or "%". */
  public static List<String> pathSegmentName(String value) {
    List<String> errs = new ArrayList<>();
    if (value.equals(".") || value.equals("..")) {
      errs.add("may not be '" + value + "'");
    }
    for (String bad : new String[] {"/", "%"}) {
      if (value.contains(bad)) {
        errs.add("may not contain '" + bad + "'");
      }
    }
    return errs;
  }

  /** A qualified name ({@code [prefix/]name}), as used for label and annotation keys. */
  public static List<String> qualifiedName(String value) {
    List<String> errs = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      name = parts[1];
      if (prefix.isEmpty()) {
        errs.add("prefix part must be non-empty");
      } else {
        for (String m : dns1123Subdomain(prefix)) {
          errs.add("prefix part " + m);
        }
      }
    } else {
      errs.add(
          "a qualified name "
              + QUALIFIED_MSG
              + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return errs;
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errs.add("name part must be no more than 63 characters");
    }
    if (!name.isEmpty() && !QUALIFIED.matcher(name).matches()) {
      errs.add("name part " + QUALIFIED_MSG);
    }
    return errs;
  }

  /** A label value: empty, or a qualified-name-like string of at most 63 characters. */
  public static List<String> labelValue(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errs.add(
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
              + " '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or"
              + " 'my_value',  or '12345', regex used for validation is"
              + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }
    return errs;
  }

  /** An environment variable name. */
  public static List<String> envVarName(String value) {
    List<String> errs = new ArrayList<>();
    if (!ENV_VAR.matcher(value).matches()) {
      errs.add(
          "a valid environment variable name must consist of alphabetic characters, digits, '_',"
              + " '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or"
              + " 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is"
              + " '[-._a-zA-Z][-._a-zA-Z0-9]*')");
    }
    return errs;
  }

  /** A ConfigMap/Secret data key. */
  public static List<String> configMapKey(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 253) {
      errs.add("must be no more than 253 characters");
    }
    if (!CONFIG_KEY.matcher(value).matches()) {
      errs.add(
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g."
              + " 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is"
              + " '[-._a-zA-Z0-9]+')");
    }
    if (value.equals(".")) {
      errs.add("must not be '.'");
    } else if (value.equals("..")) {
      errs.add("must not be '..'");
    } else if (value.startsWith("..")) {
      errs.add("must not start with '..'");
    }
    return errs;
  }

  /** An IANA service name (named ports): at most 15 characters, a letter, no double hyphen. */
  public static List<String> ianaServiceName(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 15) {
      errs.add("must be no more than 15 characters");
    }
    if (!IANA_SVC.matcher(value).matches()) {
      errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (value.contains("--")) {
      errs.add("must not contain consecutive hyphens");
    }
    if (!value.isEmpty() && !value.chars().anyMatch(Character::isLetter)) {
      errs.add("must contain at least one letter (a-z)");
    }
    if (value.startsWith("-") || value.endsWith("-")) {
      errs.add("must not begin or end with a hyphen");
    }
    return errs;
  }
}
