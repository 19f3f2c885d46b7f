using Flurl.Http;

namespace BitrixRetailCrm.Http;

/// <summary>Sends a Flurl request and turns transport failures into exceptions that do not carry the URL.</summary>
internal static class FlurlCalls
{
    public static async Task<(int Status, string Body)> SendAsync(string service, string operation,
        Func<Task<IFlurlResponse>> send)
    {
        using var response = await OpenAsync(service, operation, send);
        return (response.StatusCode, await response.GetStringAsync());
    }

    /// <summary>For large answers the caller streams itself; the caller disposes the response.</summary>
    public static async Task<IFlurlResponse> OpenAsync(string service, string operation, Func<Task<IFlurlResponse>> send)
    {
        try
        {
            return await send();
        }
        catch (FlurlHttpException ex)
        {
            // Flurl's own message names the URL; keep only the transport cause (refused, timed out, circuit open).
            var cause = ex.InnerException ?? ex;
            throw new ExternalCallException(service, operation, $"{cause.GetType().Name}: {cause.Message}", inner: cause);
        }
    }
}
