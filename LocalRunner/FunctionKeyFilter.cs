using System.ComponentModel.DataAnnotations;
using BitrixRetailCrm.Hooks;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.LocalRunner;

public sealed class FunctionKeyOptions
{
    public const string Section = "LocalRunner";

    /// <summary>Plays the function key Azure enforces for AuthorizationLevel.Function.</summary>
    [Required, MinLength(16)] public string FunctionKey { get; set; } = "";

    /// <summary>Plays the host master key Azure demands for AuthorizationLevel.Admin; like it, also opens function-level routes.</summary>
    [Required, MinLength(16)] public string AdminKey { get; set; } = "";
}

/// <summary>
/// Azure checks function keys (`code` query parameter or x-functions-key header) before our code runs; the Functions
/// host skips that locally, so the runner does it itself and tests see the same 401s as production. Function-level
/// routes take the function key or the admin (master) key, as in Azure.
/// </summary>
public sealed class FunctionKeyFilter(IOptions<FunctionKeyOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var key = FunctionKeys.Presented(context.HttpContext.Request);
        return Secrets.FixedTimeEquals(key, options.Value.FunctionKey) || Secrets.FixedTimeEquals(key, options.Value.AdminKey)
            ? await next(context)
            : FunctionKeys.Unauthorized("Missing or wrong function key.");
    }
}

/// <summary>Admin-level routes: only the admin key, as only the master key opens them in Azure.</summary>
public sealed class AdminKeyFilter(IOptions<FunctionKeyOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Secrets.FixedTimeEquals(FunctionKeys.Presented(context.HttpContext.Request), options.Value.AdminKey)
            ? await next(context)
            : FunctionKeys.Unauthorized("Missing or wrong admin key.");
}

internal static class FunctionKeys
{
    public static string? Presented(HttpRequest request) =>
        request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();

    public static IResult Unauthorized(string detail) => Results.Problem(statusCode: 401, title: "Unauthorized", detail: detail);
}
