using System.Text.Json.Nodes;
using Tide.ApiServer.Patching;

namespace Tide.ApiServer.Tests.Patching;

public sealed class ServerSideApplyTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(1);
    private static readonly DateTimeOffset T2 = T0.AddMinutes(2);

    private static JsonObject Deployment(string spec) => JsonAssert.Object(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default'},'spec':" + spec + "}");

    private static JsonObject Apply(JsonObject? live, JsonObject config, string manager, DateTimeOffset? now = null, bool force = false,
        string? subresource = null)
    {
        var outcome = ServerSideApply.Apply(live, config, manager, force, (string)config["apiVersion"]!, (string)config["kind"]!,
            now ?? T0, subresource);
        Assert.Empty(outcome.Conflicts);
        return outcome.Result!;
    }

    private static IReadOnlyList<FieldConflict> Conflicts(JsonObject live, JsonObject config, string manager) =>
        ServerSideApply.Apply(live, config, manager, false, (string)config["apiVersion"]!, (string)config["kind"]!, T1, null).Conflicts;

    private static JsonNode? Fields(JsonObject obj, string manager, string operation = "Apply") =>
        obj["metadata"]!["managedFields"]!.AsArray().Single(e => (string)e!["manager"]! == manager && (string)e["operation"]! == operation)!["fieldsV1"];

    private static string[] Managers(JsonObject obj) =>
        obj["metadata"]?["managedFields"] is JsonArray entries ? [.. entries.Select(e => (string)e!["manager"]! + "/" + (string)e["operation"]!)] : [];

    // The example of https://kubernetes.io/docs/reference/using-api/server-side-apply/#managed-fields, with the fieldsV1
    // members in the order the API server writes them.
    [Fact]
    public void Apply_ConfigMapFromKubernetesDocs_WritesTheDocumentedEntry()
    {
        var config = JsonAssert.Object("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'test-cm','namespace':'default','labels':{'test-label':'test'}},'data':{'key':'some value'}}");

        var result = Apply(null, config, "kubectl", T0);

        JsonAssert.Same("""
            [{'manager':'kubectl','operation':'Apply','apiVersion':'v1','time':'2024-05-01T10:00:00Z','fieldsType':'FieldsV1',
              'fieldsV1':{'f:data':{'f:key':{}},'f:metadata':{'f:labels':{'f:test-label':{}}}}}]
            """, result["metadata"]!["managedFields"]);
        Assert.Equal("some value", (string?)result["data"]!["key"]);
    }

    // An API server's managedFields for `kubectl apply` (client side) creating a defaulted Pod, as captured in an
    // AdmissionReview: the added annotations map carries ".", the spec struct and its required containers list do not.
    [Fact]
    public void RecordUpdate_PodCreatedByClientSideApply_MatchesTheApiServersEntry()
    {
        var pod = JsonAssert.Object("""
            {'kind':'Pod','apiVersion':'v1','metadata':{'name':'nginx','namespace':'default','uid':'eae00ed2','creationTimestamp':'2022-09-14T20:33:50Z',
              'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{}'}},
             'spec':{'containers':[{'name':'nginx','image':'nginx:1.14.2','ports':[{'containerPort':80,'protocol':'TCP'}],'resources':{},
                'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File','imagePullPolicy':'IfNotPresent'}],
              'restartPolicy':'Always','terminationGracePeriodSeconds':30,'dnsPolicy':'ClusterFirst','securityContext':{},
              'schedulerName':'default-scheduler','enableServiceLinks':true}}
            """);

        ServerSideApply.RecordUpdate(null, pod, "kubectl-client-side-apply", "v1", new DateTimeOffset(2022, 9, 14, 20, 33, 50, TimeSpan.Zero), null);

        Assert.Equal("""
            [{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1","time":"2022-09-14T20:33:50Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}]
            """, JsonAssert.Text(pod["metadata"]!["managedFields"]));
    }

    [Fact]
    public void Apply_KeyedListsAndAtomicSelector_RenderAsKubernetesDoes()
    {
        var config = Deployment("""
            {'replicas':2,'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},
             'spec':{'containers':[{'name':'nginx','image':'nginx','ports':[{'containerPort':80}],
               'env':[{'name':'A','valueFrom':{'secretKeyRef':{'name':'s','key':'k'}}}]}],
               'imagePullSecrets':[{'name':'regcred'}]}}}
            """);

        var result = Apply(null, config, "kubectl");

        Assert.Equal("""
            {"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:env":{"k:{\"name\":\"A\"}":{".":{},"f:name":{},"f:valueFrom":{"f:secretKeyRef":{}}}},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}},"f:imagePullSecrets":{"k:{\"name\":\"regcred\"}":{}}}}}}
            """, JsonAssert.Text(Fields(result, "kubectl")));
    }

    [Fact]
    public void Apply_SetListAndServicePorts_UseValueAndDefaultedKeys()
    {
        var config = JsonAssert.Object("""
            {'apiVersion':'v1','kind':'Service','metadata':{'name':'s','finalizers':['example.com/a','b<&>']},
             'spec':{'ports':[{'port':443,'protocol':'UDP'},{'port':80}]}}
            """);

        var result = Apply(null, config, "m");

        Assert.Equal("""
            {"f:metadata":{"f:finalizers":{"v:\"b\\u003c\\u0026\\u003e\"":{},"v:\"example.com/a\"":{}}},"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}},"k:{\"port\":443,\"protocol\":\"UDP\"}":{".":{},"f:port":{},"f:protocol":{}}}}}
            """, JsonAssert.Text(Fields(result, "m")));
    }

    [Fact]
    public void Apply_ServerMetadata_IsNeitherOwnedNorOverwritten()
    {
        var live = Apply(null, Deployment("{'replicas':1}"), "a");
        live["metadata"]!["uid"] = "u-live";
        live["metadata"]!["resourceVersion"] = "7";
        var config = Deployment("{'replicas':1}");
        config["metadata"]!["uid"] = "u-other";
        config["metadata"]!["resourceVersion"] = "7";
        config["metadata"]!["generation"] = 9;

        var result = Apply(live, config, "a");

        Assert.Equal("u-live", (string?)result["metadata"]!["uid"]);
        Assert.Null(result["metadata"]!["generation"]);
        JsonAssert.Same("{'f:spec':{'f:replicas':{}}}", Fields(result, "a"));
    }

    [Fact]
    public void Apply_TwoManagersSetOneFieldDifferently_Conflict()
    {
        var live = Apply(null, Deployment("{'replicas':1,'paused':false}"), "alice");

        var conflicts = Conflicts(live, Deployment("{'replicas':3,'paused':false}"), "bob");

        Assert.Equal([new FieldConflict("alice", ".spec.replicas")], conflicts);
    }

    [Fact]
    public void Apply_Forced_TakesTheFieldOver()
    {
        var live = Apply(null, Deployment("{'replicas':1,'paused':false}"), "alice");

        var result = Apply(live, Deployment("{'replicas':3}"), "bob", T1, force: true);

        Assert.Equal(3, (int)result["spec"]!["replicas"]!);
        JsonAssert.Same("{'f:spec':{'f:paused':{}}}", Fields(result, "alice"));
        JsonAssert.Same("{'f:spec':{'f:replicas':{}}}", Fields(result, "bob"));
    }

    [Fact]
    public void Apply_ManagerDropsAField_FieldIsRemoved()
    {
        var live = Apply(null, Deployment("{'replicas':1,'paused':true,'template':{'metadata':{'labels':{'a':'1','b':'2'}}}}"), "alice");

        var result = Apply(live, Deployment("{'replicas':1,'template':{'metadata':{'labels':{'a':'1'}}}}"), "alice", T1);

        JsonAssert.Same("{'replicas':1,'template':{'metadata':{'labels':{'a':'1'}}}}", result["spec"]);
    }

    [Fact]
    public void Apply_ManagerDropsAWholeObject_ObjectIsRemoved()
    {
        var live = Apply(null, Deployment("{'replicas':1,'strategy':{'type':'Recreate'}}"), "alice");

        var result = Apply(live, Deployment("{'replicas':1}"), "alice", T1);

        JsonAssert.Same("{'replicas':1}", result["spec"]);
    }

    [Fact]
    public void Apply_FieldOwnedByTwoManagers_StaysUntilBothDropIt()
    {
        var live = Apply(null, Deployment("{'replicas':2,'paused':false}"), "alice");
        live = Apply(live, Deployment("{'replicas':2}"), "bob", T1);
        Assert.Equal(["alice/Apply", "bob/Apply"], Managers(live));

        live = Apply(live, Deployment("{'paused':false}"), "alice", T2);
        Assert.Equal(2, (int)live["spec"]!["replicas"]!);

        live = Apply(live, Deployment("{'minReadySeconds':5}"), "bob", T2);
        Assert.Null(live["spec"]!["replicas"]);
    }

    [Fact]
    public void Apply_KeyedListItems_AreOwnedPerItem()
    {
        var live = Apply(null, Deployment("{'template':{'spec':{'containers':[{'name':'app','image':'app:1'}]}}}"), "alice");
        live = Apply(live, Deployment("{'template':{'spec':{'containers':[{'name':'sidecar','image':'envoy'}]}}}"), "bob", T1);
        Assert.Equal(["app", "sidecar"], ContainerNames(live));

        var conflicts = Conflicts(live, Deployment("{'template':{'spec':{'containers':[{'name':'app','image':'app:2'}]}}}"), "bob");
        Assert.Equal([new FieldConflict("alice", ".spec.template.spec.containers[name=\"app\"].image")], conflicts);

        live = Apply(live, Deployment("{'template':{'spec':{'containers':[]}}}"), "alice", T2);
        Assert.Equal(["sidecar"], ContainerNames(live));
    }

    [Fact]
    public void Apply_ListMerge_FollowsTheConfigOrderAndKeepsOtherItemsWhereTheyWere()
    {
        var live = Apply(null, Deployment("{'template':{'spec':{'containers':[{'name':'a','image':'1'},{'name':'b','image':'1'}]}}}"), "alice");
        live = Apply(live, Deployment("{'template':{'spec':{'containers':[{'name':'x','image':'1'}]}}}"), "bob", T1);

        var result = Apply(live, Deployment("{'template':{'spec':{'containers':[{'name':'b','image':'2'},{'name':'a','image':'1'},{'name':'c','image':'1'}]}}}"), "alice", T2);

        Assert.Equal(["b", "x", "a", "c"], ContainerNames(result));
    }

    [Fact]
    public void Apply_ContainerPortConflict_NamesTheKeyLikeKubernetes()
    {
        var live = Apply(null, Deployment("{'template':{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'name':'http'}]}]}}}"), "alice");

        var conflicts = Conflicts(live, Deployment("{'template':{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'name':'web'}]}]}}}"), "bob");

        Assert.Equal([new FieldConflict("alice", ".spec.template.spec.containers[name=\"a\"].ports[containerPort=80,protocol=\"TCP\"].name")], conflicts);
    }

    [Fact]
    public void Apply_SetList_EachManagerOwnsItsValues()
    {
        var cm = "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','finalizers':[%]}}";
        var live = Apply(null, JsonAssert.Object(cm.Replace("%", "'a','shared'")), "alice");
        live = Apply(live, JsonAssert.Object(cm.Replace("%", "'b','shared'")), "bob", T1);
        JsonAssert.Same("['a','b','shared']", live["metadata"]!["finalizers"]);

        live = Apply(live, JsonAssert.Object(cm.Replace("%", "")), "alice", T2);

        JsonAssert.Same("['b','shared']", live["metadata"]!["finalizers"]);
    }

    [Fact]
    public void RecordUpdate_EditOfAppliedField_TakesItFromTheApplier()
    {
        var applied = Apply(null, Deployment("{'replicas':1,'paused':false}"), "kubectl");
        var edited = (JsonObject)applied.DeepClone();
        edited["spec"]!["replicas"] = 5;

        ServerSideApply.RecordUpdate(applied, edited, "kubectl-edit", "apps/v1", T1, null);

        Assert.Equal(["kubectl/Apply", "kubectl-edit/Update"], Managers(edited));
        JsonAssert.Same("{'f:spec':{'f:paused':{}}}", Fields(edited, "kubectl"));
        JsonAssert.Same("{'f:spec':{'f:replicas':{}}}", Fields(edited, "kubectl-edit", "Update"));
        Assert.Equal("2024-05-01T10:01:00Z", (string?)edited["metadata"]!["managedFields"]![1]!["time"]);
        Assert.Equal([new FieldConflict("kubectl-edit", ".spec.replicas")], Conflicts(edited, Deployment("{'replicas':1,'paused':false}"), "kubectl"));
    }

    [Fact]
    public void RecordUpdate_RemovedField_LeavesEveryManagersSet()
    {
        var applied = Apply(null, Deployment("{'replicas':1,'paused':false}"), "kubectl");
        var updated = (JsonObject)applied.DeepClone();
        ((JsonObject)updated["spec"]!).Remove("paused");

        ServerSideApply.RecordUpdate(applied, updated, "controller", "apps/v1", T1, null);

        JsonAssert.Same("{'f:spec':{'f:replicas':{}}}", Fields(updated, "kubectl"));
        Assert.Equal(["kubectl/Apply"], Managers(updated));
    }

    [Fact]
    public void RecordUpdate_NoChange_LeavesManagedFieldsAsTheyWere()
    {
        var applied = Apply(null, Deployment("{'replicas':1}"), "kubectl");
        var updated = (JsonObject)applied.DeepClone();
        updated["metadata"]!["resourceVersion"] = "42";

        ServerSideApply.RecordUpdate(applied, updated, "controller", "apps/v1", T1, null);

        JsonAssert.Same(applied["metadata"]!["managedFields"]!.ToJsonString(), updated["metadata"]!["managedFields"]);
    }

    [Fact]
    public void RecordUpdate_SameManagerTwice_KeepsOneEntryWithBothFields()
    {
        var v1 = Deployment("{'replicas':1}");
        ServerSideApply.RecordUpdate(null, v1, "ctl", "apps/v1", T0, null);
        var v2 = (JsonObject)v1.DeepClone();
        v2["spec"]!["paused"] = true;

        ServerSideApply.RecordUpdate(v1, v2, "ctl", "apps/v1", T1, null);

        Assert.Equal(["ctl/Update"], Managers(v2));
        JsonAssert.Same("{'f:spec':{'f:paused':{},'f:replicas':{}}}", Fields(v2, "ctl", "Update"));
        Assert.Equal("2024-05-01T10:01:00Z", (string?)v2["metadata"]!["managedFields"]![0]!["time"]);
    }

    [Fact]
    public void RecordUpdate_ResetRequest_StartsOwnershipOver()
    {
        var applied = Apply(null, Deployment("{'replicas':1}"), "kubectl");
        var updated = (JsonObject)applied.DeepClone();
        updated["metadata"]!["managedFields"] = JsonAssert.Array("[{}]");

        ServerSideApply.RecordUpdate(applied, updated, "ctl", "apps/v1", T1, null);

        Assert.Null(updated["metadata"]!["managedFields"]);
    }

    [Fact]
    public void Apply_StatusSubresource_AppliesOnlyStatusUnderItsOwnEntry()
    {
        var live = Apply(null, Deployment("{'replicas':1}"), "kubectl");
        var config = Deployment("{'replicas':9}");
        config["status"] = JsonAssert.Object("{'conditions':[{'type':'Available','status':'True'}],'replicas':1}");

        var result = Apply(live, config, "simulator", T1, subresource: "status");

        Assert.Equal(1, (int)result["spec"]!["replicas"]!);
        var entry = result["metadata"]!["managedFields"]!.AsArray().Single(e => (string)e!["manager"]! == "simulator")!;
        Assert.Equal("status", (string?)entry["subresource"]);
        Assert.Equal("""{"f:status":{"f:conditions":{"k:{\"type\":\"Available\"}":{".":{},"f:status":{},"f:type":{}}},"f:replicas":{}}}""",
            JsonAssert.Text(entry["fieldsV1"]));
    }

    [Fact]
    public void Apply_MainResourceOfBuiltInKind_LeavesStatusAlone()
    {
        var live = Deployment("{'replicas':1}");
        live["status"] = JsonAssert.Object("{'replicas':1}");
        var config = Deployment("{'replicas':1}");
        config["status"] = JsonAssert.Object("{'replicas':5}");

        var result = Apply(live, config, "kubectl");

        Assert.Equal(1, (int)result["status"]!["replicas"]!);
        JsonAssert.Same("{'f:spec':{'f:replicas':{}}}", Fields(result, "kubectl"));
    }

    [Fact]
    public void Apply_CustomResource_MergesAndOwnsStatusAndTreatsListsAsAtomic()
    {
        var config = JsonAssert.Object("{'apiVersion':'example.com/v1','kind':'Widget','metadata':{'name':'w'},'spec':{'items':[{'name':'a'}]},'status':{'phase':'Ready'}}");

        var result = Apply(null, config, "op");

        JsonAssert.Same("{'f:spec':{'f:items':{}},'f:status':{'f:phase':{}}}", Fields(result, "op"));
    }

    [Fact]
    public void Apply_Unchanged_KeepsTheApplierTime()
    {
        var live = Apply(null, Deployment("{'replicas':1}"), "kubectl", T0);

        var result = Apply(live, Deployment("{'replicas':1}"), "kubectl", T2);

        Assert.Equal("2024-05-01T10:00:00Z", (string?)result["metadata"]!["managedFields"]![0]!["time"]);
    }

    [Fact]
    public void ManagedFields_ListApplyEntriesBeforeUpdateEntries()
    {
        var obj = Deployment("{'replicas':1}");
        ServerSideApply.RecordUpdate(null, obj, "creator", "apps/v1", T0, null);

        var result = Apply(obj, Deployment("{'paused':true}"), "applier", T2);

        Assert.Equal(["applier/Apply", "creator/Update"], Managers(result));
    }

    [Theory]
    [InlineData("{'template':{'spec':{'containers':[{'image':'x'}]}}}", "omits a key field")]
    [InlineData("{'template':{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}}", "duplicate entries for key [name=\"a\"]")]
    public void Apply_InvalidListItems_AreRejected(string spec, string message)
    {
        var error = Assert.Throws<PatchException>(() => Apply(null, Deployment(spec), "m"));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Apply_ConfigWithManagedFields_IsBadRequest()
    {
        var config = Deployment("{}");
        config["metadata"]!["managedFields"] = JsonAssert.Array("[{'manager':'x'}]");

        var error = Assert.Throws<PatchException>(() => Apply(null, config, "m"));

        Assert.True(error.BadRequest);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("[{'manager':'x','operation':'Update','fieldsType':'FieldsV1','fieldsV1':{'q:bad':{}}}]")]
    public void Apply_ObjectWithoutReadableManagedFields_BelongsToBeforeFirstApply(string? managedFields)
    {
        var live = Deployment("{'replicas':1}");
        if (managedFields is not null)
            live["metadata"]!["managedFields"] = JsonAssert.Array(managedFields);

        Assert.Equal([new FieldConflict("before-first-apply", ".spec.replicas")], Conflicts(live, Deployment("{'replicas':2}"), "helm"));
        var result = Apply(live, Deployment("{'replicas':1}"), "helm");

        Assert.Equal(["helm/Apply", "before-first-apply/Update"], Managers(result));
    }

    private static JsonObject ClientSideApplied(string spec)
    {
        var lastApplied = Deployment(spec);
        var live = Deployment(spec);
        live["metadata"]!["annotations"] = new JsonObject
        {
            ["kubectl.kubernetes.io/last-applied-configuration"] = lastApplied.ToJsonString() + "\n",
        };
        ServerSideApply.RecordUpdate(null, live, "kubectl-client-side-apply", "apps/v1", T0, null);
        return live;
    }

    [Fact]
    public void Apply_KubectlAfterClientSideApply_TakesOverWhatItAppliedWithoutConflict()
    {
        var live = ClientSideApplied("{'replicas':1,'paused':false}");
        var config = Deployment("{'replicas':2,'paused':false}");

        Assert.Equal([new FieldConflict("kubectl-client-side-apply", ".spec.replicas")], Conflicts(live, config, "someone-else"));
        var result = Apply(live, config, "kubectl", T1);

        Assert.Equal(2, (int)result["spec"]!["replicas"]!);
        // Go's encoder: keys sorted, and a trailing newline.
        Assert.Equal("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"paused":false,"replicas":2}}""" + "\n",
            (string?)result["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);
        JsonAssert.Same("{'f:spec':{'f:paused':{},'f:replicas':{}}}", Fields(result, "kubectl"));
    }

    [Fact]
    public void Apply_KubectlAfterClientSideApply_StillConflictsOnFieldsChangedSince()
    {
        var live = ClientSideApplied("{'replicas':1}");
        var edited = (JsonObject)live.DeepClone();
        edited["spec"]!["replicas"] = 5;
        ServerSideApply.RecordUpdate(live, edited, "kubectl-client-side-apply", "apps/v1", T1, null);

        Assert.Equal([new FieldConflict("kubectl-client-side-apply", ".spec.replicas")], Conflicts(edited, Deployment("{'replicas':2}"), "kubectl"));
    }

    [Fact]
    public void RecordUpdate_StatusSubresource_OwnsOnlyStatusUnderItsOwnEntry()
    {
        var old = Deployment("{'replicas':1}");
        var updated = Deployment("{'replicas':1}");
        updated["status"] = JsonAssert.Object("{'readyReplicas':1}");
        updated["metadata"]!["labels"] = JsonAssert.Object("{'touched':'yes'}");

        ServerSideApply.RecordUpdate(old, updated, "simulator", "apps/v1", T1, "status");

        var entry = updated["metadata"]!["managedFields"]!.AsArray().Single()!;
        Assert.Equal("status", (string?)entry["subresource"]);
        JsonAssert.Same("{'f:status':{'f:readyReplicas':{}}}", entry["fieldsV1"]);
    }

    [Fact]
    public void Apply_SameValuesBuiltInCode_DoNotConflict()
    {
        var live = Apply(null, Deployment("{'replicas':3,'template':{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80}]}]}}}"), "alice");
        var config = Deployment("{}");
        config["spec"] = new JsonObject
        {
            ["replicas"] = 3,
            ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "a",
                ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 80L }),
            }) } },
        };

        var result = Apply(live, config, "bob", T1);

        JsonAssert.Same(Fields(result, "alice")!.ToJsonString(), Fields(result, "bob"));
    }

    [Fact]
    public void RecordUpdate_MoreThanTenUpdaters_FoldsTheOldestIntoAncientChanges()
    {
        var obj = Deployment("{}");
        for (var i = 0; i < 12; i++)
        {
            var next = (JsonObject)obj.DeepClone();
            next["spec"]!["f" + i] = i;
            ServerSideApply.RecordUpdate(obj, next, "updater-" + i, "apps/v1", T0.AddMinutes(i), null);
            obj = next;
        }

        var entries = obj["metadata"]!["managedFields"]!.AsArray();
        Assert.Equal(10, entries.Count);
        var ancient = entries.Single(e => (string)e!["manager"]! == "ancient-changes")!;
        JsonAssert.Same("{'f:spec':{'f:f0':{},'f:f1':{},'f:f2':{}}}", ancient["fieldsV1"]);
        Assert.Equal("2024-05-01T10:02:00Z", (string?)ancient["time"]);
        Assert.DoesNotContain(entries, e => (string)e!["manager"]! is "updater-0" or "updater-1" or "updater-2");
    }

    // As kube-controller-manager's entry on a ReplicaSet it creates: owner references are atomic items keyed by uid.
    [Fact]
    public void RecordUpdate_ControllerCreatedReplicaSet_OwnsItsOwnerReferenceAsOneItem()
    {
        var rs = JsonAssert.Object("""
            {'apiVersion':'apps/v1','kind':'ReplicaSet','metadata':{'name':'web-1','labels':{'app':'web'},
              'ownerReferences':[{'apiVersion':'apps/v1','kind':'Deployment','name':'web','uid':'d4f1','controller':true,'blockOwnerDeletion':true}]},
             'spec':{'replicas':1,'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'c','image':'i'}]}}}}
            """);

        ServerSideApply.RecordUpdate(null, rs, "kube-controller-manager", "apps/v1", T0, null);

        Assert.Equal("""
            {"f:metadata":{"f:labels":{".":{},"f:app":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"d4f1\"}":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{}}}}}}}
            """, JsonAssert.Text(Fields(rs, "kube-controller-manager", "Update")));
    }

    private static string[] ContainerNames(JsonObject deployment) =>
        [.. deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => (string)c!["name"]!)];
}
