package io.kuark.server.auth.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pod Security Standards as upstream registered them per policy version: checks start at their
 * minimum version, sets grow with versions, future versions clamp to the newest; and the
 * AdmissionConfiguration file that sets defaults and exemptions.
 */
class PodSecurityVersionsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String RESTRICTED_SC =
      "\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]},"
          + "\"seccompProfile\":{\"type\":\"RuntimeDefault\"}";

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  static List<String> ids(String level, String version, String meta, String spec) throws Exception {
    return new PodSecurityAdmission.Policy(level, version)
        .check(json(meta), json(spec)).stream().map(PodSecurityChecks.Violation::id).toList();
  }

  @Test
  void windowsHostProcessIsNotBaseline() throws Exception {
    String spec =
        "{\"securityContext\":{\"windowsOptions\":{\"hostProcess\":true}},\"containers\":["
            + "{\"name\":\"a\",\"securityContext\":{\"windowsOptions\":{\"hostProcess\":false}}},"
            + "{\"name\":\"e\",\"securityContext\":{\"windowsOptions\":{\"hostProcess\":true}}},"
            + "{\"name\":\"f\",\"securityContext\":{\"windowsOptions\":{\"hostProcess\":true}}}]}";
    List<PodSecurityChecks.Violation> found =
        new PodSecurityAdmission.Policy("baseline", "v1.0").check(json("{}"), json(spec));
    assertThat(found).hasSize(1);
    assertThat(found.get(0).toString())
        .isEqualTo(
            "hostProcess (pod and containers \"e\", \"f\" must not set"
                + " securityContext.windowsOptions.hostProcess=true)");
    assertThat(ids("privileged", "latest", "{}", spec)).isEmpty();
    assertThat(ids("baseline", "latest", "{}", "{\"containers\":[{\"name\":\"a\"}]}")).isEmpty();
  }

  @Test
  void runAsUserZeroIsRestrictedFromV123() throws Exception {
    String spec =
        "{\"securityContext\":{\"runAsNonRoot\":true},\"containers\":[{\"name\":\"a\","
            + "\"securityContext\":{\"runAsUser\":0,"
            + RESTRICTED_SC
            + "}}]}";
    assertThat(ids("restricted", "v1.22", "{}", spec)).isEmpty();
    assertThat(ids("restricted", "v1.23", "{}", spec)).containsExactly("runAsUser");
    assertThat(ids("restricted", "latest", "{}", spec)).containsExactly("runAsUser");
  }

  @Test
  void restrictedSeccompAndCapabilitiesFollowTheirVersions() throws Exception {
    String bare = "{\"containers\":[{\"name\":\"a\",\"securityContext\":{\"runAsNonRoot\":true}}]}";
    // Before v1.19 restricted has no seccomp field check, before v1.22 no capability drop rule.
    assertThat(ids("restricted", "v1.18", "{}", bare)).containsExactly("allowPrivilegeEscalation");
    assertThat(ids("restricted", "v1.21", "{}", bare))
        .containsExactly("allowPrivilegeEscalation", "seccompProfile_restricted");
    assertThat(ids("restricted", "v1.22", "{}", bare))
        .containsExactly(
            "allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted");
    // From v1.25 Windows pods are exempt from the Linux-only restricted checks.
    String windows =
        "{\"os\":{\"name\":\"windows\"},\"containers\":[{\"name\":\"a\","
            + "\"securityContext\":{\"runAsNonRoot\":true}}]}";
    assertThat(ids("restricted", "v1.24", "{}", windows))
        .containsExactly(
            "allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted");
    assertThat(ids("restricted", "v1.25", "{}", windows)).isEmpty();
    assertThat(ids("restricted", "latest", "{}", windows)).isEmpty();
  }

  @Test
  void baselineChecksAreVersionGated() throws Exception {
    String sysctl =
        "{\"securityContext\":{\"sysctls\":[{\"name\":\"%s\",\"value\":\"1\"}]},"
            + "\"containers\":[{\"name\":\"a\"}]}";
    String reserved = String.format(sysctl, "net.ipv4.ip_local_reserved_ports");
    assertThat(ids("baseline", "v1.26", "{}", reserved)).containsExactly("sysctls");
    assertThat(ids("baseline", "v1.27", "{}", reserved)).isEmpty();
    String keepalive = String.format(sysctl, "net.ipv4.tcp_keepalive_time");
    assertThat(ids("baseline", "v1.28", "{}", keepalive)).containsExactly("sysctls");
    assertThat(ids("baseline", "v1.29", "{}", keepalive)).isEmpty();
    String rmem = String.format(sysctl, "net.ipv4.tcp_rmem");
    assertThat(ids("baseline", "v1.31", "{}", rmem)).containsExactly("sysctls");
    assertThat(ids("baseline", "latest", "{}", rmem)).isEmpty();
    assertThat(ids("baseline", "latest", "{}", String.format(sysctl, "kernel.msgmax")))
        .containsExactly("sysctls");
    String engine =
        "{\"securityContext\":{\"seLinuxOptions\":{\"type\":\"container_engine_t\"}},"
            + "\"containers\":[{\"name\":\"a\"}]}";
    assertThat(ids("baseline", "v1.30", "{}", engine)).containsExactly("seLinuxOptions");
    assertThat(ids("baseline", "v1.31", "{}", engine)).isEmpty();
    // Before v1.19 seccomp is judged by the alpha annotations, afterwards by the fields.
    String unconfinedField =
        "{\"securityContext\":{\"seccompProfile\":{\"type\":\"Unconfined\"}},"
            + "\"containers\":[{\"name\":\"a\"}]}";
    String annotated =
        "{\"annotations\":{\"seccomp.security.alpha.kubernetes.io/pod\":\"unconfined\","
            + "\"container.seccomp.security.alpha.kubernetes.io/a\":\"localhost/p.json\"}}";
    assertThat(ids("baseline", "v1.18", "{}", unconfinedField)).isEmpty();
    List<PodSecurityChecks.Violation> old =
        new PodSecurityAdmission.Policy("baseline", "v1.18")
            .check(json(annotated), json("{\"containers\":[{\"name\":\"a\"}]}"));
    assertThat(old).hasSize(1);
    assertThat(old.get(0).toString())
        .isEqualTo(
            "seccompProfile (forbidden annotation"
                + " seccomp.security.alpha.kubernetes.io/pod=\"unconfined\")");
    assertThat(ids("baseline", "v1.19", annotated, unconfinedField))
        .containsExactly("seccompProfile_baseline");
  }

  @Test
  void versionsNewerThanTheServerClampToLatest() throws Exception {
    String rmem =
        "{\"securityContext\":{\"sysctls\":[{\"name\":\"net.ipv4.tcp_rmem\",\"value\":\"1\"}]},"
            + "\"containers\":[{\"name\":\"a\"}]}";
    assertThat(ids("baseline", "v1.999", "{}", rmem)).isEmpty();
    assertThat(PodSecurityVersion.parse("v1.999")).isEqualTo(PodSecurityVersion.LATEST);
    assertThat(PodSecurityVersion.parse("v2.0")).isNull();
    assertThat(PodSecurityVersion.parse("1.25")).isNull();
    assertThat(PodSecurityVersion.parse("v1.05")).isNull();
  }

  @Test
  void admissionConfigurationGivesDefaultsAndExemptions(@TempDir Path dir) throws Exception {
    Path psa = dir.resolve("psa.yaml");
    Files.writeString(
        psa,
        "apiVersion: pod-security.admission.config.k8s.io/v1\n"
            + "kind: PodSecurityConfiguration\n"
            + "defaults:\n  enforce: baseline\n  enforce-version: v1.28\n  audit: restricted\n"
            + "exemptions:\n  usernames: [ops]\n"
            + "  runtimeClasses: [kata]\n  namespaces: [kube-system]\n");
    Path admission = dir.resolve("admission.yaml");
    Files.writeString(
        admission,
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n"
            + "- name: PodSecurity\n  path: psa.yaml\n");
    PodSecurityConfig c = PodSecurityConfig.read(admission);
    assertThat(c.defaults().get("enforce"))
        .isEqualTo(new PodSecurityAdmission.Policy("baseline", "v1.28"));
    assertThat(c.defaults().get("audit"))
        .isEqualTo(new PodSecurityAdmission.Policy("restricted", "latest"));
    assertThat(c.defaults().get("warn"))
        .isEqualTo(new PodSecurityAdmission.Policy("privileged", "latest"));
    assertThat(c.exemptUsernames()).containsExactly("ops");
    assertThat(c.exemptRuntimeClasses()).containsExactly("kata");
    assertThat(c.exemptNamespaces()).containsExactly("kube-system");
    // Labels win over defaults, mode by mode; invalid labels fail closed.
    JsonNode labels =
        json(
            "{\"pod-security.kubernetes.io/enforce\":\"restricted\","
                + "\"pod-security.kubernetes.io/audit-version\":\"bogus\"}");
    var policies = PodSecurityAdmission.policies(labels, c);
    assertThat(policies.get("enforce").toString()).isEqualTo("restricted:v1.28");
    assertThat(policies.get("audit").toString()).isEqualTo("restricted:latest");

    Files.writeString(
        admission,
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n"
            + "- name: PodSecurity\n  configuration:\n"
            + "    apiVersion: pod-security.admission.config.k8s.io/v1\n"
            + "    kind: PodSecurityConfiguration\n    defaults:\n      warn: strict\n");
    assertThatThrownBy(() -> PodSecurityConfig.read(admission))
        .hasMessageContaining("defaults.warn: Invalid value: \"strict\"");
    Files.writeString(
        admission,
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n");
    assertThat(PodSecurityConfig.read(admission)).isEqualTo(PodSecurityConfig.DEFAULT);
  }
}
