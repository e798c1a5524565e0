package dev.nebari.llm.platform;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Jackson mix-in that leaves {@code metadata.managedFields} unread. The API server sends them with every object,
 * about as long again as the object itself (each field a manager set, listed again), and most readers never look at
 * them: the informer caches drop them ({@link LeanItemStore}), and an apply's answer is read for its version and
 * status. Skipping them while parsing saves decoding them at all.
 */
@JsonIgnoreProperties("managedFields")
public interface WithoutManagedFields {

    /** A mapper as fabric8's default one (Jackson 2 defaults, JDK types) that skips {@code metadata.managedFields}. */
    static JsonMapper mapper() {
        return JsonMapper.builderWithJackson2Defaults().addModule(new Jackson2JdkTypesModule())
                .addMixIn(ObjectMeta.class, WithoutManagedFields.class).build();
    }
}
