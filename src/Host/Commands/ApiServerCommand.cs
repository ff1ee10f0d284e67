using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Tide.ApiServer;
using Tide.ApiServer.Faults;

namespace Tide.Host.Commands;

/// <summary>`tide apiserver`: runs the embedded Kubernetes-compatible API server until SIGINT/SIGTERM.</summary>
public static class ApiServerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (0: a free port)", DefaultValueFactory = _ => 0 };
        var kubeconfig = new Option<string?>("--kubeconfig-out") { Description = "write a kubeconfig for kubectl to this file" };
        var data = new Option<string?>("--data") { Description = "persist state in this directory (default: in memory)" };
        var workloadDelay = new Option<TimeSpan>("--workload-delay")
        {
            Description = "delay before simulated workloads become ready, e.g. 1s, 500ms (0: at once)",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
            CustomParser = r => ParseDuration(r, r.Tokens[0].Value),
        };
        var noWorkloads = new Option<bool>("--no-workload-simulation") { Description = "do not simulate workload status" };
        var token = new Option<string?>("--token") { Description = "bearer token of the admin user (default: random)" };
        var tls = new Option<bool>("--tls") { Description = "serve HTTPS with a generated certificate and require the token" };
        var latency = new Option<TimeSpan>("--fault-latency")
        {
            Description = "latency added to every resource request",
            CustomParser = r => ParseDuration(r, r.Tokens[0].Value),
        };
        var rate429 = new Option<string?>("--fault-429") { Description = "rate of 429 answers: 0.1 (every verb) or get=0.1,create=0.2" };
        var rate500 = new Option<string?>("--fault-500") { Description = "rate of 500 answers: 0.1 (every verb) or list=0.05,patch=0.1" };
        var rateDrop = new Option<string?>("--fault-drop") { Description = "rate of requests whose connection is dropped unanswered: 0.1 (every verb) or patch=0.1" };
        var closeEvents = new Option<int?>("--fault-watch-close-after-events") { Description = "end watches after N events" };
        var closeAfter = new Option<TimeSpan?>("--fault-watch-close-after")
        {
            Description = "end watches after this long, e.g. 30s",
            CustomParser = r => ParseDuration(r, r.Tokens[0].Value),
        };
        var command = new Command("apiserver", "Run the embedded Kubernetes-compatible API server.")
        {
            port, kubeconfig, data, workloadDelay, noWorkloads, token, tls, latency, rate429, rate500, rateDrop, closeEvents, closeAfter,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new ApiServerOptions
            {
                Port = parse.GetValue(port),
                DataDirectory = parse.GetValue(data),
                WorkloadDelay = parse.GetValue(workloadDelay),
                SimulateWorkloads = !parse.GetValue(noWorkloads),
                Token = parse.GetValue(token),
                Tls = parse.GetValue(tls),
                Faults = new FaultOptions
                {
                    Latency = parse.GetValue(latency),
                    TooManyRequestsRate = ParseRates(parse.GetValue(rate429)),
                    InternalErrorRate = ParseRates(parse.GetValue(rate500)),
                    ConnectionDropRate = ParseRates(parse.GetValue(rateDrop)),
                    WatchCloseAfterEvents = parse.GetValue(closeEvents),
                    WatchCloseAfter = parse.GetValue(closeAfter),
                },
            };
            await using var server = await ApiServerHost.StartAsync(options, ct);
            if (parse.GetValue(kubeconfig) is { } path) server.WriteKubeconfig(path);
            Console.Out.WriteLine(server.Url.GetLeftPart(UriPartial.Authority));
            await Console.Out.FlushAsync(ct);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                // SIGINT or SIGTERM: stop serving.
            }
            return 0;
        });
        return command;
    }

    private static TimeSpan ParseDuration(ArgumentResult result, string text)
    {
        var units = new (string Suffix, double Seconds)[] { ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600) };
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix) && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }
        if (text == "0") return TimeSpan.Zero;
        result.AddError($"'{text}' is not a duration (e.g. 500ms, 1s, 2m)");
        return TimeSpan.Zero;
    }

    private static Dictionary<string, double> ParseRates(string? text)
    {
        var rates = new Dictionary<string, double>();
        if (string.IsNullOrWhiteSpace(text)) return rates;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = part.IndexOf('=');
            var verb = at < 0 ? "*" : part[..at];
            rates[verb] = double.Parse(at < 0 ? part : part[(at + 1)..], CultureInfo.InvariantCulture);
        }
        return rates;
    }
}
