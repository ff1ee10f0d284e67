using Tide.ApiServer.Patching;

namespace Tide.ApiServer.Tests.Patching;

/// <summary>Strategic merge patches of built-in kinds, each compared with what kubectl's (Kubernetes') implementation
/// makes of the same object and patch.</summary>
public sealed class StrategicMergePatchKubectlTests
{
    private const string Deployment = """
        {'apiVersion':'apps/v1','kind':'Deployment',
         'metadata':{'name':'web','labels':{'app':'web','tier':'front'},'finalizers':['example.com/a','example.com/b'],
                     'ownerReferences':[{'apiVersion':'v1','kind':'ConfigMap','name':'o1','uid':'u1'}]},
         'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},
           'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1,'maxUnavailable':0}},
           'template':{'metadata':{'labels':{'app':'web'}},'spec':{
             'initContainers':[{'name':'init','image':'busybox'}],
             'containers':[
               {'name':'app','image':'app:1','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],
                'ports':[{'containerPort':80,'name':'http'},{'containerPort':443,'name':'https'}],
                'volumeMounts':[{'name':'data','mountPath':'/data'},{'name':'cache','mountPath':'/cache'}]},
               {'name':'sidecar','image':'envoy:1'}],
             'volumes':[{'name':'data','emptyDir':{}},{'name':'cache','emptyDir':{}}],
             'imagePullSecrets':[{'name':'r1'}],
             'hostAliases':[{'ip':'10.0.0.1','hostnames':['a']}],
             'tolerations':[{'key':'k1','operator':'Exists'}],
             'topologySpreadConstraints':[{'topologyKey':'zone','maxSkew':1,'whenUnsatisfiable':'DoNotSchedule'}],
             'nodeSelector':{'disk':'ssd','zone':'a'}}}},
         'status':{'conditions':[{'type':'Available','status':'False'},{'type':'Progressing','status':'True'}]}}
        """;

    [Theory]
    [InlineData("add a container and merge env by name",
        "{'spec':{'template':{'spec':{'containers':[{'name':'new','image':'x'},{'name':'app','env':[{'name':'C','value':'3'},{'name':'A','value':'9'}]}]}}}}")]
    [InlineData("delete a container, a volume and its mount",
        "{'spec':{'template':{'spec':{'containers':[{'name':'sidecar','$patch':'delete'},{'name':'app','volumeMounts':[{'mountPath':'/cache','$patch':'delete'}]}],'volumes':[{'name':'cache','$patch':'delete'}]}}}}")]
    [InlineData("replace the container list",
        "{'spec':{'template':{'spec':{'containers':[{'name':'only','image':'x'},{'$patch':'replace'}]}}}}")]
    [InlineData("retainKeys on the strategy",
        "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}")]
    [InlineData("reorder containers with setElementOrder",
        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'sidecar'},{'name':'app'}],'containers':[{'name':'sidecar','image':'envoy:2'}]}}}}")]
    [InlineData("delete a finalizer, add another",
        "{'metadata':{'$deleteFromPrimitiveList/finalizers':['example.com/a'],'finalizers':['example.com/c']}}")]
    [InlineData("replace tolerations and merge ports, pull secrets, host aliases, spread constraints",
        "{'spec':{'template':{'spec':{'tolerations':[{'key':'k2','operator':'Exists'}],'containers':[{'name':'app','ports':[{'containerPort':8080,'name':'alt'},{'containerPort':80,'protocol':'TCP'}]}],'imagePullSecrets':[{'name':'r2'}],'hostAliases':[{'ip':'10.0.0.1','hostnames':['b']},{'ip':'10.0.0.2','hostnames':['c']}],'topologySpreadConstraints':[{'topologyKey':'host','maxSkew':2,'whenUnsatisfiable':'ScheduleAnyway'}]}}}}")]
    [InlineData("null removes a label; owner references merge by uid",
        "{'metadata':{'labels':{'tier':null,'team':'x'},'ownerReferences':[{'apiVersion':'v1','kind':'Secret','name':'o2','uid':'u2'}]}}")]
    [InlineData("replace and delete whole maps",
        "{'spec':{'template':{'spec':{'nodeSelector':{'$patch':'replace','gpu':'true'},'initContainers':[{'name':'init','$patch':'delete'}]}},'strategy':{'rollingUpdate':{'$patch':'delete'}}}}")]
    [InlineData("retainKeys switches a volume's source",
        "{'spec':{'template':{'spec':{'volumes':[{'name':'data','$retainKeys':['configMap','name'],'configMap':{'name':'c'}}]}}}}")]
    [InlineData("setElementOrder on a primitive list with an addition",
        "{'metadata':{'$setElementOrder/finalizers':['example.com/b','example.com/c','example.com/a'],'finalizers':['example.com/c']}}")]
    [InlineData("null inside a keyed item, new env first",
        "{'spec':{'template':{'spec':{'containers':[{'name':'app','env':[{'name':'Z','value':'z'},{'name':'B','value':null}],'image':null}]}}}}")]
    [InlineData("patch creates lists and maps that did not exist",
        "{'spec':{'template':{'spec':{'containers':[{'name':'sidecar','args':['--x'],'resources':{'limits':{'cpu':'1'}},'ports':[{'containerPort':9000}]}],'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':[{'key':'k','operator':'Exists'}]}]}}}}}}}")]
    [InlineData("status conditions merge by type",
        "{'status':{'conditions':[{'type':'Available','status':'True'},{'type':'ReplicaFailure','status':'False'}]}}")]
    public async Task Apply_Deployment_MatchesKubectl(string description, string patch)
    {
        _ = description; // names the case in the test explorer
        var original = JsonAssert.Object(Deployment);
        var patchObject = JsonAssert.Object(patch);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var expected = await KubectlLocalPatch.ApplyAsync(original, patchObject, timeout.Token);
        var actual = StrategicMergePatch.Apply(original, patchObject, "apps/v1", "Deployment");

        JsonAssert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("v1", "Service", "{'apiVersion':'v1','kind':'Service','metadata':{'name':'s'},'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443,'targetPort':8443}],'selector':{'app':'a'}}}",
        "{'spec':{'ports':[{'port':80,'targetPort':9090},{'port':53,'protocol':'UDP'}],'selector':{'app':null,'name':'b'}}}")]
    [InlineData("v1", "Pod", "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{'containers':[{'name':'a','image':'1','volumeMounts':[{'name':'v','mountPath':'/v'}]}],'volumes':[{'name':'v','emptyDir':{}}],'ephemeralContainers':[{'name':'debug','image':'busybox'}]}}",
        "{'spec':{'ephemeralContainers':[{'name':'debug2','image':'busybox'}],'containers':[{'name':'a','volumeMounts':[{'name':'w','mountPath':'/w'}]}],'volumes':[{'name':'w','configMap':{'name':'c'}}]}}")]
    [InlineData("batch/v1", "CronJob", "{'apiVersion':'batch/v1','kind':'CronJob','metadata':{'name':'c'},'spec':{'schedule':'* * * * *','jobTemplate':{'spec':{'template':{'spec':{'restartPolicy':'Never','containers':[{'name':'a','image':'1','args':['x','y']}]}}}}}}",
        "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','args':['z']},{'name':'b','image':'2'}]}}}}}}")]
    [InlineData("apps/v1", "StatefulSet", "{'apiVersion':'apps/v1','kind':'StatefulSet','metadata':{'name':'s'},'spec':{'serviceName':'s','selector':{'matchLabels':{'a':'b'}},'template':{'spec':{'containers':[{'name':'db','image':'pg:15','env':[{'name':'X','value':'1'}]}]}},'volumeClaimTemplates':[{'metadata':{'name':'data'}}]}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'db','image':'pg:16','env':[{'name':'X','$patch':'delete'}]}]}},'volumeClaimTemplates':[{'metadata':{'name':'logs'}}]}}")]
    [InlineData("v1", "Endpoints", "{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'e'},'subsets':[{'addresses':[{'ip':'10.0.0.1'}],'ports':[{'port':80}]}]}",
        "{'subsets':[{'addresses':[{'ip':'10.0.0.2'}],'ports':[{'port':80}]}]}")]
    [InlineData("v1", "ServiceAccount", "{'apiVersion':'v1','kind':'ServiceAccount','metadata':{'name':'sa'},'secrets':[{'name':'a'}],'imagePullSecrets':[{'name':'p'}]}",
        "{'secrets':[{'name':'b'}],'imagePullSecrets':[{'name':'q'}]}")]
    public async Task Apply_OtherKinds_MatchKubectl(string apiVersion, string kind, string original, string patch)
    {
        var originalObject = JsonAssert.Object(original);
        var patchObject = JsonAssert.Object(patch);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var expected = await KubectlLocalPatch.ApplyAsync(originalObject, patchObject, timeout.Token);
        var actual = StrategicMergePatch.Apply(originalObject, patchObject, apiVersion, kind);

        JsonAssert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("{'spec':{'template':{'spec':{'containers':[{'name':'app','$patch':'merge'}]}}}}")]
    [InlineData("{'spec':{'template':{'spec':{'nodeSelector':{'$patch':'merge','a':'b'}}}}}")]
    [InlineData("{'spec':{'template':{'spec':{'containers':[{'image':'no-name'}]}}}}")]
    [InlineData("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'app'},{'name':'sidecar'}],'containers':[{'name':'sidecar'},{'name':'app'}]}}}}")]
    [InlineData("{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{'maxSurge':2}}}}")]
    public async Task Apply_PatchKubectlRejects_IsRejected(string patch)
    {
        var original = JsonAssert.Object(Deployment);
        var patchObject = JsonAssert.Object(patch);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        Assert.Null(await KubectlLocalPatch.ApplyAsync(original, "strategic", patchObject, timeout.Token));
        Assert.True(Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(original, patchObject, "apps/v1", "Deployment")).BadRequest);
    }
}
