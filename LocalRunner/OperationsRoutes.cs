using BitrixRetailCrm.Operations;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>The runner's twins of Functions/OpsStatusFunction.cs and Functions/DeadLetter*Function.cs.</summary>
public static class OperationsRoutes
{
    public static void MapOperations(this WebApplication app)
    {
        app.MapGet("/api/ops/status", (HttpContext ctx, OperationsStatusHandler handler) =>
                LocalRunnerApp.RunFunctionAsync(ctx, () => handler.HandleAsync(ctx.RequestAborted)))
            .AddEndpointFilter<FunctionKeyFilter>();
        app.MapGet("/api/ops/dead-letters", (HttpContext ctx, DeadLetterOperationsHandler handler) =>
                LocalRunnerApp.RunFunctionAsync(ctx, () => handler.ListAsync(ctx.Request, ctx.RequestAborted)))
            .AddEndpointFilter<AdminKeyFilter>();
        app.MapPost("/api/ops/dead-letters/replay", (HttpContext ctx, DeadLetterOperationsHandler handler) =>
                LocalRunnerApp.RunFunctionAsync(ctx, () => handler.ReplayAsync(ctx.Request, ctx.RequestAborted)))
            .AddEndpointFilter<AdminKeyFilter>();
    }
}
