using BitrixRetailCrm.LocalRunner.DevStorage;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests;

/// <summary>One Azurite for the whole run, started lazily by the first test that needs storage.</summary>
[SetUpFixture]
public sealed class TestRun
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Azurite? _azurite;

    public static async Task<string> StorageConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _azurite ??= await Azurite.StartAsync();
            return _azurite.ConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    [OneTimeTearDown]
    public async Task StopAzuriteAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
