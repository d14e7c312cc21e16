package io.streamcast.tools.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The modules' dependency rules, as docs/architecture.md states them, checked on the compiled main classes of every
 * module (this module's test class path holds them all). Maven already refuses a dependency on a module further down
 * the list; these rules also catch a library leaking into the wrong module and an arrow pointing back up.
 */
class ArchitectureTest {

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // the other modules are on the class path as their target/classes folders or as their jars, depending on the
        // phase Maven runs; their test classes (test-classes folders, *-tests.jar) are not part of the rules
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
                .importPackages("io.streamcast");
    }

    @Test
    void everyModuleIsImported() {
        for (String pkg : new String[] {"io.streamcast.model.core", "io.streamcast.model.training",
                "io.streamcast.connectors", "io.streamcast.broker", "io.streamcast.jobs", "io.streamcast.learner",
                "io.streamcast.tools"}) {
            assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg))).as(pkg).isTrue();
        }
    }

    @Test
    void modulesDependOnlyDownwards() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("core").definedBy("io.streamcast.model.core..")
                .layer("training").definedBy("io.streamcast.model.training..")
                .layer("connectors").definedBy("io.streamcast.connectors..")
                .layer("broker").definedBy("io.streamcast.broker..")
                .layer("job").definedBy("io.streamcast.jobs..")
                .layer("learner").definedBy("io.streamcast.learner..")
                .layer("tools").definedBy("io.streamcast.tools..")
                .whereLayer("tools").mayNotBeAccessedByAnyLayer()
                .whereLayer("learner").mayOnlyBeAccessedByLayers("tools")
                .whereLayer("job").mayOnlyBeAccessedByLayers("learner", "tools")
                .whereLayer("broker").mayOnlyBeAccessedByLayers("tools")
                .whereLayer("training").mayOnlyBeAccessedByLayers("learner", "tools")
                .whereLayer("connectors").mayOnlyBeAccessedByLayers("job", "learner", "tools")
                .whereLayer("core").mayOnlyBeAccessedByLayers("training", "connectors", "job", "learner", "tools");
        rule.check(classes);
    }

    @Test
    void modelCoreIsPlainJava() {
        noClasses().that().resideInAPackage("io.streamcast.model.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "org.deeplearning4j..",
                        "org.nd4j..", "org.apache.kafka..")
                .because("the per-key algorithm and the math run anywhere: a Flink operator, a SQL function, a test")
                .check(classes);
    }

    @Test
    void theDeployableJobCarriesNoTrainingEngineBrokerOrToolLibraries() {
        noClasses().that().resideInAnyPackage("io.streamcast.jobs..", "io.streamcast.connectors..")
                .should().dependOnClassesThat().resideInAnyPackage("org.deeplearning4j..", "org.nd4j..",
                        "kafka.server..", "org.apache.kafka.server..", "org.apache.kafka.metadata..",
                        "org.jfree..", "org.openjdk.jmh..", "io.streamcast.broker..")
                .because("the job's jar is the cluster jar: Flink provides the runtime and nothing else belongs there")
                .check(classes);
    }

    @Test
    void theLearnersCoreIsPlainJava() {
        noClasses().that().resideInAPackage("io.streamcast.learner.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "org.apache.kafka..",
                        "io.streamcast.jobs..", "io.streamcast.connectors..")
                .because("the same rounds run in the learner's Flink job and in the prequential evaluation")
                .check(classes);
    }

    @Test
    void onlyTheLearnersTrainingAdapterUsesTheTrainer() {
        noClasses().that().resideInAPackage("io.streamcast.learner..")
                .and().doNotHaveSimpleName("Dl4jCandidateTrainer")
                .should().dependOnClassesThat().resideInAnyPackage("org.deeplearning4j..", "org.nd4j..")
                .because("the learner reaches DL4J only through the trainer's public API, in one class")
                .check(classes);
    }

    @Test
    void theJobsStateContractDoesNotImportTheOperator() {
        noClasses().that().resideInAPackage("io.streamcast.jobs.control..")
                .should().dependOnClassesThat().resideInAPackage("io.streamcast.jobs.forecast..")
                .because("model control's state and records are what the forecast operator builds on, not the reverse")
                .check(classes);
    }
}
