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
import java.util.List;
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
        .layer("vmdk")
        .definedBy(root + ".vmdk..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("ops")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("chain")
        .mayOnlyBeAccessedByLayers("ops", "cli")
        .whereLayer("vmdk")
        .mayOnlyBeAccessedByLayers("chain", "ops", "cli");
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

  /**
   * Everything else returns an exit code. {@code cli.TestHooks} halts the JVM on purpose, only when
   * a test process asks for it by system property (named here as text: it may go away).
   */
  static ArchRule onlyMainExits(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .doNotHaveFullyQualifiedName(root + ".cli.Main")
        .and()
        .doNotHaveFullyQualifiedName(root + ".cli.TestHooks")
        .should()
        .callMethod(System.class, "exit", int.class)
        .orShould()
        .callMethod(Runtime.class, "exit", int.class)
        .orShould()
        .callMethod(Runtime.class, "halt", int.class);
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

  private static List<String> violations(ArchRule rule) {
    return rule.evaluate(VIOLATIONS).getFailureReport().getDetails();
  }
}
