namespace Tide.ApiServer.Tests;

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Asserts success and returns stdout.</summary>
    public string Ok()
    {
        Assert.True(ExitCode == 0, $"kubectl failed ({ExitCode}): {Stderr}\n{Stdout}");
        return Stdout;
    }
}
