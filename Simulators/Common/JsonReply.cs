using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BitrixRetailCrm.Simulators.Common;

internal static class JsonReply
{
    public static async Task WriteAsync(HttpContext context, int statusCode, JsonNode body, JsonSerializerOptions options)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(options), context.RequestAborted);
    }
}
