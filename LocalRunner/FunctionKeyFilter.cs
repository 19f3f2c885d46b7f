using System.ComponentModel.DataAnnotations;
using BitrixRetailCrm.Hooks;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.LocalRunner;

public sealed class FunctionKeyOptions
{
    public const string Section = "LocalRunner";

    /// <summary>Plays the function key Azure enforces for AuthorizationLevel.Function.</summary>
    [Required, MinLength(16)] public string FunctionKey { get; set; } = "";
}

/// <summary>
/// Azure checks function keys (`code` query parameter or x-functions-key header) before our code runs; the Functions
/// host skips that locally, so the runner does it itself and tests see the same 401s as production.
/// </summary>
public sealed class FunctionKeyFilter(IOptions<FunctionKeyOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        string? key = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (Secrets.FixedTimeEquals(key, options.Value.FunctionKey))
            return await next(context);
        return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "Missing or wrong function key.");
    }
}
