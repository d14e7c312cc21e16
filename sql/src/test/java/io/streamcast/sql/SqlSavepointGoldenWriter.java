package io.streamcast.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writes this release's golden SQL savepoint, {@code src/test/resources/golden/}{@value #NAME}
 * ({@link SqlSavepointCompatibilityITCase#writeGolden}: the script's {@code INSERT} over the first half of the
 * events, with the model the goldens are written with, stopped with a canonical savepoint).
 *
 * <p>Not part of the build (its name matches neither {@code *Test} nor {@code *ITCase}); run it by name, once, for a
 * new golden version:
 * <pre>
 *   mvn -B -o -pl sql -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dit.test=SqlSavepointGoldenWriter -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 * It refuses to overwrite an existing golden: a released savepoint is never regenerated. For a new one, raise the
 * version in {@link #NAME} and add the old name to {@link SqlSavepointCompatibilityITCase}'s earlier releases.
 */
@Timeout(300)
class SqlSavepointGoldenWriter {

    /** This release's golden: series state layout 9, the persistence weight fitted by Huber's loss. */
    static final String NAME = "sql-savepoint-v5";

    @Test
    void writeThisReleasesGoldenSqlSavepoint() throws Exception {
        Path dir = SqlSavepointCompatibilityITCase.GOLDENS.resolve(NAME);
        assertThat(dir).as("%s exists: a released golden savepoint is never rewritten", dir).doesNotExist();
        SqlSavepointCompatibilityITCase.writeGolden(dir);
        assertThat(dir.resolve("_metadata")).exists();
    }
}
