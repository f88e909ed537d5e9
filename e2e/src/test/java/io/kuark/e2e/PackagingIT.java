package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * packaging/install.sh and uninstall.sh into a temporary DESTDIR (never the real /usr or /etc): the
 * installed launcher runs the installed server, and uninstall removes what install added.
 */
class PackagingIT {
  private KuarkProcesses processes;

  @AfterEach
  void stopEverything() throws Exception {
    if (processes != null) {
      processes.close();
    }
  }

  @Test
  void installRunAndUninstallInATemporaryDestdir() throws Exception {
    processes = new KuarkProcesses(getClass().getSimpleName());
    RepoLayout repo = processes.repo();
    Path destdir = processes.newDir("destdir");
    Path demoImage = processes.baseDir().resolve("demo.tar");
    HostCommands.exec(repo.demoImageScript().toString(), demoImage.toString());
    Map<String, String> env =
        Map.of(
            "DESTDIR",
            destdir.toString(),
            "PREFIX",
            "/usr/local",
            "DEMO_IMAGE",
            demoImage.toString());

    HostCommands.exec(env, repo.root().resolve("packaging/install.sh").toString());

    Path lib = destdir.resolve("usr/local/lib/kuark");
    Path launcher = destdir.resolve("usr/local/bin/kuark");
    assertThat(Files.readSymbolicLink(launcher)).isEqualTo(Path.of("../lib/kuark/kuark"));
    assertThat(lib.resolve("kuark")).hasSameBinaryContentAs(repo.launcher());
    assertThat(lib.resolve("server/quarkus-app/quarkus-run.jar"))
        .hasSameBinaryContentAs(repo.serverJar());
    assertThat(lib.resolve("agent/quarkus-app/quarkus-run.jar"))
        .hasSameBinaryContentAs(repo.agentJar());
    assertThat(lib.resolve("cni-bridge/quarkus-app/quarkus-run.jar")).isRegularFile();
    assertThat(destdir.resolve("var/lib/kuark/agent/images/kuark-demo.oci.tar"))
        .hasSameBinaryContentAs(demoImage);
    assertThat(Files.readString(destdir.resolve("etc/systemd/system/kuark-server.service")))
        .contains("ExecStart=/usr/local/bin/kuark server $KUARK_SERVER_ARGS");
    assertThat(Files.readString(destdir.resolve("etc/systemd/system/kuark-agent.service")))
        .contains("ExecStart=/usr/local/bin/kuark agent --kubeconfig /etc/kuark/kuark.yaml")
        .contains("KillMode=process");
    assertThat(destdir.resolve("opt/cni/bin/kuark-bridge")).isExecutable();
    assertThat(destdir.resolve("etc/default/kuark-server")).isRegularFile();

    String checkoutVersion = HostCommands.exec(repo.launcher().toString(), "version");
    assertThat(checkoutVersion).startsWith("kuark ");
    assertThat(HostCommands.exec(launcher.toString(), "version")).isEqualTo(checkoutVersion);

    // The installed layout runs: the installed launcher finds the installed server.
    KuarkProcesses.Server server = processes.startServer(launcher, List.of());
    assertThat(server.kubeconfig()).isNotEmptyFile();

    HostCommands.exec(env, repo.root().resolve("packaging/uninstall.sh").toString());

    assertThat(lib).doesNotExist();
    assertThat(launcher).doesNotExist();
    assertThat(destdir.resolve("etc/systemd/system/kuark-server.service")).doesNotExist();
    assertThat(destdir.resolve("etc/systemd/system/kuark-agent.service")).doesNotExist();
    assertThat(destdir.resolve("opt/cni/bin/kuark-bridge")).doesNotExist();
    assertThat(destdir.resolve("var/lib/kuark")).doesNotExist();
    // The administrator's flag files stay unless --purge.
    assertThat(destdir.resolve("etc/default/kuark-server")).isRegularFile();
  }
}
