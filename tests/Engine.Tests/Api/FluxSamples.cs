namespace Tide.Engine.Tests.Api;

/// <summary>Flux objects as the Kubernetes API returns them, every spec field set, used by several test classes.</summary>
internal static class FluxSamples
{
    // As `kubectl get gitrepository -o yaml` shows an object reconciled by source-controller.
    public const string GitRepositoryWithStatus = """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata:
          creationTimestamp: "2025-03-01T10:00:00Z"
          finalizers:
          - finalizers.fluxcd.io
          generation: 2
          name: podinfo
          namespace: flux-system
          resourceVersion: "1234"
          uid: 0f1b2c3d-0000-4000-8000-000000000001
          annotations:
            reconcile.fluxcd.io/requestedAt: "2025-03-01T10:05:00.000000000Z"
        spec:
          interval: 5m0s
          timeout: 60s
          url: https://github.com/stefanprodan/podinfo
          ref:
            branch: master
            commit: 2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11
          secretRef:
            name: https-credentials
          provider: generic
          verify:
            mode: HEAD
            secretRef:
              name: pgp-public-keys
          proxySecretRef:
            name: proxy
          ignore: |
            # exclude all
            /*
            # include deploy dir
            !/deploy
          suspend: false
          recurseSubmodules: true
          include:
          - repository:
              name: app-config
            fromPath: deploy/kubernetes
            toPath: base/app
          sparseCheckout:
          - ./deploy
        status:
          artifact:
            digest: sha256:2b1ffcd0f5a3b1fa5d0e3c0f2d4ad9c6d0c1b2e9a4f6b5c0e1d2a3b4c5d6e7f8
            lastUpdateTime: "2025-03-01T10:05:02Z"
            path: gitrepository/flux-system/podinfo/2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11.tar.gz
            revision: master@sha1:2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11
            size: 91318
            url: http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/podinfo/2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11.tar.gz
          conditions:
          - lastTransitionTime: "2025-03-01T10:05:02Z"
            message: stored artifact for revision 'master@sha1:2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11'
            observedGeneration: 2
            reason: Succeeded
            status: "True"
            type: Ready
          - lastTransitionTime: "2025-03-01T10:05:02Z"
            message: stored artifact for revision 'master@sha1:2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11'
            observedGeneration: 2
            reason: Succeeded
            status: "True"
            type: ArtifactInStorage
          includedArtifacts:
          - digest: sha256:1111111111111111111111111111111111111111111111111111111111111111
            lastUpdateTime: "2025-03-01T10:04:00Z"
            path: gitrepository/flux-system/app-config/abc.tar.gz
            revision: main@sha1:3333333333333333333333333333333333333333
            size: 1024
            url: http://source-controller/gitrepository/flux-system/app-config/abc.tar.gz
            metadata:
              org.opencontainers.image.source: https://github.com/example/app-config
          lastHandledReconcileAt: "2025-03-01T10:05:00.000000000Z"
          observedGeneration: 2
          observedIgnore: |
            /*
          observedRecurseSubmodules: true
          observedInclude:
          - repository:
              name: app-config
            toPath: base/app
          observedSparseCheckout:
          - deploy
          sourceVerificationMode: HEAD
        """;

    // Every field of the v1 Kustomization spec, and a status as kustomize-controller writes it.
    public const string KustomizationWithStatus = """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: apps
          namespace: flux-system
          generation: 7
        spec:
          commonMetadata:
            labels:
              team: platform
            annotations:
              owner: ops
          dependsOn:
          - name: infra-controllers
          - name: crds
            namespace: flux-system
            readyExpr: status.observedGeneration == metadata.generation
          decryption:
            provider: sops
            serviceAccountName: sops-kms
            secretRef:
              name: sops-age
          interval: 10m0s
          retryInterval: 2m
          timeout: 5m
          kubeConfig:
            secretRef:
              name: prod-kubeconfig
              key: value.yaml
          path: ./apps/production
          postBuild:
            substituteStrategy: Always
            substitute:
              cluster_env: prod
              replicas: "3"
            substituteFrom:
            - kind: ConfigMap
              name: cluster-vars
            - kind: Secret
              name: cluster-secret-vars
              optional: true
          prune: true
          deletionPolicy: WaitForTermination
          healthChecks:
          - apiVersion: apps/v1
            kind: Deployment
            name: podinfo
            namespace: apps
          namePrefix: prod-
          nameSuffix: -v1
          patches:
          - patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: not-used
              spec:
                replicas: 2
            target:
              kind: Deployment
              labelSelector: app.kubernetes.io/part-of=my-app
          - patch: |
              - op: add
                path: /metadata/annotations/env
                value: prod
            target:
              group: apps
              version: v1
              kind: Deployment
              name: podinfo
              namespace: apps
              annotationSelector: tier=frontend
          images:
          - name: ghcr.io/stefanprodan/podinfo
            newName: registry.example.com/podinfo
            newTag: 6.5.0
          - name: nginx
            digest: sha256:24235rt2rewg345ferwf
          serviceAccountName: apps-reconciler
          sourceRef:
            kind: GitRepository
            name: flux-system
            namespace: flux-system
            apiVersion: source.toolkit.fluxcd.io/v1
          suspend: false
          targetNamespace: apps
          force: false
          wait: true
          buildMetadata:
          - originAnnotations
          components:
          - ../components/ingress
          ignoreMissingComponents: true
          healthCheckExprs:
          - apiVersion: cert-manager.io/v1
            kind: Certificate
            current: status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True')
            failed: status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'False')
            inProgress: status.conditions.filter(e, e.type == 'Issuing').all(e, e.status == 'True')
          ignore:
          - paths:
            - /spec/replicas
            target:
              kind: Deployment
        status:
          conditions:
          - lastTransitionTime: "2025-03-01T10:06:00Z"
            message: 'Applied revision: main@sha1:2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11'
            observedGeneration: 7
            reason: ReconciliationSucceeded
            status: "True"
            type: Ready
          - lastTransitionTime: "2025-03-01T10:06:00Z"
            message: Health check passed in 2.01s
            observedGeneration: 7
            reason: Succeeded
            status: "True"
            type: Healthy
          history:
          - digest: sha256:9c8e6e2c4a1f3e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d
            firstReconciled: "2025-03-01T09:00:00Z"
            lastReconciled: "2025-03-01T10:06:00Z"
            lastReconciledDuration: 2.5s
            lastReconciledStatus: ReconciliationSucceeded
            totalReconciliations: 7
            metadata:
              revision: main@sha1:2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11
          inventory:
            entries:
            - id: _apps__Namespace
              v: v1
            - id: apps_podinfo_apps_Deployment
              v: v1
            - id: apps_podinfo__Service
              v: v1
          lastAppliedRevision: main@sha1:2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11
          lastAppliedOriginRevision: v6.5.0@sha1:2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11
          lastAttemptedRevision: main@sha1:2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11
          lastHandledReconcileAt: "2025-03-01T10:05:00Z"
          observedGeneration: 7
        """;
}
