using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// One authenticated API call: parameters come from the form body (POST) or the query string, entities are
/// JSON strings inside form fields, and arrays use PHP bracket keys (ids[]=1 or ids[0]=1).
/// </summary>
internal sealed class RetailCrmCall(
    RetailCrmSimulatorOptions options, IQueryCollection query, IFormCollection form, string apiKey, RouteValueDictionary route)
{
    public string ApiKey => apiKey;

    public string Route(string name) => (string)route[name]!;

    public string? Param(string name)
    {
        StringValues value = form.TryGetValue(name, out StringValues fromForm) ? fromForm : query[name];
        return StringValues.IsNullOrEmpty(value) ? null : value.ToString();
    }

    public IReadOnlyList<string> Values(string name) =>
        query.Concat(form)
            .Where(p => p.Key == name || p.Key == name + "[]" || IsIndexedKey(p.Key, name))
            .SelectMany(p => p.Value)
            .OfType<string>()
            .ToArray();

    public bool TryReadEntity<TNode>(string field, out TNode entity, out RetailCrmReply? refusal) where TNode : JsonNode
    {
        entity = null!;
        string? raw = Param(field);
        if (raw is null)
        {
            refusal = RetailCrmReply.BadRequest($"Parameter '{field}' is missing");
            return false;
        }
        try
        {
            if (JsonNode.Parse(raw) is TNode parsed)
            {
                entity = parsed;
                refusal = null;
                return true;
            }
        }
        catch (JsonException)
        {
            // Falls through to the same answer as a value of the wrong shape.
        }
        refusal = RetailCrmReply.InvalidParameters(field, "This value is not valid.");
        return false;
    }

    /// <summary>
    /// The store the call is about: the site parameter, else the entity's own site, else the only store of the account.
    /// With several stores and none named, creating is refused; looking up searches them all (site = null).
    /// </summary>
    public bool TryResolveSite(JsonObject? entity, bool required, out string? site, out RetailCrmReply? refusal)
    {
        site = Param("site") ?? (entity is null ? null : Common.JsonValues.AsString(entity["site"]));
        refusal = null;
        if (site is null)
        {
            if (options.Sites.Count == 1)
                site = options.Sites[0];
            else if (required)
                refusal = RetailCrmReply.BadRequest("Parameter 'site' is missing");
            return refusal is null;
        }
        if (!options.Sites.Contains(site))
            refusal = RetailCrmReply.BadRequest($"Site \"{site}\" does not exist or is not available for this API key.");
        return refusal is null;
    }

    /// <summary>by=externalId (default) or by=id.</summary>
    public bool TryReadById(out bool byId, out RetailCrmReply? refusal)
    {
        string by = Param("by") ?? "externalId";
        byId = by == "id";
        refusal = by is "id" or "externalId" ? null : RetailCrmReply.InvalidParameters("by", "The value you selected is not a valid choice.");
        return refusal is null;
    }

    /// <summary>limit is 20 (default), 50 or 100; page starts at 1.</summary>
    public bool TryReadPage(out int limit, out int page, out RetailCrmReply? refusal)
    {
        limit = 20;
        page = 1;
        refusal = null;
        if (Param("limit") is { } rawLimit && (!int.TryParse(rawLimit, out limit) || limit is not (20 or 50 or 100)))
            refusal = RetailCrmReply.InvalidParameters("limit", "The value you selected is not a valid choice.");
        else if (Param("page") is { } rawPage && (!int.TryParse(rawPage, out page) || page < 1))
            refusal = RetailCrmReply.InvalidParameters("page", "This value should be greater than or equal to 1.");
        return refusal is null;
    }

    private static bool IsIndexedKey(string key, string name) =>
        key.Length > name.Length + 2 && key.StartsWith(name + "[", StringComparison.Ordinal) && key.EndsWith(']')
        && key[(name.Length + 1)..^1].All(char.IsAsciiDigit);
}
