package io.github.vmdkdelta;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of the design notes (section 2), checked with ArchUnit on the compiled classes of
 * src/main: cli -> ops -> chain -> vmdk with no cycles, picocli only in the CLI, and neither
 * printing to System.out/System.err nor exiting the JVM anywhere but {@code cli.Main}. Being
 * bytecode, a fully qualified use ({@code picocli.CommandLine.X} without an import) counts, and a
 * comment or string that mentions System.out does not. Each rule is shown failing on {@code
 * archfixture}, a small tree that breaks each of them.
 */
@AnalyzeClasses(
    packages = "io.github.vmdkdelta",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String ROOT = "io.github.vmdkdelta";
  private static final String FIXTURE = "io.github.vmdkdelta.archfixture";

  @ArchTest static final ArchRule LAYERS = layers(ROOT);
  @ArchTest static final ArchRule NO_CYCLES = noCycles(ROOT);
  @ArchTest static final ArchRule PICOCLI_ONLY_IN_CLI = picocliOnlyInCli(ROOT);
  @ArchTest static final ArchRule ONLY_MAIN_PRINTS = onlyMainPrints(ROOT);
  @ArchTest static final ArchRule ONLY_MAIN_EXITS = onlyMainExits(ROOT);
  @ArchTest static final ArchRule NO_STACK_TRACE_TO_STDERR = noStackTraceToStderr(ROOT);
  @ArchTest static final ArchRule NO_TEST_SWITCHES = noTestSwitches(ROOT);

  /**
   * Each layer uses only those below it. Every layer must hold classes (ArchUnit's default), so a
   * package that moved fails here instead of passing empty.
   */
  static ArchRule layers(String root) {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("cli")
        .definedBy(root + ".cli..")
        .layer("ops")
        .definedBy(root + ".ops..")
        .layer("chain")
        .definedBy(root + ".chain..")
        // A VM's .vmx, beside chain; optional so that the fixture below needs no copy of it.
        .optionalLayer("vm")
        .definedBy(root + ".vm..")
        .layer("vmdk")
        .definedBy(root + ".vmdk..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("ops")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("chain")
        .mayOnlyBeAccessedByLayers("ops", "cli")
        .whereLayer("vm")
        .mayOnlyBeAccessedByLayers("ops", "cli")
        .whereLayer("vmdk")
        .mayOnlyBeAccessedByLayers("chain", "vm", "ops", "cli");
  }

  static ArchRule noCycles(String root) {
    return slices().matching(root + ".(*)..").should().beFreeOfCycles();
  }

  static ArchRule picocliOnlyInCli(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .resideOutsideOfPackage(root + ".cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .because("the core packages are a library without a command line");
  }

  /** The commands write to the PrintWriters that Main hands them (tests capture those). */
  static ArchRule onlyMainPrints(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .doNotHaveFullyQualifiedName(root + ".cli.Main")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err");
  }

  /** Everything else returns an exit code. */
  static ArchRule onlyMainExits(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .doNotHaveFullyQualifiedName(root + ".cli.Main")
        .should()
        .callMethod(System.class, "exit", int.class)
        .orShould()
        .callMethod(Runtime.class, "exit", int.class)
        .orShould()
        .callMethod(Runtime.class, "halt", int.class);
  }

  /**
   * No switch for tests in the shipped jar (issue 15): tests that need hooks start the tool with
   * their own from test code ({@code cli.TestMain}, on {@code -cp vmdk-delta.jar:test-classes}). A
   * class named for tests or hooks, a system property read as a number or a flag, or a sleep would
   * be such a switch; so would a halt (see {@link #onlyMainExits}).
   */
  static ArchRule noTestSwitches(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .should()
        .haveSimpleNameContaining("Test")
        .orShould()
        .haveSimpleNameContaining("Hook")
        .orShould()
        .callMethodWhere(
            DescribedPredicate.describe(
                "a system property as a number or flag, or a sleep",
                (JavaMethodCall call) ->
                    SWITCH_CALLS.contains(call.getTargetOwner().getName() + "." + call.getName())));
  }

  private static final Set<String> SWITCH_CALLS =
      Set.of(
          "java.lang.Integer.getInteger",
          "java.lang.Long.getLong",
          "java.lang.Boolean.getBoolean",
          "java.lang.Thread.sleep");

  /** The property names of the old switch are not in any compiled class of src/main either. */
  @Test
  void noClassOfTheJarNamesATestProperty() throws IOException, URISyntaxException {
    Path classes =
        Path.of(
            io.github.vmdkdelta.cli.Main.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    List<Path> named;
    try (Stream<Path> files = Files.walk(classes)) {
      named =
          files
              .filter(f -> f.toString().endsWith(".class"))
              .filter(f -> namesATestProperty(f))
              .toList();
    }
    assertThat(Files.isRegularFile(classes.resolve("io/github/vmdkdelta/cli/Main.class"))).isTrue();
    assertThat(named).isEmpty();
  }

  private static boolean namesATestProperty(Path classFile) {
    try {
      String text = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
      return text.contains("vmdk-delta.test") || text.contains("vmdk.delta.test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code printStackTrace()} without a stream writes to System.err behind the caller's back. */
  static ArchRule noStackTraceToStderr(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .should()
        .callMethodWhere(
            DescribedPredicate.describe(
                "printStackTrace()",
                (JavaMethodCall call) ->
                    call.getName().equals("printStackTrace")
                        && call.getTarget().getRawParameterTypes().isEmpty()));
  }

  // The rules on a tree that breaks each of them once, so that none can pass vacuously.

  private static final JavaClasses VIOLATIONS = new ClassFileImporter().importPackages(FIXTURE);

  @Test
  void theLayerRulesFailOnAnUpwardDependencyAndACycle() {
    assertThat(violations(layers(FIXTURE)))
        .anyMatch(v -> v.contains("archfixture.vmdk.Format") && v.contains("archfixture.ops.Verb"))
        .noneMatch(v -> v.contains("archfixture.chain.Chain"));
    assertThat(violations(noCycles(FIXTURE)))
        .singleElement()
        .asString()
        .contains("Cycle detected")
        .contains("ops")
        .contains("vmdk");
  }

  @Test
  void thePicocliRuleFailsOutsideTheCliOnly() {
    assertThat(violations(picocliOnlyInCli(FIXTURE)))
        .isNotEmpty()
        .allMatch(v -> v.contains("archfixture.ops.Verb"))
        .anyMatch(v -> v.contains("picocli.CommandLine"));
  }

  @Test
  void thePrintExitAndStackTraceRulesFailOutsideMainOnly() {
    assertThat(violations(onlyMainPrints(FIXTURE)))
        .hasSize(2)
        .allMatch(v -> v.contains("archfixture.ops.Verb"))
        .anyMatch(v -> v.contains("System.out"))
        .anyMatch(v -> v.contains("System.err"));
    assertThat(violations(onlyMainExits(FIXTURE)))
        .hasSize(3)
        .allMatch(v -> v.contains("archfixture.ops.Verb"))
        .anyMatch(v -> v.contains("System.exit(int)"))
        .anyMatch(v -> v.contains("Runtime.exit(int)"))
        .anyMatch(v -> v.contains("Runtime.halt(int)"));
    assertThat(violations(noStackTraceToStderr(FIXTURE)))
        .singleElement()
        .asString()
        .contains("archfixture.ops.Verb")
        .contains("printStackTrace()");
  }

  @Test
  void theTestSwitchRuleFailsOnATestClassAPropertyFlagAndASleep() {
    assertThat(violations(noTestSwitches(FIXTURE)))
        .allMatch(v -> v.contains("archfixture.cli.DebugHooks"))
        .anyMatch(v -> v.contains("simple name containing 'Hook'"))
        .anyMatch(v -> v.contains("Integer.getInteger"))
        .anyMatch(v -> v.contains("Long.getLong"))
        .anyMatch(v -> v.contains("Thread.sleep"));
  }

  private static List<String> violations(ArchRule rule) {
    return rule.evaluate(VIOLATIONS).getFailureReport().getDetails();
  }
}
