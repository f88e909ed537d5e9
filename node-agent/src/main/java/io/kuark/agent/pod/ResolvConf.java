package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A resolv.conf as the kubelet composes it for a pod: name servers, search domains and options,
 * merged with {@code spec.dnsConfig} and cut to the resolver limits (3 name servers, 32 search
 * domains of at most 253 characters, 2048 characters of search line).
 */
record ResolvConf(List<String> nameservers, List<String> searches, List<String> options) {

  static final int MAX_NAMESERVERS = 3;
  static final int MAX_SEARCHES = 32;
  static final int MAX_SEARCH_CHARS = 2048;
  static final int MAX_DOMAIN_LENGTH = 253;

  static final ResolvConf EMPTY = new ResolvConf(List.of(), List.of(), List.of());

  /**
   * Parses a host resolv.conf as the kubelet does: every {@code nameserver}, the last {@code
   * search} line (trailing dots dropped), all {@code options}; comments ignored.
   */
  static ResolvConf parse(String text) {
    List<String> nameservers = new ArrayList<>();
    List<String> searches = new ArrayList<>();
    List<String> options = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
        continue;
      }
      String[] fields = trimmed.split("\\s+");
      switch (fields[0]) {
        case "nameserver" -> {
          if (fields.length >= 2) {
            nameservers.add(fields[1]);
          }
        }
        case "search" -> {
          searches = new ArrayList<>();
          for (int i = 1; i < fields.length; i++) {
            if (!fields[i].equals(".")) {
              searches.add(trimDot(fields[i]));
            }
          }
        }
        case "options" -> {
          for (int i = 1; i < fields.length; i++) {
            options = mergeOption(options, fields[i]);
          }
        }
        default -> {}
      }
    }
    return new ResolvConf(nameservers, searches, options);
  }

  /**
   * Appends {@code spec.dnsConfig}: name servers and searches after the policy's own (duplicates
   * dropped), options merged by name with the pod's value winning.
   */
  ResolvConf with(PodDNSConfig config) {
    if (config == null) {
      return this;
    }
    List<String> ns = new ArrayList<>(nameservers);
    if (config.getNameservers() != null) {
      ns.addAll(config.getNameservers());
    }
    List<String> search = new ArrayList<>(searches);
    if (config.getSearches() != null) {
      for (String s : config.getSearches()) {
        search.add(trimDot(s));
      }
    }
    List<String> opts = new ArrayList<>(options);
    if (config.getOptions() != null) {
      for (PodDNSConfigOption option : config.getOptions()) {
        String text =
            option.getValue() == null
                ? option.getName()
                : option.getName() + ":" + option.getValue();
        opts = mergeOption(opts, text);
      }
    }
    return new ResolvConf(distinct(ns), distinct(search), opts);
  }

  /** Cuts to the resolver limits, as the kubelet does (it also reports an event; we log). */
  ResolvConf withinLimits() {
    List<String> ns =
        nameservers.size() > MAX_NAMESERVERS
            ? nameservers.subList(0, MAX_NAMESERVERS)
            : nameservers;
    List<String> search = new ArrayList<>();
    for (String s : searches.size() > MAX_SEARCHES ? searches.subList(0, MAX_SEARCHES) : searches) {
      if (s.length() <= MAX_DOMAIN_LENGTH) {
        search.add(s); // longer ones make some resolvers (glibc 2.28) abort
      }
    }
    int length = String.join(" ", search).length();
    while (length > MAX_SEARCH_CHARS && !search.isEmpty()) {
      length -= search.remove(search.size() - 1).length() + 1;
    }
    return new ResolvConf(List.copyOf(ns), List.copyOf(search), options);
  }

  String render() {
    StringBuilder out = new StringBuilder();
    if (!searches.isEmpty()) {
      out.append("search ").append(String.join(" ", searches)).append('\n');
    }
    for (String ns : nameservers) {
      out.append("nameserver ").append(ns).append('\n');
    }
    if (!options.isEmpty()) {
      out.append("options ").append(String.join(" ", options)).append('\n');
    }
    return out.toString();
  }

  private static List<String> mergeOption(List<String> options, String option) {
    String name = option.contains(":") ? option.substring(0, option.indexOf(':')) : option;
    List<String> result = new ArrayList<>();
    boolean replaced = false;
    for (String existing : options) {
      String existingName =
          existing.contains(":") ? existing.substring(0, existing.indexOf(':')) : existing;
      if (existingName.equals(name)) {
        if (!replaced) {
          result.add(option);
          replaced = true;
        }
      } else {
        result.add(existing);
      }
    }
    if (!replaced) {
      result.add(option);
    }
    return result;
  }

  private static List<String> distinct(List<String> values) {
    return new ArrayList<>(new LinkedHashSet<>(values));
  }

  private static String trimDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
