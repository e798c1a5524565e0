package dev.nebari.llm.localcluster;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import dev.nebari.llm.platform.ChangeHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for a storage provisioner in the simulated cluster: for every claim without a volume it creates a
 * matching PersistentVolume reserved for that claim, and kube-controller-manager's volume binder binds the two,
 * as it would with a dynamically provisioned volume. Without it, model pods stay unschedulable ("unbound
 * immediate PersistentVolumeClaims"), which is what a cluster without a default StorageClass really does.
 */
final class SimulatedVolumeProvisioner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedVolumeProvisioner.class);

    private final KubernetesClient client;
    private final SharedIndexInformer<PersistentVolumeClaim> claims;

    SimulatedVolumeProvisioner(KubernetesClient client) {
        this.client = client;
        this.claims = client.persistentVolumeClaims().inAnyNamespace()
                .inform(ChangeHandler.whilePresent(this::provision));
    }

    private void provision(PersistentVolumeClaim claim) {
        if (claim.getSpec().getVolumeName() != null || claim.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        var name = "sim-" + claim.getMetadata().getUid();
        Quantity size = claim.getSpec().getResources() != null && claim.getSpec().getResources().getRequests() != null
                ? claim.getSpec().getResources().getRequests().getOrDefault("storage", new Quantity("1Gi"))
                : new Quantity("1Gi");
        var volume = new PersistentVolumeBuilder()
                .withNewMetadata().withName(name).withLabels(Map.of("simulated", "true")).endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", size))
                .withAccessModes(claim.getSpec().getAccessModes())
                .withStorageClassName(claim.getSpec().getStorageClassName() == null ? "" : claim.getSpec().getStorageClassName())
                .withPersistentVolumeReclaimPolicy("Delete")
                .withNewHostPath().withPath("/simulated/" + name).endHostPath()
                .withClaimRef(new ObjectReferenceBuilder()
                        .withNamespace(claim.getMetadata().getNamespace())
                        .withName(claim.getMetadata().getName())
                        .withUid(claim.getMetadata().getUid())
                        .build())
                .endSpec()
                .build();
        try {
            client.persistentVolumes().resource(volume).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                log.warn("could not provision a volume for {}/{}: {}", claim.getMetadata().getNamespace(),
                        claim.getMetadata().getName(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        claims.stop();
    }
}
