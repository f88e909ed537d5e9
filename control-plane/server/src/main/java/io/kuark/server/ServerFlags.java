package io.kuark.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kuark-server command line.
 *
 * @param dataDir {@code --data-dir} (server state under DIR/server)
 * @param storage {@code --storage embedded|etcd}
 * @param etcdEndpoints {@code --etcd-endpoints URL,URL}
 * @param bindAddress {@code --bind-address}
 * @param securePort {@code --secure-port}
 * @param writeKubeconfig {@code --write-kubeconfig}
 * @param clusterCidr {@code --cluster-cidr}
 * @param serviceCidr {@code --service-cidr}
 * @param advertiseAddress {@code --advertise-address}, or null to pick this host's address
 * @param clusterDns {@code --cluster-dns}: kube-dns ClusterIP, or null for the 10th service IP
 * @param tokenAuthFile {@code --token-auth-file} (static token CSV), or null
 * @param encryptionProviderConfig {@code --encryption-provider-config} (an EncryptionConfiguration
 *     for encryption at rest), or null
 * @param encryptionProviderConfigAutomaticReload {@code
 *     --encryption-provider-config-automatic-reload}: reload the file (and rewrite the stored
 *     values) when it changes
 * @param admissionControlConfigFile {@code --admission-control-config-file} (an upstream
 *     AdmissionConfiguration: PodSecurity defaults and exemptions), or null
 * @param schedulerConfig {@code --scheduler-config} (a KubeSchedulerConfiguration), or null
 * @param anonymousAuth {@code --anonymous-auth}: anonymous reads of the health, version and {@code
 *     /cacerts} paths (default true)
 */
public record ServerFlags(
    Path dataDir,
    String storage,
    List<String> etcdEndpoints,
    String bindAddress,
    int securePort,
    Path writeKubeconfig,
    String clusterCidr,
    String serviceCidr,
    String advertiseAddress,
    String clusterDns,
    Path tokenAuthFile,
    Path encryptionProviderConfig,
    boolean encryptionProviderConfigAutomaticReload,
    Path admissionControlConfigFile,
    Path schedulerConfig,
    boolean anonymousAuth) {

  /** Usage text for {@code --help} and flag errors. */
  public static final String USAGE =
      "usage: kuark-server [--data-dir DIR] [--storage embedded|etcd] [--etcd-endpoints URL,URL]\n"
          + "                    [--bind-address ADDR] [--secure-port PORT]"
          + " [--write-kubeconfig PATH]\n"
          + "                    [--cluster-cidr CIDR] [--service-cidr CIDR]"
          + " [--advertise-address IP]\n"
          + "                    [--cluster-dns IP] [--token-auth-file CSV]\n"
          + "                    [--encryption-provider-config FILE]"
          + " [--encryption-provider-config-automatic-reload[=BOOL]]\n"
          + "                    [--admission-control-config-file FILE]"
          + " [--scheduler-config FILE]\n"
          + "                    [--anonymous-auth[=BOOL]]\n";

  /** True when {@code args} hold {@code -h} or {@code --help}: the usage is the answer. */
  public static boolean asksForHelp(String[] args) {
    return List.of(args).contains("--help") || List.of(args).contains("-h");
  }

  /**
   * Parses {@code args} ({@code --flag value} or {@code --flag=value}).
   *
   * @throws IllegalArgumentException for unknown flags or bad values
   */
  public static ServerFlags parse(String[] args) {
    Path dataDir = Path.of("/var/lib/kuark");
    String storage = "embedded";
    List<String> endpoints = new ArrayList<>();
    String bind = "0.0.0.0";
    int port = 6443;
    Path kubeconfig = Path.of("/etc/kuark/kuark.yaml");
    String clusterCidr = "10.42.0.0/16";
    String serviceCidr = "10.43.0.0/16";
    String advertise = null;
    String clusterDns = null;
    Path tokenAuthFile = null;
    Path encryptionConfig = null;
    boolean encryptionReload = false;
    Path admissionConfig = null;
    Path schedulerConfig = null;
    boolean anonymousAuth = true;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value;
      int eq = arg.indexOf('=');
      String flag = eq > 0 ? arg.substring(0, eq) : arg;
      if (eq > 0) {
        value = arg.substring(eq + 1);
      } else if (flag.equals("--encryption-provider-config-automatic-reload")
          || flag.equals("--anonymous-auth")) {
        value = "true"; // a boolean flag: bare means true, as upstream's
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("flag needs a value: " + flag);
        }
        value = args[++i];
      }
      switch (flag) {
        case "--data-dir":
          dataDir = Path.of(value);
          break;
        case "--storage":
          if (!value.equals("embedded") && !value.equals("etcd")) {
            throw new IllegalArgumentException("--storage must be embedded or etcd");
          }
          storage = value;
          break;
        case "--etcd-endpoints":
          for (String e : value.split(",")) {
            if (!e.isBlank()) {
              endpoints.add(e.trim());
            }
          }
          break;
        case "--bind-address":
          bind = value;
          break;
        case "--secure-port":
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--secure-port must be a number");
          }
          break;
        case "--write-kubeconfig":
          kubeconfig = Path.of(value);
          break;
        case "--cluster-cidr":
          clusterCidr = value;
          break;
        case "--service-cidr":
          serviceCidr = value;
          break;
        case "--advertise-address":
          advertise = value;
          break;
        case "--cluster-dns":
          clusterDns = value;
          break;
        case "--token-auth-file":
          tokenAuthFile = Path.of(value);
          break;
        case "--encryption-provider-config":
          encryptionConfig = Path.of(value);
          break;
        case "--encryption-provider-config-automatic-reload":
          if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(
                "--encryption-provider-config-automatic-reload must be true or false");
          }
          encryptionReload = value.equals("true");
          break;
        case "--admission-control-config-file":
          admissionConfig = Path.of(value);
          break;
        case "--scheduler-config":
          schedulerConfig = Path.of(value);
          break;
        case "--anonymous-auth":
          if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("--anonymous-auth must be true or false");
          }
          anonymousAuth = value.equals("true");
          break;
        default:
          throw new IllegalArgumentException("unknown flag: " + flag);
      }
    }
    if (encryptionReload && encryptionConfig == null) {
      throw new IllegalArgumentException(
          "--encryption-provider-config-automatic-reload needs --encryption-provider-config");
    }
    if (storage.equals("etcd") && endpoints.isEmpty()) {
      throw new IllegalArgumentException("--storage etcd needs --etcd-endpoints");
    }
    return new ServerFlags(
        dataDir,
        storage,
        endpoints,
        bind,
        port,
        kubeconfig,
        clusterCidr,
        serviceCidr,
        advertise,
        clusterDns,
        tokenAuthFile,
        encryptionConfig,
        encryptionReload,
        admissionConfig,
        schedulerConfig,
        anonymousAuth);
  }
}
