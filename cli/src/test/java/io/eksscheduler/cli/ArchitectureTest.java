package io.eksscheduler.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries between the modules and between the actions' feature packages, checked on the
 * compiled main classes: the engine knows nothing of Kubernetes or AWS, the actions see only the
 * engine's SPI, and no package depends on itself through another.
 */
class ArchitectureTest {

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // a full build puts the engine's test jar on the class path: it is not main code
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.eksscheduler");
  }

  @Test
  void importedTheModules() {
    for (String pkg :
        new String[] {
          "io.eksscheduler.engine.spi",
          "io.eksscheduler.actions.drain",
          "io.eksscheduler.cli",
          "io.eksscheduler.sandbox"
        }) {
      if (main.stream().noneMatch(c -> c.getPackageName().equals(pkg))) {
        throw new AssertionError("no main class imported from " + pkg);
      }
    }
  }

  @Test
  void engineKnowsNothingOfKubernetesAwsActionsOrCli() {
    noClasses()
        .that()
        .resideInAPackage("io.eksscheduler.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kubernetes..",
            "software.amazon..",
            "io.eksscheduler.actions..",
            "io.eksscheduler.cli..",
            "io.eksscheduler.sandbox..")
        .check(main);
  }

  @Test
  void actionsUseOnlyTheEnginesSpi() {
    noClasses()
        .that()
        .resideInAPackage("io.eksscheduler.actions..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.eksscheduler.engine..")
                .and(resideOutsideOfPackage("io.eksscheduler.engine.spi..")))
        .check(main);
  }

  @Test
  void actionsKnowNothingOfCliOrSandbox() {
    noClasses()
        .that()
        .resideInAPackage("io.eksscheduler.actions..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.eksscheduler.cli..", "io.eksscheduler.sandbox..")
        .check(main);
  }

  /**
   * The actions' layers point down: {@code originals} (what a stop records and a wake restores)
   * needs no other actions package, {@code kube} (the shared Kubernetes calls) needs only {@code
   * originals}, {@code core} needs none, and no feature package depends on {@code cluster}, which
   * reads across them.
   */
  @Test
  void actionsLayersPointDown() {
    noClasses()
        .that()
        .resideInAPackage("io.eksscheduler.actions.originals..")
        .should()
        .dependOnClassesThat(actionsOutside("io.eksscheduler.actions.originals.."))
        .check(main);
    noClasses()
        .that()
        .resideInAPackage("io.eksscheduler.actions.kube..")
        .should()
        .dependOnClassesThat(
            actionsOutside("io.eksscheduler.actions.kube..")
                .and(resideOutsideOfPackage("io.eksscheduler.actions.originals..")))
        .check(main);
    noClasses()
        .that()
        .resideInAPackage("io.eksscheduler.actions.core..")
        .should()
        .dependOnClassesThat(actionsOutside("io.eksscheduler.actions.core.."))
        .check(main);
    noClasses()
        .that()
        .resideInAPackage("io.eksscheduler.actions..")
        .and()
        .resideOutsideOfPackage("io.eksscheduler.actions.cluster..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.eksscheduler.actions.cluster..")
        .check(main);
  }

  private static DescribedPredicate<JavaClass> actionsOutside(String pkg) {
    return resideInAPackage("io.eksscheduler.actions..").and(resideOutsideOfPackage(pkg));
  }

  /**
   * Engine, actions and cli. The sandbox (test infrastructure: the control plane and the AWS
   * simulator) still has cycles between its packages; they go with the split of its simulator.
   */
  @Test
  void noPackageCycles() {
    slices()
        .matching("io.eksscheduler.(**)")
        .should()
        .beFreeOfCycles()
        .check(main.that(resideOutsideOfPackage("io.eksscheduler.sandbox..")));
  }
}
