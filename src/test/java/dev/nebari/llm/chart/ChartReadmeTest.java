package dev.nebari.llm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's values table is the documentation admins read: it must list every value with its real default. */
class ChartReadmeTest {

    // | `path` | type | `default` | description |
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]+) \\| `(.*)` \\| (.+) \\|$");

    @Test
    void documentsEveryValueAndNothingElse() {
        assertThat(documented().keySet()).containsExactlyInAnyOrderElementsOf(ChartFiles.valueLeaves().keySet());
    }

    @Test
    void documentsTheDefaultOfValuesYaml() {
        var documented = documented();
        ChartFiles.valueLeaves().forEach((path, value) -> assertThat(documented.get(path))
                .as("README default of %s (JSON of the values.yaml default)", path)
                .isNotNull()
                .extracting(Row::defaultJson).isEqualTo(Serialization.asJson(value)));
    }

    @Test
    void describesAndTypesEveryValue() {
        assertThat(documented().values()).allSatisfy(row -> {
            assertThat(row.type()).as(row.path()).isNotBlank();
            assertThat(row.description()).as(row.path()).isNotBlank();
        });
    }

    private static Map<String, Row> documented() {
        var rows = new LinkedHashMap<String, Row>();
        ChartFiles.read(ChartFiles.README).lines().map(ROW::matcher).filter(java.util.regex.Matcher::matches)
                .map(m -> new Row(m.group(1), m.group(2).strip(), m.group(3), m.group(4).strip()))
                .forEach(row -> assertThat(rows.put(row.path(), row)).as("documented twice: %s", row.path()).isNull());
        return rows;
    }

    record Row(String path, String type, String defaultJson, String description) {
    }
}
