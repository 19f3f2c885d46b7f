using System.Diagnostics;

namespace BitrixRetailCrm.LocalRunner;

public static class ChildProcesses
{
    /// <summary>
    /// Kills <paramref name="process"/> when this process exits, even when a test run is aborted before its teardown:
    /// an orphan Azurite, runner or simulator would hold ports and inherited file descriptors.
    /// </summary>
    public static void KillOnExit(Func<Process?> process) =>
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                if (process() is { HasExited: false } running) running.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException) { } // already gone
        };
}
