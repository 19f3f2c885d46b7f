using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Deployment;

/// <summary>
/// The Bicep CLI of the NuGet package Azure.Bicep.CommandLine.linux-x64, which the test project only downloads
/// (PackageDownload); its version and the packages folder are baked into this assembly's metadata by the csproj.
/// </summary>
internal static class BicepCli
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed)
    {
        public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n{Output}";
    }

    private static readonly Lazy<string> Executable = new(Locate);

    public static string Version => Metadata("BicepCliVersion");

    public static string Path => Executable.Value;

    public static async Task<Result> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Path) { WorkingDirectory = Repo.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("bicep did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', args)} ran longer than 3 minutes");
        }
        return new Result(process.ExitCode, ((await stdout) + (await stderr)).Trim(), clock.Elapsed);
    }

    private static string Locate()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.OSArchitecture != Architecture.X64)
            Assert.Ignore("the Bicep CLI package used here is linux-x64 only");
        var roots = new[]
        {
            Metadata("NuGetPackageRoot"),
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        var candidates = roots.Where(r => !string.IsNullOrEmpty(r))
            .Select(r => System.IO.Path.Combine(r!, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep"))
            .ToList();
        var found = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("Bicep CLI not found (restore Functions.Tests): " + string.Join(", ", candidates));
        // NuGet extracts files without their execute bit on some setups.
        if (OperatingSystem.IsLinux() && File.GetUnixFileMode(found) is var mode && !mode.HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(found, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
        return found;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata {key} missing (Functions.Tests.csproj)");
}
