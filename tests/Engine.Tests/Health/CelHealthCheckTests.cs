using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Health;
using Tide.Engine.Kube;
using static Tide.Engine.Tests.Health.LiveObjects;

namespace Tide.Engine.Tests.Health;

public sealed class CelHealthCheckTests
{
    // Flux's documented expressions for cert-manager's Certificate (RFC-0009).
    private static readonly CustomHealthCheck CertificateCheck = new()
    {
        ApiVersion = "cert-manager.io/v1",
        Kind = "Certificate",
        InProgress = "status.conditions.filter(e, e.type == 'Issuing').all(e, e.observedGeneration == metadata.generation && e.status == 'True')",
        Failed = "status.conditions.filter(e, e.type == 'Ready').all(e, e.observedGeneration == metadata.generation && e.status == 'False')",
        Current = "status.conditions.filter(e, e.type == 'Ready').all(e, e.observedGeneration == metadata.generation && e.status == 'True')",
    };

    // cert-manager keeps Issuing=False once issued; without it the inProgress expression is vacuously true (CEL's
    // all() over an empty list), exactly as in Flux.
    private const string Issued = """{"type":"Issuing","status":"False","observedGeneration":2,"reason":"Issued"}""";

    private static JsonObject Certificate(string conditions) => Parse($$$"""
        {"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"tls","namespace":"apps","generation":2},
         "spec":{"secretName":"tls","dnsNames":["app.example.com"],"issuerRef":{"kind":"ClusterIssuer","name":"le"}},
         "status":{"conditions":[{{{conditions}}}]}}
        """);

    [Fact]
    public void Issuing_IsInProgress_BeforeReadyIsLookedAt()
    {
        var check = CelHealthCheck.Compile(CertificateCheck);
        var result = check.Evaluate(Certificate("""
            {"type":"Issuing","status":"True","observedGeneration":2,"reason":"DoesNotExist"},
            {"type":"Ready","status":"False","observedGeneration":2,"reason":"DoesNotExist"}
            """));

        Assert.Equal(HealthStatus.InProgress, result.Status);
        Assert.StartsWith("inProgress expression is true", result.Message);
    }

    [Fact]
    public void ReadyFalse_IsFailed_ReadyTrue_IsCurrent()
    {
        var check = CelHealthCheck.Compile(CertificateCheck);

        var failed = check.Evaluate(Certificate(Issued + """,{"type":"Ready","status":"False","observedGeneration":2,"reason":"Failed"}"""));
        var current = check.Evaluate(Certificate(Issued + """,{"type":"Ready","status":"True","observedGeneration":2,"reason":"Ready"}"""));

        Assert.Equal(HealthStatus.Failed, failed.Status);
        Assert.Equal(HealthStatus.Current, current.Status);
    }

    [Fact]
    public void WithoutIssuingCondition_InProgressExpressionIsVacuouslyTrue()
    {
        var check = CelHealthCheck.Compile(CertificateCheck);

        var result = check.Evaluate(Certificate("""{"type":"Ready","status":"True","observedGeneration":2}"""));

        Assert.Equal(HealthStatus.InProgress, result.Status);
    }

    [Fact]
    public void NoExpressionTrue_IsInProgress()
    {
        var check = CelHealthCheck.Compile(CertificateCheck);

        // Ready describes generation 1: neither failed nor current for generation 2.
        var result = check.Evaluate(Certificate(Issued + """,{"type":"Ready","status":"True","observedGeneration":1}"""));

        Assert.Equal(HealthResult.InProgress("no healthCheckExprs expression is true yet"), result);
    }

    [Fact]
    public void ObservedGenerationBehind_IsInProgress_WithoutEvaluating()
    {
        var check = CelHealthCheck.Compile(new CustomHealthCheck { ApiVersion = "example.com/v1", Kind = "Database", Current = "true" });

        var result = check.Evaluate(Parse("""
            {"apiVersion":"example.com/v1","kind":"Database","metadata":{"name":"db","generation":3},"status":{"observedGeneration":2}}
            """));

        Assert.Equal(HealthResult.InProgress("Database generation is 3, but latest observed generation is 2"), result);
    }

    [Fact]
    public void MissingField_IsUnknown_WithTheReason()
    {
        var check = CelHealthCheck.Compile(CertificateCheck);

        var result = check.Evaluate(Parse("""{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"tls","generation":1}}"""));

        Assert.Equal(HealthStatus.Unknown, result.Status);
        Assert.Contains("inProgress expression", result.Message);
    }

    [Fact]
    public void NonBooleanResult_IsUnknown()
    {
        var check = CelHealthCheck.Compile(new CustomHealthCheck { ApiVersion = "example.com/v1", Kind = "Database", Current = "spec.size" });

        var result = check.Evaluate(Parse("""{"apiVersion":"example.com/v1","kind":"Database","metadata":{"name":"db"},"spec":{"size":3}}"""));

        Assert.Equal(new HealthResult(HealthStatus.Unknown, "current expression 'spec.size' did not evaluate to a bool"), result);
    }

    [Fact]
    public void InvalidExpression_FailsToCompile_NamingTheEntry()
    {
        var error = Assert.Throws<InvalidHealthCheckExpressionException>(() => CelHealthCheck.Compile(
            new CustomHealthCheck { ApiVersion = "example.com/v1", Kind = "Database", Current = "status.(" }));

        Assert.StartsWith("healthCheckExprs example.com/v1/Database current: invalid CEL expression 'status.('", error.Message);
    }

    [Theory]
    [InlineData("cert-manager.io/v1", "Certificate", true)]
    [InlineData("cert-manager.io/v1beta1", "Certificate", true)]
    [InlineData("cert-manager.io/v1", "Issuer", false)]
    [InlineData("example.com/v1", "Certificate", false)]
    public void Applies_ToItsGroupAndKind_InAnyVersion(string apiVersion, string kind, bool applies)
    {
        var check = CelHealthCheck.Compile(CertificateCheck);

        Assert.Equal(applies, check.Applies(Parse($$$"""{"apiVersion":"{{{apiVersion}}}","kind":"{{{kind}}}"}""")));
    }

    [Fact]
    public async Task HealthChecker_UsesExpressions_ForTheirKinds_AndKstatusForOthers()
    {
        var certificate = new ObjectRef("cert-manager.io/v1", "Certificate", "apps", "tls");
        var settings = new ObjectRef("v1", "ConfigMap", "apps", "settings");
        var cluster = new Dictionary<ObjectRef, JsonObject>
        {
            [certificate] = Certificate(Issued + """,{"type":"Ready","status":"False","observedGeneration":2,"reason":"Failed"}"""),
            [settings] = Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"apps"}}"""),
        };
        var checker = new HealthChecker((r, _) => Task.FromResult<JsonObject?>(cluster[r]), TimeProvider.System,
            [CelHealthCheck.Compile(CertificateCheck)]);

        var report = await checker.CheckAsync([settings, certificate], CancellationToken.None);

        Assert.Equal(HealthStatus.Current, report.Objects[0].Status);
        Assert.Equal(certificate, report.FirstFailed?.Object);
    }

    [Fact]
    public void Numbers_CompareAsIntsAndDoubles_WhetherParsedOrSetInCode()
    {
        var check = CelHealthCheck.Compile(new CustomHealthCheck
        {
            ApiVersion = "example.com/v1",
            Kind = "Database",
            Current = "status.replicas == 3 && status.ratio > 0.5 && spec.size == 3",
        });
        var database = Parse("""{"apiVersion":"example.com/v1","kind":"Database","metadata":{"name":"db"},"spec":{"size":3},"status":{"ratio":0.75}}""");
        database["status"]!["replicas"] = 3;

        Assert.Equal(HealthStatus.Current, check.Evaluate(database).Status);
    }
}
