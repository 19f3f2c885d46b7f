using System.Security.Cryptography;
using System.Text;

namespace BitrixRetailCrm.Hooks;

public static class Secrets
{
    /// <summary>Constant-time comparison, so response times do not reveal how much of a guessed secret was right.</summary>
    public static bool FixedTimeEquals(string? actual, string expected) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(actual), Encoding.UTF8.GetBytes(expected));
}
