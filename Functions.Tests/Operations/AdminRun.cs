using BitrixRetailCrm.Admin;
using BitrixRetailCrm.Tests.Infrastructure;

namespace BitrixRetailCrm.Tests.Operations;

/// <summary>One run of the Admin CLI in-process, configured like the harness's runner (same storage, tables, APIs).</summary>
public sealed record AdminRun(int ExitCode, string Out, string Err)
{
    public static async Task<AdminRun> RunAsync(IntegrationHarness harness, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await AdminCli.RunAsync(args, stdout, stderr, harness.Runner.Configuration);
        return new AdminRun(code, stdout.ToString(), stderr.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}
