using System.Text;
using Microsoft.AspNetCore.Http;

namespace BitrixRetailCrm.Hooks;

internal static class RequestBody
{
    /// <summary>Reads at most <paramref name="maxBytes"/>; a larger body is refused with 413 before it is parsed.</summary>
    public static async Task<string> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        var buffer = new byte[maxBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(total), ct)) > 0)
            total += read;
        if (total > maxBytes) throw TooLarge(maxBytes);
        try
        {
            return new UTF8Encoding(false, true).GetString(buffer, 0, total);
        }
        catch (DecoderFallbackException)
        {
            throw new HookRejectedException(400, "Invalid encoding", "The body must be UTF-8.");
        }
    }

    private static HookRejectedException TooLarge(int maxBytes) =>
        new(413, "Payload too large", $"The body exceeds {maxBytes} bytes.");
}
