package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every setting that PackSettings binds, by its Helm value name. */
class ConfigurationDocsTest {

    @Test
    void everySettingIsDocumented() throws Exception {
        var docs = Files.readString(Path.of("docs/configuration.md"));
        var names = settingNames("", PackSettings.class);
        names.addAll(settingNames("usage.", dev.nebari.llm.usage.UsageSettings.class));

        assertThat(names).hasSizeGreaterThan(20);
        assertThat(names).allSatisfy(name -> assertThat(docs).as("docs/configuration.md").contains("`" + name + "`"));
    }

    /** Process settings (not Helm values) are in the second table: the cluster, the local cluster and the local demo. */
    @Test
    void everyProcessSettingIsDocumented() throws Exception {
        var docs = Files.readString(Path.of("docs/configuration.md"));
        var names = new ArrayList<String>(settingNames("cluster.", ClusterSettings.class));
        names.addAll(settingNames("cluster.", dev.nebari.llm.localcluster.EmbeddedClusterSettings.class));
        names.addAll(settingNames("demo.", dev.nebari.llm.demo.DemoSettings.class));

        assertThat(names).contains("cluster.embeddedControllers", "demo.identityProvider.enabled");
        assertThat(names).allSatisfy(name -> assertThat(docs).as("docs/configuration.md").contains("`" + name + "`"));
    }

    /** Dotted names of the leaves of a settings record, e.g. platform.gateway.external.name. */
    static List<String> settingNames(String prefix, Class<?> type) {
        var names = new ArrayList<String>();
        for (RecordComponent component : type.getRecordComponents()) {
            var name = prefix + component.getName();
            var componentType = component.getType();
            if (componentType.isRecord()) {
                names.addAll(settingNames(name + ".", componentType));
            } else {
                names.add(name);
            }
        }
        return names;
    }
}
