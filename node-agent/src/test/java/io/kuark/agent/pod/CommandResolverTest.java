package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandResolverTest {

  private static final List<String> ENTRYPOINT = List.of("/entry.sh");
  private static final List<String> CMD = List.of("serve", "--port=80");
  private static final Map<String, String> ENV = Map.of("PORT", "8080", "NAME", "web");

  @Test
  void neitherCommandNorArgsRunsEntrypointPlusCmd() {
    assertThat(CommandResolver.resolve(null, null, ENTRYPOINT, CMD, ENV))
        .containsExactly("/entry.sh", "serve", "--port=80");
  }

  @Test
  void commandReplacesEntrypointAndDropsCmd() {
    assertThat(CommandResolver.resolve(List.of("sleep", "10"), List.of(), ENTRYPOINT, CMD, ENV))
        .containsExactly("sleep", "10");
  }

  @Test
  void argsReplaceCmdOnly() {
    assertThat(CommandResolver.resolve(List.of(), List.of("--debug"), ENTRYPOINT, CMD, ENV))
        .containsExactly("/entry.sh", "--debug");
  }

  @Test
  void commandAndArgsBothFromThePod() {
    assertThat(
            CommandResolver.resolve(List.of("sh", "-c"), List.of("echo hi"), ENTRYPOINT, CMD, ENV))
        .containsExactly("sh", "-c", "echo hi");
  }

  @Test
  void nothingAnywhereGivesAnEmptyArgv() {
    assertThat(CommandResolver.resolve(null, null, List.of(), List.of(), ENV)).isEmpty();
  }

  @Test
  void expandsVariableReferencesButNotImageValues() {
    assertThat(
            CommandResolver.resolve(
                List.of("run", "--port=$(PORT)", "$(MISSING)", "$$(PORT)"),
                null,
                ENTRYPOINT,
                List.of("$(NAME)"),
                ENV))
        .containsExactly("run", "--port=8080", "$(MISSING)", "$(PORT)");
    assertThat(CommandResolver.resolve(null, null, List.of(), List.of("$(NAME)"), ENV))
        .containsExactly("$(NAME)");
  }
}
