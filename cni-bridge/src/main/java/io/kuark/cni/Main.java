package io.kuark.cni;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;

/**
 * kuark-bridge as a Quarkus command-mode application (the native-image build and {@code java -jar
 * quarkus-run.jar}). The JVM-mode binary uses {@link PluginMain} directly, which runs the same call
 * without booting Quarkus.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

  @Override
  public int run(String... args) throws IOException {
    return PluginMain.run();
  }
}
