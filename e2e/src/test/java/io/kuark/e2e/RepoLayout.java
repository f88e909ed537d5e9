package io.kuark.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the e2e tests find the checkout: the launcher, the built programs and the packaging
 * scripts. Failsafe runs with the e2e module as working directory, so the repository root is its
 * parent; the lookup walks up until it finds the launcher, which also works from an IDE.
 */
final class RepoLayout {
  private final Path root;

  private RepoLayout(Path root) {
    this.root = root;
  }

  /** The checkout containing the current working directory. */
  static RepoLayout current() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
      if (Files.isExecutable(candidate.resolve("kuark"))
          && Files.isRegularFile(candidate.resolve("pom.xml"))) {
        return new RepoLayout(candidate);
      }
    }
    throw new IllegalStateException("no Kuark checkout (./kuark next to pom.xml) above " + dir);
  }

  Path root() {
    return root;
  }

  /** The `kuark` launcher at the repository root. */
  Path launcher() {
    return root.resolve("kuark");
  }

  Path serverJar() {
    return root.resolve("control-plane/server/target/quarkus-app/quarkus-run.jar");
  }

  Path agentJar() {
    return root.resolve("node-agent/target/quarkus-app/quarkus-run.jar");
  }

  /** packaging/images/build-demo-image.sh: writes the kuark.local/demo:latest OCI archive. */
  Path demoImageScript() {
    return root.resolve("packaging/images/build-demo-image.sh");
  }
}
