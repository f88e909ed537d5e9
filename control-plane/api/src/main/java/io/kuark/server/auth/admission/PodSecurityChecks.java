package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Pod Security Standards checks (baseline and restricted) over a pod's metadata and spec, with
 * upstream's check ids, reasons and detail texts. Results are ordered by check id, as upstream
 * prints them.
 */
final class PodSecurityChecks {

  /** One failed check: {@code reason (detail)} in messages. */
  record Violation(String id, String reason, String detail) {
    @Override
    public String toString() {
      return detail.isEmpty() ? reason : reason + " (" + detail + ")";
    }
  }

  private static final Set<String> BASELINE_CAPABILITIES =
      Set.of(
          "AUDIT_WRITE",
          "CHOWN",
          "DAC_OVERRIDE",
          "FOWNER",
          "FSETID",
          "KILL",
          "MKNOD",
          "NET_BIND_SERVICE",
          "SETFCAP",
          "SETGID",
          "SETPCAP",
          "SETUID",
          "SYS_CHROOT");

  private static final Set<String> RESTRICTED_VOLUMES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  /** Safe sysctls by the policy version that made them safe (upstream's sysctls check). */
  private static final Map<String, Integer> SAFE_SYSCTLS =
      Map.ofEntries(
          Map.entry("kernel.shm_rmid_forced", 0),
          Map.entry("net.ipv4.ip_local_port_range", 0),
          Map.entry("net.ipv4.ip_unprivileged_port_start", 0),
          Map.entry("net.ipv4.tcp_syncookies", 0),
          Map.entry("net.ipv4.ping_group_range", 0),
          Map.entry("net.ipv4.ip_local_reserved_ports", 27),
          Map.entry("net.ipv4.tcp_keepalive_time", 29),
          Map.entry("net.ipv4.tcp_fin_timeout", 29),
          Map.entry("net.ipv4.tcp_keepalive_intvl", 29),
          Map.entry("net.ipv4.tcp_keepalive_probes", 29),
          Map.entry("net.ipv4.tcp_rmem", 32),
          Map.entry("net.ipv4.tcp_wmem", 32));

  /** SELinux types allowed since policy v1.0; v1.31 adds {@code container_engine_t}. */
  private static final Set<String> SELINUX_TYPES =
      Set.of("", "container_t", "container_init_t", "container_kvm_t");

  private static final String SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
  private static final String SECCOMP_CONTAINER_ANNOTATION =
      "container.seccomp.security.alpha.kubernetes.io/";

  private PodSecurityChecks() {}

  /**
   * The violations of {@code level} ("privileged", "baseline" or "restricted") with the checks as
   * upstream registered them for policy version v1.{@code minor}: a check applies from its minimum
   * version, and a restricted check replaces its baseline counterpart only from then on.
   */
  static List<Violation> check(String level, int minor, JsonNode meta, JsonNode spec) {
    List<Violation> out = new ArrayList<>();
    if (level.equals("privileged")) {
      return out;
    }
    boolean restricted = level.equals("restricted");
    // From v1.25 the restricted checks that only make sense on Linux skip Windows pods.
    boolean windowsExempt =
        minor >= 25 && spec.path("os").path("name").asText("").equals("windows");
    List<JsonNode> containers = containers(spec);
    JsonNode podSc = spec.path("securityContext");
    if (restricted && minor >= 8 && !windowsExempt) {
      allowPrivilegeEscalation(containers, out);
    }
    appArmor(meta, podSc, containers, out);
    if (restricted && minor >= 22) {
      if (!windowsExempt) {
        capabilitiesRestricted(containers, out);
      }
    } else {
      capabilitiesBaseline(containers, out);
    }
    hostNamespaces(spec, out);
    if (!restricted) {
      hostPathVolumes(spec, out);
    }
    hostPorts(containers, out);
    privileged(containers, out);
    procMount(containers, out);
    if (restricted) {
      restrictedVolumes(spec, out);
      runAsNonRoot(podSc, containers, out);
      if (minor >= 23) {
        runAsUser(podSc, containers, out);
      }
    }
    seLinux(podSc, containers, minor, out);
    if (restricted && minor >= 19) {
      if (!windowsExempt) {
        seccompRestricted(podSc, containers, out);
      }
    } else if (minor >= 19) {
      seccompBaseline(podSc, containers, out);
    } else {
      seccompAnnotations(meta, containers, out);
    }
    sysctls(podSc, minor, out);
    windowsHostProcess(podSc, containers, out);
    return out;
  }

  /** Baseline from v1.0: neither the pod nor a container may be a Windows HostProcess. */
  private static void windowsHostProcess(JsonNode podSc, List<JsonNode> cs, List<Violation> out) {
    List<String> setters = new ArrayList<>();
    if (podSc.path("windowsOptions").path("hostProcess").asBoolean(false)) {
      setters.add("pod");
    }
    List<String> bad =
        names(
            cs,
            c ->
                c.path("securityContext")
                    .path("windowsOptions")
                    .path("hostProcess")
                    .asBoolean(false));
    if (!bad.isEmpty()) {
      setters.add(containers(bad));
    }
    if (!setters.isEmpty()) {
      out.add(
          new Violation(
              "windowsHostProcess",
              "hostProcess",
              String.join(" and ", setters)
                  + " must not set securityContext.windowsOptions.hostProcess=true"));
    }
  }

  private static List<JsonNode> containers(JsonNode spec) {
    List<JsonNode> out = new ArrayList<>();
    for (String f : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      spec.path(f).forEach(out::add);
    }
    return out;
  }

  /** The names of the containers in {@code cs} that {@code test} picks, in order. */
  private static List<String> names(
      List<JsonNode> cs, java.util.function.Predicate<JsonNode> test) {
    List<String> picked = new ArrayList<>();
    for (JsonNode c : cs) {
      if (test.test(c)) {
        picked.add(name(c));
      }
    }
    return picked;
  }

  private static String name(JsonNode c) {
    return c.path("name").asText();
  }

  private static void allowPrivilegeEscalation(List<JsonNode> cs, List<Violation> out) {
    List<String> bad = new ArrayList<>();
    for (JsonNode c : cs) {
      JsonNode v = c.path("securityContext").path("allowPrivilegeEscalation");
      if (!v.isBoolean() || v.asBoolean()) {
        bad.add(name(c));
      }
    }
    if (!bad.isEmpty()) {
      out.add(
          new Violation(
              "allowPrivilegeEscalation",
              "allowPrivilegeEscalation != false",
              containers(bad) + " must set securityContext.allowPrivilegeEscalation=false"));
    }
  }

  private static void appArmor(
      JsonNode meta, JsonNode podSc, List<JsonNode> cs, List<Violation> out) {
    List<String> bad = new ArrayList<>();
    String podType = podSc.path("appArmorProfile").path("type").asText("");
    if (podType.equals("Unconfined")) {
      bad.add("pod");
    }
    for (JsonNode c : cs) {
      if (c.path("securityContext")
          .path("appArmorProfile")
          .path("type")
          .asText("")
          .equals("Unconfined")) {
        bad.add("container " + quote(name(c)));
      }
    }
    Iterator<Map.Entry<String, JsonNode>> it = meta.path("annotations").fields();
    LinkedHashSet<String> badAnnotations = new LinkedHashSet<>();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("container.apparmor.security.beta.kubernetes.io/")) {
        String v = e.getValue().asText();
        if (!v.equals("runtime/default") && !v.startsWith("localhost/")) {
          badAnnotations.add(e.getKey() + "=" + quote(v));
        }
      }
    }
    if (bad.isEmpty() && badAnnotations.isEmpty()) {
      return;
    }
    List<String> details = new ArrayList<>();
    if (!bad.isEmpty()) {
      details.add(
          String.join(" and ", bad) + " must not set appArmorProfile.type to \"Unconfined\"");
    }
    details.addAll(badAnnotations);
    out.add(
        new Violation(
            "appArmorProfile",
            "forbidden AppArmor profile" + (details.size() > 1 ? "s" : ""),
            String.join(", ", details)));
  }

  private static void capabilitiesBaseline(List<JsonNode> cs, List<Violation> out) {
    List<String> bad = new ArrayList<>();
    TreeSet<String> caps = new TreeSet<>();
    for (JsonNode c : cs) {
      boolean found = false;
      for (JsonNode cap : c.path("securityContext").path("capabilities").path("add")) {
        if (!BASELINE_CAPABILITIES.contains(cap.asText())) {
          caps.add(cap.asText());
          found = true;
        }
      }
      if (found) {
        bad.add(name(c));
      }
    }
    if (!bad.isEmpty()) {
      out.add(
          new Violation(
              "capabilities_baseline",
              "non-default capabilities",
              containers(bad)
                  + " must not include "
                  + joinQuote(caps)
                  + " in securityContext.capabilities.add"));
    }
  }

  private static void capabilitiesRestricted(List<JsonNode> cs, List<Violation> out) {
    List<String> noDrop = new ArrayList<>();
    List<String> adding = new ArrayList<>();
    TreeSet<String> caps = new TreeSet<>();
    for (JsonNode c : cs) {
      JsonNode capabilities = c.path("securityContext").path("capabilities");
      boolean dropsAll = false;
      for (JsonNode d : capabilities.path("drop")) {
        dropsAll |= d.asText().equals("ALL");
      }
      if (!dropsAll) {
        noDrop.add(name(c));
      }
      boolean found = false;
      for (JsonNode cap : capabilities.path("add")) {
        if (!cap.asText().equals("NET_BIND_SERVICE")) {
          caps.add(cap.asText());
          found = true;
        }
      }
      if (found) {
        adding.add(name(c));
      }
    }
    List<String> details = new ArrayList<>();
    if (!noDrop.isEmpty()) {
      details.add(containers(noDrop) + " must set securityContext.capabilities.drop=[\"ALL\"]");
    }
    if (!adding.isEmpty()) {
      details.add(
          containers(adding)
              + " must not include "
              + joinQuote(caps)
              + " in securityContext.capabilities.add");
    }
    if (!details.isEmpty()) {
      out.add(
          new Violation(
              "capabilities_restricted", "unrestricted capabilities", String.join("; ", details)));
    }
  }

  private static void hostNamespaces(JsonNode spec, List<Violation> out) {
    List<String> set = new ArrayList<>();
    for (String f : new String[] {"hostNetwork", "hostPID", "hostIPC"}) {
      if (spec.path(f).asBoolean(false)) {
        set.add(f + "=true");
      }
    }
    if (!set.isEmpty()) {
      out.add(new Violation("hostNamespaces", "host namespaces", String.join(", ", set)));
    }
  }

  private static void hostPathVolumes(JsonNode spec, List<Violation> out) {
    List<String> bad = new ArrayList<>();
    for (JsonNode v : spec.path("volumes")) {
      if (v.has("hostPath")) {
        bad.add(v.path("name").asText());
      }
    }
    if (!bad.isEmpty()) {
      out.add(
          new Violation(
              "hostPathVolumes",
              "hostPath volumes",
              pluralize("volume", "volumes", bad.size()) + " " + joinQuote(bad)));
    }
  }

  private static void hostPorts(List<JsonNode> cs, List<Violation> out) {
    List<String> bad = new ArrayList<>();
    LinkedHashSet<String> ports = new LinkedHashSet<>();
    for (JsonNode c : cs) {
      boolean found = false;
      for (JsonNode p : c.path("ports")) {
        int hp = p.path("hostPort").asInt(0);
        if (hp != 0) {
          ports.add(Integer.toString(hp));
          found = true;
        }
      }
      if (found) {
        bad.add(name(c));
      }
    }
    if (!bad.isEmpty()) {
      out.add(
          new Violation(
              "hostPorts",
              "hostPort",
              containers(bad)
                  + " "
                  + pluralize("uses", "use", bad.size())
                  + " "
                  + pluralize("hostPort", "hostPorts", ports.size())
                  + " "
                  + String.join(", ", ports)));
    }
  }

  private static void privileged(List<JsonNode> cs, List<Violation> out) {
    List<String> bad =
        names(cs, c -> c.path("securityContext").path("privileged").asBoolean(false));
    if (!bad.isEmpty()) {
      out.add(
          new Violation(
              "privileged",
              "privileged",
              containers(bad) + " must not set securityContext.privileged=true"));
    }
  }

  private static void procMount(List<JsonNode> cs, List<Violation> out) {
    List<String> bad = new ArrayList<>();
    LinkedHashSet<String> values = new LinkedHashSet<>();
    for (JsonNode c : cs) {
      String pm = c.path("securityContext").path("procMount").asText("");
      if (!pm.isEmpty() && !pm.equals("Default")) {
        bad.add(name(c));
        values.add(pm);
      }
    }
    if (!bad.isEmpty()) {
      out.add(
          new Violation(
              "procMount",
              "procMount",
              containers(bad) + " must not set securityContext.procMount to " + joinQuote(values)));
    }
  }

  private static void restrictedVolumes(JsonNode spec, List<Violation> out) {
    List<String> bad = new ArrayList<>();
    LinkedHashSet<String> types = new LinkedHashSet<>();
    for (JsonNode v : spec.path("volumes")) {
      Iterator<String> fields = v.fieldNames();
      while (fields.hasNext()) {
        String f = fields.next();
        if (!f.equals("name") && !RESTRICTED_VOLUMES.contains(f)) {
          bad.add(v.path("name").asText());
          types.add(f);
          break;
        }
      }
    }
    if (!bad.isEmpty()) {
      out.add(
          new Violation(
              "restrictedVolumes",
              "restricted volume types",
              pluralize("volume", "volumes", bad.size())
                  + " "
                  + joinQuote(bad)
                  + " "
                  + pluralize("uses", "use", bad.size())
                  + " restricted volume "
                  + pluralize("type", "types", types.size())
                  + " "
                  + joinQuote(types)));
    }
  }

  private static void runAsNonRoot(JsonNode podSc, List<JsonNode> cs, List<Violation> out) {
    List<String> setters = new ArrayList<>();
    JsonNode pod = podSc.path("runAsNonRoot");
    boolean podTrue = pod.isBoolean() && pod.asBoolean();
    if (pod.isBoolean() && !pod.asBoolean()) {
      setters.add("pod");
    }
    boolean podUser = podSc.path("runAsUser").isNumber() && podSc.path("runAsUser").asLong() != 0;
    List<String> explicit = new ArrayList<>();
    List<String> implicit = new ArrayList<>();
    for (JsonNode c : cs) {
      JsonNode sc = c.path("securityContext");
      JsonNode v = sc.path("runAsNonRoot");
      if (v.isBoolean() && !v.asBoolean()) {
        explicit.add(name(c));
      } else if (!v.isBoolean() && !podTrue) {
        boolean user =
            sc.path("runAsUser").isNumber() ? sc.path("runAsUser").asLong() != 0 : podUser;
        if (!user) {
          implicit.add(name(c));
        }
      }
    }
    if (!explicit.isEmpty()) {
      setters.add(containers(explicit));
    }
    List<String> details = new ArrayList<>();
    if (!setters.isEmpty()) {
      details.add(
          String.join(" and ", setters) + " must not set securityContext.runAsNonRoot=false");
    }
    if (!implicit.isEmpty()) {
      details.add("pod or " + containers(implicit) + " must set securityContext.runAsNonRoot=true");
    }
    if (!details.isEmpty()) {
      out.add(new Violation("runAsNonRoot", "runAsNonRoot != true", String.join("; ", details)));
    }
  }

  private static void runAsUser(JsonNode podSc, List<JsonNode> cs, List<Violation> out) {
    List<String> setters = new ArrayList<>();
    if (podSc.path("runAsUser").isNumber() && podSc.path("runAsUser").asLong() == 0) {
      setters.add("pod");
    }
    List<String> bad = new ArrayList<>();
    for (JsonNode c : cs) {
      JsonNode u = c.path("securityContext").path("runAsUser");
      if (u.isNumber() && u.asLong() == 0) {
        bad.add(name(c));
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containers(bad));
    }
    if (!setters.isEmpty()) {
      out.add(
          new Violation(
              "runAsUser",
              "runAsUser=0",
              String.join(" and ", setters) + " must not set runAsUser=0"));
    }
  }

  private static void seLinux(JsonNode podSc, List<JsonNode> cs, int minor, List<Violation> out) {
    List<String> setters = new ArrayList<>();
    LinkedHashSet<String> bad = new LinkedHashSet<>();
    if (badSeLinux(podSc.path("seLinuxOptions"), minor, bad)) {
      setters.add("pod");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : cs) {
      if (badSeLinux(c.path("securityContext").path("seLinuxOptions"), minor, bad)) {
        names.add(name(c));
      }
    }
    if (!names.isEmpty()) {
      setters.add(containers(names));
    }
    if (!setters.isEmpty()) {
      out.add(
          new Violation(
              "seLinuxOptions",
              "seLinuxOptions",
              String.join(" and ", setters)
                  + " set forbidden securityContext.seLinuxOptions: "
                  + String.join("; ", bad)));
    }
  }

  private static boolean badSeLinux(JsonNode opts, int minor, Set<String> bad) {
    boolean found = false;
    String type = opts.path("type").asText("");
    if (!SELINUX_TYPES.contains(type) && !(minor >= 31 && type.equals("container_engine_t"))) {
      bad.add("type " + quote(type));
      found = true;
    }
    for (String f : new String[] {"user", "role"}) {
      String v = opts.path(f).asText("");
      if (!v.isEmpty()) {
        bad.add(f + " " + quote(v));
        found = true;
      }
    }
    return found;
  }

  private static void seccompBaseline(JsonNode podSc, List<JsonNode> cs, List<Violation> out) {
    List<String> details = new ArrayList<>();
    if (podSc.path("seccompProfile").path("type").asText("").equals("Unconfined")) {
      details.add("pod must not set securityContext.seccompProfile.type to \"Unconfined\"");
    }
    List<String> bad =
        names(
            cs,
            c ->
                c.path("securityContext")
                    .path("seccompProfile")
                    .path("type")
                    .asText("")
                    .equals("Unconfined"));
    if (!bad.isEmpty()) {
      details.add(
          containers(bad) + " must not set securityContext.seccompProfile.type to \"Unconfined\"");
    }
    if (!details.isEmpty()) {
      out.add(
          new Violation("seccompProfile_baseline", "seccompProfile", String.join("; ", details)));
    }
  }

  private static void seccompRestricted(JsonNode podSc, List<JsonNode> cs, List<Violation> out) {
    String podType = podSc.path("seccompProfile").path("type").asText("");
    boolean podOk = podType.equals("RuntimeDefault") || podType.equals("Localhost");
    List<String> setters = new ArrayList<>();
    LinkedHashSet<String> badValues = new LinkedHashSet<>();
    if (!podType.isEmpty() && !podOk) {
      setters.add("pod");
      badValues.add(podType);
    }
    List<String> explicit = new ArrayList<>();
    List<String> implicit = new ArrayList<>();
    for (JsonNode c : cs) {
      String t = c.path("securityContext").path("seccompProfile").path("type").asText("");
      if (t.isEmpty()) {
        if (!podOk) {
          implicit.add(name(c));
        }
      } else if (!t.equals("RuntimeDefault") && !t.equals("Localhost")) {
        explicit.add(name(c));
        badValues.add(t);
      }
    }
    if (!explicit.isEmpty()) {
      setters.add(containers(explicit));
    }
    List<String> details = new ArrayList<>();
    if (!setters.isEmpty()) {
      details.add(
          String.join(" and ", setters)
              + " must not set securityContext.seccompProfile.type to "
              + joinQuote(badValues));
    }
    if (!implicit.isEmpty()) {
      details.add(
          "pod or "
              + containers(implicit)
              + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or"
              + " \"Localhost\"");
    }
    if (!details.isEmpty()) {
      out.add(
          new Violation("seccompProfile_restricted", "seccompProfile", String.join("; ", details)));
    }
  }

  private static void sysctls(JsonNode podSc, int minor, List<Violation> out) {
    List<String> bad = new ArrayList<>();
    for (JsonNode s : podSc.path("sysctls")) {
      String n = s.path("name").asText();
      Integer since = SAFE_SYSCTLS.get(n);
      if (since == null || since > minor) {
        bad.add(n);
      }
    }
    if (!bad.isEmpty()) {
      out.add(new Violation("sysctls", "forbidden sysctls", String.join(", ", bad)));
    }
  }

  /** Policy versions before v1.19 judge seccomp by the alpha annotations, not the fields. */
  private static void seccompAnnotations(JsonNode meta, List<JsonNode> cs, List<Violation> out) {
    TreeSet<String> bad = new TreeSet<>();
    JsonNode annotations = meta.path("annotations");
    String pod = annotations.path(SECCOMP_POD_ANNOTATION).asText(null);
    if (pod != null && !allowedSeccompAnnotation(pod)) {
      bad.add(SECCOMP_POD_ANNOTATION + "=" + quote(pod));
    }
    for (JsonNode c : cs) {
      String key = SECCOMP_CONTAINER_ANNOTATION + name(c);
      String v = annotations.path(key).asText(null);
      if (v != null && !allowedSeccompAnnotation(v)) {
        bad.add(key + "=" + quote(v));
      }
    }
    if (!bad.isEmpty()) {
      out.add(
          new Violation(
              "seccompProfile_baseline",
              "seccompProfile",
              "forbidden "
                  + pluralize("annotation", "annotations", bad.size())
                  + " "
                  + String.join(", ", bad)));
    }
  }

  private static boolean allowedSeccompAnnotation(String v) {
    return v.equals("runtime/default") || v.equals("docker/default") || v.startsWith("localhost/");
  }

  /** {@code container "a"} or {@code containers "a", "b"}. */
  private static String containers(List<String> names) {
    return pluralize("container", "containers", names.size()) + " " + joinQuote(names);
  }

  private static String pluralize(String one, String many, int n) {
    return n == 1 ? one : many;
  }

  private static String joinQuote(Iterable<String> items) {
    StringBuilder b = new StringBuilder();
    for (String s : items) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(quote(s));
    }
    return b.toString();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
