using Microsoft.AspNetCore.Mvc;

namespace BitrixRetailCrm.Hooks;

public static class Problems
{
    public static IActionResult Create(int status, string title, string detail) =>
        new ObjectResult(new ProblemDetails { Status = status, Title = title, Detail = detail })
        {
            StatusCode = status,
            ContentTypes = { "application/problem+json" },
        };
}
