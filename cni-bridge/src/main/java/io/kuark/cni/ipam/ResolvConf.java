package io.kuark.cni.ipam;

import io.kuark.cni.result.CniResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads nameserver/domain/search/options from a resolv.conf, as host-local's resolvConf does. */
final class ResolvConf {
  private ResolvConf() {}

  static CniResult.Dns read(Path file) {
    List<String> ns = new ArrayList<>();
    List<String> search = new ArrayList<>();
    List<String> options = new ArrayList<>();
    String domain = null;
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 2 || f[0].startsWith("#")) {
        continue;
      }
      switch (f[0]) {
        case "nameserver" -> ns.add(f[1]);
        case "domain" -> domain = f[1];
        case "search" -> search.addAll(List.of(f).subList(1, f.length));
        case "options" -> options.addAll(List.of(f).subList(1, f.length));
        default -> {}
      }
    }
    return new CniResult.Dns(ns, domain, search, options);
  }
}
