package io.kuark.server.apimodel.quota;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity ({@code 500m}, {@code 1Gi}, {@code 1e3}): an exact decimal value
 * and the notation it was written in, printed in upstream's canonical form ({@code 0.5} → {@code
 * 500m}, {@code 2048Mi} → {@code 2Gi}), which is how quantities appear in messages and statuses.
 */
public final class Quantity implements Comparable<Quantity> {

  /** The notation a quantity prints in. */
  public enum Format {
    DECIMAL_SI,
    BINARY_SI,
    DECIMAL_EXPONENT
  }

  public static final Quantity ZERO = new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI);

  private static final Pattern SYNTAX =
      Pattern.compile(
          "^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$");
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigDecimal KI = BigDecimal.valueOf(1024);

  private final BigDecimal value;
  private final Format format;

  private Quantity(BigDecimal value, Format format) {
    this.value = value;
    this.format = format;
  }

  public static Quantity of(long value) {
    return new Quantity(BigDecimal.valueOf(value), Format.DECIMAL_SI);
  }

  /**
   * Parses a quantity.
   *
   * @throws IllegalArgumentException for text that is not a quantity
   */
  public static Quantity parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "quantities must match the regular expression"
              + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2) == null ? "" : m.group(2);
    if (suffix.endsWith("i")) {
      int power = indexOf(BINARY, suffix);
      return new Quantity(number.multiply(KI.pow(power)), Format.BINARY_SI);
    }
    // "E" alone is exa (10^18); an exponent has digits after the e or E.
    if ((suffix.startsWith("e") || suffix.startsWith("E")) && suffix.length() > 1) {
      int exp = Integer.parseInt(suffix.substring(1));
      return new Quantity(number.scaleByPowerOfTen(exp), Format.DECIMAL_EXPONENT);
    }
    return new Quantity(number.scaleByPowerOfTen(decimalExponent(suffix)), Format.DECIMAL_SI);
  }

  public BigDecimal value() {
    return value;
  }

  public Format format() {
    return format;
  }

  public boolean isZero() {
    return value.signum() == 0;
  }

  /** The sum, in this quantity's notation (the other's when this is zero, as upstream). */
  public Quantity add(Quantity other) {
    return new Quantity(value.add(other.value), isZero() ? other.format : format);
  }

  /** The difference, in this quantity's notation (the other's when this is zero). */
  public Quantity subtract(Quantity other) {
    return new Quantity(value.subtract(other.value), isZero() ? other.format : format);
  }

  /** The value in milli-units (cores → millicores), rounded up as upstream's MilliValue. */
  public long milliValue() {
    return value.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  @Override
  public int compareTo(Quantity o) {
    return value.compareTo(o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quantity q && value.compareTo(q.value) == 0;
  }

  @Override
  public int hashCode() {
    return value.stripTrailingZeros().hashCode();
  }

  /** Upstream's canonical text. */
  @Override
  public String toString() {
    // Upstream keeps nano precision at most, rounding up.
    BigDecimal v = value.setScale(9, RoundingMode.CEILING).stripTrailingZeros();
    if (v.signum() == 0) {
      return "0";
    }
    if (format == Format.BINARY_SI
        && v.abs().compareTo(KI) >= 0
        && v.stripTrailingZeros().scale() <= 0) {
      BigInteger n = v.toBigIntegerExact();
      int power = 0;
      BigInteger k = BigInteger.valueOf(1024);
      while (power < BINARY.length - 1 && n.mod(k).signum() == 0) {
        n = n.divide(k);
        power++;
      }
      return n + BINARY[power];
    }
    // Largest multiple-of-three exponent that leaves an integer mantissa (n … E).
    int exp = 18;
    while (exp > -9 && v.scaleByPowerOfTen(-exp).stripTrailingZeros().scale() > 0) {
      exp -= 3;
    }
    String mantissa = v.scaleByPowerOfTen(-exp).setScale(0, RoundingMode.CEILING).toPlainString();
    if (format == Format.DECIMAL_EXPONENT) {
      return exp == 0 ? mantissa : mantissa + "e" + exp;
    }
    return mantissa + decimalSuffix(exp);
  }

  private static int indexOf(String[] names, String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unknown suffix " + name);
  }

  private static int decimalExponent(String suffix) {
    switch (suffix) {
      case "n":
        return -9;
      case "u":
        return -6;
      case "m":
        return -3;
      case "":
        return 0;
      case "k":
        return 3;
      case "M":
        return 6;
      case "G":
        return 9;
      case "T":
        return 12;
      case "P":
        return 15;
      case "E":
        return 18;
      default:
        throw new IllegalArgumentException("unknown suffix " + suffix);
    }
  }

  private static String decimalSuffix(int exp) {
    switch (exp) {
      case -9:
        return "n";
      case -6:
        return "u";
      case -3:
        return "m";
      case 3:
        return "k";
      case 6:
        return "M";
      case 9:
        return "G";
      case 12:
        return "T";
      case 15:
        return "P";
      case 18:
        return "E";
      default:
        return "";
    }
  }
}
