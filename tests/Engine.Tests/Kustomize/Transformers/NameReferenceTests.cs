namespace Tide.Engine.Tests.Kustomize.Transformers;

/// <summary>Name references across bases: which referral a renamed object's referrers end up naming.</summary>
public sealed class NameReferenceTests
{
    private static readonly Dictionary<string, Dictionary<string, string>> Cases = new()
    {
        ["twoBasesWithDifferentPrefixes_EachReferrerKeepsItsOwn"] = new()
        {
            ["a/kustomization.yaml"] = "namePrefix: a-\nresources:\n- ../common\n",
            ["b/kustomization.yaml"] = "namePrefix: b-\nresources:\n- ../common\n",
            ["common/kustomization.yaml"] = "resources:\n- app.yaml\nconfigMapGenerator:\n- name: cfg\n  literals: [k=v]\n",
            ["common/app.yaml"] = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: c\n    image: i\n    env:\n    - name: K\n      valueFrom:\n        configMapKeyRef:\n          name: cfg\n          key: k\n",
            ["all/kustomization.yaml"] = "resources:\n- ../a\n- ../b\n",
        },
        ["ingressServiceHpaAndStatefulSet"] = new()
        {
            ["kustomization.yaml"] = "namePrefix: x-\nresources:\n- r.yaml\n",
            ["r.yaml"] = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: svc
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: db
                spec:
                  serviceName: svc
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: web
                spec:
                  rules:
                  - http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: svc
                            port:
                              number: 80
                ---
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata:
                  name: db
                spec:
                  scaleTargetRef:
                    apiVersion: apps/v1
                    kind: StatefulSet
                    name: db
                """,
        },
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_EqualsKubectlKustomize(string name)
    {
        var files = Cases[name];
        KubectlOracle.AssertSameOutput(files, files.ContainsKey("all/kustomization.yaml") ? "all" : ".");
    }
}
